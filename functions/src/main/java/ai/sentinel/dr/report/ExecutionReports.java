package ai.sentinel.dr.report;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The post-incident report of any execution, rebuilt from Step Functions alone (its output, or for a failed run the
 * last recovery document in its history) with the builder the Report step uses: {@code ./sentinel report}, the
 * drills' tables and the scheduled full DR simulation's summary all read reports this way.
 */
public final class ExecutionReports {
  private ExecutionReports() {}

  /** The report as the Report step makes it, filled as {@code settings} say, the impact measured by {@code meter}. */
  public static IncidentReport rebuild(SfnClient sfn, String executionArn, ReportSettings settings,
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

  /** The recovery document the execution ended with (its output), else the newest one a state passed on, or null. */
  public static Recovery document(SfnClient sfn, DescribeExecutionResponse d) {
    Recovery r = d.output() != null ? read(d.output()) : null;
    return r != null ? r : lastDocument(sfn, d.executionArn());
  }

  /** Every event of the execution's history, page by page. */
  public static List<HistoryEvent> history(SfnClient sfn, String executionArn) {
    List<HistoryEvent> events = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page = sfn.getExecutionHistory(b -> b.executionArn(executionArn).maxResults(1000).nextToken(next));
      events.addAll(page.events());
      token = page.nextToken();
    } while (token != null);
    return events;
  }

  /** The newest recovery document a state passed on: what a failed execution knew when it stopped. */
  private static Recovery lastDocument(SfnClient sfn, String executionArn) {
    Recovery found = null;
    for (HistoryEvent e : history(sfn, executionArn)) {
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
      Recovery r = Json.read(json.getBytes(StandardCharsets.UTF_8), Recovery.class);
      return r.scenario() == null ? null : r;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
