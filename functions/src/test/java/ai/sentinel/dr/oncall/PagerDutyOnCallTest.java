package ai.sentinel.dr.oncall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.StepHarness;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PagerDuty behind the one on-call interface: exact Events API v2 bodies, one incident per execution (trigger,
 * acknowledge, resolve under its dedup key), retries on 429/5xx only, the SNS fallback whenever PagerDuty cannot take
 * an event, and the routing key in no log line and no returned text.
 */
class PagerDutyOnCallTest {
  private static final String KEY = "R0UT1NGKEY0123456789abcdef012345";
  private static final String EXECUTION = "ecs-service-failure-sentinel-api-0123456789abcdef";
  private final List<String> bodies = new ArrayList<>();
  private final List<URI> urls = new ArrayList<>();
  private final Deque<Object> answers = new ArrayDeque<>();
  private final List<Duration> waits = new ArrayList<>();
  private final List<String> fallback = new ArrayList<>();
  private final AtomicInteger keyReads = new AtomicInteger();
  private final List<String> logs = StepHarness.captureLogs();

  @AfterEach
  void release() {
    StepHarness.releaseLogs();
  }

  private final OnCall sns = new OnCall() {
    @Override
    public String page(Alert alert) {
      fallback.add("page " + alert.dedupKey());
      return "SNS message 1";
    }

    @Override
    public String resolve(Alert alert) {
      fallback.add("resolve " + alert.dedupKey());
      return "SNS message 2";
    }

    @Override
    public String inform(Alert alert) {
      fallback.add("inform " + alert.dedupKey());
      return "SNS message 3";
    }
  };

  private PagerDutyOnCall pagerDuty() {
    return new PagerDutyOnCall("http://127.0.0.1:8089/", () -> {
      keyReads.incrementAndGet();
      return KEY;
    }, (url, body) -> {
      urls.add(url);
      bodies.add(body);
      Object next = answers.isEmpty() ? 202 : answers.poll();
      if (next instanceof Exception e) {
        throw e;
      }
      return (Integer) next;
    }, waits::add, sns);
  }

  private static Alert alert(Severity severity) {
    return Alert.about("prod", "ecs-service-failure", "sentinel-api", "FAILED - human needed",
        "Timeline:\n- 10:02 Diagnose failed", EXECUTION, severity);
  }

  @Test
  void aPageIsOneTriggerWithTheExactEventsApiV2Body() {
    String sent = pagerDuty().page(alert(Severity.ofPriority("P1")));

    assertEquals("PagerDuty trigger " + EXECUTION, sent);
    assertEquals(List.of(URI.create("http://127.0.0.1:8089/v2/enqueue")), urls);
    JsonNode expected = Json.tree("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"trigger\",\"dedup_key\":\""
        + EXECUTION + "\",\"payload\":{\"summary\":\"[Sentinel DR][prod] ecs-service-failure on sentinel-api: "
        + "FAILED - human needed\",\"source\":\"sentinel-api\",\"severity\":\"critical\",\"component\":\"sentinel-dr\","
        + "\"group\":\"prod\",\"custom_details\":{\"environment\":\"prod\",\"details\":\"Timeline:\\n- 10:02 Diagnose "
        + "failed\"}},\"client\":\"Sentinel DR\"}");
    assertEquals(expected, Json.tree(bodies.get(0)));
    assertTrue(fallback.isEmpty());
  }

  @Test
  void oneRecoveryIsOneIncidentTriggeredAcknowledgedResolvedUnderTheExecutionName() {
    PagerDutyOnCall pd = pagerDuty();
    pd.page(alert(Severity.ERROR));
    pd.acknowledge(alert(Severity.ERROR));
    pd.resolve(alert(Severity.INFO));

    List<String> actions = bodies.stream().map(b -> Json.tree(b).get("event_action").asText()).toList();
    assertEquals(List.of("trigger", "acknowledge", "resolve"), actions);
    bodies.forEach(b -> assertEquals(EXECUTION, Json.tree(b).get("dedup_key").asText()));
    assertEquals(Json.tree("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"resolve\",\"dedup_key\":\""
        + EXECUTION + "\"}"), Json.tree(bodies.get(2)), "no payload on resolve");
    assertEquals(1, keyReads.get(), "the routing key is read once per function instance");
  }

