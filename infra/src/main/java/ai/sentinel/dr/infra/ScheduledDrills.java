package ai.sentinel.dr.infra;

import ai.sentinel.dr.trigger.Scenarios;
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
 * The runbook's Testing Schedule as EventBridge schedules (cdk.json {@code drills}; each test is off unless set).
 * Every schedule invokes the ManualResponder with a drill payload, so a scheduled test goes through the same
 * classification, lock, execution naming, timeline, report and metrics as any recovery, reported as a P4 [DRILL]:
 *
 * <ul>
 *   <li>{@code databaseRestoreTest}: {@code database-restore-test}, the latest snapshot into a scratch instance,
 *       verified, measured and deleted;
 *   <li>{@code redisRecoveryTest}: {@code redis-failure} as a dry-run (a real one would repoint production's cache):
 *       diagnosis and snapshot choice for real, every mutating call planned;
 *   <li>{@code ecsRecoveryTest}: {@code ecs-service-failure}, for real, on the configured non-production service.
 * </ul>
 * The event's id becomes the payload's requestId: each run is a new drill, a redelivered event the same one.
 */
public final class ScheduledDrills extends Construct {
  /** Rule id suffixes: {@code <env>-sentinel-dr-drill-<test>}. */
  static final String DATABASE_RESTORE = "drill-database-restore";
  static final String REDIS_RECOVERY = "drill-redis-recovery";
  static final String ECS_RECOVERY = "drill-ecs-recovery";

  /**
   * @param config          the environment and its {@code drills}
   * @param manualResponder the function every schedule invokes
   */
  public record Props(EnvironmentConfig config, RunbookFunction manualResponder) {}

  private final Map<String, Rule> rules = new LinkedHashMap<>();

  public ScheduledDrills(Construct scope, String id, Props props) {
    super(scope, id);
    EnvironmentConfig.Drills drills = props.config().drills();
    if (drills.databaseRestoreTest() != null) {
      schedule(props, DATABASE_RESTORE, drills.databaseRestoreTest(), "Testing Schedule: database snapshot "
          + "restore test", payload(Scenarios.DATABASE_RESTORE_TEST, null, false));
    }
    if (drills.redisRecoveryTest() != null) {
      schedule(props, REDIS_RECOVERY, drills.redisRecoveryTest(), "Testing Schedule: Redis recovery test "
          + "(dry-run plan)", payload(Scenarios.REDIS_FAILURE, null, true));
    }
    if (drills.ecsRecoveryTest() != null) {
      schedule(props, ECS_RECOVERY, drills.ecsRecoveryTest(), "Testing Schedule: ECS service recovery test on "
          + drills.ecsTestService(), payload(Scenarios.ECS_SERVICE_FAILURE, drills.ecsTestService(), false));
    }
  }

  private static Map<String, Object> payload(String runbook, String resource, boolean dryRun) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("runbook", runbook);
    if (resource != null) {
      p.put("resource", resource);
    }
    p.put("drill", true);
    if (dryRun) {
      p.put("dryRun", true);
    }
    p.put("requestId", EventField.getEventId());
    p.put("reason", "scheduled by the runbook's Testing Schedule at " + EventField.getTime());
    return p;
  }

  private void schedule(Props props, String ruleId, String expression, String description,
      Map<String, Object> payload) {
    Rule rule = Rule.Builder.create(this, ruleId)
        .ruleName(Names.rule(props.config().prefix(), ruleId))
        .description(description)
        .schedule(Schedule.expression(expression))
        .targets(List.of(LambdaFunction.Builder.create(props.manualResponder().live())
            .event(RuleTargetInput.fromObject(payload))
            .retryAttempts(2)
            .build()))
        .build();
    rules.put(ruleId, rule);
  }

  /** The schedules by rule id suffix (drill-database-restore, drill-redis-recovery, drill-ecs-recovery). */
  public Map<String, Rule> rules() {
    return java.util.Collections.unmodifiableMap(rules);
  }
}
