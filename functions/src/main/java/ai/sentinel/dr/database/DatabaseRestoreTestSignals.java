package ai.sentinel.dr.database;

import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SignalRules;

/**
 * The snapshot restore test: started by its schedule (or by hand) only, never by an alarm or event; always on the
 * protected instance, from the latest snapshot or the one named by {@code snapshotId}.
 */
final class DatabaseRestoreTestSignals implements SignalRules {

  @Override
  public ManualTarget manual(SignalContext context, ManualRequest request) {
    String target = DatabaseFailureSignals.instance(context);
    String resource = request.resource();
    if (resource != null && !resource.equals(target)) {
      throw new BadInput("resource '" + ai.sentinel.dr.trigger.Fields.quote(resource) + "' is not protected by this "
          + "environment (" + request.runbook() + " tests " + target + ")");
    }
    String option = request.field("option");
    if (option != null || request.field("restoreTime") != null) {
      throw new BadInput((option != null ? "option" : "restoreTime") + " does not apply to " + request.runbook()
          + ": it restores the latest snapshot (or snapshotId) into a scratch instance");
    }
    String snapshotId = request.field("snapshotId");
    if (snapshotId != null && !DatabaseFailureSignals.SNAPSHOT_ID.matcher(snapshotId).matches()) {
      throw new BadInput("snapshotId must be \"latest\" or a snapshot identifier");
    }
    return new ManualTarget(target, null, snapshotId, null);
  }
}
