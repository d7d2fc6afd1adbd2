package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.CopyChoice;
import ai.sentinel.dr.region.RegionState.Restore;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Scenario 4, runbook step 3: "Restore database from cross-region snapshot" in the DR region: the chosen copy into
 * {@code dr.database.instanceId} with the DR class, subnet group and security groups, Multi-AZ, not public, tagged
 * with this execution. Running it twice restores once: an instance of that name is adopted only when this execution
 * created it; anything else there is a human's to decide about.
 */
public final class RestoreInDrRegion extends Step {
  static final String EXECUTION_TAG = "sentinel-dr:execution";
  static final String SNAPSHOT_TAG = "sentinel-dr:snapshot";

  private final RegionSettings region;
  private final RdsClient rds;

  public RestoreInDrRegion() {
    this(Deps.fromProcessEnv());
  }

  public RestoreInDrRegion(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RestoreInDrRegion(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.rds = deps.clients().in(region.drRegion()).rds();
  }

  @Override
  public String name() {
    return "RestoreInDrRegion";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    RegionState state = RegionState.of(recovery.part(RegionState.PART));
    CopyChoice copy = state.copy();
    if (copy == null) {
      throw new StepFailedError("RestoreInDrRegion needs the copy ChooseCopy chose");
    }
    RegionSettings.DrDatabase db = region.database();
    Optional<DBInstance> existing = find(rds, db.instanceId());
    if (existing.isPresent()) {
      String owner = tag(existing.get(), EXECUTION_TAG);
      if (!recovery.executionName().equals(owner)) {
        throw new StepFailedError(db.instanceId() + " already exists in " + region.drRegion() + " and was not "
            + "created by this failover (" + EXECUTION_TAG + "=" + owner + "): a human must decide whether to use, "
            + "rename or delete it");
      }
      Restore adopted = new Restore(db.instanceId(), tag(existing.get(), SNAPSHOT_TAG), now(),
          existing.get().dbInstanceStatus(), null, null, false, 0);
      return recovery.update(RegionState.PART, s -> RegionState.of(s).withRestore(adopted)).log(entry("skipped",
          db.instanceId() + " already restored by this failover ('" + existing.get().dbInstanceStatus()
              + "'): adopted, not restored again"));
    }
    RestoreDbInstanceFromDbSnapshotRequest request = RestoreDbInstanceFromDbSnapshotRequest.builder()
        .dbInstanceIdentifier(db.instanceId()).dbSnapshotIdentifier(copy.snapshotId())
        .dbInstanceClass(db.instanceClass()).dbSubnetGroupName(db.subnetGroup())
        .vpcSecurityGroupIds(db.securityGroups()).multiAZ(true).publiclyAccessible(false)
        .tags(Tag.builder().key(EXECUTION_TAG).value(recovery.executionName()).build(),
            Tag.builder().key(SNAPSHOT_TAG).value(copy.snapshotId()).build())
        .build();
    Mutation<?> sent = mutate(recovery, "rds", "RestoreDBInstanceFromDBSnapshot",
        RegionSettings.target(region.drRegion(), db.instanceId()), request,
        () -> rds.restoreDBInstanceFromDBSnapshot(request));
    Restore restore = new Restore(db.instanceId(), copy.snapshotId(), now(), sent.sent() ? "creating" : "planned",
        null, null, false, 0);
    return sent.recovery().update(RegionState.PART, s -> RegionState.of(s).withRestore(restore))
        .log(entry(sent.sent() ? "restoring" : "would-restore", db.instanceId() + " in " + region.drRegion()
            + " from " + copy.snapshotId() + " (" + db.instanceClass() + ", Multi-AZ, subnet group "
            + db.subnetGroup() + ", security groups " + db.securityGroups() + ")"));
  }

  static Optional<DBInstance> find(RdsClient rds, String id) {
    try {
      return rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().stream().findFirst();
    } catch (DbInstanceNotFoundException e) {
      return Optional.empty();
    }
  }

  static String tag(DBInstance instance, String key) {
    return instance.tagList().stream().filter(t -> key.equals(t.key())).map(Tag::value).findFirst().orElse(null);
  }
}
