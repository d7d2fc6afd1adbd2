package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.security.SecurityState.Assessment;
import ai.sentinel.dr.security.SecurityState.Containment;
import ai.sentinel.dr.security.SecurityState.Indicators;
import ai.sentinel.dr.support.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetRequest;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.IPSet;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetRequest;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;

/** BlockIps: the merge, the lock token, the limits, and what a second run sends. */
class BlockIpsTest {
  private Wafv2Client waf;
  private DynamoDbClient dynamo;
  private final List<Duration> slept = new ArrayList<>();

  @BeforeEach
  void setUp() {
    waf = Fixtures.sdkMock(Wafv2Client.class);
    dynamo = Fixtures.sdkMock(DynamoDbClient.class);
    slept.clear();
  }

  private void ipSet(String token, List<String> addresses) {
    when(waf.getIPSet(any(GetIpSetRequest.class))).thenReturn(GetIpSetResponse.builder().lockToken(token)
        .ipSet(IPSet.builder().name("sentinel-blocklist").id("a1b2c3d4-5678-90ab-cdef-111111111111")
            .description("Sentinel blocklist").addresses(addresses).build()).build());
  }

  private BlockIps step() {
    return new BlockIps(Fixtures.deps(waf, dynamo), slept::add);
  }

  static Recovery assessed(boolean dryRun, List<String> ips) {
    Recovery r = Recovery.start("security-incident", "203.0.113.77", "security-incident-203-0-113-77-0123456789ab",
        "dev", new Trigger("security-event", "eventbridge", "f1", "2026-01-17T10:02:11Z", "GuardDuty"),
        new Options(null, "latest", null, dryRun, 30, 5));
    Assessment a = new Assessment("P1", "active breach", "guardduty", "credentials used from 203.0.113.77",
        new Indicators(ips, List.of(), null, null, "f1", "UnauthorizedAccess:IAMUser/X", 8.0), List.of(), true,
        new Containment(true, false, true), "2026-01-17T10:03:00Z");
    return r.with(SecurityState.PART, SecurityState.assessed(a));
  }

  /** BlockFoundIps: after the approval, the investigation's addresses join the set; the first round's stay recorded. */
  @Test
  void theSecondRoundBlocksTheAddressesTheInvestigationProposed() {
    ipSet("token-2", List.of("203.0.113.77/32"));
    when(waf.updateIPSet(any(UpdateIpSetRequest.class))).thenReturn(UpdateIpSetResponse.builder()
        .nextLockToken("token-3").build());
    Recovery first = assessed(false, List.of("203.0.113.77/32")).update(SecurityState.PART, st -> st
        .withBlocks(new SecurityState.Blocks(List.of("203.0.113.77/32"), List.of(), "2026-01-18T10:05:00Z", 1, 1))
        .withInvestigation(new SecurityState.Investigation("2026-01-16T10:05:00Z", "2026-01-17T10:05:00Z",
            "/ecs/sentinel-api", 50, 20, false, java.util.Map.of("203.0.113.77", 17, "198.51.100.77", 3),
            java.util.Map.of(), java.util.Map.of(), List.of(), List.of(), true, List.of("198.51.100.77/32"))));
    Recovery out = StepHarness.invoke(step(), first);
    ArgumentCaptor<UpdateIpSetRequest> sent = ArgumentCaptor.forClass(UpdateIpSetRequest.class);
    verify(waf).updateIPSet(sent.capture());
    assertEquals(List.of("203.0.113.77/32", "198.51.100.77/32"), sent.getValue().addresses());
    SecurityState.Blocks blocks = out.part(SecurityState.PART).blocks();
    assertEquals(List.of("203.0.113.77/32", "198.51.100.77/32"), blocks.added(),
        "the first round's block stays this recovery's (the report and VerifyContainment read it)");
    assertEquals(List.of(), blocks.alreadyBlocked());
  }

  @Test
  void withoutTheSecondRoundTheProposedAddressesAreNotBlocked() {
    ipSet("token-2", List.of("203.0.113.77/32"));
    Recovery first = assessed(false, List.of("203.0.113.77/32")).update(SecurityState.PART, st -> st
        .withInvestigation(new SecurityState.Investigation("2026-01-16T10:05:00Z", "2026-01-17T10:05:00Z",
            "/ecs/sentinel-api", 50, 20, false, java.util.Map.of(), java.util.Map.of(), java.util.Map.of(),
            List.of(), List.of(), false, List.of("198.51.100.77/32"))));
    StepHarness.invoke(step(), first);
    verify(waf, org.mockito.Mockito.never()).updateIPSet(any(UpdateIpSetRequest.class));
  }

  @Test
  void mergesWithTheLockTokenKeepingEveryExistingEntry() {
    ipSet("token-1", List.of("192.0.2.200/32", "2001:DB8::/32"));
    when(waf.updateIPSet(any(UpdateIpSetRequest.class))).thenReturn(UpdateIpSetResponse.builder()
        .nextLockToken("token-2").build());
    Recovery out = StepHarness.invoke(step(), assessed(false, List.of("203.0.113.77/32", "2001:db8::/32")));
    ArgumentCaptor<UpdateIpSetRequest> sent = ArgumentCaptor.forClass(UpdateIpSetRequest.class);
    verify(waf).updateIPSet(sent.capture());
    assertEquals("token-1", sent.getValue().lockToken());
    assertEquals(List.of("192.0.2.200/32", "2001:DB8::/32", "203.0.113.77/32"), sent.getValue().addresses(),
        "existing entries kept as written, an equal range not added twice");
    assertEquals("Sentinel blocklist", sent.getValue().description(), "UpdateIPSet replaces the description too");
    SecurityState s = out.part(SecurityState.PART);
    assertEquals(List.of("203.0.113.77/32"), s.blocks().added());
    assertEquals(List.of("2001:db8::/32"), s.blocks().alreadyBlocked());
    assertEquals("2026-01-18T10:05:00Z", s.blocks().expiresAt(), "24 h from now by default");
    assertTrue(s.actions().stream().anyMatch(a -> a.action().contains("blocked 203.0.113.77/32")
        && a.action().contains("until 2026-01-18T10:05:00Z") && a.action().contains(out.executionName())),
        "each block records its expiry, who and why: " + s.actions());
  }

