package ai.sentinel.dr.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.TemplatedEmail;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.report.Documents;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.IncidentReports;
import ai.sentinel.dr.scenario.ApprovalGate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/**
 * NotifyCustomers: one SES templated email per failover, from the DR region, with the configured template, sender,
 * recipients and status text; a retry (claim already in the DR table) sends nothing again; a failed send releases the
 * claim; nothing is sent unverified, without a channel, or in a dry-run (planned).
 */
class NotifyCustomersTest {
  private static final String CHANNEL = ",\"customerNotification\":{\"template\":\"sentinel-region-failover\","
      + "\"sender\":\"status@sentinel.example.com\",\"recipients\":[\"customers@example.com\"],"
      + "\"statusText\":\"We moved the service to our backup region.\"}}";
  private final TemplatedEmail email = mock(TemplatedEmail.class);
  private final DynamoDbClient table = Fixtures.sdkMock(DynamoDbClient.class);

  private Deps deps(boolean withChannel) {
    Map<String, String> env = new java.util.HashMap<>(Regions.env(null));
    if (withChannel) {
      String section = env.get("SETTINGS_DR");
      env.put("SETTINGS_DR", section.substring(0, section.length() - 1) + CHANNEL);
    }
    return Regions.deps(env, Map.of(TemplatedEmail.class, email, DynamoDbClient.class, table), Map.of());
  }

  private static Recovery verified(boolean dryRun) {
    return Regions.recovery(dryRun).withVerification(Verification.of(List.of(new Check("dns",
        Verification.Result.PASS, "ok"))));
  }

  @Test
  void aVerifiedFailoverSendsOneTemplatedEmailFromTheDrRegionWithTheConfiguredText() {
    when(email.send(anyString(), anyList(), anyString(), anyString())).thenReturn("msg-1");
    when(table.putItem(any(PutItemRequest.class))).thenAnswer(i -> {
      PutItemRequest r = i.getArgument(0);
      assertEquals("attribute_not_exists(pk)", r.conditionExpression());
      assertEquals("customers#" + Regions.EXECUTION, r.item().get("pk").s());
      assertEquals("dev-sentinel-dr-region-locks", r.tableName());
      return PutItemResponse.builder().build();
    });
    Recovery out = new NotifyCustomers(deps(true)).run(verified(false));
    ArgumentCaptor<String> data = ArgumentCaptor.forClass(String.class);
    verify(email).send(eq("status@sentinel.example.com"), eq(List.of("customers@example.com")),
        eq("sentinel-region-failover"), data.capture());
    assertEquals("We moved the service to our backup region.", Json.tree(data.getValue()).path("statusText")
        .asText());
    assertEquals("eu-west-1", Json.tree(data.getValue()).path("drRegion").asText());
    assertTrue(out.timeline().stream().anyMatch(e -> e.event().equals("notified") && e.detail().contains("msg-1")),
        out.timeline().toString());
  }

  @Test
  void aRetryFindsTheClaimAndSendsNothingAgain() {
    when(table.putItem(any(PutItemRequest.class))).thenThrow(ConditionalCheckFailedException.builder()
        .message("exists").build());
    when(table.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder().item(Map.of("pk",
        AttributeValue.fromS("customers#" + Regions.EXECUTION), "messageId", AttributeValue.fromS("msg-1"))).build());
    Recovery out = new NotifyCustomers(deps(true)).run(verified(false));
    verify(email, never()).send(anyString(), anyList(), anyString(), anyString());
    assertTrue(out.timeline().stream().anyMatch(e -> e.event().equals("skipped") && e.detail().contains("msg-1")),
        out.timeline().toString());
  }

  @Test
  void aFailedSendReleasesTheClaimSoThatTheRetrySends() {
    when(email.send(anyString(), anyList(), anyString(), anyString())).thenThrow(SdkClientException.create("down"));
    assertThrows(RuntimeException.class, () -> new NotifyCustomers(deps(true)).run(verified(false)));
    ArgumentCaptor<DeleteItemRequest> deleted = ArgumentCaptor.forClass(DeleteItemRequest.class);
    verify(table).deleteItem(deleted.capture());
    assertEquals("customers#" + Regions.EXECUTION, deleted.getValue().key().get("pk").s());
  }

  @Test
  void nothingIsSentUnverifiedWithoutAChannelOrInADryRun() {
    Recovery unverified = new NotifyCustomers(deps(true)).run(Regions.recovery(false));
    assertTrue(unverified.timeline().stream().anyMatch(e -> e.event().equals("skipped")), unverified.toString());
    Recovery none = new NotifyCustomers(deps(false)).run(verified(false));
    assertTrue(none.timeline().stream().anyMatch(e -> e.detail().contains("dr.customerNotification")),
        none.toString());
    Recovery plan = new NotifyCustomers(deps(true)).run(verified(true));
    assertEquals(List.of("SendTemplatedEmail eu-west-1:sentinel-region-failover"), plan.plan().stream()
        .map(p -> p.api() + " " + p.target()).toList());
    verify(email, never()).send(anyString(), anyList(), anyString(), anyString());
    verify(table, times(0)).putItem(any(PutItemRequest.class));
    verify(table, never()).getItem(any(GetItemRequest.class));
  }

  /** prod sets no channel (cdk.json): the failover must say, before and after, that nobody tells the customers. */
  @Test
  void withoutAChannelTheGateAndTheReportSayTheCustomersAreNotTold() {
    RegionState ready = new RegionState(new RegionState.Confirmation("us-east-1", "eu-west-1", true, "confirmed: test",
        List.of(), "2026-01-17T10:02:00Z")).withCopy(new RegionState.CopyChoice(
            "sentinel-db-cross-region-20260117-090000", "2026-01-17T09:00:00Z", 3900, false, "latest"));
    ApprovalGate gate = new RegionFailure().gates().get(RegionFailure.GATED_STEP);
    Recovery atGate = Regions.recovery(false).with(RegionState.PART, ready);
    String without = gate.explain(atGate, deps(false).config()).meaning();
    assertTrue(without.contains("Customers: NOT told by the failover (this environment sets no "
        + "dr.customerNotification): tell them by hand"), without);
    String with = gate.explain(atGate, deps(true).config()).meaning();
    assertTrue(with.contains("Customers: told once by SES template sentinel-region-failover from "
        + "status@sentinel.example.com (1 recipient(s)) after VerifyDr"), with);
    // the failover's report gives the on-call the notice to send, only where none was sent
    Recovery untold = new NotifyCustomers(deps(false)).run(verified(false).with(RegionState.PART, ready));
    verify(email, never()).send(anyString(), anyList(), anyString(), anyString());
    assertTrue(actions(untold).stream().anyMatch(a -> a.startsWith("Tell the customers by hand that the service "
        + "runs from the DR region: the failover told nobody (no customer channel configured (cdk.json "
        + "dr.customerNotification))")), actions(untold).toString());
    when(email.send(anyString(), anyList(), anyString(), anyString())).thenReturn("msg-1");
    Recovery told = new NotifyCustomers(deps(true)).run(verified(false).with(RegionState.PART, ready));
    assertFalse(actions(told).stream().anyMatch(a -> a.startsWith("Tell the customers")), actions(told).toString());
  }

  private static List<String> actions(Recovery failover) {
    return IncidentReports.from(failover, Documents.ARN, Documents.START, Instant.parse("2026-01-17T10:40:00Z"),
        "SUCCEEDED").actionItems().stream().map(IncidentReport.ActionItem::action).toList();
  }
}
