package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.security.MonitoringState.Alarm;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleState;

/**
 * Scenario 6 Recovery 6, "monitor closely for 48 hours" (issue 12 step 9): temporary CloudWatch alarms with the
 * tighter thresholds of {@code security.monitoring} on the API's target 4xx and 5xx responses (ALB), the requests
 * the web ACL blocks ({@code AWS/WAFV2 BlockedRequests}) and the platform's PII-access metric, each paging the on-call
 * topic, named {@code <env>-sentinel-dr-heightened-<incident>-<kind>}; and one EventBridge Scheduler schedule,
 * {@code at(<end>)} in UTC with ActionAfterCompletion DELETE, that invokes this step's own function with exactly
 * these alarms' names when the window ends ({@link #scheduled}: {@link EndMonitoring}). PutMetricAlarm replaces an
 * alarm of the same name, and an existing schedule of this incident is kept (its end time too), so a second run
 * changes nothing. A dry-run plans every call.
 */
@UsesSettings(SecuritySettings.class)
public final class HeightenedMonitoring extends Step {
  /** The function the schedule invokes (this step's own alias ARN), set by the stack. */
  public static final String END_FUNCTION = "MONITORING_END_FUNCTION_ARN";
  /** The role EventBridge Scheduler assumes to invoke it, set by the stack. */
  public static final String SCHEDULER_ROLE = "MONITORING_SCHEDULER_ROLE_ARN";
  static final String KINDS = "http-4xx|http-5xx|waf-blocked|pii-records";
  /** A temporary alarm of this scenario: the only alarms it may put or delete. */
  public static final Pattern ALARM = Pattern.compile("[A-Za-z0-9-]{1,40}-sentinel-dr-heightened-([0-9a-f]{12})-("
      + KINDS + ")");
  /** The removal schedule of one incident. */
  public static final Pattern SCHEDULE = Pattern.compile("[A-Za-z0-9-]{1,30}-sentinel-dr-heightened-end-[0-9a-f]{12}");
  private static final DateTimeFormatter AT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  private static final Pattern AT = Pattern.compile("at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)");

  private final String endFunction;
  private final String schedulerRole;

  public HeightenedMonitoring() {
    this(System.getenv());
  }

  public HeightenedMonitoring(Map<String, String> env) {
    this(Deps.fromEnv(env), env.get(END_FUNCTION), env.get(SCHEDULER_ROLE));
  }

  public HeightenedMonitoring(Deps deps, String endFunction, String schedulerRole) {
    super(deps);
    this.endFunction = endFunction;
    this.schedulerRole = schedulerRole;
  }

  @Override
  public String name() {
    return "HeightenedMonitoring";
  }

  /** The schedule's invocation at the window's end: {@link EndMonitoring} deletes this incident's alarms. */
  @Override
  protected Object scheduled(JsonNode input) {
    return new EndMonitoring(deps).end(input);
  }

  /** The alarms' common name prefix of this environment and incident. */
  static String alarmPrefix(String environment, String incident) {
    return environment + "-sentinel-dr-heightened-" + incident + "-";
  }

  static String scheduleName(String environment, String incident) {
    return environment + "-sentinel-dr-heightened-end-" + incident;
  }

  @Override
  protected Recovery run(Recovery recovery) {
    SecurityState state = recovery.part(SecurityState.PART);
    if (state == null || state.assessment() == null) {
      throw new StepFailedError("HeightenedMonitoring needs Assess's result");
    }
    MonitoringState done = recovery.part(MonitoringState.PART);
    if (done != null) {
      return recovery.log(entry("skipped", done.alarms().size() + " temporary alarm(s) already in place until "
          + done.until()));
    }
    SecuritySettings settings = SecuritySettings.of(deps.config());
    MonitoringSettings m = settings.monitoring();
    if (m == null) {
      throw new StepFailedError("security.monitoring is not configured: no heightened monitoring");
    }
    if (endFunction == null || schedulerRole == null) {
      throw new StepFailedError("HeightenedMonitoring needs " + END_FUNCTION + " and " + SCHEDULER_ROLE + " (set by "
          + "the stack): without them the alarms could not be removed, so none is created");
    }
    String environment = deps.config().environment();
    String incident = Evidence.incident(recovery);
    String scheduleName = scheduleName(environment, incident);
    GetScheduleResponse existing = existing(scheduleName);
    Instant until = existing != null ? at(existing.scheduleExpression())
        : Instant.now(deps.clock()).plus(Duration.ofHours(m.hours())).truncatedTo(ChronoUnit.SECONDS);
    List<PutMetricAlarmRequest> requests = alarms(settings, m, alarmPrefix(environment, incident), until,
        recovery.executionName());
    List<Alarm> alarms = new ArrayList<>();
    for (PutMetricAlarmRequest request : requests) {
      recovery = mutate(recovery, "cloudwatch", "PutMetricAlarm", request.alarmName(), request.metricName() + " >= "
          + request.threshold(), () -> deps.clients().cloudWatch().putMetricAlarm(request)).recovery();
      alarms.add(new Alarm(request.alarmName(), request.namespace() + " " + request.metricName() + " "
          + request.dimensions().stream().map(d -> d.name() + "=" + d.value()).toList(), request.threshold()));
    }
    if (existing == null) {
      CreateScheduleRequest schedule = schedule(scheduleName, until, incident, recovery.executionName(), alarms);
      recovery = mutate(recovery, "scheduler", "CreateSchedule", scheduleName, schedule.scheduleExpression() + " -> "
          + endFunction, () -> deps.clients().scheduler().createSchedule(schedule)).recovery();
    }
    MonitoringState next = new MonitoringState(alarms, until.toString(), scheduleName,
        recovery.dryRun() ? null : now());
    return recovery.with(MonitoringState.PART, next).log(entry(recovery.dryRun() ? "would-monitor" : "monitoring",
        alarms.size() + " temporary alarm(s) until " + until + " (" + m.hours() + " h): " + alarms.stream()
        .map(a -> a.name() + " >= " + a.threshold()).toList() + "; removed then by schedule " + scheduleName
        + (existing != null ? " (in place already)" : "")));
  }

