package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.corruption.CorruptionState.CleanInstance;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * Scenario 5, recovery step 3, "Create PITR restore": {@code restore-db-instance-to-point-in-time} of the protected
 * instance into the clean instance (sentinel-db-clean) at the clean time Diagnose chose, with the original's class,
 * subnet group and security groups, not publicly accessible, single-AZ (a short-lived copy to read from). Tagged with
 * the execution; an existing instance is adopted only when this recovery created it.
 */
@UsesSettings({DataCorruptionSettings.class, DatabaseSettings.class})
public final class PointInTimeRestore extends Step {
  private final RdsClient rds;

  public PointInTimeRestore() {
    this(Deps.fromProcessEnv());
  }

  public PointInTimeRestore(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public PointInTimeRestore(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
  }

  @Override
  public String name() {
    return "PointInTimeRestore";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CorruptionState state = recovery.part(CorruptionState.PART);
    if (state == null || state.diagnosis() == null || state.diagnosis().cleanTime() == null) {
      throw new StepFailedError("no clean time: Diagnose must choose one first");
    }
    String target = DatabaseSettings.of(deps.config()).cleanInstanceId();
    String source = recovery.resource();
    Instant time = Instant.parse(state.diagnosis().cleanTime());
    Optional<DBInstance> existing = CleanInstances.find(rds, target);
    if (existing.isPresent()) {
      CleanInstances.requireCreatedBy(existing.get(), recovery.executionName());
      CleanInstance adopted = new CleanInstance(target, time.toString(), now(), existing.get().dbInstanceStatus(),
          null, null, false, 0, false);
      return recovery.update(CorruptionState.PART, s -> s.withClean(adopted)).log(entry("skipped", target
          + " already restored by this recovery ('" + existing.get().dbInstanceStatus() + "'): adopted"));
    }
    DBInstance original = CleanInstances.find(rds, source)
        .orElseThrow(() -> new StepFailedError(source + " not found: nothing to restore from"));
    DatabaseSettings db = DatabaseSettings.of(deps.config());
    String instanceClass = original.dbInstanceClass() != null ? original.dbInstanceClass() : db.instanceClass();
    String subnetGroup = original.dbSubnetGroup() != null ? original.dbSubnetGroup().dbSubnetGroupName()
        : db.subnetGroup();
    List<String> groups = original.vpcSecurityGroups().isEmpty() ? db.securityGroups()
        : original.vpcSecurityGroups().stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList();
    RestoreDbInstanceToPointInTimeRequest request = RestoreDbInstanceToPointInTimeRequest.builder()
        .sourceDBInstanceIdentifier(source)
        .targetDBInstanceIdentifier(target)
        .restoreTime(time)
        .dbInstanceClass(instanceClass)
        .dbSubnetGroupName(subnetGroup)
        .vpcSecurityGroupIds(groups)
        .multiAZ(false)
        .publiclyAccessible(false)
        .tags(CleanInstances.tags(recovery.executionName(), source, time.toString()))
        .build();
    Mutation<?> sent = mutate(recovery, "rds", "RestoreDBInstanceToPointInTime", target, request,
        () -> rds.restoreDBInstanceToPointInTime(request));
    CleanInstance clean = new CleanInstance(target, time.toString(), now(), recovery.dryRun() ? "planned" : "creating",
        null, null, false, 0, false);
    return sent.recovery().update(CorruptionState.PART, s -> s.withClean(clean))
        .log(entry(recovery.dryRun() ? "would-restore" : "restoring", target + " from " + source + " at " + time + " ("
            + instanceClass + ", subnet group " + subnetGroup + ", security groups " + groups + ", not public)"));
  }
}
