package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.LocalDeployment;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.drill.LocalStack;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CallRecord;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.Report;
import ai.sentinel.dr.report.ScheduledSimulation;
import ai.sentinel.dr.report.SimulationSummary;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Issue 14's scheduled Full DR simulation on an engine: the local environment with {@code drills.fullSimulation} set
 * synthesizes {@code local-sentinel-dr-simulation} beside its other stacks; all of them are deployed on the local
 * cloud as drills deploy stacks (its imports of the environment stack's bucket and topic resolved), and the schedule
 * fires as EventBridge fires it: the rule's target, the state machine, started on moto's Step Functions engine with the
 * scheduled event, which invokes the function through the gateway. What a user checks afterwards: each recovery the
 * function was deployed to drill ran once as a dry-run execution and succeeded, nothing in the platform changed, and
 * one summary is in the reports bucket with a row per scenario against the runbook's objectives and no failure.
 *
 * <p>The checks are a few seconds apart here ({@value #CHECK_SECONDS} s, the function's
 * {@link ScheduledSimulation#CHECK_SECONDS_VAR}; 5 minutes in AWS): moto waits a Wait state out in real time.
 */
class ScheduledSimulationIT {
  private static final String QUARTERLY = "cron(0 6 15 3/3 ? *)";
  private static final String CHECK_SECONDS = "2";
  /** The platform's services, as a dry-run drill counts them: a successful mutating call to one is a change. */
  private static final List<String> PLATFORM = List.of("rds", "secretsmanager", "ecs", "elasticache",
      "elasticloadbalancing", "ec2", "dynamodb", "ssm", "route53", "cloudfront", "ses", "wafv2", "kms");

  @Test
  void theScheduleDryRunsEveryDeployedRecoveryAndWritesOneSummaryForLeadership() throws Exception {
    Instant began = Instant.now();
    List<CloudTemplate> all = Templates.stacks(RepoPaths.root(), "local", c -> c.withDrills(
        new EnvironmentConfig.Drills(c.drills().tests(), QUARTERLY)));
    try (LocalSentinel sentinel = LocalSentinel.start(all, Map.of(ScheduledSimulation.CHECK_SECONDS_VAR,
        CHECK_SECONDS, ScheduledSimulation.MAX_CHECKS_VAR, "45"), Files.createTempDirectory("scheduled-sim-it-"))) {
      Instant deployed = Instant.now();
      LocalStack stack = sentinel.stacks.stream().filter(s -> hasFunction(s.deployment())).findFirst()
          .orElseThrow(() -> new AssertionError("no stack deploys the simulation's function"));
      LocalDeployment simulation = stack.deployment();
      String function = simulation.functionFor(ScheduledSimulation.class);
      Map<String, String> env = simulation.environmentOf(function);
      JsonNode drills = Json.tree(env.get(ScheduledSimulation.DRILLS_VAR));
      List<String> scenarios = new ArrayList<>();
      drills.forEach(d -> scenarios.add(d.path("scenario").asText()));
      assertTrue(scenarios.containsAll(List.of("database-failure", "redis-failure", "ecs-service-failure",
          "region-failure", "data-corruption", "security-incident")), scenarios.toString());

      // the schedule: one rule, quarterly, whose target is the deployed state machine, sent EventBridge's event
      List<LocalDeployment.Scheduled> scheduled = simulation.scheduled();
      assertEquals(1, scheduled.size(), scheduled.toString());
      LocalDeployment.Scheduled rule = scheduled.get(0);
      assertEquals(QUARTERLY, rule.schedule());
      assertEquals(simulation.stateMachines().get("local-sentinel-dr-full-simulation"), rule.targetArn());
      Instant fired = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      String input = rule.input() != null ? rule.input() : "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID()
          + "\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"account\":\"123456789012\","
          + "\"time\":\"" + fired + "\",\"region\":\"" + stack.region() + "\",\"resources\":[\"arn:aws:events:"
          + stack.region() + ":123456789012:rule/" + rule.rule() + "\"],\"detail\":{}}";
      int callsBefore = sentinel.cloud.calls().size();
      String arn = stack.aws().sfn.startExecution(b -> b.stateMachineArn(rule.targetArn()).input(input)
          .name(UUID.randomUUID().toString())).executionArn();
      DescribeExecutionResponse done = awaitEnd(stack, arn, Duration.ofSeconds(150));
      System.out.println("[timing] synthesized and deployed " + all.size() + " stacks in "
          + Duration.between(began, deployed).toSeconds() + " s, the exercise ran " + Duration.between(deployed,
          Instant.now()).toSeconds() + " s");
      List<CallRecord> calls = sentinel.cloud.calls().subList(callsBefore, sentinel.cloud.calls().size());
      assertEquals(ExecutionStatus.SUCCEEDED, done.status(), done.error() + ": " + done.cause() + "\n"
          + tail(sentinel));
      // start, at least one check, the summary: the engine invoked the function through the gateway each time
      long invokes = calls.stream().filter(c -> c.service().equals("lambda") && c.action().contains(function))
          .count();
      assertTrue(invokes >= 3, invokes + " invokes of " + function + " in " + calls);
      JsonNode out = Json.tree(done.output());

      // each drill: one dry-run execution of its recovery, in its region, ended SUCCEEDED
      for (JsonNode sent : out.path("drills")) {
        String scenario = sent.path("scenario").asText();
        assertTrue(sent.path("rejected").isNull() || sent.path("rejected").isMissingNode(), sent.toString());
        LocalStack home = sentinel.stacks.stream().filter(s -> s.region().equals(sent.path("region").asText())
            && s.deploys(scenario)).findFirst().orElseThrow(() -> new AssertionError("no stack runs " + scenario));
        String machine = home.deployment().stateMachines().get("local-sentinel-dr-" + scenario);
        List<ExecutionListItem> executions = home.aws().sfn.listExecutions(b -> b.stateMachineArn(machine))
            .executions();
        assertEquals(1, executions.size(), scenario + ": " + executions);
        assertEquals(sent.path("executionArn").asText(), executions.get(0).executionArn());
        DescribeExecutionResponse drill = home.aws().sfn.describeExecution(b -> b.executionArn(executions.get(0)
            .executionArn()));
        assertEquals(ExecutionStatus.SUCCEEDED, drill.status(), scenario + ": " + drill.error() + ": "
            + drill.cause());
        JsonNode drillInput = Json.tree(drill.input());
        assertTrue(drillInput.toString().contains("\"dryRun\":true"), scenario + ": " + drillInput);
      }
      assertEquals(scenarios.size(), out.path("drills").size(), out.toString());

      // nothing changed: no successful mutating call reached the platform while the exercise ran
      List<String> changes = calls.stream().filter(c -> c.mutating() && c.succeeded()
          && PLATFORM.contains(c.service())).map(c -> c.service() + ":" + c.action()).toList();
      assertEquals(List.of(), changes, "a dry-run exercise changes nothing");

      // one summary in the reports bucket, where the execution says it wrote it
      String bucket = env.get(Report.BUCKET_VAR);
      List<S3Object> summaries = sentinel.aws.s3.listObjectsV2(b -> b.bucket(bucket)
          .prefix(ScheduledSimulation.KEY_PREFIX)).contents();
      assertEquals(1, summaries.size(), summaries.toString());
      assertTrue(summaries.get(0).key().endsWith("/" + SimulationSummary.FILE), summaries.get(0).key());
      assertTrue(out.path("summary").asText().contains(summaries.get(0).key()), out.toString());
      String summary = sentinel.aws.s3.getObjectAsBytes(b -> b.bucket(bucket).key(summaries.get(0).key()))
          .asString(StandardCharsets.UTF_8);
      System.out.println(summary);
      assertTrue(summary.startsWith("## Full DR Simulation Report: local environment, "), summary);
      assertTrue(summary.contains("**Announced:** SNS message "), summary);
      assertTrue(summary.contains("**Outcome:** PASSED: "), summary);
      assertTrue(summary.contains("### Failures (0)"), summary);
      for (String scenario : scenarios) {
        List<String> rows = summary.lines().filter(l -> l.startsWith("| " + scenario + " |")).toList();
        assertEquals(1, rows.size(), scenario + "\n" + summary);
        String row = rows.get(0);
        // against one of the runbook's objective rows for it (the one its diagnosis chose), none missed
        assertTrue(Objectives.forScenario(scenario).stream().anyMatch(o -> row.startsWith("| " + scenario + " | "
            + o.name() + " | " + o.rtoText() + " | ")), row);
        assertFalse(row.contains("(fail)"), row);
        // a dry-run to its end, its execution named as its report
        assertTrue(row.contains("| planned | execution arn:aws:states:"), row);
      }
      out.path("drills").forEach(d -> assertTrue(summary.contains("| planned | execution " + d.path("executionArn")
          .asText() + " "), d + "\n" + summary));
    }
  }

  private static boolean hasFunction(LocalDeployment d) {
    try {
      d.functionFor(ScheduledSimulation.class);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static DescribeExecutionResponse awaitEnd(LocalStack stack, String arn, Duration limit)
      throws InterruptedException {
    Instant until = Instant.now().plus(limit);
    while (true) {
      DescribeExecutionResponse d = stack.aws().sfn.describeExecution(b -> b.executionArn(arn));
      if (d.status() != ExecutionStatus.RUNNING || Instant.now().isAfter(until)) {
        return d;
      }
      Thread.sleep(500);
    }
  }

  private static String tail(LocalSentinel sentinel) throws java.io.IOException {
    List<String> lines = Files.readAllLines(sentinel.functionLog());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
