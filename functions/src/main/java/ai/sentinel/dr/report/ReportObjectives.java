package ai.sentinel.dr.report;

import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReports.Frame;
import ai.sentinel.dr.report.Objectives.Objective;

/**
 * A recovery's RTO and RPO against the runbook's Recovery Objectives row it is measured by: pass, fail or n/a, with
 * what was measured (or why nothing was). Both are measured on one clock: from the signal's time (the trigger).
 */
final class ReportObjectives {
  private ReportObjectives() {}

  static ObjectiveResult rtoResult(Frame frame, Long rto) {
    ReportFacts f = frame.facts();
    if (frame.objective().isEmpty()) {
      return new ObjectiveResult("RTO", null, noObjective(frame), null, rto,
          rto == null ? notMeasured(f) : ReportTimes.human(rto), Verdict.NOT_APPLICABLE);
    }
    Objective o = frame.objective().get();
    long target = o.rto().getSeconds();
    if (rto != null) {
      return new ObjectiveResult("RTO", o.name(), o.rtoText(), target, rto,
          ReportTimes.human(rto) + " (trigger to verified)", rto <= target ? Verdict.PASS : Verdict.FAIL);
    }
    Long elapsed = ReportTimes.between(f.triggerTime(), f.end());
    if (!f.dryRun() && (f.failed() || f.running()) && elapsed != null && elapsed > target) {
      // not recovered yet and already past the objective: missed whatever happens next
      return new ObjectiveResult("RTO", o.name(), o.rtoText(), target, null,
          "not recovered " + ReportTimes.human(elapsed) + " after the trigger", Verdict.FAIL);
    }
    return new ObjectiveResult("RTO", o.name(), o.rtoText(), target, null, notMeasured(f), Verdict.NOT_APPLICABLE);
  }

  static ObjectiveResult rpoResult(Frame frame, RecoveryPoint rpo) {
    String measured = rpo.seconds() == null ? (rpo.basis() == null ? "not measured" : "not measured: " + rpo.basis())
        : ReportTimes.human(rpo.seconds()) + " (" + rpo.basis() + ")";
    if (frame.objective().isEmpty()) {
      return new ObjectiveResult("RPO", null, noObjective(frame), null, rpo.seconds(), measured,
          Verdict.NOT_APPLICABLE);
    }
    Objective o = frame.objective().get();
    if (o.rpo() == null) {
      return new ObjectiveResult("RPO", o.name(), o.rpoText(), null, rpo.seconds(), measured,
          Verdict.NOT_APPLICABLE);
    }
    long target = o.rpo().getSeconds();
    if (frame.facts().failed()) {
      // nothing was recovered: whatever point the recovery aimed at, the data is not back
      return new ObjectiveResult("RPO", o.name(), o.rpoText(), target, rpo.seconds(), "not met: the recovery failed, "
          + "no data was recovered" + (rpo.seconds() == null ? "" : " (aimed at " + measured + ")"), Verdict.FAIL);
    }
    Verdict verdict = rpo.seconds() == null ? Verdict.NOT_APPLICABLE
        : rpo.seconds() <= target ? Verdict.PASS : Verdict.FAIL;
    return new ObjectiveResult("RPO", o.name(), o.rpoText(), target, rpo.seconds(), measured, verdict);
  }

  /** Why no row applies: the scenario has rows but the recovery did not choose between them, or it has none. */
  private static String noObjective(Frame frame) {
    return frame.hasObjectives() ? "undetermined (no runbook option chosen)" : "none in the runbook";
  }

  private static String notMeasured(ReportFacts f) {
    if (f.dryRun()) {
      return "not measured: dry-run, nothing was recovered";
    }
    if (f.failed()) {
      return "not measured: the recovery failed before it was verified";
    }
    if (f.noAction()) {
      return "not measured: no action, nothing was recovered";
    }
    if (f.running()) {
      return "not measured yet: recovery in progress";
    }
    if (f.triggerTime() == null) {
      return "not measured: trigger time unknown";
    }
    return "not measured: no Verify 'verified' entry in the timeline";
  }

  /**
   * Time to Resolution on the RTO's clock: from the signal (the trigger) to the recovery's end, which comes after its
   * verification (the on-call told, the lock released), so it is never shorter than the RTO; only for a recovery
   * that succeeded.
   */
  static Long timeToResolution(ReportFacts f) {
    if (!f.succeeded()) {
      return null;
    }
    java.time.Instant end = f.end();
    if (end != null && f.verifiedAt() != null && end.isBefore(f.verifiedAt())) {
      end = f.verifiedAt();
    }
    return ReportTimes.between(f.triggerTime(), end);
  }
}
