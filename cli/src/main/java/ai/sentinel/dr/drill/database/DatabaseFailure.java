package ai.sentinel.dr.drill.database;

import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.ecs.EcsSettings;
import java.io.PrintStream;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * Scenario 1: the primary database is lost (deleted, automated backups kept), its connections alarm goes to ALARM
 * and the real CloudWatch event reaches the alarm responder.
 */
public final class DatabaseFailure implements DrillScenario {

  @Override
  public String id() {
    return ai.sentinel.dr.database.DatabaseFailure.ID;
  }

  @Override
  public void describe(LocalSentinel sentinel, PrintStream out) {
    String db = DatabaseSettings.of(sentinel.config).instanceId();
    out.println("seeded: " + db + " (postgres, Multi-AZ) endpoint " + sentinel.part(DatabaseSeed.class).endpoint()
        + "; snapshots " + sentinel.aws.rds.describeDBSnapshots(b -> b.dbInstanceIdentifier(db)).dbSnapshots()
        .stream().map(s -> s.dbSnapshotIdentifier() + " [" + s.snapshotType() + "]").toList());
    out.println("seeded: secret " + DatabaseSettings.of(sentinel.config).secretId() + "; ECS "
        + EcsSettings.of(sentinel.config).cluster() + " "
        + EcsSettings.of(sentinel.config).services() + "; alarm " + DatabaseSeed.RDS_ALARM);
    out.println("verify: SELECT 1 " + (sentinel.part(DatabaseSeed.class).reachable()
        ? "against a local PostgreSQL standing in for the restored instance"
        : "SKIPPED (no PostgreSQL server installed: apt-get install -y postgresql)"));
  }

  /** The failure: the primary is gone (its automated backups stay, as RDS keeps them when asked), no connections. */
  @Override
  public void inject(LocalSentinel sentinel, PrintStream out) {
    String db = DatabaseSettings.of(sentinel.config).instanceId();
    sentinel.aws.cloudWatch.putMetricData(b -> b.namespace("AWS/RDS").metricData(d -> d
        .metricName("DatabaseConnections").value(0.0).unit(StandardUnit.COUNT)
        .dimensions(Dimension.builder().name("DBInstanceIdentifier").value(db).build())));
    sentinel.aws.rds.deleteDBInstance(b -> b.dbInstanceIdentifier(db).skipFinalSnapshot(true)
        .deleteAutomatedBackups(false));
    sentinel.aws.cloudWatch.setAlarmState(b -> b.alarmName(DatabaseSeed.RDS_ALARM).stateValue(StateValue.ALARM)
        .stateReason("Threshold Crossed: 1 out of the last 1 datapoints [0.0] was less than or equal to the "
            + "threshold (0.0)."));
    out.println("inject: deleted " + db + " (primary lost), DatabaseConnections 0, " + DatabaseSeed.RDS_ALARM
        + " -> ALARM");
  }

  @Override
  public boolean healthyVariant() {
    return true;
  }

  /** A quiet minute: no connections, the alarm fires; the instance is available and answers SELECT 1. */
  @Override
  public boolean falseAlarm(LocalSentinel sentinel, PrintStream out) {
    String db = DatabaseSettings.of(sentinel.config).instanceId();
    sentinel.aws.cloudWatch.putMetricData(b -> b.namespace("AWS/RDS").metricData(d -> d
        .metricName("DatabaseConnections").value(0.0).unit(StandardUnit.COUNT)
        .dimensions(Dimension.builder().name("DBInstanceIdentifier").value(db).build())));
    sentinel.aws.cloudWatch.setAlarmState(b -> b.alarmName(DatabaseSeed.RDS_ALARM).stateValue(StateValue.ALARM)
        .stateReason("Threshold Crossed: 1 out of the last 1 datapoints [0.0] was less than or equal to the "
            + "threshold (0.0)."));
    out.println("false alarm: DatabaseConnections 0 for a minute, " + DatabaseSeed.RDS_ALARM + " -> ALARM; " + db
        + " stays " + sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier(db)).dbInstances().get(0)
            .dbInstanceStatus());
    return true;
  }

  @Override
  public Signal signal(LocalSentinel sentinel) {
    return Signal.alarm(sentinel, DatabaseSeed.RDS_ALARM);
  }

  @Override
  public Guard guard(LocalSentinel sentinel) {
    return Guard.secret(sentinel, DatabaseSettings.of(sentinel.config).secretId());
  }
}
