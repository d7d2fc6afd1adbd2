package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.database.DatabaseState.RdsEvent;
import ai.sentinel.dr.recovery.DiagnoseStep;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>The verdict ({@link DiagnoseStep}): FAILED when the instance is gone, in a state it does not come back from, or
 * not serving (rebooting, modifying...: Option A waits and verifies, it changes nothing); HEALTHY when it serves and
 * answers the runbook's {@code SELECT 1} with the secret's credentials (or the environment configures no connect
 * check: {@code verifyDbConnect}); INCONCLUSIVE when it serves but does not answer, or is stopped or being created (a
 * human's call). An option asked for by hand is a human's decision and is acted on whatever the verdict.
 */
public final class Diagnose extends DiagnoseStep {
  /** Statuses in which an instance serves connections: its health is what SELECT 1 says. */
  static final Set<String> SERVING = Set.of("available", "backing-up", "storage-optimization",
      "configuring-enhanced-monitoring", "configuring-log-exports", "configuring-iam-database-auth");

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
  protected Finding diagnose(Recovery recovery) {
    String id = recovery.resource();
    if (!id.equals(DatabaseSettings.of(deps.config()).instanceId())) {
      // a direct StartExecution bypasses the responders' checks: the steps hold the line too
      throw new OutsideBlastRadiusError("resource '" + id + "' is not the protected instance "
          + DatabaseSettings.of(deps.config()).instanceId() + " of " + deps.config().environment());
    }
    DBInstance instance = RdsInstances.find(rds, id).orElse(null);
    List<String> evidence = new ArrayList<>();
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
    Recovery out = recovery.with(DatabaseState.PART, state).log(entry("diagnosed", detail));
    String option = recovery.options() == null ? null : recovery.options().option();
    return new Finding(out, verdict(id, instance, connections, evidence), evidence,
        option == null ? null : "Option " + option + " requested by the operator");
  }

  private Verdict verdict(String id, DBInstance instance, Double connections, List<String> evidence) {
    evidence.add("DatabaseConnections " + (connections == null ? "no data" : String.format("%.1f", connections)));
    if (instance == null) {
      evidence.add(0, id + " not found (DBInstanceNotFound)");
      return Verdict.FAILED;
    }
    String status = instance.dbInstanceStatus();
    evidence.add(0, id + " is '" + status + "'");
    if (status == null || ChooseOption.NOT_COVERED.contains(status)) {
      evidence.add("not covered by the runbook's automatic options: a human must judge");
      return Verdict.INCONCLUSIVE;
    }
    if (!SERVING.contains(status)) {
      return Verdict.FAILED;
    }
    Check select = selectOne(instance);
    evidence.add(select.result() == Result.SKIP ? "SELECT 1 not run (" + select.detail() + ")" : select.detail());
    if (select.result() == Result.FAIL) {
      evidence.add("serving but not answering: a human must judge");
      return Verdict.INCONCLUSIVE;
    }
    return Verdict.HEALTHY;
  }

  /** The runbook's SELECT 1 on the instance's endpoint with the services' credentials (never logged). */
  private Check selectOne(DBInstance instance) {
    DatabaseSettings settings = DatabaseSettings.of(deps.config());
    if (!settings.verifyConnect()) {
      return SelectOne.check(deps.config(), null, null);
    }
    if (instance.endpoint() == null) {
      return new Check("select-1", Result.FAIL, instance.dbInstanceIdentifier() + " reports no endpoint");
    }
    DatabaseUrl url;
    try {
      // the secrets client is asked for only where the environment configures the connect check
      url = DatabaseUrl.parse(deps.clients().secrets().getSecretValue(b -> b.secretId(settings.secretId()))
          .secretString());
    } catch (RuntimeException e) {
      return new Check("select-1", Result.FAIL, settings.secretId() + " not read (" + e.getClass().getSimpleName()
          + ")");
    }
    return SelectOne.check(deps.config(), url, instance.endpoint().address() + ":" + instance.endpoint().port());
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
