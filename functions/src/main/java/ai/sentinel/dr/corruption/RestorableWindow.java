package ai.sentinel.dr.corruption;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBInstanceAutomatedBackup;
import software.amazon.awssdk.services.rds.model.RdsException;

/**
 * The instance's point-in-time restore window, for the clean time's check in Diagnose. The earliest time is what RDS
 * says of the instance's automated backups ({@code DescribeDBInstanceAutomatedBackups}: {@code
 * RestoreWindow.EarliestTime} of the current instance's backup, the same DbiResourceId or else the active one), which
 * is later than "now minus the retention" for an instance younger than its retention or after a gap; only when RDS
 * gives none (no backup listed, no RestoreWindow, the call refused) is it now minus the backup retention, with that
 * reason in {@link #earliestFrom}. The latest is the instance's LatestRestorableTime (now when absent).
 *
 * @param earliestFrom where {@link #earliest} comes from, for the timeline and a rejection's message
 */
record RestorableWindow(Instant earliest, Instant latest, int retentionDays, String earliestFrom) {
  static final String FROM_BACKUPS = "RestoreWindow.EarliestTime of the automated backups";

  static RestorableWindow of(RdsClient rds, DBInstance source, Instant now) {
    Instant latest = source.latestRestorableTime() != null ? source.latestRestorableTime() : now;
    int retention = source.backupRetentionPeriod() == null ? 0 : source.backupRetentionPeriod();
    String id = source.dbInstanceIdentifier();
    String missing;
    try {
      List<DBInstanceAutomatedBackup> backups = rds.describeDBInstanceAutomatedBackups(b -> b
          .dbInstanceIdentifier(id)).dbInstanceAutomatedBackups();
      Optional<DBInstanceAutomatedBackup> own = current(backups, source);
      if (own.isEmpty()) {
        missing = "no automated backup of " + id + " is listed";
      } else if (own.get().restoreWindow() == null || own.get().restoreWindow().earliestTime() == null) {
        missing = "the automated backup of " + id + " (" + own.get().status() + ") gives no RestoreWindow";
      } else {
        return new RestorableWindow(own.get().restoreWindow().earliestTime(), latest, retention, FROM_BACKUPS);
      }
    } catch (RdsException e) {
      missing = "DescribeDBInstanceAutomatedBackups refused (" + (e.awsErrorDetails() == null ? e.statusCode()
          : e.awsErrorDetails().errorCode()) + ")";
    }
    return new RestorableWindow(now.minus(Duration.ofDays(retention)), latest, retention, "now minus the "
        + retention + "-day backup retention, because " + missing);
  }

  /** The backup of the instance as it is now: its DbiResourceId when both say one, else the active (newest) one. */
  private static Optional<DBInstanceAutomatedBackup> current(List<DBInstanceAutomatedBackup> backups,
      DBInstance source) {
    if (source.dbiResourceId() != null) {
      Optional<DBInstanceAutomatedBackup> same = backups.stream().filter(b -> source.dbiResourceId().equals(
          b.dbiResourceId())).findFirst();
      if (same.isPresent()) {
        return same;
      }
    }
    return backups.stream().filter(b -> b.status() == null || "active".equals(b.status()))
        .max(Comparator.comparing(b -> b.instanceCreateTime() == null ? Instant.MIN : b.instanceCreateTime()));
  }

  /** Why {@code clean} cannot be restored, or null when it lies within the window. */
  String refuse(Instant clean, String sourceOfTime, String instance) {
    if (retentionDays == 0 && !FROM_BACKUPS.equals(earliestFrom)) {
      return "clean time " + clean + " (" + sourceOfTime + "): " + instance + " keeps no automated backups (backup "
          + "retention 0 days), so no point-in-time restore can give a clean copy; nothing was changed";
    }
    if (clean.isBefore(earliest)) {
      return "clean time " + clean + " (" + sourceOfTime + ") is before " + instance + "'s earliest restorable time "
          + earliest + " (" + earliestFrom + "): no point-in-time restore reaches it; give a cleanTime at or after "
          + earliest + "; nothing was changed";
    }
    if (clean.isAfter(latest)) {
      return "clean time " + clean + " (" + sourceOfTime + ") is after " + instance + "'s latest restorable time "
          + latest + ": no point-in-time restore can give it yet; nothing was changed";
    }
    return null;
  }

  /** "EARLIEST/LATEST", as the diagnosis records it. */
  String range() {
    return earliest + "/" + latest;
  }
}
