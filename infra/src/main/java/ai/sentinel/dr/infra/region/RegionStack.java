package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.ReportsBucket;
import ai.sentinel.dr.infra.SharedSteps;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.Notifications;
import ai.sentinel.dr.infra.RecoveryLocksTable;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.infra.RunbookFunctions;
import ai.sentinel.dr.infra.SentinelDrStack;
import ai.sentinel.dr.infra.WaitTokensTable;
import ai.sentinel.dr.region.CopySnapshots;
import ai.sentinel.dr.region.RegionFailback;
import ai.sentinel.dr.region.RegionFailure;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.HealthEventResponder;
import ai.sentinel.dr.trigger.ManualResponder;
import ai.sentinel.dr.trigger.TriggerPatterns;
import ai.sentinel.dr.trigger.WaitResponder;
import ai.sentinel.dr.wait.ReadyEvents;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Permission;
import ai.sentinel.dr.region.RegionSettings;
import ai.sentinel.dr.report.EmbeddedMetrics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.constructs.Construct;

/**
 * Runbook Scenario 4's own stack, {@code <env>-sentinel-dr-region}, deployed in the environment's DR region: when the
 * primary region is down, so are the primary stack's state machines, responders, lock table and topic. Everything a
 * failover needs is therefore here, with its own lock table and on-call topic, and every function names the region
 * of each call (the primary's for reads, the DR region's for changes).
 *
 * <p>The failover ({@link RegionRecovery}, always behind approval) started by its own manual responder, and the
 * runbook's prerequisite "cross-region RDS snapshot replication" ({@link CopySnapshots} on
 * {@code dr.copySchedule}) with the alarm {@code <env>-sentinel-dr-region-rpo-at-risk} when the newest copy is
 * older than the RPO, or not measured at all.
 *
 * <p>Its triggers, each starting only the assessment (the failover waits for approval): the manual responder, AWS
 * Health issues of the primary, and, with {@code dr.primaryProbe}, the alarm on the DR region's probe of the
 * primary's public /health ({@link PrimaryProbeResources}) through the shared alarm rule and an AlarmResponder.
 */
public final class RegionStack extends Stack {
  /** The synthesis warning of a DR stack whose failover tells no customer (no {@code dr.customerNotification}). */
  static final String NO_CUSTOMER_CHANNEL = "sentinel:dr-no-customer-channel";

  /** The settings sections the DR stack's functions read: the platform's database and services, and the DR's. */
  static final List<Class<? extends Settings>> DR_SECTIONS = List.of(DatabaseSettings.class, EcsSettings.class,
      RegionSettings.class);
  private final Notifications notifications;
  private final RecoveryLocksTable locks;
  private final RunbookFunction copySnapshots;
  private final Alarm rpoAlarm;
  private final RegionRecovery failover;
  /** The Failback Procedure's state machine, where cdk.json has {@code dr.failback}; null otherwise. */
  private final RegionFailbackRecovery failback;
  private final RunbookFunction manualResponder;
  /** The probe of the primary's public /health and its alarm, where cdk.json has {@code dr.primaryProbe}. */
  private final PrimaryProbeResources probe;

  public RegionStack(Construct scope, EnvironmentConfig config, Path lambdaJar) {
    this(scope, config, config.require(RegionSettings.class), lambdaJar);
  }

