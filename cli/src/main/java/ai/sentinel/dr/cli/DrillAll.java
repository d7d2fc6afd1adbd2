package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.report.Objectives;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sentinel drill --all}: every scenario that has a drill and a state machine in this environment, one after
 * the other, each on a fresh local cloud, then one table against the Recovery Objectives.
 */
final class DrillAll {
  private final Cli cli;

  DrillAll(Cli cli) {
    this.cli = cli;
  }

  int run(String env, boolean dryRun) throws Exception {
    var out = cli.out();
    Path root = RepoPaths.root();
    out.println("synthesizing the CDK app for environment '" + env + "'...");
    List<CloudTemplate> templates = Templates.stacks(root, env, List.of());
    List<String> deployed = DrillCommand.deployedScenarios(templates);
    List<String> drilled = Drill.SCENARIOS.keySet().stream().filter(deployed::contains).toList();
    if (drilled.isEmpty()) {
      cli.err().println("sentinel: environment '" + env + "' deploys no scenario that has a drill");
      return Main.FAILED;
    }
    List<String> rows = new ArrayList<>();
    boolean allPassed = true;
    Map<String, String> overrides = dryRun ? Map.of(DrConfig.Vars.DRY_RUN, "true") : Map.of();
    for (String scenario : drilled) {
      out.println();
      try (LocalSentinel sentinel = LocalSentinel.start(DrillCommand.stacksFor(templates, scenario), overrides,
          DrillCommand.workDir(root, scenario))) {
        Drill.Result result = Drill.of(sentinel, scenario, out).run(dryRun, Drill.Gate.none());
        allPassed &= result.passed();
        var report = result.executionArn() == null ? null : Reports.of(sentinel.home(scenario).aws().sfn,
            result.executionArn());
        String rto = "-";
        String rpo = "-";
        if (report != null) {
          for (var o : report.objectives()) {
            String cell = o.measured() + " vs " + o.target() + " (" + o.verdict() + ")";
            if (o.measure().equals("RTO")) {
              rto = cell;
            } else if (o.measure().equals("RPO")) {
              rpo = cell;
            }
          }
        }
        rows.add(String.format("| %s | %s | %s | %s | %s |", scenario, rto, rpo, verified(result),
            result.reportFile() == null ? "-" : root.relativize(result.reportFile())));
      }
    }
    out.println();
    out.println("| Scenario | RTO measured vs objective | RPO achieved vs objective | Verified | Report |");
    out.println("|---|---|---|---|---|");
    rows.forEach(out::println);
    List<String> notDrilled = Objectives.RUNBOOK_SCENARIOS.stream().filter(s -> !drilled.contains(s)).toList();
    if (!notDrilled.isEmpty()) {
      out.println("(not drilled: " + notDrilled.stream().map(s -> s + (Drill.SCENARIOS.containsKey(s)
          ? " - not deployed in '" + env + "'" : " - no drill yet")).toList() + ")");
    }
    return allPassed ? Main.OK : Main.FAILED;
  }

  /** "yes" only when checks ran and passed: a plan whose every check was skipped (a dry-run) is "planned". */
  static String verified(Drill.Result result) {
    if (!result.passed()) {
      return "no";
    }
    var v = result.recovery() == null ? null : result.recovery().verification();
    boolean ran = v != null && v.checks().stream()
        .anyMatch(c -> c.result() != ai.sentinel.dr.recovery.Verification.Result.SKIP);
    return ran ? "yes" : "planned";
  }
}
