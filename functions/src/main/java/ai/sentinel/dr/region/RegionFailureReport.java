package ai.sentinel.dr.region;

import ai.sentinel.dr.region.RegionState.Confirmation;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.report.Severity;
import java.util.List;

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

  @Override
  public List<String> actionItems(ReportFacts f) {
    return List.of("Plan the failback (runbook Failback Procedure) once " + f.resource("the primary region")
        + " is healthy again: replicate the DR database back, shift traffic gradually (10% -> 50% -> 100%)");
  }

  private static Confirmation confirmation(ReportFacts f) {
    RegionState state = f.recovery().part(RegionState.PART);
    return state == null ? null : state.confirmation();
  }
}