  private RegionStack(Construct scope, EnvironmentConfig config, RegionSettings region, Path lambdaJar) {
    super(scope, prefix(config), StackProps.builder()
        .stackName(prefix(config))
        .description("Sentinel DR (" + config.name() + "): region failover to " + region.drRegion() + " from "
            + region.primaryRegion() + " (runbook Scenario 4)")
        .env(Environment.builder().account(config.account()).region(region.drRegion()).build())
        .build());
    Tags.of(this).add("sentinel:environment", config.name());
    Tags.of(this).add("sentinel:component", "dr-region");
    String prefix = prefix(config);

    notifications = new Notifications(this, "Notifications",
        new Notifications.Props(prefix, config.notificationEmails()));
    locks = new RecoveryLocksTable(this, "Locks",
        new RecoveryLocksTable.Props(Names.lockTable(prefix), SentinelDrStack.lockTableRemoval(config)));
    Map<String, String> environment = new LinkedHashMap<>(config.lambdaEnvironment());
    environment.put(Vars.NOTIFY_TOPIC_ARN, notifications.topic().getTopicArn());
    environment.put(Vars.LOCK_TABLE, locks.tableName());
    // the primary's alarm routes name the primary's alarms: the DR stack's alarm rule takes only its own metrics'
    environment.put(Vars.ALARM_ROUTES, "{}");
    // the task tokens of the failover's waits, in this region: the primary's wait table is down with the primary
    WaitTokensTable waits = new WaitTokensTable(this, Names.waitTable(prefix));
    environment.put(Vars.WAIT_TABLE, waits.tableName());
    // the scenario's steps: <env>-sentinel-dr-region-<step>
    // the sections of what a failover reads and changes only: Lambda's 4 KB of variables
    EnvironmentConfig functionsConfig = config.without(config.sections().stream().map(s -> s.getClass())
        .filter(t -> !DR_SECTIONS.contains(t)).<Class<? extends Settings>>map(t -> t).toList());
    RunbookFunctions steps = new RunbookFunctions(config.prefix(), lambdaJar, environment,
        functionsConfig::settingsEnvironment, config.logRetention());
    RegionPermissions permissions = new RegionPermissions(this, region);

    // the failover: its steps, the shared steps under this stack's prefix, its gate always on, its responder
    EnvironmentConfig failoverConfig = functionsConfig.withSafety(alwaysGated(config.safety()));
    RunbookFunctions shared = new RunbookFunctions(prefix, lambdaJar, environment,
        functionsConfig::settingsEnvironment, config.logRetention());
    ReportsBucket reports = new ReportsBucket(this, "Reports",
        new ReportsBucket.Props(SentinelDrStack.lockTableRemoval(config)));
    SharedSteps sharedSteps = new SharedSteps(this, "SharedSteps",
        new SharedSteps.Props(failoverConfig, shared, notifications, locks, reports));
    failover = new RegionRecovery(this, "RegionRecovery", new RecoveryStateMachine.Props(failoverConfig, steps,
        sharedSteps, notifications, true));
    failback = region.failback() == null ? null : new RegionFailbackRecovery(this, "RegionFailback",
        new RecoveryStateMachine.Props(functionsConfig, steps, sharedSteps, notifications, true));
    Construct triggers = new Construct(this, "Triggers");
    manualResponder = responder(triggers, shared, config, ManualResponder.class);
    Map<String, List<TriggerPatterns.Rule>> rules = drRules(functionsConfig, region);
    healthRules(triggers, shared, config, rules.getOrDefault(HealthEventResponder.class.getSimpleName(), List.of()));
    waitResponder(triggers, shared, waits, rules.getOrDefault(ReadyEvents.RESPONDER, List.of()));
    if (region.primaryProbe() != null) {
      // Scenario 4's alarm trigger: the DR region's probe of the primary's /health, its alarm, the alarm rule
      probe = new PrimaryProbeResources(this, "PrimaryProbe", config.name(), prefix, region, steps, notifications);
      RunbookFunction alarms = responder(triggers, shared, config, AlarmResponder.class);
      rules.getOrDefault(TriggerPatterns.ALARM_RESPONDER, List.of()).forEach(rule -> rule(triggers, rule, alarms));
    } else {
      probe = null;
    }

    failoverTest(config, prefix);
    customerTemplate(config.name(), region);
    if (region.dns().failoverSwitch() != null) {
      new FailoverSwitchResources(this, "FailoverSwitch", region);
    }

    Construct prerequisites = new Construct(this, "Prerequisites");
    copySnapshots = steps.create(prerequisites, CopySnapshots.class, Map.of(), null);
    permissions.copySnapshots(copySnapshots);
    Rule.Builder.create(prerequisites, "CopySchedule")
        .ruleName(prefix + "-copy-snapshots")
        .description("Copies the newest snapshot of " + region.sourceInstanceId() + " from " + region.primaryRegion()
            + " to " + region.drRegion() + " (runbook Scenario 4 prerequisite)")
        .schedule(Schedule.expression(region.copySchedule()))
        .targets(List.of(LambdaFunction.Builder.create(copySnapshots.live()).retryAttempts(2).build()))
        .build();
    rpoAlarm = rpoAlarm(prerequisites, config, region, prefix);

    output("NotificationTopicArn", notifications.topic().getTopicArn(),
        "On-call topic of the DR stack: failover outcomes and the RPO alarm");
    output("LockTableName", locks.tableName(), "Locks of the failover (the primary region and the DR resources)");
    output("RegionFailureStateMachineArn", failover.stateMachine().getStateMachineArn(),
        "Runbook Scenario 4 state machine (failover to " + region.drRegion() + ")");
    output("ManualResponderFunction", manualResponder.live().getFunctionArn(),
        "Invoke with {\"runbook\": \"region-failure\"} to assess the primary region and, once approved, fail over");
    if (failback != null) {
      output("RegionFailbackStateMachineArn", failback.stateMachine().getStateMachineArn(),
          "Runbook Scenario 4 failback (" + region.drRegion() + " back to " + region.primaryRegion() + "): invoke "
              + "the manual responder with {\"runbook\": \"region-failback\"}");
    }
    output("ReportsBucketName", reports.bucket().getBucketName(), "Post-incident reports: reports/<scenario>/");
    output("CopySnapshotsFunction", copySnapshots.live().getFunctionArn(),
        "Copies the newest primary snapshot into the DR region; invoke to copy now");
  }