  @Test
  void severityFollowsTheIncidentPriorityAndTheSummaryFitsPagerDutysLimit() {
    List<String> severities = new ArrayList<>();
    for (String p : List.of("P1", "P2", "P3", "P4")) {
      PagerDutyOnCall pd = pagerDuty();
      pd.page(alert(Severity.ofPriority(p)));
      severities.add(Json.tree(bodies.get(bodies.size() - 1)).path("payload").path("severity").asText());
    }
    assertEquals(List.of("critical", "error", "warning", "info"), severities);
    Alert longOne = Alert.about("prod", "x".repeat(3000), "sentinel-api", "FAILED - human needed", "d", EXECUTION,
        Severity.CRITICAL);
    pagerDuty().page(longOne);
    String summary = Json.tree(bodies.get(bodies.size() - 1)).path("payload").path("summary").asText();
    assertEquals(1024, summary.length());
    assertTrue(summary.endsWith(": FAILED - human needed"), "the outcome survives the truncation: " + summary);
  }

  @Test
  void throttlingAndServerErrorsAreRetriedWithADoublingBackoff() {
    answers.addAll(List.of(429, 503));
    String sent = pagerDuty().page(alert(Severity.CRITICAL));
    assertEquals("PagerDuty trigger " + EXECUTION, sent);
    assertEquals(3, bodies.size());
    assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(1000)), waits);
    assertTrue(fallback.isEmpty());
  }

  @Test
  void aBadRequestIsNotRetriedAndGoesToTheSnsFallback() {
    answers.add(400);
    String sent = pagerDuty().page(alert(Severity.CRITICAL));
    assertEquals(1, bodies.size());
    assertTrue(waits.isEmpty());
    assertEquals(List.of("page " + EXECUTION), fallback);
    assertEquals("PagerDuty trigger failed: HTTP 400 (not retried); fallback SNS message 1", sent);
  }

  @Test
  void anUnreachablePagerDutyFallsBackToSnsAndNeverThrows() {
    answers.addAll(List.of(new ConnectException("refused"), new ConnectException("refused"),
        new ConnectException("refused")));
    String sent = pagerDuty().resolve(alert(Severity.INFO));
    assertEquals(3, bodies.size());
    assertEquals(List.of("resolve " + EXECUTION), fallback);
    assertEquals("PagerDuty resolve failed: no answer (ConnectException) after 3 attempts; fallback SNS message 2",
        sent);
  }

  @Test
  void anUnreadableRoutingKeyStillReachesTheOnCallThroughSns() {
    PagerDutyOnCall pd = new PagerDutyOnCall("https://events.pagerduty.com", () -> {
      throw new IllegalStateException("AccessDenied");
    }, (url, body) -> 202, waits::add, sns);
    String sent = pd.page(alert(Severity.CRITICAL));
    assertEquals("PagerDuty trigger failed: routing key unreadable (IllegalStateException); fallback SNS message 1",
        sent);
  }

  @Test
  void informIsForTheRecordAndNeverOpensAnIncident() {
    assertEquals("SNS message 3", pagerDuty().inform(alert(Severity.INFO)));
    assertTrue(bodies.isEmpty());
  }

  @Test
  void theRoutingKeyIsInNoLogLineAndNoReturnedText() {
    PagerDutyOnCall pd = pagerDuty();
    answers.addAll(List.of(500, 500, 500));
    List<String> returned = new ArrayList<>();
    returned.add(pd.page(alert(Severity.CRITICAL)));
    returned.add(pd.acknowledge(alert(Severity.CRITICAL)));
    returned.add(pd.resolve(alert(Severity.INFO)));
    assertFalse(logs.isEmpty());
    logs.forEach(l -> assertFalse(l.contains(KEY), l));
    returned.forEach(r -> assertFalse(r.contains(KEY), r));
  }
}
