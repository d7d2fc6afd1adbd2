package ai.sentinel.dr.database;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.database.DatabaseState.Decision;
import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.RecoveryPoint;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.report.ReportTimes;
import ai.sentinel.dr.report.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Database failure: its part of the post-incident report. The runbook option decides most of it: A (Multi-AZ
 * failover) is a single-AZ failure, P2, measured against "Database Failure (Single AZ)" with nothing lost; B (snapshot)
 * and C (point in time) are a complete loss, P1, measured against "Database Failure (Complete)" from the restored
 * point. Before an option is chosen the database is treated as lost (P1) and no objective row is guessed.
 */
final class DatabaseFailureReport implements ReportPart {

  private static final Map<String, String> OPTION_NAMES = Map.of(
      "A", "Multi-AZ failover",
      "B", "restore from snapshot",
      "C", "point-in-time recovery");

  /** ChooseOption's decision, else the operator's; only A, B or C. */
  @Override
  public String option(Recovery recovery) {
    DatabaseState db = recovery.part(DatabaseState.PART);
    String chosen = db != null && db.decision() != null ? db.decision().option() : null;
    if (chosen == null) {
      Options o = recovery.options();
      chosen = o == null ? null : o.option();
    }
    return chosen != null && OPTION_NAMES.containsKey(chosen) ? chosen : null;
  }

  /** A: Single AZ; B or C: Complete; no option yet: unknown rather than guessed. */
  @Override
  public Optional<Objective> objective(String option, List<Objective> rows) {
    if ("A".equals(option)) {
      return Optional.of(Objectives.DATABASE_SINGLE_AZ);
    }
    if ("B".equals(option) || "C".equals(option)) {
      return Optional.of(Objectives.DATABASE_COMPLETE);
    }
    return Optional.empty();
  }

  @Override
  public String titleDetail(ReportFacts f) {
    return f.option() == null ? null : "Option " + f.option() + ": " + OPTION_NAMES.get(f.option());
  }

  @Override
  public Severity severity(ReportFacts f) {
    if ("A".equals(f.option())) {
      return new Severity("P2", "single-AZ database failure: Multi-AZ failover, no data lost");
    }
    if (f.option() != null) {
      return new Severity("P1", "complete database loss: Option " + f.option() + " (" + OPTION_NAMES.get(f.option())
          + ")");
    }
    Diagnosis d = diagnosis(f);
    return d != null && !d.instanceFound()
        ? new Severity("P1", "complete database loss: the instance was not found")
        : new Severity("P1", "database failure not yet diagnosed: treated as a complete loss until shown otherwise");
  }

  @Override
  public String affected(ReportFacts f) {
    String resource = f.resource("the resource");
    Diagnosis d = diagnosis(f);
    StringBuilder b = new StringBuilder();
    if (d == null) {
      b.append("Database ").append(resource).append(" failed (not diagnosed)");
    } else if (!d.instanceFound()) {
      b.append("Database ").append(resource).append(" was lost (DBInstanceNotFound)");
    } else {
      b.append("Database ").append(resource).append(" was '").append(d.status()).append("'")
          .append(d.availabilityZone() == null ? "" : " in " + d.availabilityZone())
          .append(d.multiAz() ? " (Multi-AZ)" : " (single-AZ)");
    }
    Recovery r = f.recovery();
    List<String> services = r.services() == null || r.services().names() == null ? List.of()
        : r.services().names();
    b.append(services.isEmpty() ? "; the services using it were affected"
        : "; the services using it (" + String.join(", ", services) + ") were affected");
    return b.toString();
  }

  @Override
  public String finding(ReportFacts f) {
    Diagnosis d = diagnosis(f);
    return d == null ? null : d.rootCause();
  }

  @Override
  public String underlyingCause(ReportFacts f) {
    String cause = DatabaseCauses.of(diagnosis(f), f.resource("the instance"));
    return cause == null ? null : oneLine(cause) + ".";
  }

  @Override
  public List<String> decisions(ReportFacts f) {
    DatabaseState db = f.recovery().part(DatabaseState.PART);
    Decision decision = db == null ? null : db.decision();
    return decision == null ? List.of()
        : List.of("Decision: Option " + decision.option() + ": " + oneLine(decision.reason()) + ".");
  }

  /** A: nothing lost (the synchronous standby); B: the snapshot's time; C: the point in time restored to. */
  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    if (f.option() == null) {
      return RecoveryPoint.UNKNOWN;
    }
    if ("A".equals(f.option())) {
      return RecoveryPoint.of(0L, f.reached() + "Multi-AZ failover: the synchronous standby took over");
    }
    DatabaseState db = f.recovery().part(DatabaseState.PART);
    Restore restore = db == null ? null : db.restore();
    if (restore == null) {
      return RecoveryPoint.of(null, "nothing was restored");
    }
    if ("B".equals(f.option())) {
      Instant point = ReportTimes.parse(restore.snapshotTime());
      return RecoveryPoint.at(f, point, f.reached() + "snapshot " + restore.sourceSnapshotId()
          + (point == null ? ", creation time unknown" : " taken " + point), true);
    }
    Instant point = ReportTimes.parse(restore.restoreTime());
    return RecoveryPoint.at(f, point, f.reached() + (point == null ? "point in time '" + restore.restoreTime()
        + "' not resolved to a time" : "point in time " + point), false);
  }

  @Override
  public String rpoAction(ReportFacts f, ObjectiveResult rpo) {
    return !"B".equals(f.option()) ? null
        : "Snapshot " + f.recovery().resource() + " at least every " + rpo.target()
            + " or prefer point-in-time recovery (Option C) to meet the RPO (snapshot was "
            + ReportTimes.human(rpo.measuredSeconds()) + " old)";
  }

  private static Diagnosis diagnosis(ReportFacts f) {
    DatabaseState db = f.recovery().part(DatabaseState.PART);
    return db == null ? null : db.diagnosis();
  }
}
