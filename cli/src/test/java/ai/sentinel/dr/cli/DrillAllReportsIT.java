package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.report.ReportSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the report {@code drill --all}'s table and {@code drill --full}'s summary read is the one the drill wrote,
 * filled with the environment's report settings (the local environment's {@code report.exercise} and load balancer),
 * not rebuilt with the defaults. One drill (ECS, the shortest) through DrillAll.drillEach, as --all runs it.
 */
class DrillAllReportsIT {
  private static final String SCENARIO = "ecs-service-failure";

  @Test
  void theOutcomeReportIsFilledWithTheEnvironmentsReportSettings() throws Exception {
    ReportSettings local = Reports.settings(RepoPaths.cdkJson(RepoPaths.root()), "local");
    assertNotNull(local.exercise(), "the local environment marks its reports as an exercise");
    assertNotNull(local.loadBalancer(), "the local environment measures the customer impact");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of(), RepoPaths.root());
    DrillAll all = new DrillAll(cli);
    DrillAll.Plan plan = all.plan("local");
    List<DrillAll.Outcome> outcomes = all.drillEach(new DrillAll.Plan(plan.templates(), List.of(SCENARIO),
        List.of()), false, null);

    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, outcomes.size(), text);
    DrillAll.Outcome o = outcomes.get(0);
    assertEquals(null, o.error(), text);
    assertTrue(o.result().passed(), text);
    var report = o.report();
    assertNotNull(report, text);
    // with the defaults the impact would say "drill: the failure was injected on purpose", unmeasured
    String impact = report.metrics().customerImpact();
    assertTrue(impact.contains("drill (" + local.exercise() + ")"), impact);
    assertTrue(impact.contains("load balancer over the window"), impact);
    // the same line as the report file the drill wrote and the table names
    String file = Files.readString(o.result().reportFile());
    assertTrue(file.contains("- Customer Impact: " + impact.replaceAll("\\s+", " ").strip() + "\n"),
        impact + "\n---\n" + file);
  }
}
