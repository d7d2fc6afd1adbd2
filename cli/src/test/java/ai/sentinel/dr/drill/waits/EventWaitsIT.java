package ai.sentinel.dr.drill.waits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.WaitForInstance;
import ai.sentinel.dr.drill.ExecutionWatcher;
import ai.sentinel.dr.drill.LocalEventBus;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.LocalFunction;
import ai.sentinel.dr.trigger.ManualResponder;
import ai.sentinel.dr.wait.ReadyEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Issue 15 on the local cloud over HTTP: a wait between polls ends on AWS's own event. The Testing Schedule's restore
 * test (restore a snapshot into a scratch instance, wait until it is available, SELECT 1, delete it) runs with
 * {@code pollSeconds} 10 while the launcher makes the restore take a few seconds and sends RDS's "restored" event when
 * the instance becomes available (moto_launcher.py E1), delivered by the deployed rule to the WaitResponder. One local
 * cloud for the class; each test sets the readiness it needs.
 */
class EventWaitsIT {
  private static final int POLL_SECONDS = 10;
  private static final String WAIT = "Wait for instance";
  private static LocalSentinel sentinel;
  private static String waitForInstance;

  @BeforeAll
  static void start() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("event-waits-it-"));
    waitForInstance = sentinel.deployment.functionFor(WaitForInstance.class);
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  @BeforeEach
  void asConfigured() throws Exception {
    sentinel.deployment.decorate(waitForInstance, fn -> fn instanceof Delayed d ? d.inner : fn);
    sentinel.cloud.setReadiness(0.0, 0.0, null, true);
  }

  @Test
  void theRestoredEventEndsTheWaitWithinASecondOfReadiness() throws Exception {
    sentinel.cloud.setReadiness(4.0, null, null, true);
    Run run = runRestoreTest();
    assertEquals(ExecutionStatus.SUCCEEDED, run.status, run.toString());
    LocalEventBus.Delivery restored = run.readyEvent();
    assertTrue(restored.answer().contains("\"woke\""), restored.toString());
    // the poll after the wait starts within a second of the instance becoming available (the event's moment)
    Instant pollAfter = run.entered("WaitForInstance").get(1);
    long lag = Duration.between(restored.at(), pollAfter).toMillis();
    assertTrue(lag >= 0 && lag < 1000, "poll " + lag + " ms after the event: " + run);
    assertEquals(0, run.timeouts(), "woken by the event, not by the timeout: " + run);
    assertTrue(run.waited().toMillis() < POLL_SECONDS * 1000L, run.toString());
  }

  @Test
  void withoutTheEventTheWaitFallsBackToItsPoll() throws Exception {
    sentinel.cloud.setReadiness(2.0, null, null, false);
    Run run = runRestoreTest();
    assertEquals(ExecutionStatus.SUCCEEDED, run.status, run.toString());
    assertEquals(List.of(), run.deliveries, "no event was sent");
    // the wait timed out after pollSeconds and the poll found the instance available: verified all the same
    assertEquals(1, run.timeouts(), run.toString());
    assertTrue(run.waited().toMillis() >= (POLL_SECONDS - 1) * 1000L, run.toString());
  }

  @Test
  void anEventBeforeTheTokenIsRegisteredIsNotLost() throws Exception {
    // the wait's registration is held back 3 s; the restore completes (and its event arrives) after 1 s, when no
    // recovery waits yet: the event wakes nobody, and the wait's own look right after registering ends it
    sentinel.deployment.decorate(waitForInstance, fn -> new Delayed(fn, 3000));
    sentinel.cloud.setReadiness(1.0, null, null, true);
    Run run = runRestoreTest();
    assertEquals(ExecutionStatus.SUCCEEDED, run.status, run.toString());
    LocalEventBus.Delivery restored = run.readyEvent();
    assertTrue(restored.answer().contains("no recovery waits"), "the event came before the token: " + restored);
    assertEquals(0, run.timeouts(), "ended by the wait itself, not by the timeout: " + run);
    assertTrue(run.waited().toMillis() < 3000 + 2000, "about the held-back registration, not pollSeconds: " + run);
  }

  /** Slows the wait mode (registration) of a poll step, leaving its polls as they are. */
  private record Delayed(LocalFunction inner, long millis) implements LocalFunction {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public byte[] invoke(byte[] payload) throws Exception {
      if (Json.tree(new String(payload, StandardCharsets.UTF_8)).has("await")) {
        Thread.sleep(millis);
      }
      return inner.invoke(payload);
    }
  }

  /**
   * One run of the restore test.
   *
   * @param deliveries the ready events delivered during the run
   */
  private record Run(ExecutionStatus status, List<HistoryEvent> history, List<LocalEventBus.Delivery> deliveries) {
    List<Instant> entered(String state) {
      return history.stream().filter(e -> e.type() == HistoryEventType.TASK_STATE_ENTERED
          && state.equals(e.stateEnteredEventDetails().name())).map(HistoryEvent::timestamp).toList();
    }

    /** Waits ended by their timeout (moto reports TaskTimedOut; a TaskFailed States.Timeout is the same). */
    long timeouts() {
      return history.stream().filter(e -> e.type() == HistoryEventType.TASK_TIMED_OUT
          || e.type() == HistoryEventType.TASK_FAILED && "States.Timeout".equals(e.taskFailedEventDetails().error()))
          .count();
    }

    /** From entering the wait to the poll after it. */
    Duration waited() {
      return Duration.between(entered(WAIT).get(0), entered("WaitForInstance").get(1));
    }

    LocalEventBus.Delivery readyEvent() {
      return deliveries.stream().filter(d -> d.via().endsWith(ReadyEvents.RDS_INSTANCE)).findFirst()
          .orElseThrow(() -> new AssertionError("no RDS ready event delivered: " + deliveries));
    }

    @Override
    public String toString() {
      return status + " " + history.stream().filter(e -> e.stateEnteredEventDetails() != null)
          .map(e -> e.timestamp() + " " + e.stateEnteredEventDetails().name()).toList() + " " + deliveries;
    }
  }

  private static Run runRestoreTest() throws Exception {
    int before = sentinel.events.deliveries().size();
    ObjectNode payload = Json.object();
    payload.put("runbook", "database-restore-test");
    payload.put("drill", true);
    payload.put("requestId", UUID.randomUUID().toString());
    payload.put("pollSeconds", POLL_SECONDS);
    JsonNode answer = Json.tree(sentinel.aws.lambda.invoke(b -> b.functionName(sentinel.deployment.functionFor(
        ManualResponder.class)).payload(SdkBytes.fromByteArray(Json.bytes(payload)))).payload().asUtf8String());
    String arn = answer.path("executionArn").asText();
    assertTrue(!arn.isEmpty(), answer.toString());
    Instant until = Instant.now().plusSeconds(90);
    DescribeExecutionResponse d;
    do {
      Thread.sleep(200);
      d = sentinel.aws.sfn.describeExecution(b -> b.executionArn(arn));
    } while (d.status() == ExecutionStatus.RUNNING && Instant.now().isBefore(until));
    List<LocalEventBus.Delivery> all = sentinel.events.deliveries();
    return new Run(d.status(), ExecutionWatcher.history(sentinel.aws.sfn, arn), all.subList(before, all.size())
        .stream().filter(e -> e.via().contains("ready-")).toList());
  }
}
