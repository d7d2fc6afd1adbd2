package ai.sentinel.dr.infra.health;

import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.health.HealthMetrics;
import ai.sentinel.dr.health.HealthSettings;
import ai.sentinel.dr.health.PlatformHealthCheck;
import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.infra.RunbookFunctions;
import ai.sentinel.dr.redis.RedisSettings;
import ai.sentinel.dr.report.EmbeddedMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmRule;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CompositeAlarm;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.constructs.Construct;

/**
 * The runbook appendix's health check on a schedule (cdk.json {@code healthCheck.schedule}): the function
 * {@code <env>-sentinel-dr-platform-health-check} (read-only: Describe calls on the protected resources, one GET of
 * healthUrl), the rule {@code <env>-sentinel-dr-health-check}, one alarm per published check
 * ({@code <env>-sentinel-dr-health-<check>}: FAIL in two consecutive 5-minute periods) and the composite alarm
 * {@code <env>-sentinel-dr-platform-unhealthy} (any of them) for dashboards. No alarm here has an action: a failing
 * platform starts its recoveries through their own signals, never through this check.
 */
public final class PlatformHealthSchedule extends Construct {
  /** The alarms' period: the check's usual schedule (rate(5 minutes)); a slower schedule leaves periods empty. */
  static final Duration PERIOD = Duration.minutes(5);

  /**
   * @param config    the environment (its names, healthUrl and sections)
   * @param functions the environment's function factory
   * @param settings  its healthCheck section
   */
  public record Props(EnvironmentConfig config, RunbookFunctions functions, HealthSettings settings) {}

  private final RunbookFunction function;
  private final Rule rule;
  private final Map<String, Alarm> alarms = new LinkedHashMap<>();
  private final CompositeAlarm unhealthy;

  public PlatformHealthSchedule(Construct scope, String id, Props props) {
    super(scope, id);
    EnvironmentConfig config = props.config();
    String prefix = config.prefix();
    function = props.functions().create(this, PlatformHealthCheck.class, Map.of(), null);
    allowReads(config);
    rule = Rule.Builder.create(this, "Schedule")
        .ruleName(prefix + "-health-check")
        .description("Runs the runbook appendix's health check of " + config.name() + " (read-only)")
        .schedule(Schedule.expression(props.settings().schedule()))
        .targets(List.of(LambdaFunction.Builder.create(function.live()).retryAttempts(0).build()))
        .build();
    List<IAlarm> any = new ArrayList<>();
    for (String check : published(config)) {
      Alarm alarm = Alarm.Builder.create(this, "Health-" + check)
          .alarmName(prefix + "-health-" + check)
          .alarmDescription("Health check '" + check + "' of " + config.name() + " FAILED twice in a row (metric "
              + HealthMetrics.metricName(check) + ": 0 PASS, 1 WARN, 2 FAIL). Run ./sentinel health --env "
              + config.name() + " to see why. Dashboard only: recoveries start from their own signals.")
          .metric(Metric.Builder.create()
              .namespace(EmbeddedMetrics.NAMESPACE)
              .metricName(HealthMetrics.metricName(check))
              .dimensionsMap(Map.of(EmbeddedMetrics.ENVIRONMENT, config.name()))
              .statistic("Maximum")
              .period(PERIOD)
              .build())
          .threshold(HealthMetrics.FAIL)
          .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
          .evaluationPeriods(2)
          .datapointsToAlarm(2)
          // no data is no verdict: a paused schedule shows INSUFFICIENT_DATA, not a failing platform
          .treatMissingData(TreatMissingData.MISSING)
          .actionsEnabled(false)
          .build();
      alarms.put(check, alarm);
      any.add(alarm);
    }
    unhealthy = CompositeAlarm.Builder.create(this, "PlatformUnhealthy")
        .compositeAlarmName(prefix + "-platform-unhealthy")
        .alarmDescription("Platform unhealthy (" + config.name() + "): a check of the runbook appendix's health check "
            + "failed twice in a row. For dashboards; it starts no recovery and pages nobody.")
        .alarmRule(AlarmRule.anyOf(any.toArray(IAlarm[]::new)))
        .actionsEnabled(false)
        .build();
  }

  /** The checks whose metric is published in this environment (a skipped check publishes nothing). */
  public static List<String> published(EnvironmentConfig config) {
    List<String> out = new ArrayList<>();
    for (String check : HealthMetrics.CHECKS) {
      boolean on = switch (check) {
        case "redis" -> config.settings(RedisSettings.class).isPresent();
        case "alb" -> !config.require(EcsSettings.class).targetGroups().isEmpty();
        case "api" -> config.healthUrl() != null;
        default -> true;
      };
      if (on) {
        out.add(check);
      }
    }
    return out;
  }

  /**
   * Describe calls on exactly the protected resources and the replacements a recovery restores into (the check follows
   * the connection secret to the one in use), and reading those secrets for their host; elasticloadbalancing's
   * Describe calls take no resource.
   */
  private void allowReads(EnvironmentConfig config) {
    Arns arns = new Arns(this);
    DatabaseSettings db = config.require(DatabaseSettings.class);
    function.allow(List.of("rds:DescribeDBInstances"), Stream.of(db.instanceId(), db.recoveryInstanceId(),
        db.pitrInstanceId()).map(id -> arns.colon("rds", "db", id)).toList());
    List<String> secrets = new ArrayList<>();
    Optional.ofNullable(db.secretId()).ifPresent(secrets::add);
    Optional<RedisSettings> redis = config.settings(RedisSettings.class);
    redis.ifPresent(r -> function.allow(List.of("elasticache:DescribeCacheClusters"),
        Stream.of(r.clusterId(), r.recoveryClusterId()).map(id -> arns.colon("elasticache", "cluster", id)).toList()));
    redis.map(RedisSettings::secretId).ifPresent(secrets::add);
    if (!secrets.isEmpty()) {
      function.allow(List.of("secretsmanager:GetSecretValue"), secrets.stream().map(arns::secret).toList());
    }
    EcsSettings ecs = config.require(EcsSettings.class);
    function.allow(List.of("ecs:DescribeServices"),
        ecs.services().stream().map(s -> arns.ecsService(ecs.cluster(), s)).toList());
    if (!ecs.targetGroups().isEmpty()) {
      function.allow(List.of("elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetHealth"), List.of("*"));
      Nag.suppressFindings(function.role(), Nag.IAM5, "elasticloadbalancing:DescribeTargetGroups and "
          + "DescribeTargetHealth support no resource-level permissions; both are read-only", "/^Resource::\\*$/");
    }
  }

  public RunbookFunction function() {
    return function;
  }

  public Rule rule() {
    return rule;
  }

  /** The per-check alarms by check id, in the appendix's order. */
  public Map<String, Alarm> alarms() {
    return java.util.Collections.unmodifiableMap(alarms);
  }

  public CompositeAlarm unhealthy() {
    return unhealthy;
  }
}