  private GetScheduleResponse existing(String scheduleName) {
    try {
      return deps.clients().scheduler().getSchedule(b -> b.name(scheduleName));
    } catch (ResourceNotFoundException e) {
      return null;
    }
  }

  /** The end time of an {@code at(...)} expression (UTC). */
  static Instant at(String expression) {
    Matcher matcher = AT.matcher(expression == null ? "" : expression);
    if (!matcher.matches()) {
      throw new StepFailedError("the removal schedule's expression '" + expression + "' is not at(...): not ours");
    }
    return LocalDateTime.parse(matcher.group(1)).toInstant(ZoneOffset.UTC);
  }

  /** The temporary alarms the configuration has metrics for. */
  List<PutMetricAlarmRequest> alarms(SecuritySettings settings, MonitoringSettings m, String prefix, Instant until,
      String execution) {
    List<PutMetricAlarmRequest> out = new ArrayList<>();
    if (m.loadBalancerMetric() != null) {
      Dimension lb = Dimension.builder().name("LoadBalancer").value(m.loadBalancerMetric()).build();
      out.add(alarm(prefix + "http-4xx", "AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", List.of(lb), m.http4xx(),
          m, until, execution));
      out.add(alarm(prefix + "http-5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", List.of(lb), m.http5xx(),
          m, until, execution));
    }
    if (settings.webAcl() != null) {
      out.add(alarm(prefix + "waf-blocked", "AWS/WAFV2", "BlockedRequests", List.of(
          Dimension.builder().name("WebACL").value(settings.webAcl()).build(),
          Dimension.builder().name("Region").value(deps.config().region()).build(),
          Dimension.builder().name("Rule").value("ALL").build()), m.wafBlocked(), m, until, execution));
    }
    if (settings.piiMetric() != null) {
      out.add(alarm(prefix + "pii-records", settings.piiMetric().namespace(), settings.piiMetric().name(), List.of(),
          m.piiRecords(), m, until, execution));
    }
    return out;
  }

  private PutMetricAlarmRequest alarm(String name, String namespace, String metric, List<Dimension> dimensions,
      int threshold, MonitoringSettings m, Instant until, String execution) {
    return PutMetricAlarmRequest.builder().alarmName(name)
        .alarmDescription("Sentinel DR heightened monitoring after security incident " + execution + ": " + metric
            + " >= " + threshold + " per " + m.periodMinutes() + " min pages the on-call; removed automatically at "
            + until + " (runbook Scenario 6: monitor closely for " + m.hours() + " hours)")
        .namespace(namespace).metricName(metric).dimensions(dimensions)
        .statistic(Statistic.SUM).period(m.periodMinutes() * 60).evaluationPeriods(1)
        .threshold((double) threshold).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData("notBreaching")
        .actionsEnabled(true).alarmActions(deps.config().topicArn())
        .build();
  }

  /** The one-time schedule: at the window's end, once, then deleted by Scheduler itself. */
  private CreateScheduleRequest schedule(String name, Instant until, String incident, String execution,
      List<Alarm> alarms) {
    var input = Json.object();
    input.put("incident", incident);
    input.put("execution", execution);
    input.put("until", until.toString());
    var names = input.putArray("alarms");
    alarms.forEach(a -> names.add(a.name()));
    return CreateScheduleRequest.builder().name(name)
        .description("Sentinel DR: end of the heightened monitoring of " + execution)
        .scheduleExpression("at(" + AT_TIME.format(LocalDateTime.ofInstant(until, ZoneOffset.UTC)) + ")")
        .scheduleExpressionTimezone("UTC")
        .flexibleTimeWindow(f -> f.mode(FlexibleTimeWindowMode.OFF))
        .actionAfterCompletion(ActionAfterCompletion.DELETE)
        .state(ScheduleState.ENABLED)
        .target(t -> t.arn(endFunction).roleArn(schedulerRole).input(Json.write(Map.of(SCHEDULED, input)))
            .retryPolicy(r -> r.maximumRetryAttempts(10).maximumEventAgeInSeconds(86400)))
        .build();
  }
}
