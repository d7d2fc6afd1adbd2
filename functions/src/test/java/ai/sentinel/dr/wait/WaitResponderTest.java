package ai.sentinel.dr.wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.trigger.WaitResponder;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;

/** The ready events wake the registered waits, forget the tokens, and never start anything. */
class WaitResponderTest {
  private final DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
  private final SfnClient sfn = Fixtures.sdkMock(SfnClient.class);

  private WaitResponder responder() {
    Map<String, String> env = Fixtures.env();
    env.put("WAIT_TABLE", "dev-sentinel-dr-waits");
    return new WaitResponder(Fixtures.deps(DrConfig.fromEnv(env), ddb, sfn));
  }

  private void waiting(String... tokens) {
    List<Map<String, AttributeValue>> items = new java.util.ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      items.add(Map.of("pk", AttributeValue.fromS("k"), "execution", AttributeValue.fromS("exec-" + i),
          "token", AttributeValue.fromS(tokens[i]),
          "expiresAt", AttributeValue.fromN(Long.toString(Fixtures.NOW.getEpochSecond() + 60))));
    }
    when(ddb.query(any(QueryRequest.class))).thenReturn(QueryResponse.builder().items(items).build());
  }

  private static byte[] sample(String file) throws Exception {
    return Files.readAllBytes(Fixtures.events().resolve(file));
  }

  @Test
  void aRestoreCompletedEventWakesTheRecoveryWaitingForThatInstance() throws Exception {
    waiting("t-1");
    WaitResponder.Answer answer = responder().handle(sample("rds-eventbridge-restore-completed.json"));
    ArgumentCaptor<QueryRequest> query = ArgumentCaptor.forClass(QueryRequest.class);
    verify(ddb).query(query.capture());
    assertEquals("rds-instance:sentinel-db-recovery#available",
        query.getValue().expressionAttributeValues().get(":pk").s());
    ArgumentCaptor<SendTaskSuccessRequest> sent = ArgumentCaptor.forClass(SendTaskSuccessRequest.class);
    verify(sfn).sendTaskSuccess(sent.capture());
    assertEquals("t-1", sent.getValue().taskToken());
    ArgumentCaptor<DeleteItemRequest> forgot = ArgumentCaptor.forClass(DeleteItemRequest.class);
    verify(ddb).deleteItem(forgot.capture());
    assertEquals("t-1", forgot.getValue().expressionAttributeValues().get(":token").s());
    assertEquals("woke", answer.action());
    assertEquals(List.of("exec-0"), answer.woken());
    verify(sfn, never()).startExecution(any(StartExecutionRequest.class));
  }

  @Test
  void secretsManagersLabelEventNamesTheSecretWhoseAwscurrentMoved() throws Exception {
    waiting("t-1");
    WaitResponder.Answer answer = responder().handle(sample("secretsmanager-eventbridge-label-updated-current.json"));
    assertEquals(List.of("secret:sentinel/jwt-secret#AWSCURRENT"), answer.awaited());
    assertEquals("woke", answer.action());
    assertEquals(List.of(), responder().handle(sample("secretsmanager-eventbridge-label-updated-custom.json"))
        .awaited(), "a custom label is no rotation's end");
    verify(sfn, never()).startExecution(any(StartExecutionRequest.class));
  }

  @Test
  void aManualSnapshotCreatedNamesTheSnapshotNotAnInstance() throws Exception {
    waiting("t-1");
    assertEquals(List.of("rds-snapshot:sentinel-db-evidence-0123456789ab#available"),
        responder().handle(sample("rds-eventbridge-snapshot-created.json")).awaited());
  }

  @Test
  void deploymentCompletedAndSteadyStateNameTheService() throws Exception {
    waiting("t-1");
    assertEquals(List.of("ecs-service:sentinel-api#stable"),
        responder().handle(sample("ecs-eventbridge-deployment-completed.json")).awaited());
    assertEquals(List.of("ecs-service:sentinel-api#stable"),
        responder().handle(sample("ecs-eventbridge-service-steady-state.json")).awaited());
  }

  @Test
  void elastiCacheProvisioningCompleteNamesTheCluster() throws Exception {
    waiting("t-1");
    WaitResponder.Answer answer = responder().handle(sample("elasticache-sns-recovery-cluster.json"));
    assertEquals(List.of("cache-cluster:sentinel-redis-recovery#available"), answer.awaited());
    verify(sfn).sendTaskSuccess(any(SendTaskSuccessRequest.class));
  }

  @Test
  void aTokenAnsweredTwiceIsForgottenWithoutError() throws Exception {
    waiting("t-old", "t-new");
    when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class)))
        .thenThrow(InvalidTokenException.builder().message("done").build())
        .thenReturn(null);
    WaitResponder.Answer answer = responder().handle(sample("rds-eventbridge-restore-completed.json"));
    verify(ddb, times(2)).deleteItem(any(DeleteItemRequest.class));
    assertEquals(List.of("exec-1"), answer.woken());
  }

  @Test
  void failuresForeignEventsAndOtherNotificationsWakeNothing() throws Exception {
    for (String file : List.of("ecs-eventbridge-deployment-failed.json", "rds-eventbridge-failure-prefixed.json",
        "ecs-eventbridge-task-foreign-account.json", "elasticache-sns-snapshot-complete.json",
        "elasticache-sns-provisioning-failed.json", "invalid-malformed-json.json", "manual-database-failure.json")) {
      WaitResponder.Answer answer = responder().handle(sample(file));
      assertEquals("ignore", answer.action(), file);
      assertEquals(List.of(), answer.awaited(), file);
    }
    verify(ddb, never()).query(any(QueryRequest.class));
    verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
  }

  @Test
  void noRecoveryWaitingIsARoutineEvent() throws Exception {
    waiting();
    WaitResponder.Answer answer = responder().handle(sample("rds-eventbridge-failover-completed.json"));
    assertEquals("ignore", answer.action());
    assertEquals(List.of("rds-instance:sentinel-db#available"), answer.awaited());
    verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
  }
}
