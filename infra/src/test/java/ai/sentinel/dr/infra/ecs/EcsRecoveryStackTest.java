package ai.sentinel.dr.infra.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.ecs.DeployPreviousVersion;
import ai.sentinel.dr.ecs.Diagnose;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.ecs.ForceNewDeployment;
import ai.sentinel.dr.ecs.ScaleUp;
import ai.sentinel.dr.ecs.VerifyTargets;
import ai.sentinel.dr.ecs.WaitForStability;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.StateMachineAssert;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.infra.database.DatabaseInfraScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;

/** Scenario 3: the ECS state machine's decisions, its functions and what they may touch. */
public class EcsRecoveryStackTest {
  /** The ecs package's steps, each its own function. */
  public static final List<Class<?>> STEPS = List.of(Diagnose.class, ForceNewDeployment.class,
      WaitForStability.class, DeployPreviousVersion.class, ScaleUp.class, VerifyTargets.class);
  private static final String F = "EcsRecoveryFunctions";
  private static final String ECS = "arn:<Ref:AWS::Partition>:ecs:us-east-1:<Ref:AWS::AccountId>:";
  private static final List<String> SERVICES = List.of(ECS + "service/sentinel-production/sentinel-api",
      ECS + "service/sentinel-production/sentinel-celery");

