package ai.sentinel.dr.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.trigger.Responder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sns.SnsClient;

/** While a region is failed over, the alarm storm of the dying region starts no per-resource recovery in it. */
class RegionFenceTest {
  private final SfnClient sfn = Fixtures.sdkMock(SfnClient.class);
  private final DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);
  private final Responder responder = new Responder(Fixtures.config(), sfn, new RecoveryLocks(ddb,
      "dev-sentinel-dr-locks", Fixtures.CLOCK, Duration.ofHours(3)), sns, Fixtures.CLOCK);

  @BeforeEach
  void emptyTable() {
    when(ddb.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder().build());
    when(sfn.describeExecution(any(DescribeExecutionRequest.class)))
        .thenThrow(ExecutionDoesNotExistException.builder().message("no").build());
  }

  private void fenced(long leaseUntil) {
    when(ddb.getItem(argThat((GetItemRequest r) -> r != null && "fence#region:us-east-1".equals(
        r.key().get(RecoveryLocks.KEY).s())))).thenReturn(GetItemResponse.builder().item(Map.of(
            RecoveryLocks.KEY, AttributeValue.fromS("fence#region:us-east-1"),
            "owner", AttributeValue.fromS("region-failure-us-east-1-abc"),
            "leaseUntil", AttributeValue.fromN(Long.toString(leaseUntil)))).build());
  }

  @Test
  void anAlarmInAFencedRegionStartsNothingAndSaysWhichFailoverFencedIt() throws Exception {
    fenced(Fixtures.NOW.getEpochSecond() + 3600);
    Responder.Response r = responder.handle(Files.readAllBytes(Fixtures.events().resolve(
        "alarm-eventbridge-rds-connections.json")), Set.of("alarm"), "AlarmResponder");
    assertEquals("ignore", r.action());
    assertTrue(r.reason().contains("region us-east-1 is being failed over by region-failure-us-east-1-abc"),
        r.reason());
    verify(sfn, never()).startExecution(any(StartExecutionRequest.class));
    verify(ddb, never()).putItem(any(PutItemRequest.class));
  }

  @Test
  void aRecoveryStartedByHandInAFencedRegionStopsBeforeItsLocksAndChangesNothing() {
    fenced(Fixtures.NOW.getEpochSecond() + 3600);
    var step = new ai.sentinel.dr.recovery.AcquireLock(Fixtures.deps(ddb));
    var e = org.junit.jupiter.api.Assertions.assertThrows(ai.sentinel.dr.errors.StepFailedError.class,
        () -> ai.sentinel.dr.recovery.StepHarness.invoke(step, Fixtures.recovery(false)));
    assertTrue(e.getMessage().contains("being failed over by region-failure-us-east-1-abc"), e.getMessage());
    verify(ddb, never()).putItem(any(PutItemRequest.class));
  }

  @Test
  void anExpiredFenceFencesNothing() {
    fenced(Fixtures.NOW.getEpochSecond() - 1);
    assertTrue(new RecoveryLocks(ddb, "t", Fixtures.CLOCK, Duration.ofHours(3)).regionFence("us-east-1")
        .isEmpty());
  }

  @Test
  void theFenceIsWrittenWithItsOwnerAndLease() {
    RegionFence.set(ddb, "dev-sentinel-dr-locks", "us-east-1", "region-failure-us-east-1-abc", Fixtures.NOW,
        Duration.ofHours(3), Duration.ofSeconds(5));
    verify(ddb).putItem(argThat((PutItemRequest p) -> "fence#region:us-east-1".equals(p.item().get("pk").s())
        && Long.parseLong(p.item().get("leaseUntil").n()) == Fixtures.NOW.getEpochSecond() + 3 * 3600
        && p.overrideConfiguration().orElseThrow().apiCallTimeout().orElseThrow().equals(Duration.ofSeconds(5))));
  }
}
