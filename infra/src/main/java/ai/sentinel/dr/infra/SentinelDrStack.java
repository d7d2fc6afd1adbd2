package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.trigger.Scenarios;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/** Everything Sentinel DR deploys into one environment: stack {@code <env>-sentinel-dr}. */
public final class SentinelDrStack extends Stack {
  private final EnvironmentConfig config;
  private final Notifications notifications;
  private final DatabaseRecovery databaseRecovery;
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
    Map<String, String> environment = new LinkedHashMap<>(config.lambdaEnvironment());
    environment.put(Vars.NOTIFY_TOPIC_ARN, notifications.topic().getTopicArn());
    RunbookFunctions functions = new RunbookFunctions(config.prefix(), lambdaJar, environment,
        config.logRetention());

    databaseRecovery = new DatabaseRecovery(this, "DatabaseRecovery",
        new DatabaseRecovery.Props(config, functions, notifications, true));
    Map<String, IStateMachine> stateMachines = new LinkedHashMap<>();
    stateMachines.put(Scenarios.DATABASE_FAILURE, databaseRecovery.stateMachine());
    triggers = new Triggers(this, "Triggers", new Triggers.Props(config, functions, stateMachines));

    output("NotificationTopicArn", notifications.topic().getTopicArn(), "On-call topic: recovery outcomes");
    output("AlarmTopicArn", triggers.alarmTopic().getTopicArn(),
        "Add as a CloudWatch alarm action to start recoveries from that alarm");
    output("DatabaseFailureStateMachineArn", databaseRecovery.stateMachine().getStateMachineArn(),
        "Runbook Scenario 1 state machine");
    output("ManualResponderFunction", triggers.responders().get("ManualResponder").live().getFunctionArn(),
        "Invoke with a manual payload to start a recovery by hand");
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

  public DatabaseRecovery databaseRecovery() {
    return databaseRecovery;
  }

  public Triggers triggers() {
    return triggers;
  }
}
