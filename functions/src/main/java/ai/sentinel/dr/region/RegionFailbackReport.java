package ai.sentinel.dr.region;

import ai.sentinel.dr.report.RecoveryPoint;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.report.ReportTimes;
import ai.sentinel.dr.report.Severity;
import java.util.List;
import java.util.Set;

/** The failback's part of the report: a planned change, P3; its data point is the DR snapshot replicated back. */
final class RegionFailbackReport implements ReportPart {

  @Override
  public Severity severity(ReportFacts f) {
    return new Severity("P3", "planned failback after a region failure");
  }

  @Override
  public String affected(ReportFacts f) {
    FailbackState s = f.recovery().part(FailbackState.PART);
    return "traffic moved from the DR region back to " + f.resource("the primary region")
        + (s == null || s.traffic() == null ? "" : " (" + s.traffic().percent() + "% on the primary at the end)");
  }

  @Override
  public String underlyingCause(ReportFacts f) {
    return "none of its own: a planned return to " + f.resource("the primary region") + " after a region failure "
        + "(the failover's report holds that cause).";
  }

  @Override
  public Set<String> verifySteps() {
    return Set.of("VerifyFailback");
  }

  /** Writes to the DR database after its snapshot are not on the primary. */
  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    FailbackState s = f.recovery().part(FailbackState.PART);
    if (s == null || s.replica() == null) {
      return RecoveryPoint.of(null, "the DR database was not replicated");
    }
    return RecoveryPoint.at(f, ReportTimes.parse(s.replica().takenAt()), f.reached() + "the DR database as of "
        + s.replica().takenAt() + " (" + s.replica().snapshotId() + ")", true);
  }

  @Override
  public List<String> actionItems(ReportFacts f) {
    return List.of("Check that the DR platform is back to its standby state (DR services at 0, the DR ALB kept) and "
        + "that the cross-region snapshot copies run again from the primary");
  }
}
