package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import ai.sentinel.dr.safety.RecoveryLocks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;

class ResponderTest {
  private final SfnClient sfn = Fixtures.sdkMock(SfnClient.class);
  private final DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);
  private final Responder responder = new Responder(Fixtures.config(), sfn, new RecoveryLocks(ddb,
      "dev-sentinel-dr-locks", Fixtures.CLOCK, Duration.ofHours(3)), sns, Fixtures.CLOCK);

  @BeforeEach
  void emptyTable() {
    when(ddb.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder().build());
  }

  private byte[] sample(String file) throws Exception {
    return Files.readAllBytes(Fixtures.events().resolve(file));
  }

  @Test
  void alarmStartsTheScenarioStateMachineWithANameFromTheEvent() throws Exception {
    when(sfn.describeExecution(any(DescribeExecutionRequest.class)))
        .thenThrow(ExecutionDoesNotExistException.builder().message("no").build());
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenReturn(StartExecutionResponse.builder().executionArn("arn:exec").build());
    Responder.Response r = responder.handle(sample("alarm-eventbridge-rds-connections.json"), Set.of("alarm"),
        "AlarmResponder");
    assertEquals("start", r.action());
    ArgumentCaptor<StartExecutionRequest> start = ArgumentCaptor.forClass(StartExecutionRequest.class);
    verify(sfn).startExecution(start.capture());
    assertEquals(Fixtures.STATE_MACHINE, start.getValue().stateMachineArn());
    String name = ExecutionNames.of("database-failure", "sentinel-db", r.dedupKey());
    assertEquals(name, start.getValue().name());
    Recovery input = Json.MAPPER.readValue(start.getValue().input(), Recovery.class);
    assertEquals("sentinel-db", input.resource());
    assertEquals(name, input.executionName());
    assertEquals(30, input.options().pollSeconds());
    assertEquals("sentinel-rds-connections", input.trigger().id());
  }

  @Test
  void redeliveredEventFindsItsExecutionAndStartsNothing() throws Exception {
    when(sfn.describeExecution(any(DescribeExecutionRequest.class)))
        .thenReturn(DescribeExecutionResponse.builder().executionArn("arn:exec").build());
    Responder.Response r = responder.handle(sample("alarm-eventbridge-rds-connections.json"), Set.of("alarm"),
        "AlarmResponder");
    assertEquals("ignore", r.action());
    assertTrue(r.reason().startsWith("duplicate"), r.reason());
    verify(sfn, never()).startExecution(any(StartExecutionRequest.class));
  }

  @Test
  void concurrentDuplicateLosingTheRaceIsADuplicateNotAnError() throws Exception {
    when(sfn.describeExecution(any(DescribeExecutionRequest.class)))
        .thenThrow(ExecutionDoesNotExistException.builder().message("no").build());
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenThrow(ExecutionAlreadyExistsException.builder().message("exists").build());
    Responder.Response r = responder.handle(sample("rds-eventbridge-failure-prefixed.json"), Set.of("rds-event"),
        "RdsEventResponder");
    assertEquals("ignore", r.action());
    assertTrue(r.reason().startsWith("duplicate"));
  }

  private void noExecutionYet() {
    when(sfn.describeExecution(any(DescribeExecutionRequest.class)))
        .thenThrow(ExecutionDoesNotExistException.builder().message("no").build());
  }

  @Test
  void theLockIsTakenForTheExecutionBeforeItStarts() throws Exception {
    noExecutionYet();
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenReturn(StartExecutionResponse.builder().executionArn("arn:exec").build());
    Responder.Response r = responder.handle(sample("rds-eventbridge-failover-started.json"), Set.of("rds-event"),
        "RdsEventResponder");
    // every resource the recovery will mutate, in the one order: the services it restarts, the instance and the
    // instances it may create, the secret it repoints
    ArgumentCaptor<PutItemRequest> put = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(ddb, times(6)).putItem(put.capture());
    assertEquals(List.of("lock#ecs-service:sentinel-production/sentinel-api",
        "lock#ecs-service:sentinel-production/sentinel-celery", "lock#rds-instance:sentinel-db",
        "lock#rds-instance:sentinel-db-pitr", "lock#rds-instance:sentinel-db-recovery",
        "lock#secret:sentinel/database-url"),
        put.getAllValues().stream().map(p -> p.item().get("pk").s()).toList());
    for (PutItemRequest p : put.getAllValues()) {
      assertEquals(ExecutionNames.of("database-failure", "sentinel-db", r.dedupKey()), p.item().get("owner").s());
      assertTrue(p.conditionExpression().contains("attribute_not_exists"));
    }
  }

  @Test
  void anotherSignalWhileARecoveryRunsJoinsItAndStartsNothing() throws Exception {
    noExecutionYet();
    when(ddb.putItem(any(PutItemRequest.class)))
        .thenThrow(ConditionalCheckFailedException.builder().message("held").build());
    when(ddb.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder()
        .item(Map.of("owner", AttributeValue.fromS("database-failure-sentinel-db-running"),
            "scenario", AttributeValue.fromS("database-failure"), "resource", AttributeValue.fromS("sentinel-db")))
        .build());
    Responder.Response r = responder.handle(sample("rds-eventbridge-failure-prefixed.json"), Set.of("rds-event"),
        "RdsEventResponder");
    assertEquals("ignore", r.action());
    assertTrue(r.reason().startsWith("joined running recovery database-failure-sentinel-db-running"), r.reason());
    ArgumentCaptor<UpdateItemRequest> join = ArgumentCaptor.forClass(UpdateItemRequest.class);
    verify(ddb).updateItem(join.capture());
    assertTrue(join.getValue().updateExpression().contains("if_not_exists"), "a signal joins once");
    assertEquals(r.dedupKey(), join.getValue().expressionAttributeNames().get("#signal"));
    assertEquals("database-failure-sentinel-db-running",
        join.getValue().expressionAttributeValues().get(":owner").s());
    verify(sfn, never()).startExecution(any(StartExecutionRequest.class));
  }

  @Test
  void beyondTheAttemptBudgetNothingStartsAndAHumanIsPagedOnce() throws Exception {
    noExecutionYet();
    long recent = Fixtures.NOW.minusSeconds(3600).getEpochSecond();
    when(ddb.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder().item(Map.of("starts",
        AttributeValue.fromM(Map.of("a", AttributeValue.fromN(Long.toString(recent)),
            "b", AttributeValue.fromN(Long.toString(recent)))))).build());
    Responder.Response first = responder.handle(sample("rds-eventbridge-failover-started.json"),
        Set.of("rds-event"), "RdsEventResponder");
    assertEquals("ignore", first.action());
    assertTrue(first.reason().contains("attempt budget exhausted: 2"), first.reason());
    assertTrue(first.reason().endsWith("(escalated)"), first.reason());
    ArgumentCaptor<PublishRequest> page = ArgumentCaptor.forClass(PublishRequest.class);
    verify(sns).publish(page.capture());
    assertTrue(page.getValue().subject().contains("ESCALATION"), page.getValue().subject());
    // once per window is DynamoDB's guarantee, not this mock's: the write is conditional on the last page's age
    // (RecoveryLocksTest runs the condition against a table that evaluates it)
    ArgumentCaptor<UpdateItemRequest> escalation = ArgumentCaptor.forClass(UpdateItemRequest.class);
    verify(ddb).updateItem(escalation.capture());
    assertEquals("attribute_not_exists(#esc) OR #esc < :since", escalation.getValue().conditionExpression());
    assertEquals(Long.toString(Fixtures.NOW.minusSeconds(86400).getEpochSecond()),
        escalation.getValue().expressionAttributeValues().get(":since").n());
    // the second signal in the same window is not paged again
    when(ddb.updateItem(any(UpdateItemRequest.class)))
        .thenThrow(ConditionalCheckFailedException.builder().message("already").build());
    Responder.Response second = responder.handle(sample("rds-eventbridge-failure-prefixed.json"),
        Set.of("rds-event"), "RdsEventResponder");
    assertTrue(second.reason().endsWith("(already escalated in this window)"), second.reason());
    verify(sns, times(1)).publish(any(PublishRequest.class));
    verify(sfn, never()).startExecution(any(StartExecutionRequest.class));
    verify(ddb, never()).putItem(any(PutItemRequest.class));
  }

  @Test
  void startsOutsideTheWindowDoNotCount() throws Exception {
    noExecutionYet();
    long old = Fixtures.NOW.minusSeconds(2 * 86400).getEpochSecond();
    when(ddb.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder().item(Map.of("starts",
        AttributeValue.fromM(Map.of("a", AttributeValue.fromN(Long.toString(old)),
            "b", AttributeValue.fromN(Long.toString(old)))))).build());
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenReturn(StartExecutionResponse.builder().executionArn("arn:exec").build());
    assertEquals("start", responder.handle(sample("rds-eventbridge-failover-started.json"), Set.of("rds-event"),
        "RdsEventResponder").action());
  }

  @Test
  void aFailedStartReleasesTheLock() throws Exception {
    noExecutionYet();
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenThrow(SfnException.builder().message("boom").statusCode(500).build());
    assertThrows(SfnException.class, () -> responder.handle(sample("manual-database-failure.json"),
        Set.of("manual"), "ManualResponder"));
    verify(ddb, times(6)).deleteItem(any(DeleteItemRequest.class));
  }

  @Test
  void aDryRunTakesNoLockAndSpendsNoBudget() throws Exception {
    noExecutionYet();
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenReturn(StartExecutionResponse.builder().executionArn("arn:exec").build());
    assertEquals("start", responder.handle(sample("manual-database-restore-snapshot-dry-run.json"),
        Set.of("manual"), "ManualResponder").action());
    verifyNoInteractions(ddb);
  }

  @Test
  void rejectedAndIgnoredInputMakeNoAwsCall() throws Exception {
    for (String file : new String[] {"invalid-malformed-json.json", "invalid-wrong-types.json",
        "invalid-unknown-envelope.json", "alarm-eventbridge-rds-connections-ok.json",
        "rds-eventbridge-other-instance.json"}) {
      Responder.Response r = responder.handle(sample(file), Set.of("alarm", "rds-event", "manual"), "Test");
      assertTrue(Set.of("reject", "ignore").contains(r.action()), file);
    }
    verifyNoInteractions(sfn, ddb, sns);
  }

  @Test
  void aResponderRefusesTriggersItDoesNotSubscribeTo() throws Exception {
    Responder.Response r = responder.handle(sample("manual-database-failure.json"), Set.of("alarm"),
        "AlarmResponder");
    assertEquals("reject", r.action());
    assertTrue(r.reason().contains("AlarmResponder handles [alarm]"), r.reason());
    verifyNoInteractions(sfn);
  }

  @Test
  void scenarioWithoutADeployedStateMachineIsRejected() {
    Responder.Response r = responder.handle("{\"runbook\":\"redis-failure\"}".getBytes(), Set.of("manual"),
        "ManualResponder");
    assertEquals("reject", r.action());
    assertTrue(r.reason().contains("no state machine deployed"), r.reason());
    verifyNoInteractions(sfn);
  }

  @Test
  void handlerAnswersOversizeWithARejectionAndNoCall() throws Exception {
    ManualResponder handler = new ManualResponder(Fixtures.deps(sfn, ddb, sns));
    byte[] big = new byte[EventClassifier.MAX_BYTES * 2];
    java.util.Arrays.fill(big, (byte) 'x');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(big), out, null);
    assertEquals("reject", Json.tree(out.toString()).get("action").asText());
    verifyNoInteractions(sfn);
  }
  // ---- Scenarios 2 and 3 ----------------------------------------------------------------------------------------

  private static final String REDIS_MACHINE =
      "arn:aws:states:us-east-1:123456789012:stateMachine:dev-sentinel-dr-redis-failure";
  private static final String ECS_MACHINE =
      "arn:aws:states:us-east-1:123456789012:stateMachine:dev-sentinel-dr-ecs-service-failure";

  /** The environment with all three state machines deployed. */
  private static DrConfig allScenarios() {
    Map<String, String> env = Fixtures.env();
    env.put("STATE_MACHINE_ARNS", Json.write(Map.of("database-failure", Fixtures.STATE_MACHINE,
        "redis-failure", REDIS_MACHINE, "ecs-service-failure", ECS_MACHINE, "database-restore-test",
        Fixtures.STATE_MACHINE.replace("database-failure", "database-restore-test"))));
    return DrConfig.fromEnv(env);
  }

  private JsonNode invoke(ResponderHandler handler, String file) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(sample(file)), out, null);
    return Json.tree(out.toString());
  }

  private StartExecutionRequest started() {
    ArgumentCaptor<StartExecutionRequest> start = ArgumentCaptor.forClass(StartExecutionRequest.class);
    verify(sfn).startExecution(start.capture());
    return start.getValue();
  }

  @Test
  void ecsEventResponderStartsTheEcsStateMachineOnTheFailingServiceUnderItsLock() throws Exception {
    noExecutionYet();
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenReturn(StartExecutionResponse.builder().executionArn("arn:exec").build());
    EcsEventResponder handler = new EcsEventResponder(Fixtures.deps(allScenarios(), sfn, ddb, sns));
    JsonNode answer = invoke(handler, "ecs-eventbridge-task-stopped-essential-exit.json");
    assertEquals("start", answer.get("action").asText(), answer.toString());
    StartExecutionRequest start = started();
    assertEquals(ECS_MACHINE, start.stateMachineArn());
    assertEquals(ExecutionNames.of("ecs-service-failure", "sentinel-api", answer.get("dedupKey").asText()),
        start.name());
    Recovery input = Json.MAPPER.readValue(start.input(), Recovery.class);
    assertEquals("ecs-service-failure", input.scenario());
    assertEquals("sentinel-api", input.resource());
    assertEquals("ecs-event", input.trigger().kind());
    assertEquals("EssentialContainerExited", input.trigger().id());
    ArgumentCaptor<PutItemRequest> lock = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(ddb).putItem(lock.capture());
    assertEquals("lock#ecs-service:sentinel-production/sentinel-api", lock.getValue().item().get("pk").s(),
        "one recovery per service, not per cluster");
  }

  @Test
  void elastiCacheEventResponderStartsTheRedisStateMachineOnTheCluster() throws Exception {
    noExecutionYet();
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenReturn(StartExecutionResponse.builder().executionArn("arn:exec").build());
    ElastiCacheEventResponder handler = new ElastiCacheEventResponder(Fixtures.deps(allScenarios(), sfn, ddb, sns));
    JsonNode answer = invoke(handler, "elasticache-sns-provisioning-failed.json");
    assertEquals("start", answer.get("action").asText(), answer.toString());
    StartExecutionRequest start = started();
    assertEquals(REDIS_MACHINE, start.stateMachineArn());
    Recovery input = Json.MAPPER.readValue(start.input(), Recovery.class);
    assertEquals("sentinel-redis", input.resource());
    assertEquals("elasticache-event", input.trigger().kind());
  }

  @Test
  void cacheAndTargetGroupAlarmsGoThroughTheAlarmResponder() throws Exception {
    noExecutionYet();
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenReturn(StartExecutionResponse.builder().executionArn("arn:exec").build());
    AlarmResponder handler = new AlarmResponder(Fixtures.deps(allScenarios(), sfn, ddb, sns));
    assertEquals("start", invoke(handler, "alarm-sns-alb-unhealthy-hosts.json").get("action").asText());
    Recovery input = Json.MAPPER.readValue(started().input(), Recovery.class);
    assertEquals("ecs-service-failure", input.scenario());
    assertEquals("sentinel-api", input.resource());
  }

  @Test
  void eachResponderRefusesTheOthersTriggers() throws Exception {
    DrConfig config = allScenarios();
    assertTrue(invoke(new AlarmResponder(Fixtures.deps(config, sfn, ddb, sns)),
        "ecs-eventbridge-deployment-failed.json").get("reason").asText().contains("handles [alarm]"));
    assertTrue(invoke(new EcsEventResponder(Fixtures.deps(config, sfn, ddb, sns)),
        "alarm-eventbridge-redis-cpu.json").get("reason").asText().contains("handles [ecs-event]"));
    assertTrue(invoke(new ElastiCacheEventResponder(Fixtures.deps(config, sfn, ddb, sns)),
        "alarm-sns-redis-connections.json").get("reason").asText().contains("handles [elasticache-event]"));
    assertEquals("reject", invoke(new RdsEventResponder(Fixtures.deps(config, sfn, ddb, sns)),
        "manual-drill-redis-failure.json").get("action").asText());
    verifyNoInteractions(sfn, ddb, sns);
  }

  @Test
  void aDrillIsStartedByTheManualResponderOutsideTheAutomaticBudgetButUnderTheLock() throws Exception {
    noExecutionYet();
    long recent = Fixtures.NOW.minusSeconds(600).getEpochSecond();
    // two automatic recoveries in the window: the budget (2) is spent
    when(ddb.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder().item(Map.of("starts",
        AttributeValue.fromM(Map.of("a", AttributeValue.fromN(Long.toString(recent)),
            "b", AttributeValue.fromN(Long.toString(recent)))))).build());
    when(sfn.startExecution(any(StartExecutionRequest.class)))
        .thenReturn(StartExecutionResponse.builder().executionArn("arn:exec").build());
    ManualResponder handler = new ManualResponder(Fixtures.deps(allScenarios(), sfn, ddb, sns));
    // the drill that changes something (its scratch instance): a drill of a recovery is a dry-run, which takes no lock
    JsonNode answer = invoke(handler, "manual-database-restore-test.json");
    assertEquals("start", answer.get("action").asText(), answer.toString());
    Recovery input = Json.MAPPER.readValue(started().input(), Recovery.class);
    assertEquals("drill", input.trigger().kind(), "the report marks it [DRILL], P4");
    verify(ddb).putItem(any(PutItemRequest.class));
    verify(ddb, never()).updateItem(any(UpdateItemRequest.class));
    verify(sns, never()).publish(any(PublishRequest.class));
  }

  @Test
  void theSameBudgetStopsAnAutomaticEcsSignal() throws Exception {
    noExecutionYet();
    long recent = Fixtures.NOW.minusSeconds(600).getEpochSecond();
    when(ddb.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder().item(Map.of("starts",
        AttributeValue.fromM(Map.of("a", AttributeValue.fromN(Long.toString(recent)),
            "b", AttributeValue.fromN(Long.toString(recent)))))).build());
    Responder.Response r = new Responder(allScenarios(), sfn, new RecoveryLocks(ddb, "dev-sentinel-dr-locks",
        Fixtures.CLOCK, Duration.ofHours(3)), sns, Fixtures.CLOCK).handle(
        sample("ecs-eventbridge-service-task-start-impaired.json"), Set.of("ecs-event"), "EcsEventResponder");
    assertEquals("ignore", r.action());
    assertTrue(r.reason().contains("attempt budget exhausted: 2 automatic recoveries of sentinel-api"), r.reason());
    verify(sfn, never()).startExecution(any(StartExecutionRequest.class));
  }

  @Test
  void ignoredEcsAndCacheSignalsMakeNoAwsCall() throws Exception {
    Responder all = new Responder(allScenarios(), sfn, new RecoveryLocks(ddb, "dev-sentinel-dr-locks",
        Fixtures.CLOCK, Duration.ofHours(3)), sns, Fixtures.CLOCK);
    for (String file : new String[] {"ecs-eventbridge-task-stopped-scale-in.json",
        "ecs-eventbridge-service-other-cluster.json", "ecs-eventbridge-deployment-completed.json",
        "elasticache-sns-snapshot-complete.json", "elasticache-sns-other-cache.json",
        "alarm-eventbridge-redis-recovery-cluster.json", "invalid-ecs-no-resource.json"}) {
      Responder.Response r = all.handle(sample(file), Set.of("alarm", "ecs-event", "elasticache-event", "manual"),
          "Test");
      assertTrue(Set.of("reject", "ignore").contains(r.action()), file);
    }
    verifyNoInteractions(sfn, ddb, sns);
  }
}
