package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.Set;
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
  private final Responder responder = new Responder(Fixtures.config(), sfn, Fixtures.CLOCK);

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
    Responder.Response r = responder.handle(sample("rds-sns-failover-completed.json"), Set.of("rds-event"),
        "RdsEventResponder");
    assertEquals("ignore", r.action());
    assertTrue(r.reason().startsWith("duplicate"));
  }

  @Test
  void rejectedAndIgnoredInputMakeNoAwsCall() throws Exception {
    for (String file : new String[] {"invalid-malformed-json.json", "invalid-wrong-types.json",
        "invalid-unknown-envelope.json", "alarm-eventbridge-rds-connections-ok.json",
        "rds-eventbridge-other-instance.json"}) {
      Responder.Response r = responder.handle(sample(file), Set.of("alarm", "rds-event", "manual"), "Test");
      assertTrue(Set.of("reject", "ignore").contains(r.action()), file);
    }
    verifyNoInteractions(sfn);
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
    ManualResponder handler = new ManualResponder(Fixtures.deps(sfn));
    byte[] big = new byte[EventClassifier.MAX_BYTES * 2];
    java.util.Arrays.fill(big, (byte) 'x');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(big), out, null);
    assertEquals("reject", Json.tree(out.toString()).get("action").asText());
    verifyNoInteractions(sfn);
  }
}
