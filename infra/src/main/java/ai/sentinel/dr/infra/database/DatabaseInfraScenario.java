package ai.sentinel.dr.infra.database;

import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
import ai.sentinel.dr.database.DatabaseFailure;
import ai.sentinel.dr.database.DatabaseFailureSignals;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.InfraScenario;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.ScheduledDrills;
import ai.sentinel.dr.infra.SentinelDrStack;
import ai.sentinel.dr.infra.Triggers;
import ai.sentinel.dr.trigger.RdsEventResponder;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.rds.CfnEventSubscription;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * Runbook Scenario 1 (database failure) in the CDK app: {@link DatabaseRecovery}, started by the protected instance's
 * RDS events (an RDS event subscription publishing to the encrypted topic {@code <env>-sentinel-dr-rds-events},
 * subscribed by RdsEventResponder, and the EventBridge rule RdsEventResponder matches), and the Testing Schedule's
 * monthly snapshot-restore test ({@code drills.databaseRestoreTest}, run by {@link DatabaseRestoreTest}).
 */
public final class DatabaseInfraScenario implements InfraScenario {
  public static final String ID = DatabaseFailure.ID;
  /** The rule of the scheduled restore test: {@code <env>-sentinel-dr-drill-database-restore}. */
  public static final String RESTORE_DRILL = "drill-database-restore";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String stepsPackage() {
    return DatabaseFailure.class.getPackageName();
  }

  @Override
  public RecoveryStateMachine stateMachine(Construct stack, RecoveryStateMachine.Props props,
      Map<String, RecoveryStateMachine> built) {
    return new DatabaseRecovery(stack, "DatabaseRecovery", props);
  }

  /** Repointing the database secret moves production traffic. */
  @Override
  public List<String> gateableSteps() {
    return List.of(DatabaseRecovery.UPDATE_SECRET);
  }

  @Override
  public List<Class<?>> responders() {
    return List.of(RdsEventResponder.class);
  }

  /** The protected instance's failure events, delivered by RDS to an encrypted topic. */
  @Override
  public void signals(Triggers triggers) {
    String prefix = triggers.config().prefix();
    String instanceId = triggers.config().require(DatabaseSettings.class).instanceId();
    // RDS publishes with the instance's ARN as aws:SourceArn (RDS User Guide, USER_Events.GrantingPermissions)
    Topic topic = triggers.encryptedTopic("RdsEventTopic", prefix + "-rds-events", "RDS event",
        "events.rds.amazonaws.com", new Arns(triggers).colon("rds", "db", instanceId));
    triggers.subscribe(topic, RdsEventResponder.class);
    CfnEventSubscription subscription = CfnEventSubscription.Builder.create(triggers, "RdsEventSubscription")
        .subscriptionName(prefix + "-rds-events")
        .snsTopicArn(topic.getTopicArn())
        .sourceType("db-instance")
        .sourceIds(List.of(instanceId))
        .eventCategories(DatabaseFailureSignals.RDS_FAILURE_CATEGORIES)
        .enabled(true)
        .build();
    // RDS checks that it may publish when the subscription is created
    subscription.getNode().addDependency(topic);
  }

  /** The monthly snapshot-restore test belongs to the database: its scratch instance is restored from its snapshots. */
  @Override
  public List<ScheduledDrills.Drill> drills(EnvironmentConfig config) {
    ScheduledTest test = config.drills().test(DatabaseSettings.SECTION.drill().field());
    return test == null ? List.of() : List.of(new ScheduledDrills.Drill(RESTORE_DRILL, test.schedule(),
        "Testing Schedule: database snapshot restore test", RestoreTestInfraScenario.ID, null, false));
  }

  @Override
  public void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine) {
    stack.output("DatabaseFailureStateMachineArn", stateMachine.stateMachine().getStateMachineArn(),
        "Runbook Scenario 1 state machine");
  }
}
