package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.FailbackState.Primary;
import ai.sentinel.dr.region.FailbackState.Replica;
import ai.sentinel.dr.wait.Awaited;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * Failback: the replica restored in the primary region as a new instance ({@code dr.failback.instanceId}), with the
 * original primary's class, subnet group and security groups (read from it, or {@code database.*} when it cannot be
 * described), Multi-AZ, not public, tagged; then polled until available (the state machine loops it through "Primary
 * instance available?"). The original instance is never touched, and an instance of the new name that this execution
 * did not create is never adopted. Between polls the state machine waits for RDS's own event (the new instance
 * restored, RDS-EVENT-0008/0043 on the primary region's bus, forwarded to the DR region's by
 * {@code <env>-sentinel-dr-region-events}) or {@code pollSeconds}, whichever comes first.
 */
@UsesSettings({RegionSettings.class, DatabaseSettings.class})
public final class RestorePrimary extends Step {
  private final RegionSettings region;
  private final FailbackSettings failback;
  private final RdsClient rds;

  public RestorePrimary() {
    this(Deps.fromProcessEnv());
  }

  public RestorePrimary(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RestorePrimary(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.failback = region.requireFailback();
    this.rds = deps.clients().in(region.primaryRegion()).rds();
  }

  @Override
  public String name() {
    return "RestorePrimary";
  }

  /** Once the restore is sent: RDS says when the new primary instance is available. */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    Primary primary = FailbackState.of(recovery.part(FailbackState.PART)).primary();
    return primary == null ? List.of() : List.of(Awaited.rdsInstanceAvailable(primary.instanceId()));
  }

  /** The failback's state machine and wait table are in the DR region, whatever region the function runs in. */
  @Override
  protected Clients waitClients() {
    return deps.clients().in(region.drRegion());
  }

  @Override
  protected Recovery run(Recovery recovery) {
    FailbackState state = FailbackState.of(recovery.part(FailbackState.PART));
    Replica replica = state.replica();
    if (replica == null || !replica.copied()) {
      throw new StepFailedError("RestorePrimary needs the replica ReplicateToPrimary copied to the primary region");
    }
    String id = failback.instanceId();
    if (recovery.dryRun()) {
      if (state.primary() != null) {
        return save(recovery, new Primary(id, "planned", "(" + id + " endpoint)", 5432, true, 1));
      }
      return restore(recovery, replica, id);
    }
    DBInstance seen = RestoreInDrRegion.find(rds, id).orElse(null);
    if (seen == null) {
      if (state.primary() != null) {
        throw new StepFailedError(id + " not found in " + region.primaryRegion() + " while waiting for it");
      }
      return restore(recovery, replica, id);
    }
    String owner = RestoreInDrRegion.tag(seen, RestoreInDrRegion.EXECUTION_TAG);
    if (!recovery.executionName().equals(owner)) {
      throw new StepFailedError(id + " already exists in " + region.primaryRegion() + " and was not created by this "
          + "failback (" + RestoreInDrRegion.EXECUTION_TAG + "=" + owner + "): a human must decide about it");
    }
    boolean available = "available".equals(seen.dbInstanceStatus()) && seen.endpoint() != null;
    int polls = state.primary() == null ? 1 : state.primary().polls() + 1;
    Primary next = new Primary(id, seen.dbInstanceStatus(), available ? seen.endpoint().address() : null,
        available ? seen.endpoint().port() : null, available, polls);
    if (!available && polls >= recovery.options().maxPolls()) {
      throw new TimedOutError(id + " still '" + seen.dbInstanceStatus() + "' after " + polls + " polls");
    }
    return save(recovery, next).log(entry(available ? "done" : Recovery.WAITING, id + " in " + region.primaryRegion()
        + " is '" + seen.dbInstanceStatus() + "'" + (available ? " at " + next.endpoint() : "")));
  }

  private Recovery restore(Recovery recovery, Replica replica, String id) {
    DatabaseSettings db = deps.config().require(DatabaseSettings.class);
    DBInstance original = recovery.dryRun() ? null : RestoreInDrRegion.find(rds, db.instanceId()).orElse(null);
    String instanceClass = original != null ? original.dbInstanceClass() : db.instanceClass();
    String subnetGroup = original != null && original.dbSubnetGroup() != null
        ? original.dbSubnetGroup().dbSubnetGroupName() : db.subnetGroup();
    List<String> groups = original != null && original.hasVpcSecurityGroups()
        ? original.vpcSecurityGroups().stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList()
        : db.securityGroups();
    if (instanceClass == null || subnetGroup == null) {
      throw new StepFailedError(db.instanceId() + " cannot be described in " + region.primaryRegion() + " and "
          + "database.instanceClass / database.subnetGroup are not set: nothing to restore " + id + " like");
    }
    RestoreDbInstanceFromDbSnapshotRequest request = RestoreDbInstanceFromDbSnapshotRequest.builder()
        .dbInstanceIdentifier(id).dbSnapshotIdentifier(replica.snapshotId()).dbInstanceClass(instanceClass)
        .dbSubnetGroupName(subnetGroup).vpcSecurityGroupIds(groups).multiAZ(true).publiclyAccessible(false)
        .tags(Tag.builder().key(RestoreInDrRegion.EXECUTION_TAG).value(recovery.executionName()).build(),
            Tag.builder().key(RestoreInDrRegion.SNAPSHOT_TAG).value(replica.snapshotId()).build())
        .build();
    Mutation<?> sent = mutate(recovery, "rds", "RestoreDBInstanceFromDBSnapshot",
        RegionSettings.target(region.primaryRegion(), id), request, () -> rds.restoreDBInstanceFromDBSnapshot(request));
    return save(sent.recovery(), new Primary(id, sent.sent() ? "creating" : "planned", null, null, false, 0))
        .log(entry(sent.sent() ? "restoring" : "would-restore", id + " in " + region.primaryRegion() + " from "
            + replica.snapshotId() + " (" + instanceClass + ", Multi-AZ, subnet group " + subnetGroup + ")"));
  }

  private static Recovery save(Recovery recovery, Primary primary) {
    return recovery.update(FailbackState.PART, s -> FailbackState.of(s).withPrimary(primary));
  }
}
