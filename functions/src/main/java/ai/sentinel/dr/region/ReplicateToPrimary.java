package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.FailbackState.Replica;
import ai.sentinel.dr.wait.Awaited;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CopyDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Failback step 2, "Replicate DR database changes back to primary", one move per call, looped by the state machine
 * ("Replica in primary?"): a snapshot of the DR database ({@code <dr instance>-failback-<execution hash>}, tagged),
 * then, once available, its copy into the primary region under the same name (SourceRegion, the primary's key when
 * configured), then polls until the copy is available. Names come from the execution, so running it twice sends
 * nothing twice: what exists is adopted, what is pending is polled.
 *
 * <p>Its wait ("Wait for replica", issue 15) ends on RDS's own events for that name: the copy's "Finished copy of
 * snapshot" (RDS-EVENT-0060), which RDS sends in the destination region, i.e. the primary, and
 * {@code <env>-sentinel-dr-region-events} forwards to the DR region's bus where the token waits
 * ({@link RegionFailbackSignals#rules}); the DR snapshot's "Manual snapshot created" (RDS-EVENT-0042) where a ready
 * rule of the DR stack takes it. Else after {@code pollSeconds}, as every event wait.
 */
public final class ReplicateToPrimary extends Step {
  private final RegionSettings region;
  private final FailbackSettings failback;
  private final RdsClient drRds;
  private final RdsClient primaryRds;

  public ReplicateToPrimary() {
    this(Deps.fromProcessEnv());
  }

  public ReplicateToPrimary(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ReplicateToPrimary(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.failback = region.requireFailback();
    this.drRds = deps.clients().in(region.drRegion()).rds();
    this.primaryRds = deps.clients().in(region.primaryRegion()).rds();
  }

  @Override
  public String name() {
    return "ReplicateToPrimary";
  }

  /** Once the snapshot is requested: RDS says when it, then its copy (the same name), is available. */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    Replica replica = FailbackState.of(recovery.part(FailbackState.PART)).replica();
    return replica == null ? List.of() : List.of(Awaited.rdsSnapshotAvailable(replica.snapshotId()));
  }

  /** The failback's state machine and wait table are in the DR region. */
  @Override
  protected Clients waitClients() {
    return deps.clients().in(region.drRegion());
  }

  /**
   * Before the copy is requested, the wait only looks at the DR snapshot: once it is available the wait ends and this
   * step, run next, sends the copy where its request is recorded. After, the wait's look is the poll of the copy.
   */
  @Override
  protected boolean stillWaiting(Recovery recovery) {
    Replica replica = FailbackState.of(recovery.part(FailbackState.PART)).replica();
    if (replica == null || replica.copy() != null || recovery.dryRun()) {
      return super.stillWaiting(recovery);
    }
    return !find(drRds, replica.snapshotId()).map(DBSnapshot::status).filter("available"::equals).isPresent();
  }

  /** {@code <dr instance>-failback-<12 hex of the execution name>}: the same on every run of one execution. */
  static String snapshotId(RegionSettings region, String executionName) {
    String hash = UUID.nameUUIDFromBytes(executionName.getBytes(StandardCharsets.UTF_8)).toString()
        .replace("-", "").substring(0, 12);
    return region.failbackSnapshotPrefix() + hash;
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Replica replica = FailbackState.of(recovery.part(FailbackState.PART)).replica();
    String id = replica == null ? snapshotId(region, recovery.executionName()) : replica.snapshotId();
    if (replica == null) {
      return snapshot(recovery, id);
    }
    if (recovery.dryRun()) {
      return save(recovery, new Replica(id, replica.takenAt(), "planned", "planned", true, replica.polls() + 1));
    }
    DBSnapshot source = find(drRds, id).orElse(null);
    String snapshotStatus = source == null ? "missing" : source.status();
    if (replica.copy() == null) {
      if (!"available".equals(snapshotStatus)) {
        return poll(recovery, replica, snapshotStatus, null, "snapshot " + id + " in " + region.drRegion() + " is "
            + snapshotStatus);
      }
      Optional<DBSnapshot> copy = find(primaryRds, id);
      if (copy.isPresent()) {
        return poll(recovery, replica, snapshotStatus, copy.get().status(), "copy " + id + " already in "
            + region.primaryRegion() + " (" + copy.get().status() + "): adopted");
      }
      CopyDbSnapshotRequest.Builder b = CopyDbSnapshotRequest.builder().sourceDBSnapshotIdentifier(
          source.dbSnapshotArn()).targetDBSnapshotIdentifier(id).sourceRegion(region.drRegion())
          .tags(Tag.builder().key(RestoreInDrRegion.EXECUTION_TAG).value(recovery.executionName()).build());
      if (failback.kmsKeyId() != null) {
        b.kmsKeyId(failback.kmsKeyId());
      }
      CopyDbSnapshotRequest request = b.build();
      Mutation<?> sent = mutate(recovery, "rds", "CopyDBSnapshot", RegionSettings.target(region.primaryRegion(), id),
          request, () -> primaryRds.copyDBSnapshot(request));
      return poll(sent.recovery(), replica, snapshotStatus, "copying", "copying " + id + " from "
          + region.drRegion() + " to " + region.primaryRegion());
    }
    String copyStatus = find(primaryRds, id).map(DBSnapshot::status).orElse("missing");
    return poll(recovery, replica, snapshotStatus, copyStatus, "copy " + id + " in " + region.primaryRegion()
        + " is " + copyStatus);
  }

  private Recovery snapshot(Recovery recovery, String id) {
    String drInstance = region.database().instanceId();
    String now = now();
    if (!recovery.dryRun() && find(drRds, id).isPresent()) {
      return save(recovery, new Replica(id, now, "adopted", null, false, 0)).log(entry("skipped", id
          + " already taken by this failback: adopted"));
    }
    CreateDbSnapshotRequest request = CreateDbSnapshotRequest.builder().dbInstanceIdentifier(drInstance)
        .dbSnapshotIdentifier(id).tags(Tag.builder().key(RestoreInDrRegion.EXECUTION_TAG)
            .value(recovery.executionName()).build()).build();
    Mutation<?> sent = mutate(recovery, "rds", "CreateDBSnapshot", RegionSettings.target(region.drRegion(), id),
        request, () -> drRds.createDBSnapshot(request));
    return save(sent.recovery(), new Replica(id, now, sent.sent() ? "creating" : "planned", null, false, 0))
        .log(entry(sent.sent() ? "snapshotting" : "would-snapshot", drInstance + " in " + region.drRegion()
            + " as " + id + ": writes to it after " + now + " will not be on the primary"));
  }

  private Recovery poll(Recovery recovery, Replica replica, String snapshot, String copy, String detail) {
    boolean copied = "available".equals(copy);
    Replica next = new Replica(replica.snapshotId(), replica.takenAt(), snapshot, copy, copied, replica.polls() + 1);
    if (!copied && next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError("replica " + replica.snapshotId() + " not in " + region.primaryRegion() + " after "
          + next.polls() + " polls: " + detail);
    }
    return save(recovery, next).log(entry(copied ? "done" : Recovery.WAITING, detail));
  }

  private static Recovery save(Recovery recovery, Replica replica) {
    return recovery.update(FailbackState.PART, s -> FailbackState.of(s).withReplica(replica));
  }

  static Optional<DBSnapshot> find(RdsClient rds, String id) {
    try {
      return rds.describeDBSnapshots(b -> b.dbSnapshotIdentifier(id)).dbSnapshots().stream().findFirst();
    } catch (DbSnapshotNotFoundException e) {
      return Optional.empty();
    }
  }
}
