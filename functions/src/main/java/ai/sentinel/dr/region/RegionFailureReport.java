package ai.sentinel.dr.region;

import ai.sentinel.dr.region.RegionState.Confirmation;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.RecoveryPoint;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportTimes;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.report.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Region failure: its part of the post-incident report. P1 (the whole platform down in its region); the finding is
 * ConfirmPrimaryDown's verdict with its evidence.
 */
final class RegionFailureReport implements ReportPart {

  @Override
  public Severity severity(ReportFacts f) {
    return new Severity("P1", "region failure: the platform is down in its region");
  }

  @Override
  public String affected(ReportFacts f) {
    Confirmation c = confirmation(f);
    return "region " + f.resource("the primary region") + (c == null ? " reported down (not assessed)"
        : c.confirmed() ? " was down: API, database and services unreachable" : " was reported down");
  }

  @Override
  public String finding(ReportFacts f) {
    Confirmation c = confirmation(f);
    return c == null ? null : c.verdict() + " (checked from " + c.drRegion() + ": "
        + String.join("; ", c.evidence().stream().map(RegionState.Evidence::toString).toList()) + ")";
  }

  /** ConfirmPrimaryDown's verdict: the region unreachable (with what failed), or only reported down. */
  @Override
  public String underlyingCause(ReportFacts f) {
    Confirmation c = confirmation(f);
    if (c == null) {
      return null;
    }
    List<String> failed = c.evidence().stream().filter(e -> !e.healthy()).map(RegionState.Evidence::toString)
        .toList();
    return (c.confirmed() ? "an outage of region " + c.primaryRegion() + ", confirmed from " + c.drRegion()
        : "region " + c.primaryRegion() + " reported down but not confirmed from " + c.drRegion())
        + (failed.isEmpty() ? "" : " (" + String.join("; ", failed) + ")")
        + "; the AWS Health event or status page names AWS's own cause.";
  }

  @Override
  public Set<String> verifySteps() {
    return Set.of("VerifyDr");
  }

  /** The restored copy's source time: writes after it are lost (the RPO the customers see). */
  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    RegionState state = f.recovery().part(RegionState.PART);
    RegionState.CopyChoice copy = state == null ? null : state.copy();
    if (copy == null) {
      return RecoveryPoint.of(null, "no cross-region copy chosen");
    }
    Instant point = ReportTimes.parse(copy.sourceTime());
    return RecoveryPoint.at(f, point, f.reached() + "cross-region copy " + copy.snapshotId() + " of data up to "
        + copy.sourceTime(), true);
  }

  @Override
  public String rpoAction(ReportFacts f, ObjectiveResult rpo) {
    return "Snapshot the primary database at least every " + rpo.target() + " and keep the cross-region copy "
        + "schedule as frequent (the copy restored was " + ReportTimes.human(rpo.measuredSeconds()) + " old)";
  }

  @Override
  public List<String> actionItems(ReportFacts f) {
    List<String> items = new java.util.ArrayList<>();
    // runbook step 9 not done by the failover: the environment has no customer channel
    if (f.recovery().timeline().stream().anyMatch(e -> "NotifyCustomers".equals(e.step()) && e.detail() != null
        && e.detail().startsWith(NotifyCustomers.NO_CHANNEL))) {
      items.add("Tell the customers by hand that the service runs from the DR region: the failover told nobody ("
          + NotifyCustomers.NO_CHANNEL + "); set it so that the next failover does");
    }
    items.add("Plan the failback (runbook Failback Procedure) once " + f.resource("the primary region")
        + " is healthy again: replicate the DR database back, shift traffic gradually (10% -> 50% -> 100%)");
    return items;
  }

  private static Confirmation confirmation(ReportFacts f) {
    RegionState state = f.recovery().part(RegionState.PART);
    return state == null ? null : state.confirmation();
  }
}
