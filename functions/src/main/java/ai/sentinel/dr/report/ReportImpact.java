package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.report.IncidentReports.Frame;

/**
 * The Impact line and the Metrics' "Customer Impact": what failed and for how long (the scenario's part says what),
 * the data lost, and the customers' failed requests as the load balancer counted them over the incident window.
 * "None" with the reason for a drill or a dry-run.
 */
final class ReportImpact {
  private ReportImpact() {}

  static String impact(Frame frame, RecoveryPoint rpo, CustomerImpact measured) {
    ReportFacts f = frame.facts();
    if (f.dryRun()) {
      long planned = f.recovery().plan().size();
      return "None: dry-run drill, nothing was changed (" + planned + " call(s) planned, none sent).";
    }
    if (f.noAction()) {
      return f.healthy() ? "None found: " + f.resource("the resource") + " was healthy when diagnosed; no action "
          + "was taken, nothing was changed."
          : "Unknown: the diagnosis could not tell whether " + f.resource("the resource") + " failed; no action was "
              + "taken, nothing was changed (a human judges).";
    }
    String untouched = frame.part().impactWithoutProduction(f);
    if (untouched != null) {
      return oneLine(untouched);
    }
    StringBuilder b = new StringBuilder(f.drill() ? "Drill (failure injected on purpose): " : "");
    String affected = frame.part().affected(f);
    b.append(affected != null ? affected : frame.scenario() + " affecting " + f.resource("the resource"));
    if (f.triggerTime() != null) {
      b.append(" from ").append(ReportTimes.hhmm(f.triggerTime())).append(" UTC");
    }
    if (f.succeeded() && f.verifiedAt() != null) {
      b.append(" until the recovery was verified at ").append(ReportTimes.hhmm(f.verifiedAt())).append(" UTC");
    } else if (f.failed()) {
      b.append("; not recovered automatically (the recovery failed")
          .append(f.end() == null ? "" : " at " + ReportTimes.hhmm(f.end()) + " UTC").append(')');
    } else if (f.running()) {
      b.append("; recovery in progress");
    }
    b.append('.');
    if (measured != null && measured.measured()) {
      b.append(f.drill() ? " Load balancer (drill traffic): " : " Customers: ").append(measured.text()).append('.');
    }
    String loss = frame.part().dataLoss(f);
    if (loss != null) {
      b.append(' ').append(loss);
    } else if (rpo.seconds() != null) {
      b.append(rpo.seconds() == 0 ? " No data loss expected (" + rpo.basis() + ")."
          : " Writes made in the " + ReportTimes.human(rpo.seconds()) + " before the failure may be lost ("
              + rpo.basis() + ").");
    }
    return oneLine(b.toString());
  }

  /**
   * The template's "Customer Impact: [X users / X% requests]": measured on the load balancer for an incident; "none"
   * with the reason for a drill, a dry-run or a run that changed nothing (a drill's measured traffic follows).
   */
  static String customerImpact(Frame frame, CustomerImpact measured) {
    ReportFacts f = frame.facts();
    if (f.dryRun()) {
      return "none: dry-run, nothing was changed";
    }
    if (f.noAction()) {
      return "none caused by the automation: no action, nothing was changed";
    }
    String untouched = frame.part().impactWithoutProduction(f);
    if (f.drill()) {
      String why = f.exercise() != null ? "drill (" + f.exercise() + ")"
          : untouched != null ? "drill that never touches production" : "drill: the failure was injected on purpose";
      return "none: " + why + (measured != null && measured.measured() ? "; load balancer over the window: "
          + measured.text() : "");
    }
    if (untouched != null) {
      return "none: production was not touched";
    }
    return measured == null ? "not measured" : measured.text();
  }
}