  /**
   * The customers' notice (runbook step 9, {@code dr.customerNotification}): the SES template NotifyCustomers sends,
   * in the DR region; its variables are the configured status text, the regions and the time of the trigger.
   * Without the section nothing tells the customers: synthesis warns (the failover's gate and report say it too).
   */
  private void customerTemplate(String env, RegionSettings region) {
    var channel = region.customerNotification();
    if (channel == null) {
      software.amazon.awscdk.Annotations.of(this).addWarningV2(NO_CUSTOMER_CHANNEL, env + ": dr.customerNotification "
          + "is not set, so a failover tells no customer (NotifyCustomers skips it; the gate and the report say so). "
          + "Production must set it (cdk.json environments." + env + ".dr.customerNotification)");
      return;
    }
    software.amazon.awscdk.services.ses.CfnTemplate.Builder.create(this, "CustomerNotificationTemplate")
        .template(software.amazon.awscdk.services.ses.CfnTemplate.TemplateProperty.builder()
            .templateName(channel.template())
            .subjectPart("Sentinel service status: running from our backup region")
            .textPart("{{statusText}}\n\nSince {{since}} the service runs from {{drRegion}} while {{primaryRegion}} "
                + "is unavailable. We will tell you when it is back.\n")
            .htmlPart("<p>{{statusText}}</p><p>Since {{since}} the service runs from {{drRegion}} while "
                + "{{primaryRegion}} is unavailable. We will tell you when it is back.</p>")
            .build())
        .build();
  }

  /**
   * The runbook's annual region failover test ({@code drills.regionFailoverTest}, off unless set): the DR manual
   * responder gets a drill that is a dry-run, so the assessment and the copy choice run for real and every change of
   * the failover is planned, none sent.
   */
  private void failoverTest(EnvironmentConfig config, String prefix) {
    SettingsSection.ScheduledTest test = config.drills().test(RegionSettings.SECTION.drill().field());
    if (test == null) {
      return;
    }
    Map<String, Object> payload = new java.util.LinkedHashMap<>();
    payload.put("runbook", RegionInfraScenario.ID);
    payload.put("drill", true);
    payload.put("dryRun", true);
    payload.put("requestId", EventField.getEventId());
    payload.put("reason", "the runbook's annual region failover test, scheduled at " + EventField.getTime());
    Rule.Builder.create(this, "FailoverTest")
        .ruleName(prefix + "-drill-failover")
        .description("Runbook Testing Schedule: region failover test (a dry-run of the failover to "
            + config.require(RegionSettings.class).drRegion() + ")")
        .schedule(Schedule.expression(test.schedule()))
        .targets(List.of(LambdaFunction.Builder.create(manualResponder.live())
            .event(RuleTargetInput.fromObject(payload)).retryAttempts(2).build()))
        .build();
  }

