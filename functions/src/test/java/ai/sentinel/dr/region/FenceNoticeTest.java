package ai.sentinel.dr.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.region.RegionState.Confirmation;
import ai.sentinel.dr.support.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The fence tells the recoveries already running in the primary region (issue 13 step 3): each lock item whose lease
 * runs is marked {@code fencedBy} the failover (only while its holder still holds it) and the failover's timeline
 * names them; they are not interrupted. A dry-run reads nothing of them.
 */
class FenceNoticeTest {
  private final DynamoDbClient drTable = Fixtures.sdkMock(DynamoDbClient.class);
  private final DynamoDbClient primaryTable = Fixtures.sdkMock(DynamoDbClient.class);

  private Deps deps() {
    return Regions.deps(Regions.env(null), Map.of(DynamoDbClient.class, drTable), Map.of(DynamoDbClient.class,
        primaryTable));
  }

  private static Recovery confirmed(boolean dryRun) {
    return Regions.recovery(dryRun).with(RegionState.PART, new RegionState(new Confirmation("us-east-1",
        "eu-west-1", true, "confirmed: test", List.of(), "2026-01-17T10:02:00Z")));
  }

  private static Map<String, AttributeValue> lock(String key, String owner, String scenario, String resource) {
    return Map.of("pk", AttributeValue.fromS(key), "owner", AttributeValue.fromS(owner), "scenario",
        AttributeValue.fromS(scenario), "resource", AttributeValue.fromS(resource), "leaseUntil",
        AttributeValue.fromN("9999999999"));
  }

  private static Recovery invoke(FenceRecoveries step, Recovery in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    step.handleRequest(new ByteArrayInputStream(ai.sentinel.dr.common.Json.bytes(in)), out, null);
    return ai.sentinel.dr.common.Json.read(out.toByteArray(), Recovery.class);
  }

  @Test
  void runningRecoveriesInThePrimaryAreMarkedAndNamed() throws Exception {
    when(primaryTable.scan(any(ScanRequest.class))).thenReturn(ScanResponse.builder().items(
        lock("lock#rds:sentinel-db", "database-failure-sentinel-db-1", "database-failure", "sentinel-db"),
        lock("lock#secret:sentinel/database-url", "database-failure-sentinel-db-1", "database-failure",
            "sentinel-db"),
        lock("lock#ecs:sentinel-production/sentinel-api", "ecs-service-failure-api-2", "ecs-service-failure",
            "sentinel-api")).build());
    Recovery out = invoke(new FenceRecoveries(deps()), confirmed(false));
    ArgumentCaptor<ScanRequest> scan = ArgumentCaptor.forClass(ScanRequest.class);
    verify(primaryTable).scan(scan.capture());
    assertEquals("dev-sentinel-dr-locks", scan.getValue().tableName());
    assertTrue(scan.getValue().filterExpression().contains("#lease >= :now"), "expired locks are not running");
    assertEquals(Regions.EXECUTION, scan.getValue().expressionAttributeValues().get(":fence").s(),
        "the fence's own owner is not told");
    ArgumentCaptor<UpdateItemRequest> marked = ArgumentCaptor.forClass(UpdateItemRequest.class);
    verify(primaryTable, times(3)).updateItem(marked.capture());
    for (UpdateItemRequest u : marked.getAllValues()) {
      assertEquals("#owner = :holder", u.conditionExpression(), "only while its holder holds it");
      assertEquals(Regions.EXECUTION, u.expressionAttributeValues().get(":fence").s());
      assertTrue(u.updateExpression().contains("fencedBy"));
    }
    TimelineEntry told = out.timeline().stream().filter(e -> e.event().equals("told")).findFirst().orElseThrow();
    assertTrue(told.detail().contains("database-failure-sentinel-db-1 (database-failure on sentinel-db)"),
        told.detail());
    assertTrue(told.detail().contains("ecs-service-failure-api-2 (ecs-service-failure on sentinel-api)"),
        told.detail());
    assertEquals(1, told.detail().split("database-failure-sentinel-db-1", -1).length - 1, "named once");
    assertTrue(told.detail().contains("not interrupted"), told.detail());
  }

  @Test
  void aLockReleasedMeanwhileIsNotNamedAndADryRunReadsNothing() throws Exception {
    when(primaryTable.scan(any(ScanRequest.class))).thenReturn(ScanResponse.builder().items(
        lock("lock#rds:sentinel-db", "database-failure-sentinel-db-1", "database-failure", "sentinel-db")).build());
    when(primaryTable.updateItem(any(UpdateItemRequest.class))).thenThrow(ConditionalCheckFailedException.builder()
        .message("released").build());
    Recovery out = invoke(new FenceRecoveries(deps()), confirmed(false));
    assertFalse(out.timeline().stream().anyMatch(e -> e.event().equals("told")), out.timeline().toString());
    assertEquals("written", out.part(RegionState.PART).fence().primary());

    DynamoDbClient untouched = Fixtures.sdkMock(DynamoDbClient.class);
    Deps dry = Regions.deps(Regions.env(null), Map.of(DynamoDbClient.class, drTable), Map.of(DynamoDbClient.class,
        untouched));
    invoke(new FenceRecoveries(dry), confirmed(true));
    verify(untouched, never()).scan(any(ScanRequest.class));
    verify(untouched, never()).updateItem(argThat((UpdateItemRequest u) -> true));
  }
}
