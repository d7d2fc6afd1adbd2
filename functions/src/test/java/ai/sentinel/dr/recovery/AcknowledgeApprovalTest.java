package ai.sentinel.dr.recovery;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.PagerDutyOnCall;
import ai.sentinel.dr.oncall.PagingLog;
import ai.sentinel.dr.oncall.SnsOnCall;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * A human's answer to an approval gate, whichever it is, acknowledges the incident the gate paged, under the same
 * dedup key: the exact Events API v2 body, the trigger → acknowledge → resolve sequence of one recovery, the
 * timeline's record (when, to whom), and a PagerDuty that refuses the event changing nothing.
 */
class AcknowledgeApprovalTest {
  private static final String KEY = "R0UT1NGKEY0123456789abcdef012345";
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);
  private final List<String> bodies = new ArrayList<>();
  private final Deque<Integer> answers = new ArrayDeque<>();
  private OnCall onCall;

  @BeforeEach
  void setUp() {
    when(sns.publish(any(PublishRequest.class))).thenReturn(PublishResponse.builder().messageId("msg-7").build());
    onCall = new PagerDutyOnCall("http://127.0.0.1:8089", () -> KEY, (url, body) -> {
      bodies.add(body);
      return answers.isEmpty() ? 202 : answers.poll();
    }, d -> { }, new SnsOnCall(sns, Fixtures.TOPIC));
  }

  private static Recovery approved() {
    ObjectNode answer = Json.object().put("decision", "approved").put("by", "alice")
        .put("identity", "arn:aws:sts::123456789012:assumed-role/OnCall/alice").put("at", "2026-01-17T10:04:30Z");
    return Fixtures.recovery(false).withApproval(answer);
  }

  private static Recovery rejected() {
    return Fixtures.recovery(false).withError(Json.object().put("Error", "Rejected")
        .put("Cause", "rejected by bob (arn:aws:sts::123456789012:assumed-role/OnCall/bob): wrong snapshot"));
  }

  private JsonNode body(int i) {
    return Json.tree(bodies.get(i));
  }

  private JsonNode ack(String execution) {
    return Json.tree("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"acknowledge\",\"dedup_key\":\""
        + execution + "\"}");
  }

  @Test
  void anApprovalAcknowledgesTheIncidentWithTheExactBodyAndTheTimelineSaysWhenAndToWhom() {
    Recovery in = approved();
    Recovery out = invoke(new AcknowledgeApproval(Fixtures.deps(sns), onCall), in);

    assertEquals(1, bodies.size());
    assertEquals(ack(in.executionName()), body(0), "no payload on acknowledge");
    TimelineEntry entry = only(out, AcknowledgeApproval.NAME, "acknowledged");
    assertEquals(Fixtures.NOW.toString(), entry.at());
    assertEquals("acknowledge to " + onCall.target() + ", dedup key " + in.executionName() + " (approved by alice "
        + "(arn:aws:sts::123456789012:assumed-role/OnCall/alice)): PagerDuty acknowledge " + in.executionName(),
        entry.detail());
    only(out, AcknowledgeApproval.NAME, "approved");
    verify(sns, never()).publish(any(PublishRequest.class));
  }

  @Test
  void aRejectionAcknowledgesTooAndKeepsItsErrorForTheFailurePath() {
    Recovery in = rejected();
    Recovery out = invoke(new AcknowledgeApproval(Fixtures.deps(sns), onCall), in);

    assertEquals(ack(in.executionName()), body(0));
    assertEquals(in.error(), out.error(), "the rejection still fails the recovery");
    assertTrue(only(out, AcknowledgeApproval.NAME, "acknowledged").detail()
        .contains("(rejected by bob (arn:aws:sts::123456789012:assumed-role/OnCall/bob): wrong snapshot)"),
        out.timeline().toString());
  }

  @Test
  void aRefusedAcknowledgementFallsBackToTheTopicAndChangesNothingElse() {
    answers.add(400);
    Recovery in = approved();
    Recovery out = invoke(new AcknowledgeApproval(Fixtures.deps(sns), onCall), in);
    assertEquals(1, bodies.size(), "400 is not retried");
    assertTrue(only(out, AcknowledgeApproval.NAME, "acknowledged").detail()
        .endsWith("PagerDuty acknowledge failed: HTTP 400 (not retried); fallback SNS message msg-7"),
        out.timeline().toString());
    assertEquals(null, out.error());
  }

  @Test
  void aBrokenOnCallIsRecordedNotThrown() {
    OnCall broken = new OnCall() {
      @Override
      public String page(ai.sentinel.dr.oncall.Alert alert) {
        throw new IllegalStateException("down");
      }

      @Override
      public String resolve(ai.sentinel.dr.oncall.Alert alert) {
        throw new IllegalStateException("down");
      }

      @Override
      public String inform(ai.sentinel.dr.oncall.Alert alert) {
        throw new IllegalStateException("down");
      }
    };
    Recovery out = invoke(new AcknowledgeApproval(Fixtures.deps(sns), broken), approved());
    assertTrue(only(out, AcknowledgeApproval.NAME, "acknowledged").detail()
        .endsWith("acknowledge not delivered (IllegalStateException)"), out.timeline().toString());
  }

  /** A paging log over an in-memory table (the items RequestApproval puts are what AcknowledgeApproval reads). */
  private PagingLog pagingLog() {
    DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    when(ddb.putItem(any(PutItemRequest.class))).thenAnswer(i -> {
      items.add(((PutItemRequest) i.getArgument(0)).item());
      return PutItemResponse.builder().build();
    });
    when(ddb.query(any(QueryRequest.class))).thenAnswer(i -> QueryResponse.builder().items(items.stream()
        .filter(m -> m.get("pk").s().equals(((QueryRequest) i.getArgument(0)).expressionAttributeValues()
            .get(":pk").s())).toList()).build());
    return new PagingLog(ddb, "dev-sentinel-dr-waits", Fixtures.CLOCK);
  }

  private void ask(RequestApproval gate, Recovery recovery, ObjectNode extra) throws Exception {
    ObjectNode in = Json.object();
    in.set("recovery", Json.MAPPER.valueToTree(recovery));
    in.put("token", "TOKEN-1").put("step", "UpdateSecret").put("timeoutSeconds", 600);
    in.setAll(extra);
    gate.handleRequest(new ByteArrayInputStream(Json.bytes(in)), new ByteArrayOutputStream(), null);
  }

  @Test
  void anUnansweredGateIsRePagedCriticalUnderItsOwnKeyWhichTheAnswerResolvesAndTheTimelineSaysWhoWhen()
      throws Exception {
    PagingLog paging = pagingLog();
    RequestApproval gate = new RequestApproval(onCall, Fixtures.config(), paging, Fixtures.CLOCK);
    Recovery recovery = Fixtures.recovery(false);
    String execution = recovery.executionName();
    ask(gate, recovery, Json.object());
    ask(gate, recovery, Json.object().put("repage", true).put("afterMinutes", 10));
    ObjectNode repaged = Json.object().put("Error", "States.Timeout");
    Recovery answered = approved().with(new Part<>(AcknowledgeApproval.REPAGED_FIELD, JsonNode.class), repaged);
    Recovery out = invoke(new AcknowledgeApproval(Fixtures.deps(sns), onCall, paging), answered);

    assertEquals(List.of("trigger " + execution, "trigger " + execution + "/repage", "acknowledge " + execution,
        "resolve " + execution + "/repage"), bodies.stream().map(b -> Json.tree(b).path("event_action").asText()
        + " " + Json.tree(b).path("dedup_key").asText()).toList());
    JsonNode first = body(0).path("payload");
    JsonNode again = body(1).path("payload");
    // database failure not diagnosed yet: P1 (critical); the re-page is capped at critical
    assertEquals("critical", first.path("severity").asText());
    assertEquals("critical", again.path("severity").asText(), "higher urgency, capped: a new incident at critical");
    assertEquals("[Sentinel DR][dev] database-failure on sentinel-db: APPROVAL STILL needed before UpdateSecret "
        + "(unanswered for 10 min)", again.path("summary").asText());
    assertTrue(again.path("custom_details").path("details").asText().startsWith("RE-PAGED: the approval request "
        + "sent 10 min ago is still unanswered; its token has expired"), again.toString());
    assertEquals(List.of("paged", "re-paged", "approved", "acknowledged", "resolved"), out.timeline().stream()
        .map(TimelineEntry::event).toList().subList(out.timeline().size() - 5, out.timeline().size()));
    TimelineEntry page = out.timeline().get(out.timeline().size() - 5);
    assertEquals(Fixtures.NOW.toString(), page.at());
    assertEquals("Approve UpdateSecret", page.step());
    assertEquals("trigger to " + onCall.target() + ", severity critical, dedup key " + execution + " (APPROVAL needed "
        + "before UpdateSecret): PagerDuty trigger " + execution, page.detail());
    assertTrue(out.timeline().get(out.timeline().size() - 4).detail().startsWith("trigger to " + onCall.target()
        + ", severity critical, dedup key " + execution + "/repage"), out.timeline().toString());

    // the report's timeline says who was paged when, in one line
    List<String> paging2 = ai.sentinel.dr.report.PagingSection.lines(out);
    assertEquals(1, paging2.size());
    assertTrue(paging2.get(0).startsWith("10:05 - On-call paging (who was paged when): 10:05:00 trigger to PagerDuty"),
        paging2.get(0));
    assertTrue(paging2.get(0).contains("; 10:05:00 acknowledge to PagerDuty"), paging2.get(0));
  }

  @Test
  void oneRecoveryIsTriggeredAtTheGateAcknowledgedByTheAnswerAndResolvedWhenVerified() throws Exception {
    Recovery recovery = Fixtures.recovery(false);
    ObjectNode gate = Json.object();
    gate.set("recovery", Json.MAPPER.valueToTree(recovery));
    gate.put("token", "TOKEN-1").put("step", "UpdateSecret").put("timeoutSeconds", 600);
    new RequestApproval(onCall, Fixtures.config()).handleRequest(new ByteArrayInputStream(Json.bytes(gate)),
        new ByteArrayOutputStream(), null);
    Recovery answered = invoke(new AcknowledgeApproval(Fixtures.deps(sns), onCall), approved());
    Map<String, String> env = Fixtures.env();
    env.remove("LOCK_TABLE");
    Recovery verified = answered.withVerification(Verification.of(List.of(
        new Verification.Check("connect", Verification.Result.PASS, "ok"))));
    invoke(new Notify(Fixtures.deps(DrConfig.fromEnv(env), sns), onCall), verified);

    assertEquals(List.of("trigger", "acknowledge", "resolve"),
        bodies.stream().map(b -> Json.tree(b).path("event_action").asText()).toList());
    bodies.forEach(b -> assertEquals(recovery.executionName(), Json.tree(b).path("dedup_key").asText()));
    JsonNode trigger = body(0);
    assertEquals("critical", trigger.path("payload").path("severity").asText(), "P1: not diagnosed database failure");
    assertEquals("[Sentinel DR][dev] database-failure on sentinel-db: APPROVAL needed before UpdateSecret",
        trigger.path("payload").path("summary").asText());
    assertTrue(trigger.path("payload").path("custom_details").path("details").asText()
        .contains("./sentinel approve TOKEN-1 --by YOUR_NAME"));
    assertEquals(ack(recovery.executionName()), body(1));
    assertEquals(Json.tree("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"resolve\",\"dedup_key\":\""
        + recovery.executionName() + "\"}"), body(2));
  }
}
