package ai.sentinel.dr.database;

import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.RecoveryPoint;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportPart;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Database snapshot restore test: its part of the post-incident report. Measured like a complete-loss restore (its
 * Option B decision, the restored snapshot's age) with the database failure's rules; production is never touched, so
 * its impact is none and it has no underlying cause. It keeps the frame's severity rule: a test is always a drill.
 */
final class DatabaseRestoreTestReport implements ReportPart {
  private final DatabaseFailureReport restore = new DatabaseFailureReport();

  @Override
  public String option(Recovery recovery) {
    return restore.option(recovery);
  }

  @Override
  public Optional<Objective> objective(String option, List<Objective> rows) {
    return restore.objective(option, rows);
  }

  @Override
  public Set<String> verifySteps() {
    return Set.of("VerifyScratchInstance");
  }

  @Override
  public String titleDetail(ReportFacts f) {
    return "scratch instance";
  }

  @Override
  public String impactWithoutProduction(ReportFacts f) {
    DatabaseState db = f.recovery().part(DatabaseState.PART);
    Restore scratch = db == null ? null : db.restore();
    return "None on production: the latest snapshot of " + f.resource("the resource") + " was restored into the "
        + "scratch instance " + (scratch == null ? "(not created)" : scratch.targetInstanceId())
        + " to measure a complete-loss restore; production, its secret and its services were not touched.";
  }

  @Override
  public String finding(ReportFacts f) {
    return restore.finding(f);
  }

  @Override
  public List<String> decisions(ReportFacts f) {
    return restore.decisions(f);
  }

  @Override
  public String underlyingCause(ReportFacts f) {
    return "none (scheduled test of the snapshot restore, runbook Testing Schedule).";
  }

  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    return restore.recoveryPoint(f);
  }

  @Override
  public String rpoAction(ReportFacts f, ObjectiveResult rpo) {
    return restore.rpoAction(f, rpo);
  }
}
