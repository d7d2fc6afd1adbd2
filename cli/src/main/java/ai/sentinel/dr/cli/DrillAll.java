package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.drill.LocalTraffic;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.Objectives;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sentinel drill --all}: every scenario that has a drill and a state machine in this environment, one after
 * the other, each on a fresh local cloud, then one table against the Recovery Objectives. {@code drill --full}
 * ({@link FullSimulation}) runs the same drills with the exercise around them.
 */
final class DrillAll {
  private final Cli cli;

  DrillAll(Cli cli) {
    this.cli = cli;
  }

  /**
   * What one scenario's drill gave.
   *
   * @param scenario the drill's scenario id
   * @param result   the drill's result; null when it stopped with an error before it had one
   * @param report   the recovery's report as rebuilt from its execution; null without an execution
   * @param printed  the lines the drill printed as warnings or failures ("! ...", "FAILED...")
   * @param error    why the drill stopped (the cloud did not start, a call failed...), or null
   */
  record Outcome(String scenario, Drill.Result result, IncidentReport report, List<String> printed, String error) {}

  /** The exercise around the drills: told on the first drill's cloud before it runs and on the last one after. */
  interface Around {
    void first(LocalSentinel sentinel, String scenario) throws Exception;

    void last(LocalSentinel sentinel, List<Outcome> outcomes) throws Exception;
  }

  /** The environment's drills, in the runbook's order; empty (and said so) when it deploys none. */
  record Plan(List<CloudTemplate> templates, List<String> drilled, List<String> notDrilled) {}

  Plan plan(String env) throws Exception {
    cli.out().println("synthesizing the CDK app for environment '" + env + "'...");
    List<CloudTemplate> templates = Templates.stacks(RepoPaths.root(), env, List.of());
    List<String> deployed = DrillCommand.deployedScenarios(templates);
    List<String> drilled = Drill.SCENARIOS.keySet().stream().filter(deployed::contains).toList();
    List<String> notDrilled = Objectives.RUNBOOK_SCENARIOS.stream().filter(s -> !drilled.contains(s))
        .map(s -> s + (Drill.SCENARIOS.containsKey(s) ? " - not deployed in '" + env + "'" : " - no drill yet"))
        .toList();
    return new Plan(templates, drilled, notDrilled);
  }

  int run(String env, boolean dryRun) throws Exception {
    Plan plan = plan(env);
    if (plan.drilled().isEmpty()) {
      cli.err().println("sentinel: environment '" + env + "' deploys no scenario that has a drill");
      return Main.FAILED;
    }
    List<Outcome> outcomes = drillEach(plan, dryRun, null);
    printTable(outcomes, plan.notDrilled());
    return outcomes.stream().allMatch(o -> o.result() != null && o.result().passed()) ? Main.OK : Main.FAILED;
  }

  /**
   * Each drill of the plan on its own fresh local cloud. A drill that stops with an error is an outcome too: the
   * drills after it still run, so one broken scenario does not hide the others' results.
   */
  List<Outcome> drillEach(Plan plan, boolean dryRun, Around around) throws Exception {
    Path root = RepoPaths.root();
    List<Outcome> outcomes = new ArrayList<>();
    Map<String, String> overrides = dryRun ? Map.of(DrConfig.Vars.DRY_RUN, "true") : Map.of();
    List<String> drilled = plan.drilled();
    for (int i = 0; i < drilled.size(); i++) {
      String scenario = drilled.get(i);
      cli.out().println();
      ByteArrayOutputStream copy = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(new Tee(cli.out(), copy), true, StandardCharsets.UTF_8);
      Drill.Result result = null;
      IncidentReport report = null;
      String error = null;
      try (LocalSentinel sentinel = LocalSentinel.start(DrillCommand.stacksFor(plan.templates(), scenario),
          overrides, DrillCommand.workDir(root, scenario))) {
        if (i == 0 && around != null) {
          around.first(sentinel, scenario);
        }
        try {
          result = Drill.of(sentinel, scenario, out).run(dryRun, Drill.Gate.none());
          // as the environment's Report step made it (its report section: exercise, owner, load balancer), not
          // with the defaults: the table and the summary describe the reports the drills wrote
          var home = sentinel.home(scenario);
          report = result.executionArn() == null ? null : LocalTraffic.rebuild(home.aws(), home.deployment(),
              result.executionArn());
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          error = describe(e);
          out.println("FAILED: the drill stopped: " + error);
        }
        if (i == drilled.size() - 1 && around != null) {
          List<Outcome> all = new ArrayList<>(outcomes);
          all.add(new Outcome(scenario, result, report, warnings(copy.toString(StandardCharsets.UTF_8)), error));
          around.last(sentinel, all);
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        // the local cloud itself failed (start or close): the drill's own result, if any, is kept
        error = (error == null ? "" : error + "; ") + "local cloud: " + describe(e);
        cli.out().println("FAILED: " + scenario + ": " + error);
      }
      outcomes.add(new Outcome(scenario, result, report, warnings(copy.toString(StandardCharsets.UTF_8)), error));
    }
    return outcomes;
  }

  void printTable(List<Outcome> outcomes, List<String> notDrilled) {
    var out = cli.out();
    Path root = RepoPaths.root();
    out.println();
    out.println("| Scenario | RTO measured vs objective | RPO achieved vs objective | Verified | Report |");
    out.println("|---|---|---|---|---|");
    for (Outcome o : outcomes) {
      String rto = "-";
      String rpo = "-";
      if (o.report() != null) {
        for (var r : o.report().objectives()) {
          String cell = r.measured() + " vs " + r.target() + " (" + r.verdict() + ")";
          if (r.measure().equals("RTO")) {
            rto = cell;
          } else if (r.measure().equals("RPO")) {
            rpo = cell;
          }
        }
      }
      Path file = o.result() == null ? null : o.result().reportFile();
      out.println(String.format("| %s | %s | %s | %s | %s |", o.scenario(), rto, rpo,
          o.result() == null ? "error" : verified(o.result()), file == null ? "-" : root.relativize(file)));
    }
    if (!notDrilled.isEmpty()) {
      out.println("(not drilled: " + notDrilled + ")");
    }
  }

  /** "yes" only when checks ran and passed: a plan whose every check was skipped (a dry-run) is "planned". */
  static String verified(Drill.Result result) {
    if (!result.passed()) {
      return "no";
    }
    var v = result.recovery() == null ? null : result.recovery().verification();
    boolean ran = v != null && v.checks().stream().anyMatch(c -> c.result() != Verification.Result.SKIP);
    return ran ? "yes" : "planned";
  }

  /** The drill's own warnings and failures as it printed them: what went wrong along the way, not only at the end. */
  static List<String> warnings(String printed) {
    return printed.lines().map(String::strip)
        // "FAILED: ..." is a failure; "FAILED OVER to the DR region and VERIFIED" is Scenario 4's success
        .filter(l -> l.startsWith("! ") || l.matches("FAILED(:| to ).*")).toList();
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().strip());
  }

  /** Writes to the console and keeps a copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }
  }
}