  @Test
  void eachBlockIsRecordedWithItsExpiryAndAHandAddedEntryNeverStartsExpiring() {
    ipSet("token-1", List.of("192.0.2.200/32"));
    when(waf.updateIPSet(any(UpdateIpSetRequest.class))).thenReturn(UpdateIpSetResponse.builder().build());
    StepHarness.invoke(step(), assessed(false, List.of("203.0.113.77/32", "192.0.2.200/32")));
    ArgumentCaptor<PutItemRequest> put = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(dynamo, times(2)).putItem(put.capture());
    PutItemRequest added = put.getAllValues().get(0);
    assertEquals("dev-sentinel-dr-security-blocks", added.tableName());
    assertEquals("203.0.113.77/32", added.item().get("cidr").s());
    assertEquals(String.valueOf(java.time.Instant.parse("2026-01-18T10:05:00Z").getEpochSecond()),
        added.item().get("expiresAt").n(), "24 h");
    assertTrue(added.item().get("blockedBy").s().startsWith("security-incident-"));
    assertTrue(added.conditionExpression().startsWith("attribute_not_exists"), "a later expiry is never shortened");
    PutItemRequest already = put.getAllValues().get(1);
    assertEquals("192.0.2.200/32", already.item().get("cidr").s());
    assertTrue(already.conditionExpression().startsWith("attribute_exists"),
        "an entry in the set without a record of ours (added by hand) is not made to expire");
  }

  @Test
  void aConcurrentWriterMakesItReadAndMergeAgain() {
    ipSet("stale", List.of());
    when(waf.updateIPSet(any(UpdateIpSetRequest.class)))
        .thenThrow(WafOptimisticLockException.builder().message("lock token changed").build())
        .thenReturn(UpdateIpSetResponse.builder().nextLockToken("t3").build());
    Recovery out = StepHarness.invoke(step(), assessed(false, List.of("203.0.113.77/32")));
    verify(waf, times(2)).getIPSet(any(GetIpSetRequest.class));
    verify(waf, times(2)).updateIPSet(any(UpdateIpSetRequest.class));
    assertEquals(1, slept.size(), "one jittered backoff between the rounds");
    assertTrue(slept.get(0).toMillis() >= 200 && slept.get(0).toMillis() <= 400, slept.toString());
    assertEquals(2, out.part(SecurityState.PART).blocks().attempts());
  }

  @Test
  void endlessConflictsAreBoundedAndLeftToTheStateMachinesRetry() {
    ipSet("stale", List.of());
    when(waf.updateIPSet(any(UpdateIpSetRequest.class)))
        .thenThrow(WafOptimisticLockException.builder().message("lock token changed").build());
    assertThrows(RetryableStepError.class, () -> StepHarness.invoke(step(), assessed(false,
        List.of("203.0.113.77/32"))));
    verify(waf, times(IpSets.MAX_ATTEMPTS)).updateIPSet(any(UpdateIpSetRequest.class));
    slept.forEach(d -> assertTrue(d.toMillis() <= 5000, d.toString()));
  }

  @Test
  void aSecondRunSendsNothing() {
    ipSet("t", List.of("203.0.113.77/32"));
    Recovery out = StepHarness.invoke(step(), assessed(false, List.of("203.0.113.77/32")));
    verify(waf, never()).updateIPSet(any(UpdateIpSetRequest.class));
    assertEquals(List.of("203.0.113.77/32"), out.part(SecurityState.PART).blocks().alreadyBlocked());
    assertEquals(1, StepHarness.entries(out, "BlockIps", "verified").size());
  }

  @Test
  void beyondWafsLimitNothingIsSent() {
    List<String> full = new ArrayList<>();
    for (int i = 0; i < SecuritySettings.WAF_IP_SET_LIMIT; i++) {
      full.add("198.18." + (i / 250) + "." + (i % 250 + 1) + "/32");
    }
    ipSet("t", full);
    StepFailedError e = assertThrows(StepFailedError.class, () -> StepHarness.invoke(step(),
        assessed(false, List.of("203.0.113.77/32"))));
    assertTrue(e.getMessage().contains("10000"), e.getMessage());
    verify(waf, never()).updateIPSet(any(UpdateIpSetRequest.class));
  }

  @Test
  void allowListedOrPrivateAddressesRefuseTheWholeBlock() {
    ipSet("t", List.of());
    for (String bad : List.of("198.51.100.3/32", "10.0.0.1/32", "not-an-ip")) {
      assertThrows(StepFailedError.class, () -> StepHarness.invoke(step(), assessed(false,
          List.of("203.0.113.77/32", bad))), bad);
    }
    verify(waf, never()).updateIPSet(any(UpdateIpSetRequest.class));
  }

  @Test
  void aDryRunPlansTheUpdate() {
    ipSet("t", List.of());
    Recovery out = StepHarness.invoke(step(), assessed(true, List.of("203.0.113.77/32")));
    verify(waf, never()).updateIPSet(any(UpdateIpSetRequest.class));
    verify(dynamo, never()).putItem(any(PutItemRequest.class));
    assertEquals(List.of("PutItem", "UpdateIPSet"), out.plan().stream().map(p -> p.api()).toList(),
        "the block's record with its expiry, then the update");
  }
}
