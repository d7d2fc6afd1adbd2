package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.LocalDeployment;
import ai.sentinel.dr.drill.LocalScenarios;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code ./sentinel}: the on-call's command line.
 *
 * <pre>
 *   ./sentinel classify FILE [--env dev] [--at TIME]  what the responders would do with this payload (no AWS call)
 *   ./sentinel drill SCENARIO [--dry-run]         a recovery drill (or a Testing Schedule test) on the local cloud;
 *                                                 exit 0 only when verified
 *   ./sentinel drill SCENARIO --healthy           a false alarm on a healthy resource: exit 0 only when the recovery
 *                                                 ended with no action, nothing changed and no attempt spent
 *   ./sentinel drill --all [--dry-run]            every drill, then one table against the Recovery Objectives
 *   ./sentinel health [--env dev] [--json]        the appendix's health check; exit 0 healthy, 1 degraded, 2 failing
 * </pre>
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int REJECTED = 2;
  static final int USAGE = 64;

  private Main() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out, System.err);
    } catch (Exception e) {
      System.err.println("sentinel: " + e);
      code = FAILED;
    }
    System.exit(code);
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    try {
      return dispatch(args, out, err);
    } catch (EnvironmentConfig.InvalidConfigException e) {
      err.println("sentinel: " + e.getMessage());
      return USAGE;
    }
  }

  private static int dispatch(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      usage(out);
      return args.length == 0 ? USAGE : OK;
    }
    List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
    String env = option(rest, "--env");
    return switch (args[0]) {
      case "classify" -> classify(rest, env == null ? "dev" : env, out, err);
      case "drill" -> drill(rest, env == null ? "local" : env, out, err);
      case "approve", "reject" -> answer(args[0], rest, out, err);
      case "report" -> report(rest, out, err);
      case "health" -> HealthCommand.run(rest, env == null ? "dev" : env, System.getenv(), out, err);
      default -> {
        err.println("sentinel: unknown command '" + args[0] + "'");
        usage(err);
        yield USAGE;
      }
    };
  }

  private static void usage(PrintStream out) {
    out.println("usage:");
    out.println("  ./sentinel classify FILE [--env dev] [--at TIME]");
    out.println("      what the responders would do with an event or manual payload: one JSON object");
    out.println("      {action, scenario, resource, dedupKey, reason}; exit 0 start/ignore, 2 reject;");
    out.println("      --at: as if received at that ISO-8601 time (a signal's age is judged from now otherwise)");
    out.println("  ./sentinel drill SCENARIO [--dry-run] [--approval] [--approve-as NAME | --reject-as NAME]");
    out.println("      SCENARIO: " + String.join(", ", Drill.SCENARIOS.keySet()));
    out.println("      runs the scenario on the local cloud (moto + our handlers), shows each step live, writes the");
    out.println("      post-incident report to a file; exit 0 only when verified");
    wrap("--approval puts the approval gate before the scenario's gated step (" + gatedSteps() + ") and waits for "
        + "./sentinel approve; --approve-as/--reject-as (which imply --approval) answer it as NAME. A scenario whose "
        + "gate is always on (" + alwaysGated() + ") is answered as \"drill\" when none is given",
        96).forEach(line -> out.println("      " + line));
    for (Supplier<DrillScenario> drill : Drill.SCENARIOS.values()) {
      DrillScenario d = drill.get();
      if (d.note() != null) {
        wrap(d.id() + " is " + d.note(), 96).forEach(line -> out.println("      " + line));
      }
    }
    out.println("  ./sentinel drill SCENARIO --healthy");
    out.println("      the signal on a resource that stays healthy: exit 0 only when the recovery ended with no");
    out.println("      action, nothing was changed, the attempt budget is unchanged and the report gives the evidence");
    out.println("  ./sentinel drill --all [--dry-run]");
    out.println("      every scenario with a drill, then one table against the Recovery Objectives");
    out.println("  ./sentinel report EXECUTION_ARN [--json]");
    out.println("      the post-incident report (runbook template, RTO/RPO against the objectives) of any execution");
    out.println("  ./sentinel health [--env dev] [--json]");
    out.println("      the runbook appendix's health check: RDS, Redis, ECS services, ALB targets, API /health, each");
    out.println("      PASS/WARN/FAIL with what was seen and the threshold; exit 0 healthy, 1 degraded, 2 failing");
    out.println("  ./sentinel approve TOKEN [--by NAME] [--reason TEXT]");
    out.println("  ./sentinel reject TOKEN --reason TEXT [--by NAME]");
    out.println("      answer an approval gate (AWS_ENDPOINT_URL/AWS_REGION select the cloud, as for the AWS CLI)");
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

  /** Words of {@code text} in lines of at most {@code width} characters (a longer word stands alone). */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** The responders' classification, from the same classifier object and the environment's deployed config. */
  private static int classify(List<String> rest, String env, PrintStream out, PrintStream err) throws IOException {
    String at = option(rest, "--at");
    if (rest.size() != 1) {
      err.println("usage: ./sentinel classify FILE [--env NAME] [--at TIME]");
      return USAGE;
    }
    Clock clock = Clock.systemUTC();
    if (at != null) {
      Instant instant = EventTimes.parse(at);
      if (instant == null) {
        err.println("sentinel: --at must be an ISO-8601 time like 2026-01-17T10:05:00Z, got '" + at + "'");
        return USAGE;
      }
      clock = Clock.fixed(instant, ZoneOffset.UTC);
    }
    byte[] raw;
    try {
      raw = Files.readAllBytes(Path.of(rest.get(0)));
    } catch (NoSuchFileException e) {
      err.println("sentinel: no such file " + rest.get(0));
      return USAGE;
    }
    DrConfig config = DrConfig.fromEnv(deployedEnvironment(EnvironmentConfig.fromCdkJson(
        RepoPaths.cdkJson(RepoPaths.root()), env)));
    Classification c = new EventClassifier(config, clock).classify(raw);
    out.println(Json.write(c));
    return Classification.REJECT.equals(c.action()) ? REJECTED : OK;
  }

  /**
   * The function environment as the stack deploys it; the deployment-time ARNs are what the stack would name, since
   * classification only needs to know which scenarios have a state machine.
   */
  static Map<String, String> deployedEnvironment(EnvironmentConfig config) {
    // a responder's: every settings section, since it classifies signals for every scenario
    Map<String, String> env = new LinkedHashMap<>(config.lambdaEnvironment(AlarmResponder.class));
    String account = config.account() == null ? "123456789012" : config.account();
    env.put("AWS_REGION", config.region());
    env.put(DrConfig.Vars.NOTIFY_TOPIC_ARN, "arn:aws:sns:" + config.region() + ":" + account + ":"
        + Names.notificationsTopic(config.prefix()));
    Map<String, String> machines = new LinkedHashMap<>();
    for (String scenario : config.deployedScenarios()) {
      machines.put(scenario, "arn:aws:states:" + config.region() + ":" + account + ":stateMachine:"
          + Names.stateMachine(config.prefix(), scenario));
    }
    env.put(DrConfig.Vars.STATE_MACHINE_ARNS, Json.write(machines));
    return env;
  }

  private static int report(List<String> rest, PrintStream out, PrintStream err) {
    boolean json = rest.remove("--json");
    if (rest.size() != 1) {
      err.println("usage: ./sentinel report EXECUTION_ARN [--json]");
      return USAGE;
    }
    try (var sfn = Approvals.client(System.getenv())) {
      var report = Reports.of(sfn, rest.get(0));
      out.println(json ? Json.write(report) : ai.sentinel.dr.report.ReportRenderer.markdown(report));
      return OK;
    } catch (software.amazon.awssdk.services.sfn.model.SfnException e) {
      err.println("sentinel: report failed: " + e.awsErrorDetails().errorCode() + ": "
          + e.awsErrorDetails().errorMessage());
      return FAILED;
    }
  }

  private static int answer(String verb, List<String> rest, PrintStream out, PrintStream err) {
    String by = option(rest, "--by");
    String reason = option(rest, "--reason");
    if (rest.size() != 1 || ("reject".equals(verb) && reason == null)) {
      err.println("usage: ./sentinel approve TOKEN [--by NAME] [--reason TEXT] | "
          + "./sentinel reject TOKEN --reason TEXT");
      return USAGE;
    }
    String who = by != null ? by : System.getenv().getOrDefault("USER", System.getProperty("user.name"));
    try (var sfn = Approvals.client(System.getenv())) {
      if ("approve".equals(verb)) {
        Approvals.approve(sfn, rest.get(0), who, reason);
        out.println("approved by " + who + ": the recovery continues");
      } else {
        Approvals.reject(sfn, rest.get(0), who, reason);
        out.println("rejected by " + who + ": the recovery stops and notifies; nothing more is changed");
      }
      return OK;
    } catch (software.amazon.awssdk.services.sfn.model.SfnException e) {
      err.println("sentinel: " + verb + " failed: " + e.awsErrorDetails().errorCode() + ": "
          + e.awsErrorDetails().errorMessage());
      return FAILED;
    }
  }

  private static int drill(List<String> rest, String env, PrintStream out, PrintStream err) throws Exception {
    boolean dryRun = rest.remove("--dry-run");
    boolean approval = rest.remove("--approval");
    boolean healthy = rest.remove("--healthy");
    if (healthy && (dryRun || approval || rest.contains("--all"))) {
      err.println("sentinel: --healthy is a real run on its own: not with --dry-run, --approval or --all");
      return USAGE;
    }
    if (rest.remove("--all")) {
      return drillAll(env, dryRun, out, err);
    }
    String approveAs = option(rest, "--approve-as");
    String rejectAs = option(rest, "--reject-as");
    // naming who answers is asking for the gate
    approval |= approveAs != null || rejectAs != null;
    Drill.Gate gate = !approval ? Drill.Gate.none()
        : approveAs != null ? Drill.Gate.approveAs(approveAs)
        : rejectAs != null ? Drill.Gate.rejectAs(rejectAs) : Drill.Gate.human();
    if (rest.size() != 1) {
      err.println("usage: ./sentinel drill SCENARIO [--dry-run] [--env NAME]   (scenarios: "
          + String.join(", ", Drill.SCENARIOS.keySet()) + ")");
      return USAGE;
    }
    String scenario = rest.get(0);
    if (!Drill.SCENARIOS.containsKey(scenario)) {
      err.println("sentinel: no drill for '" + scenario + "' (drills: " + String.join(", ", Drill.SCENARIOS.keySet())
          + ")");
      return USAGE;
    }
    DrillScenario drill = Drill.SCENARIOS.get(scenario).get();
    if (healthy && !healthyDrills().contains(scenario)) {
      err.println("sentinel: " + scenario + " has no healthy drill (healthy drills: " + healthyDrills() + ")");
      return USAGE;
    }
    if (approval && drill.gatedStep() == null) {
      err.println("sentinel: " + scenario + " has no approval gate (it changes nothing in production)");
      return USAGE;
    }
    Path root = RepoPaths.root();
    Path work = workDir(root, scenario);
    out.println("synthesizing the CDK app for environment '" + env + "'...");
    CloudTemplate template = Templates.synthesize(root, env, approval && !drill.gateAlwaysOn()
        ? List.of(drill.gatedStep()) : List.of());
    List<String> deployed = deployedScenarios(template);
    if (!deployed.contains(scenario)) {
      err.println("sentinel: environment '" + env + "' deploys no state machine for '" + scenario + "' (deployed: "
          + deployed + ")");
      return USAGE;
    }
    Map<String, String> overrides = dryRun ? Map.of(DrConfig.Vars.DRY_RUN, "true") : Map.of();
    out.println("starting the local cloud (moto + gateway), logs in " + root.relativize(work));
    try (LocalSentinel sentinel = LocalSentinel.start(template, overrides, work)) {
      Drill.Result result = new Drill(sentinel, drill, out).run(dryRun, gate, healthy);
      out.println("logs: " + root.relativize(sentinel.functionLog()));
      return result.passed() ? OK : FAILED;
    }
  }

  /** The drills that raise their signal on a healthy resource: the recoveries (a test is not one). */
  static List<String> healthyDrills() {
    return LocalScenarios.ALL.stream().flatMap(s -> s.drills().stream()).map(Supplier::get)
        .filter(DrillScenario::healthyVariant).map(DrillScenario::id).toList();
  }

  private static Path workDir(Path root, String scenario) {
    return root.resolve(".local").resolve("drill-" + scenario + "-" + Instant.now().toString().replace(':', '-'));
  }

  /**
   * The scenarios and tests whose state machine the template deploys (the responders' STATE_MACHINE_ARNS), in the
   * runbook's order, its tests last.
   */
  static List<String> deployedScenarios(CloudTemplate template) {
    LocalDeployment deployment = new LocalDeployment(template);
    String arns = deployment.runbookEnvironment().get(DrConfig.Vars.STATE_MACHINE_ARNS);
    List<String> deployed = new ArrayList<>();
    if (arns != null) {
      Json.tree(arns).fieldNames().forEachRemaining(deployed::add);
    }
    return ScenarioRegistry.all().stream().map(Scenario::id).filter(deployed::contains).toList();
  }

  /**
   * Every scenario that has a drill and a state machine in this environment, one after the other, each on a fresh
   * local cloud, then one table against the Recovery Objectives.
   */
  private static int drillAll(String env, boolean dryRun, PrintStream out, PrintStream err) throws Exception {
    Path root = RepoPaths.root();
    out.println("synthesizing the CDK app for environment '" + env + "'...");
    CloudTemplate template = Templates.synthesize(root, env, List.of());
    List<String> deployed = deployedScenarios(template);
    List<String> drilled = Drill.SCENARIOS.keySet().stream().filter(deployed::contains).toList();
    if (drilled.isEmpty()) {
      err.println("sentinel: environment '" + env + "' deploys no scenario that has a drill");
      return FAILED;
    }
    List<String> rows = new ArrayList<>();
    boolean allPassed = true;
    Map<String, String> overrides = dryRun ? Map.of(DrConfig.Vars.DRY_RUN, "true") : Map.of();
    for (String scenario : drilled) {
      out.println();
      try (LocalSentinel sentinel = LocalSentinel.start(template, overrides, workDir(root, scenario))) {
        Drill.Result result = Drill.of(sentinel, scenario, out).run(dryRun, Drill.Gate.none());
        allPassed &= result.passed();
        var report = result.executionArn() == null ? null : Reports.of(sentinel.aws.sfn, result.executionArn());
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
        rows.add(String.format("| %s | %s | %s | %s | %s |", scenario, rto, rpo, result.passed() ? "yes" : "no",
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
    return allPassed ? OK : FAILED;
  }

  private static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    if (i < 0) {
      return null;
    }
    if (i + 1 >= args.size()) {
      throw new EnvironmentConfig.InvalidConfigException(name + " needs a value");
    }
    String value = args.get(i + 1);
    args.remove(i + 1);
    args.remove(i);
    return value;
  }
}
