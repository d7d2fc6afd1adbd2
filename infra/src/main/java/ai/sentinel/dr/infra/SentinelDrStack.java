package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.DrConfig.Vars;
import java.nio.file.Path;
import java.util.ArrayList;
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
  private final DatabaseRecovery databaseRecovery;
  private final RedisRecovery redisRecovery;
  private final EcsRecovery ecsRecovery;
  private final DatabaseRestoreTest databaseRestoreTest;
  private final ScheduledDrills scheduledDrills;
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
    RunbookFunctions functions = new RunbookFunctions(config.prefix(), lambdaJar, environment,
        config.logRetention());

    ReportsBucket reports = new ReportsBucket(this, "Reports", new ReportsBucket.Props(lockTableRemoval(config)));
    sharedSteps = new SharedSteps(this, "SharedSteps",
        new SharedSteps.Props(config, functions, notifications, locks, reports));
    RecoveryStateMachine.Props recoveryProps = new RecoveryStateMachine.Props(config, functions, sharedSteps,
        notifications, true);
    databaseRecovery = new DatabaseRecovery(this, "DatabaseRecovery", recoveryProps);
    // an environment without a cache has nothing for Scenario 2 to recover
    redisRecovery = config.redis() == null ? null : new RedisRecovery(this, "RedisRecovery", recoveryProps);
    ecsRecovery = new EcsRecovery(this, "EcsRecovery", recoveryProps);
    databaseRestoreTest = new DatabaseRestoreTest(this, "DatabaseRestoreTest", recoveryProps, databaseRecovery);
    output("ReportsBucketName", reports.bucket().getBucketName(), "Post-incident reports: reports/<scenario>/");
    Map<String, IStateMachine> stateMachines = new LinkedHashMap<>();
    for (RecoveryStateMachine recovery : recoveries()) {
      stateMachines.put(recovery.scenario(), recovery.stateMachine());
    }
    stateMachines.put(databaseRestoreTest.scenario(), databaseRestoreTest.stateMachine());
    triggers = new Triggers(this, "Triggers",
        new Triggers.Props(config, functions, stateMachines, locks, notifications));
    scheduledDrills = new ScheduledDrills(this, "ScheduledDrills",
        new ScheduledDrills.Props(config, triggers.responders().get("ManualResponder")));

    output("NotificationTopicArn", notifications.topic().getTopicArn(), "On-call topic: recovery outcomes");
    output("AlarmTopicArn", triggers.alarmTopic().getTopicArn(),
        "Add as a CloudWatch alarm action to start recoveries from that alarm");
    triggers.elastiCacheEventTopic().ifPresent(topic -> output("ElastiCacheEventTopicArn", topic.getTopicArn(),
        "Set as the protected cache cluster's NotificationTopicArn (aws elasticache modify-cache-cluster "
            + "--notification-topic-arn) so that its failure notifications start recoveries"));
    output("LockTableName", locks.tableName(), "Per-resource recovery locks and attempt budgets");
    output("DatabaseFailureStateMachineArn", databaseRecovery.stateMachine().getStateMachineArn(),
        "Runbook Scenario 1 state machine");
    if (redisRecovery != null) {
      output("RedisFailureStateMachineArn", redisRecovery.stateMachine().getStateMachineArn(),
          "Runbook Scenario 2 state machine");
    }
    output("EcsServiceFailureStateMachineArn", ecsRecovery.stateMachine().getStateMachineArn(),
        "Runbook Scenario 3 state machine");
    output("DatabaseRestoreTestStateMachineArn", databaseRestoreTest.stateMachine().getStateMachineArn(),
        "Testing Schedule: monthly snapshot restore into a scratch instance");
    output("ManualResponderFunction", triggers.responders().get("ManualResponder").live().getFunctionArn(),
        "Invoke with a manual payload to start a recovery by hand");
  }

  /**
   * Production keeps its lock table when the stack is deleted: the attempt budget and escalation records are the
   * only memory that stops a flapping resource from being recovered again and again, and an accidental deletion
   * must not reset it (a re-created stack then needs the retained table deleted or imported first). Other
   * environments destroy it, so that they can be torn down and re-created freely.
   */
  static RemovalPolicy lockTableRemoval(EnvironmentConfig config) {
    return PRODUCTION.equals(config.name()) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  }

  private void output(String id, String value, String description) {
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

  public DatabaseRecovery databaseRecovery() {
    return databaseRecovery;
  }

  /** Scenario 2, absent when the environment configures no redis. */
  public Optional<RedisRecovery> redisRecovery() {
    return Optional.ofNullable(redisRecovery);
  }

  public EcsRecovery ecsRecovery() {
    return ecsRecovery;
  }

  /** Every recovery state machine of this stack, in runbook order. */
  public List<RecoveryStateMachine> recoveries() {
    List<RecoveryStateMachine> all = new ArrayList<>();
    all.add(databaseRecovery);
    if (redisRecovery != null) {
      all.add(redisRecovery);
    }
    all.add(ecsRecovery);
    return List.copyOf(all);
  }

  public Triggers triggers() {
    return triggers;
  }

  /** The Testing Schedule's snapshot-restore test (always deployed; scheduled only when cdk.json says so). */
  public DatabaseRestoreTest databaseRestoreTest() {
    return databaseRestoreTest;
  }

  public ScheduledDrills scheduledDrills() {
    return scheduledDrills;
  }
}
