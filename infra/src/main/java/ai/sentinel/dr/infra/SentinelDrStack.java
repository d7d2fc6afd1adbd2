package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.health.HealthSettings;
import ai.sentinel.dr.infra.health.PlatformHealthSchedule;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/** Everything Sentinel DR deploys into one environment: stack {@code <env>-sentinel-dr}. */
public final class SentinelDrStack extends Stack {
  /** The environment whose lock table outlives a stack deletion (see {@link #lockTableRemoval}). */
  static final String PRODUCTION = "prod";

  private final EnvironmentConfig config;
  private final Notifications notifications;
  private final RecoveryLocksTable locks;
  private final SharedSteps sharedSteps;
  /** Every deployed scenario's state machine by scenario id, in the registry's order. */
  private final Map<String, RecoveryStateMachine> stateMachines = new LinkedHashMap<>();
  private final List<InfraScenario> scenarios;
  private final ScheduledDrills scheduledDrills;
  private final ReportsBucket reports;
  private final Triggers triggers;

  public SentinelDrStack(Construct scope, EnvironmentConfig config, Path lambdaJar) {
    super(scope, config.prefix(), StackProps.builder()
        .stackName(config.prefix())
        .description("Sentinel DR (" + config.name() + "): event-driven runbook recovery")
        .env(Environment.builder().account(config.account()).region(config.region()).build())
        .build());
    this.config = config;
    Tags.of(this).add("sentinel:environment", config.name());
    Tags.of(this).add("sentinel:component", "dr");

    notifications = new Notifications(this, "Notifications",
        new Notifications.Props(config.prefix(), config.notificationEmails()));
    locks = new RecoveryLocksTable(this, "Locks",
        new RecoveryLocksTable.Props(Names.lockTable(config.prefix()), lockTableRemoval(config)));
    Map<String, String> environment = new LinkedHashMap<>(config.lambdaEnvironment());
    environment.put(Vars.NOTIFY_TOPIC_ARN, notifications.topic().getTopicArn());
    environment.put(Vars.LOCK_TABLE, locks.tableName());
    // the task tokens of waits that end on AWS's own event (RecoveryStateMachine#eventWait)
    environment.put(Vars.WAIT_TABLE, new WaitTokensTable(this, Names.waitTable(config.prefix())).tableName());
    RunbookFunctions functions = new RunbookFunctions(config.prefix(), lambdaJar, environment,
        functionsConfig(config)::settingsEnvironment, config.logRetention());

    // the appendix's health check, where cdk.json schedules it
    config.settings(HealthSettings.class).ifPresent(h -> new PlatformHealthSchedule(this, "HealthCheck",
        new PlatformHealthSchedule.Props(functionsConfig(config), functions, h)));

    reports = new ReportsBucket(this, "Reports", new ReportsBucket.Props(lockTableRemoval(config)));
    sharedSteps = new SharedSteps(this, "SharedSteps",
        new SharedSteps.Props(config, functions, notifications, locks, reports));
    RecoveryStateMachine.Props recoveryProps = new RecoveryStateMachine.Props(config, functions, sharedSteps,
        notifications, true);
    // an environment without a scenario's section has nothing for that scenario to recover
    scenarios = InfraScenarios.deployed(config);
    for (InfraScenario scenario : scenarios) {
      RecoveryStateMachine built = scenario.stateMachine(this, recoveryProps, Collections.unmodifiableMap(
          stateMachines));
      if (!scenario.id().equals(built.scenario())) {
        throw new IllegalStateException(scenario.id() + " built the state machine of " + built.scenario());
      }
      stateMachines.put(scenario.id(), built);
    }
    new StateMachineLogDelivery(this, "StateMachineLogDelivery", config.prefix());
    output("ReportsBucketName", reports.bucket().getBucketName(), "Post-incident reports: reports/<scenario>/");
    Map<String, IStateMachine> arns = new LinkedHashMap<>();
    stateMachines.forEach((id, recovery) -> arns.put(id, recovery.stateMachine()));
    triggers = new Triggers(this, "Triggers",
        new Triggers.Props(config, functions, arns, locks, notifications, scenarios));
    scheduledDrills = new ScheduledDrills(this, "ScheduledDrills",
        new ScheduledDrills.Props(config, triggers.responders().get("ManualResponder"), scenarios));

    output("NotificationTopicArn", notifications.topic().getTopicArn(), "On-call topic: recovery outcomes");
    output("AlarmTopicArn", triggers.alarmTopic().getTopicArn(),
        "Add as a CloudWatch alarm action to start recoveries from that alarm");
    output("LockTableName", locks.tableName(), "Per-resource recovery locks and attempt budgets");
    for (InfraScenario scenario : scenarios) {
      scenario.outputs(this, stateMachines.get(scenario.id()));
    }
    output("ManualResponderFunction", triggers.responders().get("ManualResponder").live().getFunctionArn(),
        "Invoke with a manual payload to start a recovery by hand");
  }

  /** What this stack's functions are given: the environment without the sections only other stacks read. */
  public static EnvironmentConfig functionsConfig(EnvironmentConfig config) {
    return config.without(InfraScenarios.all().stream().flatMap(s -> s.ownStackSettings().stream()).toList());
  }

  /**
   * Production keeps its lock table when the stack is deleted: the attempt budget and escalation records are the
   * only memory that stops a flapping resource from being recovered again and again, and an accidental deletion
   * must not reset it (a re-created stack then needs the retained table deleted or imported first). Other
   * environments destroy it, so that they can be torn down and re-created freely.
   */
  public static RemovalPolicy lockTableRemoval(EnvironmentConfig config) {
    return PRODUCTION.equals(config.name()) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  }

  /** A stack output: its id is what scripts and operators read, so it never changes. */
  public void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }

  public EnvironmentConfig config() {
    return config;
  }

  public Notifications notifications() {
    return notifications;
  }

  public RecoveryLocksTable locks() {
    return locks;
  }

  /** The step functions every state machine shares. */
  public SharedSteps sharedSteps() {
    return sharedSteps;
  }

  /** The state machine of scenario {@code id}; absent when this environment does not deploy it. */
  public Optional<RecoveryStateMachine> stateMachine(String id) {
    return Optional.ofNullable(stateMachines.get(id));
  }

  /** Every state machine of this stack (recoveries and tests), by scenario id, in the registry's order. */
  public Map<String, RecoveryStateMachine> stateMachines() {
    return Collections.unmodifiableMap(stateMachines);
  }

  /** Every recovery state machine of this stack (not the Testing Schedule's tests), in runbook order. */
  public List<RecoveryStateMachine> recoveries() {
    return scenarios.stream().filter(s -> !s.test()).map(s -> stateMachines.get(s.id())).toList();
  }

  public Triggers triggers() {
    return triggers;
  }

  /** The post-incident reports' bucket (the scheduled full DR simulation writes its summary there too). */
  public ReportsBucket reports() {
    return reports;
  }

  public ScheduledDrills scheduledDrills() {
    return scheduledDrills;
  }
}
