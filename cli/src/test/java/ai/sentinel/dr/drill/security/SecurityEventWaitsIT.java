package ai.sentinel.dr.drill.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.ExecutionWatcher;
import ai.sentinel.dr.drill.LocalEventBus;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.LocalFunction;
import ai.sentinel.dr.security.DatabaseSecretRotator;
import ai.sentinel.dr.security.JwtSecretRotator;
import ai.sentinel.dr.trigger.WaitResponder;
import ai.sentinel.dr.wait.ReadyEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Issue 15 for Scenario 6 on the local cloud over HTTP: "Wait for rotation" ends on Secrets Manager's own event. The
 * security incident drill runs with {@code pollSeconds} 10 while each rotation function's finishSecret is held back
 * 3 s, so both rotations end after the wait registered its tokens; the launcher (E7) sends "Secret Label Updated"
 * when finishSecret moves AWSCURRENT, the deployed ready rule delivers it to the WaitResponder, and the poll after the
 * wait runs within a second of the event, not after pollSeconds. The drill still ends contained and verified.
 */
class SecurityEventWaitsIT {
  private static final int POLL_SECONDS = 10;
  private static final long HELD_BACK_MILLIS = 3000;
  private static final String WAIT = "Wait for rotation";
  private static LocalSentinel sentinel;
  private static Drill.Result result;
  private static String output;
  private static List<HistoryEvent> history;
  private static List<LocalEventBus.Delivery> labels;

  @BeforeAll
  static void runDrill() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"),
        Map.of("POLL_SECONDS", Integer.toString(POLL_SECONDS)), Files.createTempDirectory("security-waits-it-"));
    for (Class<?> rotator : List.of(JwtSecretRotator.class, DatabaseSecretRotator.class)) {
      sentinel.deployment.decorate(sentinel.deployment.functionFor(rotator), HeldBackFinish::new);
    }
    // the WaitResponder warm, as after its first event: its first in-process start (class loading, the event-ruler
    // machine of every deployed pattern) took 2 s here at load 29, which is not what an event adds to a wait
    byte[] sample = Files.readAllBytes(RepoPaths.root().resolve("events")
        .resolve("secretsmanager-eventbridge-label-updated-current.json"));
    sentinel.aws.lambda.invoke(b -> b.functionName(sentinel.deployment.functionFor(WaitResponder.class))
        .payload(SdkBytes.fromByteArray(sample)));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    result = Drill.of(sentinel, "security-incident", new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(false);
    output = buffer.toString(StandardCharsets.UTF_8);
    history = ExecutionWatcher.history(sentinel.aws.sfn, result.executionArn());
    labels = sentinel.events.deliveries().stream().filter(d -> d.via().endsWith(ReadyEvents.ECS_STEADY_STATE)
        && ReadyEvents.SECRET_LABEL_UPDATED.equals(d.event().path("detail-type").asText())).toList();
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  /** A rotation function whose finishSecret (the step that moves AWSCURRENT) starts {@link #HELD_BACK_MILLIS} late. */
  private record HeldBackFinish(LocalFunction inner) implements LocalFunction {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public byte[] invoke(byte[] payload) throws Exception {
      if ("finishSecret".equals(Json.tree(new String(payload, StandardCharsets.UTF_8)).path("Step").asText())) {
        Thread.sleep(HELD_BACK_MILLIS);
      }
      return inner.invoke(payload);
    }
  }

  private static List<Instant> entered(String state) {
    return history.stream().filter(e -> e.type() == HistoryEventType.TASK_STATE_ENTERED
        && state.equals(e.stateEnteredEventDetails().name())).map(HistoryEvent::timestamp).toList();
  }

  @Test
  void theDrillStillEndsContainedAndVerified() {
    assertTrue(result.passed(), output);
    assertEquals(ExecutionStatus.SUCCEEDED, result.status(), output);
  }

  @Test
  void theRotationsWaitEndsWithinASecondOfSecretsManagersEvent() {
    // one event per secret, each AWSCURRENT moving onto the rotation's version
    assertEquals(2, labels.size(), labels.toString());
    List<Instant> polls = entered("WaitForRotation");
    assertFalse(entered(WAIT).isEmpty(), "the rotation was still under way at the first poll: " + polls);
    // the event that answered the waiting recovery's token (SendTaskSuccess accepted): the wait ended on it
    LocalEventBus.Delivery woke = labels.stream().filter(d -> d.answer().contains("\"woke\"")).findFirst()
        .orElseThrow(() -> new AssertionError("no Secret Label Updated woke the wait: " + labels + " " + polls));
    Instant pollAfter = polls.stream().filter(p -> !p.isBefore(woke.at())).findFirst().orElseThrow(
        () -> new AssertionError("no poll after the event " + woke.at() + ": " + polls));
    long lag = Duration.between(woke.at(), pollAfter).toMillis();
    assertTrue(lag < 1000, "poll " + lag + " ms after the event, not after pollSeconds: " + polls + " " + labels);
  }
}
