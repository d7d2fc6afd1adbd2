package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ./sentinel drill --full, as a user runs it: the window announced to the on-call, every drill the local environment
 * deploys (what drill --all runs: database, Redis, ECS, region failure and failback, data corruption, security
 * incident, the snapshot restore test), then --all's table against the Recovery Objectives with measured figures and
 * each drill's report file, and the one summary report for leadership. One run covers both commands: they share the
 * drills (DrillAll), and a second four-minute run would only repeat them.
 */
class DrillAllIT {
  @Test
  void printsOneRowPerScenarioWithMeasuredFiguresAgainstTheObjectives() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"drill", "--full"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    // the runbook's Recovery Objectives: RTO and RPO per scenario; the snapshot restore test is measured against
    // "Database Failure (Complete)"
    Map<String, List<String>> objectives = Map.of("database-failure", List.of("30 minutes", "1 hour"),
        "redis-failure", List.of("15 minutes", "5 minutes"), "ecs-service-failure", List.of("10 minutes", "0 minutes"),
        "database-restore-test", List.of("30 minutes", "1 hour"));
    for (var expected : objectives.entrySet()) {
      String scenario = expected.getKey();
      List<String> rows = text.lines().filter(l -> l.startsWith("| " + scenario + " |")).toList();
      assertEquals(1, rows.size(), text);
      String row = rows.get(0);
      List<String> targets = expected.getValue();
      assertTrue(row.matches("\\| " + scenario + " \\| \\d+s .* vs " + targets.get(0) + " \\(PASS\\) \\| .* vs "
          + targets.get(1) + " \\(PASS\\) \\| yes \\| .*report-" + scenario + "-.*\\.md \\|"), row);
      // the report file the row names exists and is the runbook's template
      String file = row.substring(row.lastIndexOf("| .") + 2, row.length() - 2).trim();
      assertTrue(java.nio.file.Files.readString(ai.sentinel.dr.infra.RepoPaths.root().resolve(file))
          .startsWith("## Incident Report: "), file);
    }
    // Scenario 5: RTO "1 hour"; its RPO is "Variable" in the runbook (the report states the data lost instead)
    List<String> corruption = text.lines().filter(l -> l.startsWith("| data-corruption |")).toList();
    assertEquals(1, corruption.size(), text);
    assertTrue(corruption.get(0).matches("\\| data-corruption \\| \\d+s .* vs 1 hour \\(PASS\\) \\| .* \\| yes \\| "
        + ".*report-data-corruption-.*\\.md \\|"), corruption.get(0));
    // Scenario 6 contains (its isolation and restore approved by the drill itself); its RPO does not apply
    List<String> security = text.lines().filter(l -> l.startsWith("| security-incident |")).toList();
    assertEquals(1, security.size(), text);
    assertTrue(security.get(0).matches("\\| security-incident \\| \\d+s .* vs 30 minutes \\(PASS\\) \\| .* \\| yes \\| "
        + ".*report-security-incident-.*\\.md \\|"), security.get(0));
    assertTrue(text.contains("CONTAINED and VERIFIED"), text);
    // Scenario 4 (issue 13): both region drills run in --all, on the DR stack in eu-west-1 (and the failback's
    // forwarding stack in us-east-1), each verified; the failover against the runbook's "Region Failure" row
    List<String> failover = text.lines().filter(l -> l.startsWith("| region-failure |")).toList();
    assertEquals(1, failover.size(), text);
    assertTrue(failover.get(0).matches("\\| region-failure \\| \\d+s .* vs 2 hours \\(PASS\\) \\| .* vs 1 hour "
        + "\\(PASS\\) \\| yes \\| .*report-region-failure-.*\\.md \\|"), failover.get(0));
    List<String> failback = text.lines().filter(l -> l.startsWith("| region-failback |")).toList();
    assertEquals(1, failback.size(), text);
    assertTrue(failback.get(0).matches("\\| region-failback \\| .* \\| yes \\| .*report-region-failback-.*\\.md \\|"),
        failback.get(0));
    assertTrue(text.contains("FAILED OVER to the DR region and VERIFIED")
        && text.contains("FAILED BACK to the primary region and VERIFIED"), text);
    // a live view: each drill numbered its steps
    assertTrue(text.contains("step 11 of 11  > Report") && text.contains("> VerifyTargets"), text);

    // --full: the window announced and closed through the on-call topic, one summary for leadership
    assertTrue(text.contains("announced: SNS message ") && text.contains("window closed: SNS message "), text);
    List<String> summaryLine = text.lines().filter(l -> l.startsWith("summary report: ")).toList();
    assertEquals(1, summaryLine.size(), text);
    String summary = java.nio.file.Files.readString(java.nio.file.Path.of(summaryLine.get(0)
        .substring("summary report: ".length())));
    assertTrue(summary.startsWith("## Full DR Simulation Report: local environment, "), summary);
    assertTrue(summary.contains("**Announced:** SNS message "), summary);
    assertTrue(summary.contains("**Outcome:** PASSED: "), summary);
    for (String scenario : ai.sentinel.dr.report.Objectives.RUNBOOK_SCENARIOS) {
      List<String> rows = summary.lines().filter(l -> l.startsWith("| " + scenario + " | ")).toList();
      assertEquals(1, rows.size(), scenario + " in " + summary);
      assertTrue(rows.get(0).contains("(pass)") && rows.get(0).contains(" | yes | "), rows.get(0));
    }
    assertTrue(summary.contains("### Failures (0)") && summary.contains("### Skipped checks ("), summary);
    assertEquals(List.of(), ai.sentinel.dr.report.TemplatePlaceholders.in(summary), summary);
    assertTrue(text.contains("FULL DR SIMULATION PASSED"), text);
  }
}
