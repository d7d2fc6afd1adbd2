package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.database.DatabaseState.RdsEvent;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.SourceType;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * Scenario 1, Diagnosis: instance status, recent RDS events (60 minutes) and the DatabaseConnections metric, exactly
 * the three commands the runbook lists. Read-only.
 */
public final class Diagnose extends Step {
  private final RdsClient rds;
  private final CloudWatchClient cloudWatch;

  public Diagnose() {
    this(Deps.fromProcessEnv());
  }

  public Diagnose(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Diagnose(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
    this.cloudWatch = deps.clients().cloudWatch();
  }

  @Override
  public String name() {
    return "Diagnose";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String id = recovery.resource();
    if (!id.equals(DatabaseSettings.of(deps.config()).instanceId())) {
      // a direct StartExecution bypasses the responders' checks: the steps hold the line too
      throw new OutsideBlastRadiusError("resource '" + id + "' is not the protected instance "
          + DatabaseSettings.of(deps.config()).instanceId() + " of " + deps.config().environment());
    }
    DBInstance instance = RdsInstances.find(rds, id).orElse(null);
    List<RdsEvent> events = rds.describeEvents(b -> b.sourceIdentifier(id).sourceType(SourceType.DB_INSTANCE)
            .duration(60)).events().stream()
        .map(e -> new RdsEvent(String.valueOf(e.date()), e.eventCategories(), e.message()))
        .toList();
    Double connections = latestConnections(id);
    Diagnosis diagnosis = instance == null
        ? new Diagnosis(false, null, null, null, false, null, null, List.of(), null, null, events, connections,
            id + " not found (DBInstanceNotFound)")
        : new Diagnosis(true, instance.dbInstanceStatus(), instance.availabilityZone(),
            instance.secondaryAvailabilityZone(), Boolean.TRUE.equals(instance.multiAZ()),
            instance.dbInstanceClass(),
            instance.dbSubnetGroup() == null ? null : instance.dbSubnetGroup().dbSubnetGroupName(),
            instance.vpcSecurityGroups().stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList(),
            instance.endpoint() == null ? null : instance.endpoint().address(),
            instance.endpoint() == null ? null : instance.endpoint().port(),
            events, connections, rootCause(id, instance, events));
    String detail = diagnosis.rootCause() + "; " + events.size() + " RDS event(s) in the last 60 min; "
        + "DatabaseConnections avg " + (connections == null ? "no data" : String.format("%.1f", connections));
    DatabaseState before = recovery.part(DatabaseState.PART);
    DatabaseState state = before == null
        ? new DatabaseState(diagnosis, null, null, null, null)
        : new DatabaseState(diagnosis, before.decision(), before.failover(), before.restore(), before.secret());
    return recovery.with(DatabaseState.PART, state).log(entry("diagnosed", detail));
  }

  private static String rootCause(String id, DBInstance instance, List<RdsEvent> events) {
    StringBuilder cause = new StringBuilder(id + " is '" + instance.dbInstanceStatus() + "' in "
        + instance.availabilityZone() + (Boolean.TRUE.equals(instance.multiAZ()) ? " (Multi-AZ)" : " (single-AZ)"));
    events.stream().reduce((a, b) -> b).ifPresent(last -> cause.append("; latest event: ").append(last.message()));
    return cause.toString();
  }

  private Double latestConnections(String id) {
    Instant end = Instant.now(deps.clock());
    List<Datapoint> points = cloudWatch.getMetricStatistics(b -> b.namespace("AWS/RDS")
        .metricName("DatabaseConnections")
        .dimensions(Dimension.builder().name("DBInstanceIdentifier").value(id).build())
        .startTime(end.minus(1, ChronoUnit.HOURS)).endTime(end).period(300)
        .statistics(Statistic.AVERAGE)).datapoints();
    return points.stream().max(Comparator.comparing(Datapoint::timestamp)).map(Datapoint::average).orElse(null);
  }

}