  private static Synth dev;
  private static JsonNode states;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
    states = dev.definition("ecs-service-failure").path("States");
  }

  @Test
  void stateMachineIsTheRunbooksScenario3() {
    assertEquals("dev-sentinel-dr-ecs-service-failure",
        dev.stateMachine("ecs-service-failure").path("StateMachineName").asText());
    assertEquals("AcquireLock", dev.definition("ecs-service-failure").path("StartAt").asText());
    assertEquals(new TreeSet<>(List.of("AcquireLock", "Diagnose", "ForceNewDeployment", "WaitForStability",
        "Service stable?", "Roll back?", "Wait for stability", "DeployPreviousVersion", "ScaleUp", "Scaled?",
        "Wait for scale-up", "Wait for scale-up (polling)", "Wait for stability (polling)", "VerifyTargets", "Notify",
        "Report", "Recovered", "NotifyFailure", "ReportFailure", "RecoveryFailed", "Act on diagnosis?", "NotifyNoAction", "ReportNoAction", "NoAction")), names());
    assertEquals("Diagnose", next("AcquireLock"));
    assertEquals(RecoveryStateMachine.ACT_CHOICE, next("Diagnose"));
    assertEquals("ForceNewDeployment", states.path(RecoveryStateMachine.ACT_CHOICE).path("Choices").path(0).path("Next")
        .asText());
    assertEquals("WaitForStability", next("ForceNewDeployment"));
    assertEquals("Service stable?", next("WaitForStability"));
    assertEquals("Notify", next("VerifyTargets"));
    assertEquals("Report", next("Notify"));
    assertEquals("Recovered", next("Report"));
    assertTrue(Synth.render(states.path("Diagnose").path("Resource")).startsWith("<Ref:" + F + "DiagnoseLive"));
  }

  @Test
  void aStableServiceIsScaledUpAnUnstableOneWaitsOrRollsBack() {
    JsonNode stable = states.path("Service stable?");
    assertEquals(1, stable.path("Choices").size());
    assertEquals("ScaleUp", stable.path("Choices").path(0).path("Next").asText());
    StateMachineAssert.assertIsTrue(stable.path("Choices").path(0), "$.ecs.stable");
    assertEquals("Roll back?", stable.path("Default").asText());

    JsonNode rollBack = states.path("Roll back?");
    assertEquals(1, rollBack.path("Choices").size());
    assertEquals("DeployPreviousVersion", rollBack.path("Choices").path(0).path("Next").asText());
    StateMachineAssert.assertIsTrue(rollBack.path("Choices").path(0), "$.ecs.rollbackDue");
    // not stable and no rollback due yet: poll again after pollSeconds
    assertEquals("Wait for stability", rollBack.path("Default").asText());
    StateMachineAssert.assertEventWait(states, "Wait for stability", "WaitForStability");
    // the rollback is watched like the forced deployment was
    assertEquals("WaitForStability", next("DeployPreviousVersion"));
    assertEquals(Set.of("Roll back?"), StateMachineAssert.predecessors(states, "DeployPreviousVersion"));
  }

  @Test
  void aRealScaleUpIsWaitedForThenScaleUpRunsAgainAPlanGoesOnToVerify() {
    assertEquals("Scaled?", next("ScaleUp"));
    JsonNode scaled = states.path("Scaled?");
    assertEquals(1, scaled.path("Choices").size());
    JsonNode rule = scaled.path("Choices").path(0);
    assertEquals("Wait for scale-up", rule.path("Next").asText());
    StateMachineAssert.assertIsTrue(rule, "$.ecs.scale.scaled");
    // a dry-run's scale-up started no task: nothing to wait for
    assertTrue(rule.toString().contains("{\"Not\":{\"And\":[{\"Variable\":\"$.options.dryRun\",\"IsPresent\":true},"
        + "{\"Variable\":\"$.options.dryRun\",\"BooleanEquals\":true}]}}"), rule.toString());
    assertEquals("VerifyTargets", scaled.path("Default").asText());
    StateMachineAssert.assertEventWait(states, "Wait for scale-up", "WaitForStability");
    // the loop: WaitForStability -> Service stable? -> ScaleUp, which finds running == desired the second time
    assertEquals(Set.of("Service stable?"), StateMachineAssert.predecessors(states, "ScaleUp"));
    assertEquals(Set.of("Scaled?"), StateMachineAssert.predecessors(states, "VerifyTargets"));
  }

  @Test
  void theRollbackIsGatedOnlyWhenConfiguredAndDryRunsSkipTheGate() {
    assertFalse(states.has("Approve DeployPreviousVersion"));
    assertFalse(states.has("Dry-run?"));
    Synth gated = Synth.gated("dev", List.of("DeployPreviousVersion"));
    JsonNode gatedStates = gated.definition("ecs-service-failure").path("States");
    assertEquals("Dry-run?", gatedStates.path("Roll back?").path("Choices").path(0).path("Next").asText());
    StateMachineAssert.gate(gatedStates, "DeployPreviousVersion", 3600);
    // DeployPreviousVersion gates the rollback only: the secrets' repoint is not gated with it
    assertFalse(gated.definition("database-failure").path("States").has("Dry-run?"));
    assertFalse(gated.definition("redis-failure").path("States").has("Dry-run?"));
    assertTrue(gated.stack.stateMachine(EcsInfraScenario.ID).orElseThrow().requestApproval().isPresent());
    assertTrue(gated.stack.stateMachine(DatabaseInfraScenario.ID).orElseThrow().requestApproval().isEmpty());
    List<String> errors = Annotations.fromStack(gated.stack)
        .findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
        .map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    assertEquals(List.of(), errors);
  }

  @Test
  void functionsAreNamedAfterTheEcsPackageAndGetItsSettings() {
    for (Class<?> step : STEPS) {
      JsonNode fn = dev.function("dev-sentinel-dr-ecs-" + Names.kebab(step.getSimpleName()));
      assertEquals(step.getName() + "::handleRequest", fn.path("Handler").asText());
      assertFalse(fn.has("VpcConfig"), step.getSimpleName());
      JsonNode ecs = Synth.section(fn.path("Environment").path("Variables"), EcsSettings.class);
      assertEquals("{\"sentinel-api\":\"sentinel-api\"}", ecs.path("targetGroups").toString());
      assertEquals("{\"sentinel-api\":3,\"sentinel-celery\":2}", ecs.path("desiredCounts").toString());
      assertEquals("10", ecs.path("stablePolls").asText());
      assertEquals("/ecs/", ecs.path("logGroupPrefix").asText());
    }
    assertEquals("3", Synth.section(Synth.of("local").function("local-sentinel-dr-ecs-wait-for-stability")
        .path("Environment").path("Variables"), EcsSettings.class).path("stablePolls").asText());
  }

  @Test
  void updateServiceOnlyOnTheProtectedServices() {
    for (String step : List.of("ForceNewDeployment", "DeployPreviousVersion", "ScaleUp")) {
      assertEquals(SERVICES, dev.resourcesOf(F + step, "ecs:UpdateService"), step);
    }
    List<String> updaters = new ArrayList<>();
    dev.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      // Scenario 6's Isolate/RestoreGradually change only the isolated service (SecurityRecoveryStackTest)
      if (Synth.list(st, "Action").contains("ecs:UpdateService") && !policy.startsWith("SecurityRecovery")) {
        assertEquals(SERVICES, Synth.list(st, "Resource"), policy + ": no wildcard UpdateService");
        updaters.add(policy.replaceAll("RoleDefaultPolicy[0-9A-F]+$", ""));
      }
    }));
    assertEquals(new TreeSet<>(List.of(F + "ForceNewDeployment", F + "DeployPreviousVersion", F + "ScaleUp",
        "SharedStepsRestartServices")), new TreeSet<>(updaters));
    // (Scenario 6's HeightenedMonitoring passes its Scheduler role, to scheduler.amazonaws.com only)
    dev.policyStatements().forEach((policy, statements) -> statements.forEach(st -> assertFalse(
        !policy.startsWith("SecurityRecovery") && Synth.list(st, "Action").contains("iam:PassRole"),
        "UpdateService to a registered revision passes no role: " + policy)));
    assertTrue(dev.statementsOf(F + "WaitForStability").stream()
        .noneMatch(s -> Synth.list(s, "Action").contains("ecs:UpdateService")), "waiting changes nothing");
  }

  /**
   * No step of Scenario 3 may read a secret: Diagnose masks credentials in the log tail by their form only (it cannot
   * mask the protected secrets' values it has no access to), and a role that could read them would be a wider blast
   * radius for a step that only reads logs and ECS state.
   */
  @Test
  void noStepMayReadASecret() {
    List<String> ecsSteps = dev.policyStatements().keySet().stream().filter(id -> id.startsWith(F)).toList();
    assertTrue(ecsSteps.size() >= 6, ecsSteps.toString());
    dev.policyStatements().forEach((id, statements) -> {
      if (id.startsWith(F)) {
        statements.forEach(s -> assertTrue(Synth.list(s, "Action").stream().noneMatch(a -> a.startsWith(
            "secretsmanager:") || a.equals("kms:Decrypt") || a.equals("*")), id + " " + s));
      }
    });
  }

  @Test
  void readsAreScopedWhereAwsAllowsIt() {
    assertEquals(List.of("arn:<Ref:AWS::Partition>:logs:us-east-1:<Ref:AWS::AccountId>:log-group:/ecs/sentinel-api:*",
        "arn:<Ref:AWS::Partition>:logs:us-east-1:<Ref:AWS::AccountId>:log-group:/ecs/sentinel-celery:*"),
        dev.resourcesOf(F + "Diagnose", "logs:FilterLogEvents"));
    assertEquals(dev.resourcesOf(F + "Diagnose", "logs:FilterLogEvents"),
        dev.resourcesOf(F + "Diagnose", "logs:GetLogEvents"));
    assertEquals(List.of(ECS + "task/sentinel-production/*"),
        dev.resourcesOf(F + "Diagnose", "ecs:DescribeTasks"));
    assertEquals(SERVICES, dev.resourcesOf(F + "Diagnose", "ecs:DescribeServices"));
    assertEquals(List.of("*"), dev.resourcesOf(F + "DeployPreviousVersion",
        "ecs:DescribeTaskDefinition"));
    assertEquals(List.of("*"), dev.resourcesOf(F + "VerifyTargets",
        "elasticloadbalancing:DescribeTargetHealth"));
  }

  @Test
  void outputNamesTheStateMachine() {
    assertTrue(Synth.render(dev.json.path("Outputs").path("EcsServiceFailureStateMachineArn").path("Value"))
        .startsWith("<Ref:EcsRecoveryStateMachine"));
  }

  private static String next(String state) {
    return states.path(state).path("Next").asText();
  }

  private static Set<String> names() {
    Set<String> out = new TreeSet<>();
    states.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
