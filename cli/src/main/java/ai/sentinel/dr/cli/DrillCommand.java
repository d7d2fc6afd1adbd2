package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.LocalDeployment;
import ai.sentinel.dr.drill.LocalScenarios;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./sentinel drill SCENARIO}: a recovery drill (or a Testing Schedule test) on the local cloud; exit 0 only
 * when verified. {@code drill --all} runs every drill ({@link DrillAll}); {@code drill --full} runs them as the
 * runbook's quarterly Full DR simulation ({@link FullSimulation}).
 */
@Command(name = "drill", usageHelpAutoWidth = false,
    description = {"Runs the scenario on the local cloud (moto + our handlers) through the CDK-synthesized state machine, "
        + "shows each step live and writes the post-incident report to a file.",
        "Exit 0 only when verified (a dry-run: a plan and no change; --healthy: no action, nothing changed, no "
        + "attempt spent), 1 when not, 2 when its approval gate was rejected (by --reject-as or ./sentinel reject) and "
        + "the recovery stopped before changing what it gates."})
final class DrillCommand implements Callable<Integer>, Main.Described {
  private final Cli cli;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Parameters(paramLabel = "SCENARIO", arity = "0..1",
      description = "the drill (see below); none with --all or --full")
  String scenario;

  @Option(names = "--all", description = "every scenario with a drill, then one table against the Recovery Objectives")
  boolean all;

  @Option(names = "--full", description = "the runbook's quarterly Full DR simulation: announces the window to the "
      + "on-call, records the start, runs every drill as --all does, measures RTO/RPO against the objectives, "
      + "collects the issues met and writes one summary report for leadership (its path printed); exit 0 only when "
      + "every scenario verified")
  boolean full;

  @Option(names = "--dry-run", description = "the same path with DRY_RUN=true: a plan, no mutating call")
  boolean dryRun;

  @Option(names = "--healthy", description = "the signal on a resource that stays healthy (a false alarm): passes "
      + "when the recovery ends with no action; a real run on its own")
  boolean healthy;

  @Option(names = "--approval", description = "put the approval gate before the scenario's gated step and wait for "
      + "./sentinel approve/reject from another terminal")
  boolean approval;

  @Option(names = "--approve-as", paramLabel = "NAME", description = "answer the gate as NAME: approve (implies "
      + "--approval)")
  String approveAs;

  @Option(names = "--reject-as", paramLabel = "NAME", description = "answer the gate as NAME: reject (implies "
      + "--approval)")
  String rejectAs;

  @Option(names = "--env", paramLabel = "NAME", defaultValue = "local",
      description = "the cdk.json environment to synthesize (default: ${DEFAULT-VALUE})")
  String env;

  DrillCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public String[] footer() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Scenarios: " + String.join(", ", Drill.SCENARIOS.keySet()) + ".");
    lines.add("Gates: --approval puts the gate before " + gatedSteps() + ". A scenario whose gate is always on ("
        + alwaysGated() + ") is answered as \"drill\" when no answer is given.");
    for (Supplier<DrillScenario> drill : Drill.SCENARIOS.values()) {
      DrillScenario d = drill.get();
      if (d.note() != null) {
        lines.add(d.id() + " is " + d.note());
      }
    }
    lines.add("Healthy drills: " + String.join(", ", healthyDrills()) + ".");
    return lines.toArray(String[]::new);
  }

  @Override
  public Integer call() throws Exception {
    PrintStream out = cli.out();
    PrintStream err = cli.err();
    if (healthy && (dryRun || approval || all || full)) {
      err.println("sentinel: --healthy is a real run on its own: not with --dry-run, --approval, --all or --full");
      return Main.USAGE;
    }
    if (approveAs != null && rejectAs != null) {
      err.println("sentinel: --approve-as and --reject-as answer the same gate: give one");
      return Main.USAGE;
    }
    if (full) {
      // the Test Procedure executes the recovery steps and measures them: a plan measures nothing
      if (scenario != null || all || dryRun || approval || approveAs != null || rejectAs != null) {
        err.println("sentinel: --full runs every drill for real on the local cloud: give no SCENARIO, --all, "
            + "--dry-run or gate option");
        return Main.USAGE;
      }
      return new FullSimulation(cli, java.time.Clock.systemUTC()).run(env);
    }
    if (all) {
      if (scenario != null) {
        err.println("sentinel: --all runs every drill: give no SCENARIO");
        return Main.USAGE;
      }
      return new DrillAll(cli).run(env, dryRun);
    }
    // naming who answers is asking for the gate
    boolean gated = approval || approveAs != null || rejectAs != null;
    Drill.Gate gate = !gated ? Drill.Gate.none()
        : approveAs != null ? Drill.Gate.approveAs(approveAs)
        : rejectAs != null ? Drill.Gate.rejectAs(rejectAs) : Drill.Gate.human();
    if (scenario == null) {
      err.println("sentinel: drill needs a SCENARIO or --all (scenarios: " + String.join(", ",
          Drill.SCENARIOS.keySet()) + ")");
      return Main.USAGE;
    }
    if (!Drill.SCENARIOS.containsKey(scenario)) {
      err.println("sentinel: no drill for '" + scenario + "' (drills: " + String.join(", ", Drill.SCENARIOS.keySet())
          + ")");
      return Main.USAGE;
    }
    DrillScenario drill = Drill.SCENARIOS.get(scenario).get();
    if (healthy && !healthyDrills().contains(scenario)) {
      err.println("sentinel: " + scenario + " has no healthy drill (healthy drills: " + healthyDrills() + ")");
      return Main.USAGE;
    }
    if (gated && drill.gatedStep() == null) {
      err.println("sentinel: " + scenario + " has no approval gate (it changes nothing in production)");
      return Main.USAGE;
    }
    Path root = RepoPaths.root();
    Path work = workDir(root, scenario);
    out.println("synthesizing the CDK app for environment '" + env + "'...");
    List<CloudTemplate> templates = Templates.stacks(root, env, gated && !drill.gateAlwaysOn()
        ? List.of(drill.gatedStep()) : List.of());
    List<String> deployed = deployedScenarios(templates);
    if (!deployed.contains(scenario)) {
      err.println("sentinel: environment '" + env + "' deploys no state machine for '" + scenario + "' (deployed: "
          + deployed + ")");
      return Main.USAGE;
    }
    Map<String, String> overrides = dryRun ? Map.of(DrConfig.Vars.DRY_RUN, "true") : Map.of();
    out.println("starting the local cloud (moto + gateway), logs in " + root.relativize(work));
    try (LocalSentinel sentinel = LocalSentinel.start(stacksFor(templates, scenario), overrides, work)) {
      Drill.Result result = new Drill(sentinel, drill, out).run(dryRun, gate, healthy);
      out.println("logs: " + root.relativize(sentinel.functionLog()));
      return !result.passed() ? Main.FAILED : result.rejected() ? Main.REJECTED : Main.OK;
    }
  }

  /** The drills whose gate is on in every environment. */
  private static String alwaysGated() {
    return String.join(", ", Drill.SCENARIOS.values().stream().map(Supplier::get)
        .filter(DrillScenario::gateAlwaysOn).map(DrillScenario::id).toList());
  }

  /** Each gated step with the drills whose gate goes before it ("STEP for ID, ID; STEP for ID"). */
  private static String gatedSteps() {
    Map<String, List<String>> byStep = new LinkedHashMap<>();
    Drill.SCENARIOS.forEach((id, drill) -> {
      String step = drill.get().gatedStep();
      if (step != null) {
        byStep.computeIfAbsent(step, k -> new ArrayList<>()).add(id);
      }
    });
    List<String> parts = new ArrayList<>();
    byStep.forEach((step, ids) -> parts.add(step + " for " + String.join(", ", ids)));
    return String.join("; ", parts);
  }

  /** The drills that raise their signal on a healthy resource: the recoveries (a test is not one). */
  static List<String> healthyDrills() {
    return LocalScenarios.ALL.stream().flatMap(s -> s.drills().stream()).map(Supplier::get)
        .filter(DrillScenario::healthyVariant).map(DrillScenario::id).toList();
  }

  static Path workDir(Path root, String scenario) {
    return root.resolve(".local").resolve("drill-" + scenario + "-" + Instant.now().toString().replace(':', '-'));
  }

  /**
   * The scenarios and tests whose state machine the template deploys (the responders' STATE_MACHINE_ARNS), in the
   * runbook's order, its tests last.
   */
  static List<String> deployedScenarios(CloudTemplate template) {
    return deployedScenarios(List.of(template));
  }

  /** {@link #deployedScenarios(CloudTemplate)} over every stack of the app. */
  static List<String> deployedScenarios(List<CloudTemplate> templates) {
    List<String> deployed = new ArrayList<>();
    for (CloudTemplate template : templates) {
      if (template.lambdaFunctions().stream().noneMatch(f -> f.handler() != null
          && f.handler().startsWith(ai.sentinel.dr.trigger.ManualResponder.class.getName()))) {
        continue; // a stack without a responder (<env>-sentinel-dr-region-events) starts no scenario
      }
      String arns = new LocalDeployment(template).runbookEnvironment().get(DrConfig.Vars.STATE_MACHINE_ARNS);
      if (arns != null) {
        Json.tree(arns).fieldNames().forEachRemaining(deployed::add);
      }
    }
    return ScenarioRegistry.all().stream().map(Scenario::id).filter(deployed::contains).toList();
  }

  /**
   * The stacks a drill of {@code scenario} runs on: the environment's (the platform it protects is seeded against
   * it) and, when the scenario is deployed by a stack of its own in another region, that one too.
   */
  static List<CloudTemplate> stacksFor(List<CloudTemplate> templates, String scenario) {
    List<CloudTemplate> out = new ArrayList<>(List.of(templates.get(0)));
    templates.stream().skip(1).filter(t -> deployedScenarios(t).contains(scenario)).findFirst().ifPresent(own -> {
      out.add(own);
      // the stacks that serve it without a scenario of their own (<env>-sentinel-dr-region-events forwards the
      // failback's ready events from the primary region), deployed with it as `cdk deploy --all` does
      templates.stream().skip(1).filter(t -> t != own && deployedScenarios(t).isEmpty()).forEach(out::add);
    });
    return out;
  }
}
