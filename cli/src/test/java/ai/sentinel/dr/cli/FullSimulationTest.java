package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReport.VerificationResult;
import ai.sentinel.dr.report.SimulationSummary;
import ai.sentinel.dr.report.TemplatePlaceholders;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code drill --full}: its options (parsed without any cloud) and its summary for leadership (one row per scenario
 * against the Recovery Objectives, every failure and skipped check, no placeholder), from drills' outcomes.
 */
class FullSimulationTest {
  private static final Path ROOT = RepoPaths.root();
  private static final Instant START = Instant.parse("2026-12-06T06:00:00Z");

  private record Run(int code, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, ROOT));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpAndRefusedCombinationsTouchNoCloud() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer cloud = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    cloud.createContext("/", x -> {
      requests.incrementAndGet();
      x.sendResponseHeaders(500, -1);
      x.close();
    });
    cloud.start();
    try {
      Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:" + cloud.getAddress().getPort(),
          "AWS_REGION", "us-east-1");
      Run help = run(env, "drill", "--full", "--help");
      assertEquals(0, help.code(), help.err());
      assertTrue(help.out().contains("--full") && help.out().contains("Full DR simulation"), help.out());
      for (String[] args : List.of(new String[] {"drill", "--full", "database-failure"},
          new String[] {"drill", "--full", "--dry-run"}, new String[] {"drill", "--full", "--all"},
          new String[] {"drill", "--full", "--approve-as", "alice"})) {
        Run r = run(env, args);
        assertEquals(Main.USAGE, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
        assertTrue(r.err().contains("--full runs every drill"), r.err());
      }
      Run healthy = run(env, "drill", "--full", "--healthy");
      assertEquals(Main.USAGE, healthy.code(), healthy.err());
      assertTrue(healthy.err().contains("--healthy is a real run on its own"), healthy.err());
      assertEquals(0, requests.get(), "parsing and refusing options calls no cloud");
    } finally {
      cloud.stop(0);
    }
  }

  private static ObjectiveResult objective(String measure, String row, String target, long targetSeconds,
      Long measuredSeconds, String measured, Verdict verdict) {
    return new ObjectiveResult(measure, row, target, targetSeconds, measuredSeconds, measured, verdict);
  }

  private static IncidentReport report(String scenario, List<ObjectiveResult> objectives, List<String> lessons,
      List<VerificationResult> checks) {
    return new IncidentReport("[DRILL] " + scenario, "SUCCEEDED", true, false, scenario, "res", "local", "exec",
        "arn:aws:states:us-east-1:123456789012:execution:m:exec", null, "2026-12-06", null, null, null, null, null,
        null, "P4", null, null, List.of(), null, List.of(), lessons, List.of(), null, objectives, checks);
  }

  private static Drill.Result result(String scenario, boolean passed, ExecutionStatus status, boolean checked,
      DescribeExecutionResponse execution) {
    Verification v = Verification.of(List.of(new Verification.Check("api health", checked
        ? Verification.Result.PASS : Verification.Result.FAIL, "200")));
    Recovery recovery = new Recovery(scenario, "res", "exec", "local", null, null, null, null, null, v, null, null,
        null, null, null);
    return new Drill.Result(scenario, "arn:exec", status, recovery, passed, execution,
        ROOT.resolve(".local/drill-" + scenario + "/report-" + scenario + "-exec.md"), null);
  }

  private static List<DrillAll.Outcome> outcomes() {
    DrillAll.Outcome ecs = new DrillAll.Outcome("ecs-service-failure",
        result("ecs-service-failure", true, ExecutionStatus.SUCCEEDED, true, null),
        report("ecs-service-failure", List.of(
            objective("RTO", "ECS Service Failure", "10 minutes", 600, 41L, "41s (trigger to verified)", Verdict.PASS),
            objective("RPO", "ECS Service Failure", "0 minutes", 0, 0L, "0s (no data at risk)", Verdict.PASS)),
            List.of("ForceNewDeployment ran 2 times (a loop or a retry of the step): each run after the first is time "
                + "the recovery did not plan for.", "ScaleUp was skipped (desiredCount already met): the recovery "
                + "went on without it; check that it may."),
            List.of(new VerificationResult("targets healthy", "PASS", "2 of 2"),
                new VerificationResult("api /health", "SKIP", "no healthUrl configured"))),
        List.of("! ecs-responder failed (attempt 1): throttled"), null);
    DrillAll.Outcome redis = new DrillAll.Outcome("redis-failure",
        result("redis-failure", false, ExecutionStatus.FAILED, false, DescribeExecutionResponse.builder()
            .error("States.Timeout").cause("WaitForCluster\nexceeded 30 polls").build()),
        report("redis-failure", List.of(
            objective("RTO", "Redis Failure", "15 minutes", 900, null, "not recovered 16m 02s after the trigger",
                Verdict.FAIL),
            objective("RPO", "Redis Failure", "5 minutes", 300, null, "not met: the recovery failed", Verdict.FAIL)),
            List.of("Nothing to improve found in the timeline."),
            List.of(new VerificationResult("redis ping", "FAIL", "connection refused"))),
        List.of("FAILED: the report keeps template placeholders [Lesson]"), null);
    DrillAll.Outcome security = new DrillAll.Outcome("security-incident", null, null, List.of(),
        "IllegalStateException: moto did not start");
    return List.of(ecs, redis, security);
  }

  @Test
  void summaryHasOneRowPerScenarioAgainstTheObjectivesAndEveryFailureAndSkippedCheck() {
    List<SimulationSummary.Row> rows = new ArrayList<>();
    List<SimulationSummary.Issue> issues = new ArrayList<>();
    for (DrillAll.Outcome o : outcomes()) {
      rows.add(SimulationReport.row(o, ROOT));
      issues.addAll(SimulationReport.issues(o));
    }
    rows.add(SimulationSummary.notDrilled("database-failure", "not deployed in 'local'"));
    String md = SimulationSummary.markdown(new SimulationSummary.Window("local", START,
        START.plusSeconds(263), "SNS message 1 to SNS topic local-sentinel-dr-notifications",
        "SNS message 2 to SNS topic local-sentinel-dr-notifications"), rows, issues);

    assertTrue(md.startsWith("## Full DR Simulation Report: local environment, 2026-12-06\n"), md);
    assertTrue(md.contains("**Window:** 2026-12-06 06:00 UTC to 2026-12-06 06:04 UTC (4m 23s)"), md);
    assertTrue(md.contains("**Announced:** SNS message 1 to SNS topic local-sentinel-dr-notifications"), md);
    assertTrue(md.contains("**Outcome:** NOT PASSED: 1 of 4 scenarios verified, 2 objective(s) missed"), md);
    List<String> table = md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| Scenario")).toList();
    assertEquals(4, table.size(), md);
    assertEquals("| ecs-service-failure | ECS Service Failure | 10 minutes | 41s (trigger to verified) (pass) "
        + "| 0 minutes | 0s (no data at risk) (pass) | yes | .local/drill-ecs-service-failure/"
        + "report-ecs-service-failure-exec.md |", table.get(0));
    assertTrue(table.get(1).startsWith("| redis-failure | Redis Failure | 15 minutes | not recovered 16m 02s after "
        + "the trigger (fail) | 5 minutes | not met: the recovery failed (fail) | no |"), table.get(1));
    assertEquals("| security-incident | Security Incident | 30 minutes | not measured: the drill stopped with an "
        + "error (n/a) | N/A | not measured: the drill stopped with an error (n/a) | error | none: the drill "
        + "stopped with an error |", table.get(2));
    assertEquals("| database-failure | Database Failure (Single AZ) / Database Failure (Complete) | 5 minutes / "
        + "30 minutes | not measured: not deployed in 'local' (n/a) | 0 minutes / 1 hour | not measured: not "
        + "deployed in 'local' (n/a) | not drilled | none: not deployed in 'local' |", table.get(3));

    // every failure, with its cause on one line
    String failures = md.substring(md.indexOf("### Failures"), md.indexOf("### Skipped checks"));
    for (String f : List.of("**redis-failure**: not verified: execution FAILED (States.Timeout: WaitForCluster "
        + "exceeded 30 polls)", "**redis-failure**: check redis ping failed: connection refused",
        "**redis-failure**: RTO missed: not recovered 16m 02s after the trigger against 15 minutes (Redis Failure)",
        "**redis-failure**: the drill printed: FAILED: the report keeps template placeholders",
        "**security-incident**: the drill stopped: IllegalStateException: moto did not start")) {
      assertTrue(failures.contains(f), f + " in " + failures);
    }
    assertTrue(failures.startsWith("### Failures (6)"), failures);
    String skipped = md.substring(md.indexOf("### Skipped checks"), md.indexOf("### Retries"));
    assertTrue(skipped.contains("**ecs-service-failure**: api /health (SKIP): no healthUrl configured"), skipped);
    assertTrue(skipped.contains("**ecs-service-failure**: ScaleUp was skipped (desiredCount already met)"), skipped);
    String retries = md.substring(md.indexOf("### Retries"), md.indexOf("### Runbook follow-up"));
    assertTrue(retries.contains("ForceNewDeployment ran 2 times") && retries.contains("ecs-responder failed "
        + "(attempt 1): throttled"), retries);
    assertTrue(!md.contains("Nothing to improve"), "a lesson that is no issue is not listed");
    String follow = md.substring(md.indexOf("### Runbook follow-up"));
    assertTrue(follow.contains("- redis-failure did not verify") && follow.contains("- database-failure was not "
        + "exercised (not deployed in 'local')"), follow);
    // the report's own placeholders are the drill's failure, quoted; the summary itself fills every field
    assertEquals(List.of("[Lesson]"), TemplatePlaceholders.in(md));
    assertEquals(List.of(), TemplatePlaceholders.in(md.replace("[Lesson]", "")), md);
  }

  @Test
  void theDrillsOwnWarningsAndFailuresAreCollectedNotItsSuccessVerdicts() {
    assertEquals(List.of("! ecs-responder failed (attempt 1): throttled", "FAILED: the responder started no recovery",
        "FAILED to read the databases: timeout"), DrillAll.warnings("""
        deliver: an ECS event to ecs-responder
          ! ecs-responder failed (attempt 1): throttled
        FAILED OVER to the DR region and VERIFIED in 10.132 s
        FAILED BACK to the primary region and VERIFIED in 18.526 s
        FAILED: the responder started no recovery
        FAILED to read the databases: timeout
        RECOVERED and VERIFIED in 7.1 s
        """));
    String longRpo = "35m 13s (point-in-time copy; " + "audit_logs: 160 row(s) repaired, ".repeat(10) + ")";
    String cell = SimulationSummary.shorten(longRpo);
    assertTrue(cell.length() < longRpo.length() && cell.endsWith("... (the rest in its report)"), cell);
  }

  @Test
  void anExerciseWithoutIssuesSaysSoInEverySection() {
    DrillAll.Outcome ecs = outcomes().get(0);
    // the lesson that says nothing went wrong ("... no check was skipped.") is no skipped check
    DrillAll.Outcome clean = new DrillAll.Outcome(ecs.scenario(), ecs.result(), report(ecs.scenario(),
        ecs.report().objectives(), List.of("Nothing to improve found in the timeline: every step finished within its "
            + "share of the 10 minutes RTO, no step ran twice, no approval was waited on and no check was skipped."),
        List.of(new VerificationResult("targets healthy", "PASS", "2 of 2"))),
        DrillAll.warnings("== Drill: region-failure ==\nFAILED OVER to the DR region and VERIFIED in 10.132 s\n"),
        null);
    String md = SimulationSummary.markdown(new SimulationSummary.Window("local", START, START.plusSeconds(60),
        "SNS message 1", "SNS message 2"), List.of(SimulationReport.row(clean, ROOT)),
        SimulationReport.issues(clean));
    assertTrue(md.contains("**Outcome:** PASSED: 1 of 1 scenarios verified, 0 objective(s) missed, 0 failure(s), "
        + "0 skipped check(s), 0 other issue(s)"), md);
    assertTrue(md.contains("### Failures (0)\n\nNone: every drill ran"), md);
    assertTrue(md.contains("### Skipped checks (0)\n\nNone: every verification check ran."), md);
    assertTrue(md.contains("- No runbook change indicated"), md);
    assertEquals(List.of(), TemplatePlaceholders.in(md));
  }
}
