package ai.sentinel.dr.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.constructs.Construct;

/**
 * The runbook's Testing Schedule as EventBridge schedules (cdk.json {@code drills}; each test is off unless set): each
 * deployed scenario lists its own tests ({@link InfraScenario#drills}). Every schedule invokes the ManualResponder
 * with a drill payload, so a scheduled test goes through the same classification, lock, execution naming, timeline,
 * report and metrics as any recovery, reported as a P4 [DRILL]. The event's id becomes the payload's requestId: each
 * run is a new drill, a redelivered event the same one.
 */
public final class ScheduledDrills extends Construct {
  /**
   * One scheduled test.
   *
   * @param ruleId      {@code drill-<test>}: the rule is {@code <env>-sentinel-dr-drill-<test>} (its construct id too)
   * @param schedule    an EventBridge cron(...) or rate(...) expression
   * @param description what the rule runs
   * @param runbook     the manual payload's runbook
   * @param resource    the manual payload's resource, or null for the scenario's own
   * @param dryRun      a plan only: the test must not change production
   * @param fields      further fields of the manual payload the runbook needs (e.g. what to contain), none if empty
   */
  public record Drill(String ruleId, String schedule, String description, String runbook, String resource,
      boolean dryRun, Map<String, Object> fields) {
    public Drill {
      fields = Map.copyOf(fields);
    }

    public Drill(String ruleId, String schedule, String description, String runbook, String resource,
        boolean dryRun) {
      this(ruleId, schedule, description, runbook, resource, dryRun, Map.of());
    }
  }

  /**
   * One drill of the full DR simulation: a dry-run of the runbook through a manual responder.
   *
   * @param runbook   the manual payload's runbook
   * @param resource  the manual payload's resource, or null for the scenario's own
   * @param fields    further fields of the manual payload the runbook needs, none if empty
   * @param responder the manual responder's function name, or null for the environment stack's
   * @param region    the responder's region, or null for the environment's
   */
  public record Target(String runbook, String resource, Map<String, Object> fields, String responder, String region) {
    public Target {
      fields = Map.copyOf(fields);
    }

    public Target(String runbook, String resource, Map<String, Object> fields) {
      this(runbook, resource, fields, null, null);
    }
  }

  /**
   * @param config          the environment and its {@code drills}
   * @param manualResponder the function every schedule invokes
   * @param scenarios       the deployed scenarios, whose tests are scheduled
   */
  public record Props(EnvironmentConfig config, RunbookFunction manualResponder, List<InfraScenario> scenarios) {}

  private final Map<String, Rule> rules = new LinkedHashMap<>();

  public ScheduledDrills(Construct scope, String id, Props props) {
    super(scope, id);
    for (InfraScenario scenario : props.scenarios()) {
      for (Drill drill : scenario.drills(props.config())) {
        schedule(props, drill.ruleId(), drill.schedule(), drill.description(),
            List.of(payload(drill.runbook(), drill.resource(), drill.dryRun(), drill.fields(), REASON)));
      }
    }
  }

  /**
   * A scenario's drill in the full simulation: the plan of its recovery its own Testing Schedule drill rehearses, when
   * this environment schedules one (the payload already rehearsed: e.g. Scenario 6's active breach), else its
   * {@link InfraScenario#simulation} default.
   */
  public static Target simulation(InfraScenario scenario, EnvironmentConfig config) {
    Target own = scenario.test() ? null : scenario.drills(config).stream()
        .filter(d -> d.runbook().equals(scenario.id())).findFirst()
        .map(d -> new Target(d.runbook(), d.resource(), d.fields())).orElse(null);
    return own != null ? own : scenario.simulation(config);
  }

  private static final String REASON = "scheduled by the runbook's Testing Schedule at ";

  private static Map<String, Object> payload(String runbook, String resource, boolean dryRun,
      Map<String, Object> fields, String reason) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("runbook", runbook);
    if (resource != null) {
      p.put("resource", resource);
    }
    new java.util.TreeMap<>(fields).forEach(p::put);
    p.put("drill", true);
    if (dryRun) {
      p.put("dryRun", true);
    }
    p.put("requestId", EventField.getEventId());
    p.put("reason", reason + EventField.getTime());
    return p;
  }

  /** One rule, one target per payload, all invoking the ManualResponder (one invoke permission for the rule). */
  private void schedule(Props props, String ruleId, String expression, String description,
      List<Map<String, Object>> payloads) {
    Rule rule = Rule.Builder.create(this, ruleId)
        .ruleName(Names.rule(props.config().prefix(), ruleId))
        .description(description)
        .schedule(Schedule.expression(expression))
        .targets(payloads.stream().map(payload -> (software.amazon.awscdk.services.events.IRuleTarget)
            LambdaFunction.Builder.create(props.manualResponder().live())
                .event(RuleTargetInput.fromObject(payload))
                .retryAttempts(2)
                .build()).toList())
        .build();
    rules.put(ruleId, rule);
  }

  /** The schedules by rule id suffix ({@code drill-<test>}). */
  public Map<String, Rule> rules() {
    return java.util.Collections.unmodifiableMap(rules);
  }
}
