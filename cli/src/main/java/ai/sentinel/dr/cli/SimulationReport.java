package ai.sentinel.dr.cli;

import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.SimulationSummary;
import java.nio.file.Path;
import java.util.List;

/**
 * The local drills' outcomes as the shared leadership summary ({@link SimulationSummary}, also written by the
 * scheduled simulation in AWS) reads them: what {@code drill --all} measured per scenario.
 */
final class SimulationReport {
  private SimulationReport() {}

  /** One drill's outcome for the summary. */
  static SimulationSummary.Drilled drilled(DrillAll.Outcome o, Path root) {
    Drill.Result r = o.result();
    String notVerified = null;
    if (r != null && !r.passed()) {
      String cause = r.execution() == null || r.execution().error() == null ? ""
          : " (" + r.execution().error() + (r.execution().cause() == null ? "" : ": " + r.execution().cause()) + ")";
      notVerified = "execution " + (r.status() == null ? "never started" : r.status().toString()) + cause;
    }
    Verification v = r == null || r.recovery() == null ? null : r.recovery().verification();
    List<IncidentReport.VerificationResult> checks = v == null ? List.of() : v.checks().stream()
        .map(c -> new IncidentReport.VerificationResult(c.name(), c.result().name(), c.detail())).toList();
    Path file = r == null ? null : r.reportFile();
    return new SimulationSummary.Drilled(o.scenario(), o.report(), r == null ? "error" : DrillAll.verified(r),
        o.error(), notVerified, checks, o.printed(), file == null ? null
        : (file.isAbsolute() == root.isAbsolute() ? root.relativize(file) : file).toString());
  }

  /** The row of a drill that ran (or stopped with an error). */
  static SimulationSummary.Row row(DrillAll.Outcome o, Path root) {
    return SimulationSummary.row(drilled(o, root));
  }

  /** The issues of one drill, failures first. */
  static List<SimulationSummary.Issue> issues(DrillAll.Outcome o) {
    return SimulationSummary.issues(drilled(o, ai.sentinel.dr.infra.RepoPaths.root()));
  }
}