  /**
   * The EventBridge rules of the DR stack's responders by responder: {@link TriggerPatterns} in the DR stack's scope,
   * so that each rule is deployed with exactly the pattern its responder matches with event-ruler.
   */
  private static Map<String, List<TriggerPatterns.Rule>> drRules(EnvironmentConfig functionsConfig,
      RegionSettings region) {
    Map<String, String> scope = new LinkedHashMap<>(functionsConfig.lambdaEnvironment(HealthEventResponder.class));
    scope.put(Vars.REGION, region.drRegion());
    scope.put(Vars.NOTIFY_TOPIC_ARN, "deployed-by-the-stack");
    scope.put(Vars.ALARM_ROUTES, "{}");
    Map<String, List<TriggerPatterns.Rule>> byResponder = new LinkedHashMap<>();
    TriggerPatterns.of(DrConfig.fromEnv(scope)).forEach(r -> byResponder.computeIfAbsent(r.responder(),
        k -> new java.util.ArrayList<>()).add(r));
    return byResponder;
  }

  /** The scenario's EventBridge rules in the DR region (AWS Health issues of the primary), to its health responder. */
  private void healthRules(Construct triggers, RunbookFunctions shared, EnvironmentConfig config,
      List<TriggerPatterns.Rule> rules) {
    if (rules.isEmpty()) {
      return;
    }
    RunbookFunction responder = responder(triggers, shared, config, HealthEventResponder.class);
    rules.forEach(rule -> rule(triggers, rule, responder));
  }

  /**
   * Issue 15 in the DR region: the WaitResponder of this stack wakes the failover's waits (WaitForDrInstance,
   * WaitForDrServices) when RDS or ECS says in the DR region that the resource is ready. Its rules see this region's
   * events only, as every EventBridge rule does. It starts nothing (no StartExecution, no lock table): it reads and
   * forgets this stack's tokens and answers them on this stack's state machines only.
   */
  private void waitResponder(Construct triggers, RunbookFunctions shared, WaitTokensTable waits,
      List<TriggerPatterns.Rule> rules) {
    RunbookFunction fn = shared.create(triggers, WaitResponder.class, Map.of(), null);
    waits.grantAnswer(fn);
    List<String> machines = new java.util.ArrayList<>(List.of(failover.stateMachine().getStateMachineArn()));
    if (failback != null) {
      machines.add(failback.stateMachine().getStateMachineArn());
    }
    fn.allow(List.of("states:SendTaskSuccess"), machines);
    rules.forEach(rule -> rule(triggers, rule, fn));
  }

  /** One rule, its pattern the raw JSON the responder matches (L1: the L2 Rule would re-model it). */
  private void rule(Construct triggers, TriggerPatterns.Rule rule, RunbookFunction responder) {
    Map<String, Object> pattern = Json.MAPPER.convertValue(Json.tree(rule.pattern()),
        new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {});
    CfnRule cfn = CfnRule.Builder.create(triggers, "Rule-" + rule.id())
        .name(getStackName() + "-" + rule.id())
        .description(rule.description())
        .eventPattern(pattern)
        .state("ENABLED")
        .targets(List.of(CfnRule.TargetProperty.builder().id(rule.responder())
            .arn(responder.live().getFunctionArn()).build()))
        .build();
    responder.live().addPermission("Invoke-" + rule.id(), Permission.builder()
        .principal(new ServicePrincipal("events.amazonaws.com")).sourceArn(cfn.getAttrArn()).build());
  }

  /** The environment's safety with the failover's gate on, whatever approvalSteps says. */
  private static EnvironmentConfig.Safety alwaysGated(EnvironmentConfig.Safety safety) {
    List<String> steps = new java.util.ArrayList<>(safety.approvalSteps());
    if (!steps.contains(RegionFailure.GATED_STEP)) {
      steps.add(RegionFailure.GATED_STEP);
    }
    return safety.withApprovalSteps(steps);
  }

