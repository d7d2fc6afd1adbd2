package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Health;
import ai.sentinel.dr.recovery.Notify;
import ai.sentinel.dr.report.IncidentReports;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;

/**
 * "Act only on a confirmed failure", one mechanism for every recovery: right after Diagnose a Choice reads
 * {@code $.diagnosis.act}; not acting ends in NotifyNoAction, ReportNoAction, NoAction with nothing mutated; and
 * the build refuses a recovery that diagnoses without deciding, so a new scenario cannot forget it.
 */
class ActOnDiagnosisTest {

  /** Every deployed recovery with a Diagnose state, in dev and prod. */
  private static List<String[]> diagnosingRecoveries() {
    List<String[]> out = new ArrayList<>();
    for (String env : List.of("dev", "prod")) {
      Synth s = Synth.of(env);
      for (RecoveryStateMachine sm : s.stack.recoveries()) {
        if (s.definition(sm.scenario()).path("States").has("Diagnose")) {
          out.add(new String[] {env, sm.scenario()});
        }
      }
    }
    return out;
  }

  @Test
  void everyRecoveryThatDiagnosesDecidesRightAfterItAndEndsWithNoActionOtherwise() {
    List<String[]> recoveries = diagnosingRecoveries();
    assertTrue(recoveries.stream().map(r -> r[1]).toList().containsAll(List.of("database-failure", "redis-failure",
        "ecs-service-failure")), "the three recoveries diagnose");
    for (String[] r : recoveries) {
      Synth s = Synth.of(r[0]);
      JsonNode states = s.definition(r[1]).path("States");
      String where = r[0] + " " + r[1];
      assertEquals(RecoveryStateMachine.ACT_CHOICE, states.path("Diagnose").path("Next").asText(), where);
      JsonNode choice = states.path(RecoveryStateMachine.ACT_CHOICE);
      assertEquals("Choice", choice.path("Type").asText(), where);
      assertEquals(1, choice.path("Choices").size(), where);
      StateMachineAssert.assertIsTrue(choice.path("Choices").path(0), Health.ACT_PATH);
      assertEquals(RecoveryStateMachine.NOTIFY_NO_ACTION, choice.path("Default").asText(), where);
      // the no-action path: Notify's function (refund, unlock, info or page), the report, a Succeed
      JsonNode notify = states.path(RecoveryStateMachine.NOTIFY_NO_ACTION);
      assertEquals(Synth.render(states.path("Notify").path("Resource")), Synth.render(notify.path("Resource")),
          where + ": NotifyNoAction runs " + Notify.class.getSimpleName());
      assertEquals("ReportNoAction", notify.path("Next").asText(), where);
      JsonNode report = states.path("ReportNoAction");
      assertEquals(IncidentReports.NO_ACTION, report.path("Parameters").path("status").asText(),
          where);
      assertEquals(RecoveryStateMachine.NO_ACTION, report.path("Next").asText(), where);
      assertEquals("Succeed", states.path(RecoveryStateMachine.NO_ACTION).path("Type").asText(), where);
    }
  }

  @Test
  void theNotifyFunctionMayGiveAnAttemptBack() {
    List<String> tables = Synth.of("dev").resourcesOf("SharedStepsNotify", "dynamodb:UpdateItem");
    assertEquals(1, tables.size(), tables.toString());
    assertTrue(tables.get(0).contains("LocksTable"), tables.toString());
  }

  // ---- the build refuses what would forget the decision

  /** A state machine of {@code scenario} on a fresh dev stack, wired by {@code wiring}. */
  private static void build(String scenario, Consumer<Probe> wiring) {
    EnvironmentConfig config = Synth.load("dev");
    SentinelDrStack stack = SentinelDrApp.build(new App(), config, RepoPaths.lambdaJar(RepoPaths.root()));
    RunbookFunctions functions = new RunbookFunctions(config.prefix(), RepoPaths.lambdaJar(RepoPaths.root()),
        Map.of(), config::settingsEnvironment, config.logRetention());
    new Probe(stack, scenario, new RecoveryStateMachine.Props(config, functions, stack.sharedSteps(),
        stack.notifications(), false), wiring);
  }

  /** A recovery whose states the test wires. */
  static final class Probe extends RecoveryStateMachine {
    final LambdaInvoke diagnose;
    final LambdaInvoke next;

    Probe(SentinelDrStack stack, String scenario, Props props, Consumer<Probe> wiring) {
      super(stack, "Probe", scenario, props);
      diagnose = step("Diagnose", function(ai.sentinel.dr.redis.Diagnose.class));
      next = step("FindSnapshot", function(ai.sentinel.dr.redis.FindSnapshot.class));
      acquireLock().next(diagnose);
      wiring.accept(this);
      build(diagnose, "probe", "probe");
    }

    void decide() {
      actOnDiagnosis(diagnose, next);
      next.next(finish());
    }

    void forget() {
      diagnose.next(next).next(finish());
    }

    void exempt(String why) {
      actsWithoutDiagnosis(why);
      forget();
    }

    void decideOnTheWrongStep() {
      actOnDiagnosis(next, finish());
      diagnose.next(next);
    }
  }

  @Test
  void aRecoveryThatDiagnosesWithoutDecidingIsRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> build("redis-failure", Probe::forget));
    assertTrue(e.getMessage().contains("actOnDiagnosis"), e.getMessage());
  }

  @Test
  void aDecisionOnAStepThatWritesNoDiagnosisIsRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> build("redis-failure", Probe::decideOnTheWrongStep));
    assertTrue(e.getMessage().contains("does not run a DiagnoseStep"), e.getMessage());
  }

  @Test
  void theDocumentedExemptionAndTheDecisionItselfBuild() {
    build("redis-failure", Probe::decide);
    build("redis-failure", p -> p.exempt("the signal is the confirmed failure"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> build("redis-failure", p -> p.exempt(" ")));
    assertTrue(e.getMessage().contains("needs a reason"), e.getMessage());
  }

  @Test
  void aTestOfTheTestingScheduleIsNotARecoveryAndIsNotAsked() {
    build("database-restore-test", Probe::forget);
  }
}
