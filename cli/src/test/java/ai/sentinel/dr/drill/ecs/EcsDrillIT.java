package ai.sentinel.dr.drill.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.DrillReports;
import ai.sentinel.dr.drill.HealthLines;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.ecs.EcsState;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.recovery.TimelineEntry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Scenario 3 end to end over HTTP on the local cloud: a release whose image cannot start, deployed with fewer tasks
 * than configured; the real SERVICE_DEPLOYMENT_FAILED event reaches the ECS responder; the forced deployment does not
 * stabilise, so the recovery rolls back to the previous revision and scales up. Checked in ECS, ELB and the execution
 * history.
 */
class EcsDrillIT {
  private static LocalSentinel sentinel;
  private static Drill.Result result;
  private static String output;
  private static String api;

  @BeforeAll
  static void runDrill() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("ecs-drill-it-"));
    api = EcsSettings.of(sentinel.config).services().get(0);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    result = Drill.of(sentinel, "ecs-service-failure", new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(false);
    output = buffer.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static Service service() {
    return sentinel.aws.ecs.describeServices(b -> b.cluster(EcsSettings.of(sentinel.config).cluster())
        .services(api)).services()
        .get(0);
  }

  private static List<String> tasks() {
    return sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(result.executionArn()).maxResults(1000))
        .events().stream().filter(e -> e.type() == HistoryEventType.TASK_STATE_ENTERED)
        // the waits between polls are Task states too (they end on AWS's event), but no steps
        .map(e -> e.stateEnteredEventDetails().name()).filter(n -> !n.startsWith("Wait for ")).toList();
  }

  @Test
  void drillEndsVerified() {
    assertTrue(result.passed(), output);
    assertEquals(ExecutionStatus.SUCCEEDED, result.status(), output);
    assertTrue(result.recovery().verification().verified(), output);
    assertTrue(output.contains("RECOVERED and VERIFIED"), output);
  }

  @Test
  void theHealthCheckAfterTheRecoveryPassesWhatTheRecoveryTouched() {
    // issue 14: the drill's third health check is all PASS for the checks the scenario touches: the services at
    // their desired count and the load balancer's targets healthy (after the injection both were failing)
    Map<String, String> injected = HealthLines.at(output, "after the injection");
    Map<String, String> after = HealthLines.at(output, "after the recovery");
    for (String check : List.of("ECS services", "ALB health")) {
      assertTrue(after.getOrDefault(check, "").startsWith("PASS  "), check + " after the recovery: " + after
          + "\n" + output);
    }
    assertTrue(!injected.getOrDefault("ECS services", "PASS  ").startsWith("PASS  ")
        || !injected.getOrDefault("ALB health", "PASS  ").startsWith("PASS  "),
        "the injection shows in the health check before the recovery: " + injected + "\n" + output);
  }

  @Test
  void rollbackPickedThePreviousRevisionAndTheTimelineSaysWhy() {
    List<String> revisions = sentinel.part(EcsSeed.class).taskDefinitions().get(api);
    EcsState.Rollback rollback = result.recovery().part(EcsState.PART).rollback();
    assertNotNull(rollback, output);
    assertEquals(EcsServiceFailure.revision(revisions.get(1)), EcsServiceFailure.revision(rollback.from()));
    assertEquals(EcsServiceFailure.revision(revisions.get(0)), EcsServiceFailure.revision(rollback.to()));
    assertTrue(rollback.reason() != null && !rollback.reason().isBlank());
    // the decision and its reason are in the timeline, before the rollback was sent
    List<TimelineEntry> timeline = result.recovery().timeline();
    assertTrue(timeline.stream().anyMatch(e -> e.step().equals("DeployPreviousVersion") && e.event().equals("decided")
        && e.detail().contains(rollback.reason())), timeline.toString());
    assertEquals(revisions.get(0), service().taskDefinition());
    // the forced deployment was tried first, for its whole window, then the rollback
    List<String> tasks = tasks();
    int forced = tasks.indexOf("ForceNewDeployment");
    int rolledBack = tasks.indexOf("DeployPreviousVersion");
    assertTrue(forced >= 0 && rolledBack > forced, tasks.toString());
    long pollsBefore = tasks.subList(forced, rolledBack).stream().filter("WaitForStability"::equals).count();
    assertEquals(EcsSettings.of(sentinel.config).stablePolls(), pollsBefore, tasks.toString());
  }

  @Test
  void scaleUpReachedTheConfiguredDesiredCountWithHealthyTargets() {
    int configured = EcsSettings.of(sentinel.config).desiredCountOf(api);
    Service now = service();
    assertEquals(configured, now.desiredCount());
    assertEquals(configured, now.runningCount());
    assertEquals(1, now.deployments().size());
    assertEquals(Map.of("healthy", (long) configured), EcsServiceFailure.targets(sentinel, api));
    EcsState.Scale scale = result.recovery().part(EcsState.PART).scale();
    assertEquals(configured, scale.desired());
    assertTrue(tasks().contains("ScaleUp"));
  }

  @Test
  void theDrillShowsEachStepWithItsNumber() {
    List<String> distinct = tasks().stream().distinct().toList();
    assertEquals(List.of("AcquireLock", "Diagnose", "ForceNewDeployment", "WaitForStability",
        "DeployPreviousVersion", "ScaleUp", "VerifyTargets", "Notify", "Report"), distinct);
    for (int i = 0; i < distinct.size(); i++) {
      assertTrue(output.matches("(?s).*step +" + (i + 1) + " of \\d+  > " + distinct.get(i) + "\\b.*"),
          distinct.get(i) + " as step " + (i + 1) + " in\n" + output);
    }
    assertTrue(output.contains("rollback: "), output);
  }

  @Test
  void theReportNamesTheRollback() throws Exception {
    String report = Files.readString(result.reportFile());
    assertTrue(report.contains("| RTO | ECS Service Failure | 10 minutes |"), report);
    String previous = sentinel.part(EcsSeed.class).taskDefinitions().get(api).get(0);
    assertTrue(report.contains(EcsServiceFailure.revision(previous)), report);
    // the root cause from the diagnosis: the stopped tasks' CannotPullContainerError, confirmed by the rollback
    String cause = report.lines().filter(l -> l.startsWith("Underlying cause: ")).findFirst().orElseThrow();
    assertTrue(cause.startsWith("Underlying cause: the container image of sentinel-api:"), cause);
    assertTrue(cause.contains("could not be pulled ('CannotPullContainerError"), cause);
    assertTrue(cause.contains("The rollback to " + EcsServiceFailure.revision(previous) + " recovered the service"),
        cause);
    DrillReports.assertComplete(report);
  }
}
