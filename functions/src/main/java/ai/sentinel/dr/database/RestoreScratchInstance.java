package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.database.DatabaseState.Decision;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Testing Schedule, "Database snapshot restore" (monthly): Option B's restore, into the scratch instance
 * {@code <instance>-drill} instead of the recovery target, with the same settings, so the measured time is the time a
 * real restore would take. Production is never touched: no secret, no service. The test ends by deleting the scratch
 * instance ({@link DeleteScratchInstance}), also when it fails.
 */
public final class RestoreScratchInstance extends Step {
  /** Marks what only a restore test creates, so nothing else is ever deleted as "scratch". */
  static final String SCRATCH_TAG = "sentinel-dr:scratch";

  private final RdsClient rds;

  public RestoreScratchInstance() {
    this(Deps.fromProcessEnv());
  }

  public RestoreScratchInstance(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RestoreScratchInstance(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
  }

  @Override
  public String name() {
    return "RestoreScratchInstance";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String source = DatabaseSettings.of(deps.config()).instanceId();
    String target = DatabaseSettings.of(deps.config()).drillInstanceId();
    DatabaseState db = recovery.part(DatabaseState.PART) == null ? new DatabaseState(null, null, null, null, null)
        : recovery.part(DatabaseState.PART);
    // measured against the runbook's "Database Failure (Complete)" row, like a real Option B
    db = db.withDecision(new Decision("B", "scheduled snapshot restore test: restore the latest snapshot of "
        + source + " into the scratch instance " + target));
    Optional<DBInstance> existing = RdsInstances.find(rds, target);
    if (existing.isPresent()) {
      RdsInstances.requireCreatedBy(existing.get(), recovery.executionName());
      Restore adopted = new Restore(target, RdsInstances.tag(existing.get(), RdsInstances.SNAPSHOT_TAG),
          RdsInstances.tag(existing.get(), RdsInstances.POINT_TAG), null, now(),
          existing.get().dbInstanceStatus(), null, null, 0, false);
      return recovery.with(DatabaseState.PART, db.withRestore(adopted)).log(entry("skipped", target
          + " already exists from this test ('" + existing.get().dbInstanceStatus() + "'): adopted"));
    }
    DBSnapshot snapshot = RestoreFromSnapshot.chooseSnapshot(rds, source, recovery.options().snapshotId());
    String snapshotTime = String.valueOf(snapshot.snapshotCreateTime());
    RestoreSettings settings = RestoreSettings.of(db.diagnosis(), deps.config());
    List<Tag> tags = new ArrayList<>(RdsInstances.tags(recovery.executionName(), snapshot.dbSnapshotIdentifier(),
        snapshotTime));
    tags.add(Tag.builder().key(SCRATCH_TAG).value("true").build());
    // the same restore as Option B's, so the measured time is a real restore's; deletable by the cleanup
    RestoreDbInstanceFromDbSnapshotRequest request = settings.restoreRequest(target, snapshot.dbSnapshotIdentifier(),
        tags).deletionProtection(false).build();
    Mutation<?> sent = mutate(recovery, "rds", "RestoreDBInstanceFromDBSnapshot", target, request,
        () -> rds.restoreDBInstanceFromDBSnapshot(request));
    Restore restore = new Restore(target, snapshot.dbSnapshotIdentifier(), snapshotTime, null, now(),
        sent.sent() ? "creating" : "planned", null, null, 0, false);
    return sent.recovery().with(DatabaseState.PART, db.withRestore(restore))
        .log(entry(sent.sent() ? "restoring" : "would-restore", target + " from " + snapshot.dbSnapshotIdentifier()
            + " (taken " + snapshotTime + "): " + settings.describe()));
  }
}
