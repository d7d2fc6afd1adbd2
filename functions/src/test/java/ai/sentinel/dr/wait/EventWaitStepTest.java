package ai.sentinel.dr.wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.ServicesState;
import ai.sentinel.dr.recovery.WaitForServices;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * A poll step invoked as its wait ({"recovery", "await": {"token"}}): registers the token against what it awaits, then
 * polls once more and answers its own token only when the poll would not wait (the early event is not lost).
 */
class EventWaitStepTest {
  private static final String TOKEN = "token-1";
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
  private final SfnClient sfn = Fixtures.sdkMock(SfnClient.class);

  private WaitForServices step(boolean withTable) {
    Map<String, String> env = Fixtures.env();
    if (withTable) {
      env.put("WAIT_TABLE", "dev-sentinel-dr-waits");
    }
    return new WaitForServices(Fixtures.deps(ai.sentinel.dr.common.DrConfig.fromEnv(env), ecs, ddb, sfn));
  }

  private void running(int running) {
    Service api = Service.builder().serviceName("sentinel-api").runningCount(running).desiredCount(2)
        .deployments(Deployment.builder().id("d").status("PRIMARY").build()).build();
    Service celery = Service.builder().serviceName("sentinel-celery").runningCount(1).desiredCount(1)
        .deployments(Deployment.builder().id("c").status("PRIMARY").build()).build();
    when(ecs.describeServices(any(DescribeServicesRequest.class)))
        .thenReturn(DescribeServicesResponse.builder().services(api, celery).build());
  }

  private static Recovery restarted(boolean dryRun) {
    return Fixtures.recovery(dryRun).withServices(new ServicesState("sentinel-production",
        List.of("sentinel-api", "sentinel-celery"), "2026-01-17T10:21:00Z", Map.of(), false, Map.of(), 1));
  }

  private static JsonNode awaitInvoke(WaitForServices step, Recovery in) throws Exception {
    ObjectNode payload = Json.object();
    payload.set("recovery", Json.tree(Json.write(in)));
    payload.putObject("await").put("token", TOKEN);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    step.handleRequest(new ByteArrayInputStream(payload.toString().getBytes()), out, null);
    return Json.tree(out.toString());
  }

  @Test
  void notReadyRegistersTheTokenForEachServiceAndLeavesTheWaitToTheEvent() throws Exception {
    running(1);
    JsonNode answer = awaitInvoke(step(true), restarted(false));
    ArgumentCaptor<PutItemRequest> put = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(ddb, times(2)).putItem(put.capture());
    assertEquals(List.of("ecs-service:sentinel-api#stable", "ecs-service:sentinel-celery#stable"),
        put.getAllValues().stream().map(p -> p.item().get("pk").s()).toList());
    PutItemRequest first = put.getAllValues().get(0);
    assertEquals("dev-sentinel-dr-waits", first.tableName());
    assertEquals(TOKEN, first.item().get("token").s());
    assertEquals("database-failure-sentinel-db-0123456789abcdef", first.item().get("execution").s());
    // kept for the wait (30 s) and a margin, then DynamoDB forgets it
    assertEquals(Fixtures.NOW.getEpochSecond() + 330, Long.parseLong(first.item().get("expiresAt").n()));
    assertTrue(first.conditionExpression().contains("attribute_not_exists"));
    verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    assertFalse(answer.path("ready").asBoolean());
  }

  @Test
  void readyBeforeTheEventAnswersItsOwnTokenAtOnce() throws Exception {
    running(2); // the deployment completed between the last poll and the registration: its event came too early
    JsonNode answer = awaitInvoke(step(true), restarted(false));
    verify(ddb, times(2)).putItem(any(PutItemRequest.class));
    ArgumentCaptor<SendTaskSuccessRequest> sent = ArgumentCaptor.forClass(SendTaskSuccessRequest.class);
    verify(sfn).sendTaskSuccess(sent.capture());
    assertEquals(TOKEN, sent.getValue().taskToken());
    assertTrue(answer.path("ready").asBoolean());
  }

  @Test
  void aTokenAlreadyAnsweredOrTimedOutIsNoError() throws Exception {
    running(2);
    when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class)))
        .thenThrow(TaskTimedOutException.builder().message("timed out").build());
    JsonNode answer = awaitInvoke(step(true), restarted(false));
    assertTrue(answer.path("ready").asBoolean());
    assertFalse(answer.path("answered").asBoolean());
  }

  @Test
  void aRegistrationThatFailsLeavesTheWaitToItsTimeout() throws Exception {
    running(1);
    when(ddb.putItem(any(PutItemRequest.class))).thenThrow(new IllegalStateException("table gone"));
    JsonNode answer = awaitInvoke(step(true), restarted(false));
    assertFalse(answer.path("registered").asBoolean());
    verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
  }

  @Test
  void aNewerTokenOfTheSameExecutionIsNotReplaced() throws Exception {
    running(1);
    when(ddb.putItem(any(PutItemRequest.class)))
        .thenThrow(ConditionalCheckFailedException.builder().message("newer").build());
    JsonNode answer = awaitInvoke(step(true), restarted(false));
    assertTrue(answer.path("registered").asBoolean());
  }

  @Test
  void withoutAWaitTableNothingIsRegisteredAndTheWaitPolls() throws Exception {
    running(1);
    awaitInvoke(step(false), restarted(false));
    verify(ddb, never()).putItem(any(PutItemRequest.class));
    verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
  }

  @Test
  void aDryRunHasNothingToWaitForAndGoesOnAtOnce() throws Exception {
    awaitInvoke(step(true), restarted(true));
    verify(ddb, never()).putItem(any(PutItemRequest.class));
    verify(sfn).sendTaskSuccess(any(SendTaskSuccessRequest.class));
  }
}