  /**
   * A responder of the DR stack ({@code <env>-sentinel-dr-region-manual-responder}, {@code -health-event-responder},
   * {@code -alarm-responder}): it may start only the failover, and takes its locks in this stack's table.
   */
  private RunbookFunction responder(Construct triggers, RunbookFunctions shared, EnvironmentConfig config,
      Class<?> handler) {
    Map<String, String> arns = new LinkedHashMap<>();
    arns.put(RegionInfraScenario.ID, failover.stateMachine().getStateMachineArn());
    if (failback != null && handler == ManualResponder.class) {
      // the failback is started by hand only
      arns.put(RegionFailback.ID, failback.stateMachine().getStateMachineArn());
    }
    RunbookFunction fn = shared.create(triggers, handler, Map.of(Vars.STATE_MACHINE_ARNS, toJsonString(arns)), null);
    fn.allow(List.of("states:StartExecution"), List.copyOf(arns.values()));
    List<String> names = arns.keySet().stream().map(id -> Names.stateMachine(config.prefix(), id)).toList();
    fn.allow(List.of("states:DescribeExecution"), names.stream().map(n -> new Arns(this).executions(n)).toList());
    locks.grantResponder(fn);
    notifications.grantPublish(fn);
    Nag.suppressFindings(fn.role(), Nag.IAM5, "Execution names are derived from each request at run time; "
        + "DescribeExecution is limited to the executions of this stack's state machines",
        names.stream().map(n -> Nag.arnFinding("states", "execution:" + Nag.literal(n) + ":\\*"))
            .toArray(String[]::new));
    return fn;
  }

  /**
   * The RPO the runbook promises is at risk: over one RPO period the newest copy was never younger than the RPO, or no
   * age was measured (the copy failed, or there is no copy at all).
   */
  private Alarm rpoAlarm(Construct scope, EnvironmentConfig config, RegionSettings region, String prefix) {
    Metric age = Metric.Builder.create()
        .namespace(EmbeddedMetrics.NAMESPACE)
        .metricName(CopySnapshots.METRIC)
        .dimensionsMap(Map.of(EmbeddedMetrics.ENVIRONMENT, config.name()))
        .statistic("Minimum")
        .period(Duration.minutes(region.rpoMinutes()))
        .build();
    Alarm alarm = Alarm.Builder.create(scope, "RpoAtRisk")
        .alarmName(prefix + "-rpo-at-risk")
        .alarmDescription("The newest cross-region copy of " + region.sourceInstanceId() + " in " + region.drRegion()
            + " is older than the RPO (" + region.rpoMinutes() + " min) or was not measured: a region failover now "
            + "would lose more data than the runbook allows. Check " + prefix + "-copy-snapshots.")
        .metric(age)
        .threshold(region.rpoMinutes() * 60)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
        .evaluationPeriods(1)
        .treatMissingData(TreatMissingData.BREACHING)
        .build();
    alarm.addAlarmAction(new SnsAction(notifications.topic()));
    return alarm;
  }

  /** {@code <env>-sentinel-dr-region}: the stack's name and the prefix of its own resources. */
  public static String prefix(EnvironmentConfig config) {
    return config.prefix() + "-region";
  }

  private void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }

  public Notifications notifications() {
    return notifications;
  }

  public RecoveryLocksTable locks() {
    return locks;
  }

  public RunbookFunction copySnapshots() {
    return copySnapshots;
  }

  public Alarm rpoAlarm() {
    return rpoAlarm;
  }

  public RegionRecovery failover() {
    return failover;
  }

  /** The failback's state machine, or null where cdk.json has no {@code dr.failback}. */
  public RegionFailbackRecovery failback() {
    return failback;
  }

  public RunbookFunction manualResponder() {
    return manualResponder;
  }

  /** The probe of the primary's public /health, or null where cdk.json has no {@code dr.primaryProbe}. */
  public RunbookFunction primaryProbe() {
    return probe == null ? null : probe.probe();
  }

  /** The alarm on the probe that starts the failover's assessment, or null without {@code dr.primaryProbe}. */
  public Alarm primaryUnreachableAlarm() {
    return probe == null ? null : probe.alarm();
  }
}
