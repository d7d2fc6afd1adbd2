package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;

/**
 * Scenario 1, Option B steps 1-2: list the snapshots, restore the latest available one (or the one the operator
 * named) into {@code <instance>-recovery} with the original's settings. Running it twice restores once: an existing
 * target is adopted, not recreated.
 */
public final class RestoreFromSnapshot extends Step {
  private final RdsClient rds;

  public RestoreFromSnapshot() {
    this(Deps.fromProcessEnv());
  }

  public RestoreFromSnapshot(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RestoreFromSnapshot(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
  }

  @Override
  public String name() {
    return "RestoreFromSnapshot";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String source = recovery.resource();
    String target = DatabaseSettings.of(deps.config()).recoveryInstanceId();
    Optional<DBInstance> existing = RdsInstances.find(rds, target);
    if (existing.isPresent()) {
      // only our own earlier attempt is adopted; anything else there may hold other data
      RdsInstances.requireCreatedBy(existing.get(), recovery.executionName());
      String snapshotId = RdsInstances.tag(existing.get(), RdsInstances.SNAPSHOT_TAG);
      Restore adopted = new Restore(target, snapshotId, RdsInstances.tag(existing.get(), RdsInstances.POINT_TAG),
          null, now(), existing.get().dbInstanceStatus(), null, null, 0, false);
      return recovery.update(DatabaseState.PART, s -> s.withRestore(adopted)).log(entry("skipped", target
          + " already exists from this recovery ('" + existing.get().dbInstanceStatus()
          + "'): adopted, not restored again"));
    }
    DBSnapshot snapshot = chooseSnapshot(rds, source, recovery.options().snapshotId());
    String snapshotTime = String.valueOf(snapshot.snapshotCreateTime());
    RestoreSettings settings = RestoreSettings.of(recovery.part(DatabaseState.PART).diagnosis(), deps.config());
    RestoreDbInstanceFromDbSnapshotRequest request = settings.restoreRequest(target, snapshot.dbSnapshotIdentifier(),
        RdsInstances.tags(recovery.executionName(), snapshot.dbSnapshotIdentifier(), snapshotTime)).build();
    Mutation<?> sent = mutate(recovery, "rds", "RestoreDBInstanceFromDBSnapshot", target, request,
        () -> rds.restoreDBInstanceFromDBSnapshot(request));
    Restore restore = new Restore(target, snapshot.dbSnapshotIdentifier(), snapshotTime, null, now(),
        sent.sent() ? "creating" : "planned", null, null, 0, false);
    return sent.recovery().update(DatabaseState.PART, s -> s.withRestore(restore))
        .log(entry(sent.sent() ? "restoring" : "would-restore", target + " from " + snapshot.dbSnapshotIdentifier()
            + " (taken " + snapshotTime + "): " + settings.describe()));
  }

  /** The newest available snapshot of {@code source}, or the named one after checking it is that database's. */
  static DBSnapshot chooseSnapshot(RdsClient rds, String source, String requested) {
    if (requested == null || requested.equals("latest")) {
      // every page: with more than 100 snapshots the newest may be on any of them
      return rds.describeDBSnapshotsPaginator(b -> b.dbInstanceIdentifier(source)).dbSnapshots().stream()
          .filter(s -> "available".equals(s.status()) && s.snapshotCreateTime() != null)
          .max(Comparator.comparing(DBSnapshot::snapshotCreateTime))
          .orElseThrow(() -> new StepFailedError("no available snapshot of " + source + " to restore"));
    }
    DBSnapshot named;
    try {
      named = rds.describeDBSnapshots(b -> b.dbSnapshotIdentifier(requested)).dbSnapshots().stream().findFirst()
          .orElseThrow(() -> new StepFailedError("snapshot " + requested + " not found"));
    } catch (DbSnapshotNotFoundException e) {
      throw new StepFailedError("snapshot " + requested + " not found");
    }
    if (!source.equals(named.dbInstanceIdentifier())) {
      throw new StepFailedError("snapshot " + requested + " belongs to " + named.dbInstanceIdentifier()
          + ", not " + source + ": refusing to restore another database's data");
    }
    if (!"available".equals(named.status())) {
      throw new StepFailedError("snapshot " + requested + " is '" + named.status() + "', not available");
    }
    return named;
  }
}
