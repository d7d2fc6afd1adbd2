package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.CustomerImpact;
import ai.sentinel.dr.report.IncidentReports;
import ai.sentinel.dr.report.ReportSettings;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * {@code ./sentinel report EXECUTION_ARN}: the post-incident report of any execution, rebuilt from Step Functions
 * alone (its output, or for a failed run the last recovery document in its history), with the same builder the
 * Report step uses.
 */
public final class Reports {
  private Reports() {}

  public static IncidentReport of(SfnClient sfn, String executionArn) {
    return of(sfn, executionArn, ReportSettings.DEFAULTS, CustomerImpact.NOT_CONFIGURED);
  }

  /**
   * The report as the Report step makes it: filled as the environment's {@code settings} say, with the customer
   * impact {@code meter} measures (a drill rebuilds its reports with its cloud's).
   */
  public static IncidentReport of(SfnClient sfn, String executionArn, ReportSettings settings,
      CustomerImpact.Meter meter) {
    DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(executionArn));
    Recovery recovery = d.output() != null ? read(d.output()) : null;
    if (recovery == null) {
      recovery = lastDocument(sfn, executionArn);
    }
    String status = switch (d.status()) {
      case SUCCEEDED -> recovery != null && recovery.dryRun() ? IncidentReports.DRY_RUN : IncidentReports.SUCCEEDED;
      case RUNNING -> IncidentReports.RUNNING;
      default -> IncidentReports.FAILED;
    };
    Instant end = d.stopDate() != null ? d.stopDate() : Instant.now();
    return IncidentReports.from(recovery, executionArn, d.startDate(), end, d.status() == ExecutionStatus.RUNNING
        ? IncidentReports.RUNNING : status, settings, meter);
  }

  /** The newest recovery document a state passed on: what a failed execution knew when it stopped. */
  private static Recovery lastDocument(SfnClient sfn, String executionArn) {
    List<HistoryEvent> events = ai.sentinel.dr.drill.ExecutionWatcher.history(sfn, executionArn);
    Recovery found = null;
    for (HistoryEvent e : events) {
      String text = e.stateExitedEventDetails() != null ? e.stateExitedEventDetails().output()
          : e.stateEnteredEventDetails() != null ? e.stateEnteredEventDetails().input() : null;
      Recovery r = text == null ? null : read(text);
      if (r != null) {
        found = r;
      }
    }
    return found;
  }

  private static Recovery read(String json) {
    try {
      Recovery r = Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Recovery.class);
      return r.scenario() == null ? null : r;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
