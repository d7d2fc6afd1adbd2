package ai.sentinel.dr.recovery;

import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.ConsoleLinks;
import ai.sentinel.dr.report.ReportLocation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a message about a recovery points the on-call to: its Step Functions execution, and its post-incident report,
 * the object the Report step writes ({@link ReportLocation}) in the bucket this function is given
 * ({@code REPORT_BUCKET}, {@link ai.sentinel.dr.common.DrConfig#reportBucket}). Every such message is sent before
 * Report runs (a gate waits mid-recovery; Notify is the step before Report), so the report is linked where it will be,
 * with its status: a gate's page is the first trigger of the recovery's incident (dedup key: the execution name), so
 * the incident links to the report from its start, and the link's text says it is not written yet.
 */
final class PageLinks {
  /** The custom_details entries: the report's s3:// location, and whether it exists yet. */
  static final String REPORT = "report";
  static final String REPORT_STATUS = "report_status";
  /** A gate waits before the recovery's end: the report comes when the recovery ends, however it ends. */
  static final String AT_END = "not written yet: the Report step writes it when the recovery ends";
  /** Notify is the step before Report on every terminal path. */
  static final String NEXT = "not written yet: the Report step writes it right after this message";

  private PageLinks() {}

  /**
   * {@code alert} with the execution's console link and, when the function knows the reports bucket, the report's
   * console link, s3:// location and {@code status} (facts, and a last line of its text).
   */
  static Alert add(Alert alert, Recovery recovery, String functionArn, String reportBucket, String status) {
    Alert out = alert.withLinks(ConsoleLinks.execution(functionArn, recovery.environment(), recovery.scenario(),
        recovery.executionName()));
    if (reportBucket == null || reportBucket.isBlank()) {
      return out;
    }
    ReportLocation report = ReportLocation.of(reportBucket, recovery.scenario(), recovery.executionName());
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put(REPORT, report.uri());
    facts.put(REPORT_STATUS, status);
    List<Alert.Link> links = ConsoleLinks.s3Object(functionArn, report.bucket(), report.key(),
        "Post-incident report (" + status + ")");
    return out.with(links, facts, "\nReport: " + report.uri() + " (" + status + ")\n");
  }
}
