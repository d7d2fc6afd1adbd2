package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetRequest;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.IPSet;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetRequest;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;

/** The scheduled prune: only expired recorded blocks leave the IP set, under the lock token; re-blocks stand. */
class PruneBlocksTest {
  private Wafv2Client waf;
  private DynamoDbClient dynamo;

  @BeforeEach
  void setUp() {
    waf = Fixtures.sdkMock(Wafv2Client.class);
    dynamo = Fixtures.sdkMock(DynamoDbClient.class);
    when(waf.getIPSet(any(GetIpSetRequest.class))).thenReturn(GetIpSetResponse.builder().lockToken("t1")
        .ipSet(IPSet.builder().name("sentinel-blocklist").addresses("203.0.113.7/32", "203.0.113.8/32",
            "192.0.2.200/32").build()).build());
    when(waf.updateIPSet(any(UpdateIpSetRequest.class))).thenReturn(UpdateIpSetResponse.builder().build());
    when(dynamo.deleteItem(any(DeleteItemRequest.class))).thenReturn(DeleteItemResponse.builder().build());
  }

  private void expired(String... cidrs) {
    when(dynamo.scan(any(ScanRequest.class))).thenReturn(ScanResponse.builder().items(java.util.Arrays.stream(cidrs)
        .map(c -> Map.of("cidr", AttributeValue.fromS(c), "expiresAt", AttributeValue.fromN("1768600000")))
        .toList()).build());
  }

  private PruneBlocks prune(boolean dryRun) {
    Map<String, String> env = Fixtures.env();
    env.put("DRY_RUN", String.valueOf(dryRun));
    return new PruneBlocks(Fixtures.deps(DrConfig.fromEnv(env), waf, dynamo));
  }

  @Test
  void removesOnlyExpiredRecordedRangesThenForgetsThem() {
    expired("203.0.113.7/32");
    Map<String, Object> out = prune(false).prune();
    ArgumentCaptor<UpdateIpSetRequest> update = ArgumentCaptor.forClass(UpdateIpSetRequest.class);
    verify(waf).updateIPSet(update.capture());
    assertEquals(List.of("203.0.113.8/32", "192.0.2.200/32"), update.getValue().addresses(),
        "the unexpired block and the hand-added entry stay");
    assertEquals("t1", update.getValue().lockToken());
    ArgumentCaptor<ScanRequest> scan = ArgumentCaptor.forClass(ScanRequest.class);
    verify(dynamo).scan(scan.capture());
    assertEquals("dev-sentinel-dr-security-blocks", scan.getValue().tableName());
    assertEquals(String.valueOf(Fixtures.NOW.getEpochSecond()),
        scan.getValue().expressionAttributeValues().get(":now").n());
    verify(dynamo).deleteItem(any(DeleteItemRequest.class));
    assertEquals(List.of("203.0.113.7/32"), out.get("removed"));
  }

  @Test
  void aRangeBlockedAgainMeanwhileIsAddedBack() {
    expired("203.0.113.7/32");
    when(dynamo.deleteItem(any(DeleteItemRequest.class)))
        .thenThrow(ConditionalCheckFailedException.builder().message("extended").build());
    GetIpSetResponse pruned = GetIpSetResponse.builder().lockToken("t2").ipSet(IPSet.builder()
        .name("sentinel-blocklist").addresses("203.0.113.8/32", "192.0.2.200/32").build()).build();
    when(waf.getIPSet(any(GetIpSetRequest.class))).thenReturn(GetIpSetResponse.builder().lockToken("t1")
        .ipSet(IPSet.builder().name("sentinel-blocklist").addresses("203.0.113.7/32", "203.0.113.8/32",
            "192.0.2.200/32").build()).build(), pruned);
    Map<String, Object> out = prune(false).prune();
    ArgumentCaptor<UpdateIpSetRequest> update = ArgumentCaptor.forClass(UpdateIpSetRequest.class);
    verify(waf, times(2)).updateIPSet(update.capture());
    assertEquals(List.of("203.0.113.8/32", "192.0.2.200/32", "203.0.113.7/32"),
        update.getAllValues().get(1).addresses(), "the new block stands");
    assertEquals(List.of("203.0.113.7/32"), out.get("kept"));
  }

  @Test
  void aConcurrentWriterIsRetriedAndNothingExpiredSendsNothing() {
    expired("203.0.113.7/32");
    when(waf.updateIPSet(any(UpdateIpSetRequest.class)))
        .thenThrow(WafOptimisticLockException.builder().message("changed").build())
        .thenReturn(UpdateIpSetResponse.builder().build());
    prune(false).prune();
    verify(waf, times(2)).getIPSet(any(GetIpSetRequest.class));
    expired();
    prune(false).prune();
    verify(waf, times(2)).updateIPSet(any(UpdateIpSetRequest.class));
  }

  @Test
  void aDryRunEnvironmentOnlyReports() {
    expired("203.0.113.7/32");
    Map<String, Object> out = prune(true).prune();
    verify(waf, never()).updateIPSet(any(UpdateIpSetRequest.class));
    verify(dynamo, never()).deleteItem(any(DeleteItemRequest.class));
    assertEquals(List.of("203.0.113.7/32"), out.get("expired"));
  }
}
