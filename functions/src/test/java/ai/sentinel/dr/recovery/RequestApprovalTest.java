package ai.sentinel.dr.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/** The gate pages the on-call with exactly what is about to happen and the commands to answer it. */
class RequestApprovalTest {
  private static final String TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAb4example";
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);

  @BeforeEach
  void setUp() {
    when(sns.publish(any(PublishRequest.class))).thenReturn(PublishResponse.builder().messageId("msg-9").build());
  }

  private static Recovery restored() {
    DatabaseState.Restore restore = new DatabaseState.Restore("sentinel-db-recovery",
        "rds:sentinel-db-2026-01-17-03-00", "2026-01-17T03:00:00Z", null, "2026-01-17T10:02:16Z", "available",
        "sentinel-db-recovery.abc.us-east-1.rds.amazonaws.com", 5432, 3, true);
    return Fixtures.recovery(false).with(DatabaseState.PART, new DatabaseState(null, null, null, restore, null))
        .log(new TimelineEntry("2026-01-17T10:04:00Z", "ChooseOption", "decided", "Option B: instance not found"));
  }

  private PublishRequest gate(Recovery recovery, String step, JsonNode[] answer) throws IOException {
    ObjectNode in = Json.object();
    in.set("recovery", Json.MAPPER.valueToTree(recovery));
    in.put("token", TOKEN);
    in.put("step", step);
    in.put("timeoutSeconds", 3600);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new RequestApproval(Fixtures.deps(sns)).handleRequest(new ByteArrayInputStream(Json.bytes(in)), out, null);
    answer[0] = Json.MAPPER.readTree(out.toByteArray());
    ArgumentCaptor<PublishRequest> sent = ArgumentCaptor.forClass(PublishRequest.class);
    verify(sns).publish(sent.capture());
    assertEquals(Fixtures.TOPIC, sent.getValue().topicArn());
    return sent.getValue();
  }

  @Test
  void pagesWithWhatTheStepIsAboutToDoAndHowToAnswer() throws IOException {
    JsonNode[] answer = new JsonNode[1];
    PublishRequest p = gate(restored(), "UpdateSecret", answer);
    assertEquals("[Sentinel DR][dev] database-failure on sentinel-db: APPROVAL needed before UpdateSecret",
        p.subject());
    List<String> lines = List.of(p.message().split("\n"));
    // what changes, on which resources, and what it means, as the scenario explains its gate
    assertTrue(lines.contains("About to: repoint the database secret at sentinel-db-recovery "
        + "(sentinel-db-recovery.abc.us-east-1.rds.amazonaws.com), restored from rds:sentinel-db-2026-01-17-03-00, "
        + "then restart the ECS services"), p.message());
    assertTrue(lines.contains("On: secret sentinel/database-url; ECS services sentinel-api, sentinel-celery in "
        + "cluster sentinel-production (restarted to read it)"), p.message());
    assertTrue(lines.contains("What it means: the application reads and writes sentinel-db-recovery instead of "
        + "sentinel-db from then on: data written to sentinel-db after snapshot rds:sentinel-db-2026-01-17-03-00 was "
        + "taken (2026-01-17T03:00:00Z) is not in it. Rejecting changes nothing more: the secret stays on "
        + "sentinel-db and sentinel-db-recovery is left for a human"), p.message());
    assertTrue(lines.contains("  ./sentinel approve " + TOKEN + " --by YOUR_NAME"), p.message());
    assertTrue(lines.contains("  ./sentinel reject " + TOKEN + " --reason \"WHY\""), p.message());
    assertTrue(lines.contains("Without an answer within 60 min the recovery stops here, changes nothing more, "
        + "and escalates."), p.message());
    assertTrue(lines.contains("token: " + TOKEN), "the drill reads the token from this line: " + p.message());
    assertTrue(p.message().contains("ChooseOption decided: Option B: instance not found"), p.message());
    assertEquals("UpdateSecret", answer[0].path("requested").asText());
    assertEquals("SNS message msg-9", answer[0].path("sent").asText());
  }

  @Test
  void aGateBeforeTheRecoveryKnowsItsTargetNamesTheStep() throws IOException {
    PublishRequest p = gate(Fixtures.recovery(false), "UpdateSecret", new JsonNode[1]);
    assertTrue(p.message().contains("\nAbout to: UpdateSecret\n"), p.message());
  }

  @Test
  void aStepItsScenarioDoesNotGateIsNamed() throws IOException {
    PublishRequest p = gate(restored(), "RestartServices", new JsonNode[1]);
    assertTrue(p.message().contains("\nAbout to: RestartServices\n"), p.message());
    assertTrue(p.subject().endsWith(": APPROVAL needed before RestartServices"), p.subject());
  }
}
