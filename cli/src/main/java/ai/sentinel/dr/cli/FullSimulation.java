package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.drill.LocalStack;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.Severity;
import ai.sentinel.dr.recovery.Notify;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.ReportTimes;
import ai.sentinel.dr.report.SimulationSummary;
import ai.sentinel.dr.report.TemplatePlaceholders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sentinel drill --full}: the runbook's quarterly Full DR simulation as one exercise, following its Test
 * Procedure: the start is recorded (2) and the window announced to the on-call (1) through the deployment's own
 * on-call path (PagerDuty where configured, else the notifications topic), every scenario's drill runs as
 * {@code drill --all} runs it (3), RTO/RPO are measured against the Recovery Objectives (4), the issues met are
 * collected (5) with the runbook follow-ups they call for (6), and one summary is written for leadership (7). Exit 0
 * only when every runbook scenario was drilled and verified.
 */
final class FullSimulation {
  /** The on-call messages' dedup key: the window is one incident-tool entry, opened and resolved. */
  static final String DEDUP_PREFIX = "full-dr-simulation-";

  private final Cli cli;
  private final Clock clock;

  FullSimulation(Cli cli, Clock clock) {
    this.cli = cli;
    this.clock = clock;
  }

  int run(String env) throws Exception {
    var out = cli.out();
    DrillAll all = new DrillAll(cli);
    DrillAll.Plan plan = all.plan(env);
    if (plan.drilled().isEmpty()) {
      cli.err().println("sentinel: environment '" + env + "' deploys no scenario that has a drill");
      return Main.FAILED;
    }
    Instant start = Instant.now(clock);
    String dedup = DEDUP_PREFIX + start.toString().replaceAll("[^0-9A-Za-z]", "");
    out.println("== Full DR simulation (" + env + "): started " + start + ", " + plan.drilled().size()
        + " drills: " + plan.drilled() + " ==");
    String[] told = {"not announced: no drill started", "not told: the last drill did not run"};
    List<DrillAll.Outcome> outcomes = all.drillEach(plan, false, new DrillAll.Around() {
      @Override
      public void first(LocalSentinel sentinel, String scenario) {
        told[0] = tell(sentinel, scenario, "announce", announcement(env, start, plan), dedup);
        out.println("announced: " + told[0]);
      }

      @Override
      public void last(LocalSentinel sentinel, List<DrillAll.Outcome> done) {
        told[1] = tell(sentinel, done.get(done.size() - 1).scenario(), "close", closing(env, start, done), dedup);
        out.println("window closed: " + told[1]);
      }
    });
    Instant end = Instant.now(clock);
    all.printTable(outcomes, plan.notDrilled());

    Path root = RepoPaths.root();
    List<SimulationSummary.Drilled> drilled = outcomes.stream().map(o -> SimulationReport.drilled(o, root)).toList();
    // the summary adds a row for each runbook recovery not drilled (the registry's), with the plan's reason
    String markdown = SimulationSummary.of(new SimulationSummary.Window(env, start, end, told[0], told[1]), drilled,
        scenario -> plan.notDrilled().stream().filter(n -> n.startsWith(scenario + " - ")).findFirst()
            .map(n -> n.substring(scenario.length() + 3)).orElse("no drill yet"));
    long issues = markdown.lines().filter(l -> l.startsWith("- **")).count();
    Path dir = DrillCommand.workDir(root, "full");
    Files.createDirectories(dir);
    Path file = dir.resolve(SimulationSummary.FILE);
    Files.writeString(file, markdown);
    List<String> left = TemplatePlaceholders.in(markdown);
    out.println();
    out.println("duration: " + ReportTimes.human(ReportTimes.between(start, end)) + "; " + issues
        + " issue(s) collected");
    out.println("summary report: " + file.toAbsolutePath());
    if (!left.isEmpty()) {
      out.println("FAILED: the summary keeps template placeholders " + left);
    }
    boolean every = plan.notDrilled().isEmpty() && drilled.stream().allMatch(d -> d.verified().equals("yes"));
    out.println(every && left.isEmpty() ? "FULL DR SIMULATION PASSED: every scenario verified"
        : "FULL DR SIMULATION NOT PASSED: see the summary's failures");
    return every && left.isEmpty() ? Main.OK : Main.FAILED;
  }

  /** Test Procedure step 1: what the on-call is told when the window opens. */
  static String announcement(String env, Instant start, DrillAll.Plan plan) {
    StringBuilder s = new StringBuilder("Full DR simulation (runbook Testing Schedule, quarterly) in environment '")
        .append(env).append("' started at ").append(start).append(".\n")
        .append("Every drill runs on the local cloud; production is not touched. Any page from this exercise is ")
        .append("marked [DRILL].\nDrills, in order:\n");
    for (String scenario : plan.drilled()) {
      s.append("- ").append(scenario).append(": ").append(objectives(scenario)).append("\n");
    }
    plan.notDrilled().forEach(n -> s.append("- not drilled: ").append(n).append("\n"));
    return s.toString();
  }

  /** The close of the window: each drill's verdict, so the on-call knows the exercise is over. */
  static String closing(String env, Instant start, List<DrillAll.Outcome> outcomes) {
    StringBuilder s = new StringBuilder("Full DR simulation in environment '").append(env).append("' (started ")
        .append(start).append(") has ended:\n");
    for (DrillAll.Outcome o : outcomes) {
      s.append("- ").append(o.scenario()).append(": ")
          .append(o.result() == null ? "error" : DrillAll.verified(o.result())).append("\n");
    }
    return s.toString();
  }

  private static String objectives(String scenario) {
    var rows = Objectives.forScenario(scenario);
    return rows.isEmpty() ? "a test (measured by its own report)" : String.join("; ", rows.stream()
        .map(o -> o.name() + " RTO " + o.rtoText() + ", RPO " + o.rpoText()).toList());
  }

  /**
   * One message through the on-call path the deployment's Notify step uses (its environment on this cloud: the
   * notifications topic, PagerDuty in front where the environment configures it), as information: nobody is asked
   * to act. The answer says how it went out, or why it did not: a message that cannot be sent is an issue of the
   * exercise, not a reason to stop it.
   */
  private String tell(LocalSentinel sentinel, String scenario, String what, String details, String dedup) {
    try {
      LocalStack home = sentinel.home(scenario);
      Map<String, String> env = new LinkedHashMap<>(home.deployment().environmentOf(
          home.deployment().functionFor(Notify.class)));
      env.putAll(home.aws().functionEnvironment());
      OnCall onCall = OnCall.of(Deps.fromEnv(env));
      String happened = what.equals("announce") ? "DRILL window open (full DR simulation)"
          : "DRILL window closed (full DR simulation)";
      Alert alert = new Alert(env.getOrDefault("SENTINEL_ENV", "local"), "full DR simulation", happened, details,
          "sentinel-dr", dedup, Severity.INFO);
      return onCall.inform(alert) + " to " + onCall.target() + " at " + Instant.now(clock);
    } catch (RuntimeException e) {
      cli.out().println("  ! the on-call was not told (" + what + "): " + e.getMessage());
      return "not sent: " + e.getClass().getSimpleName() + (e.getMessage() == null ? ""
          : ": " + e.getMessage().replaceAll("\\s+", " ").strip());
    }
  }
}
