package ai.sentinel.dr.report;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.Severity;
import ai.sentinel.dr.oncall.SnsOnCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Post-incident report step, run after Notify on every terminal path (success, failure, dry-run): builds the report
 * of the running execution, stores it as {@code reports/<scenario>/<executionName>.md} and {@code .json} in the
 * bucket named by {@value #BUCKET_VAR}, and writes its numbers as CloudWatch Embedded Metric Format lines to the log
 * (CloudWatch Logs turns them into RTO/RPO metrics), and sends the on-call a summary of the report (severity, status,
 * RTO and RPO against the objectives, where the report is stored) for the record: Notify told them the outcome as it
 * happened; this tells them the review is ready.
 *
 * <p>Input: {@code {"recovery": {...document...}, "executionArn": "...", "executionStart": "ISO-8601",
 * "status": "SUCCEEDED" | "FAILED" | "DRY_RUN" | "RUNNING", "end": "ISO-8601 (optional, default now)"}}; times may
 * also be epoch milliseconds. A bare recovery document is accepted too. Output: the recovery document with one more
 * timeline entry, "reported", so the state machine continues with ResultPath $.
 *
 * <p>A report that cannot be stored or published never changes the recovery's outcome: the failure is logged (level
 * ERROR, event report.store-failed / report.publish-failed) and stated in the timeline entry, and the step returns
 * normally.
 */
public final class Report implements RequestStreamHandler {
  /** S3 bucket for reports; unset: reports are built, logged as metrics, and not stored. */
  public static final String BUCKET_VAR = ai.sentinel.dr.common.DrConfig.Vars.REPORT_BUCKET;
  public static final String PREFIX = "reports/";

  private final Deps deps;
  private final ReportStore store;
  private final OnCall onCall;

  public Report() {
    this(System.getenv());
  }

  public Report(Map<String, String> env) {
    this(Deps.fromEnv(env), env.get(BUCKET_VAR));
  }

  /**
   * With the bucket's name; null or blank: no storage. The S3 client is built only when there is a bucket. The
   * summary goes to the configured on-call topic.
   */
  public Report(Deps deps, String bucket) {
    this(deps, bucket == null || bucket.isBlank() ? null : new S3ReportStore(deps.clients().s3(), bucket.trim()),
        // the client is asked for when publishing, so a Report without SNS access still stores its report
        SnsOnCall.lazy(() -> deps.clients().sns(), deps.config().topicArn()));
  }

  /** With any store (tests); null: no storage; no summary published. */
  public Report(Deps deps, ReportStore store) {
    this(deps, store, null);
  }

  /** With any store and on-call (tests); null on-call: no summary published. */
  public Report(Deps deps, ReportStore store, OnCall onCall) {
    this.deps = deps;
    this.store = store;
    this.onCall = onCall;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode in = Json.MAPPER.readTree(input);
    if (in == null || !in.isObject()) {
      throw new IllegalArgumentException("Report input must be a JSON object {\"recovery\": {...}, ...}");
    }
    JsonNode document = in.has("recovery") ? in.get("recovery") : in;
    Recovery recovery = Json.MAPPER.treeToValue(document, Recovery.class);
    Instant now = Instant.now(deps.clock());
    Instant end = instant(in.path("end"));
    ReportSettings settings = deps.config().settings(ReportSettings.class).orElse(ReportSettings.DEFAULTS);
    IncidentReport report = IncidentReports.from(recovery, in.path("executionArn").asText(null),
        instant(in.path("executionStart")), end == null ? now : end, in.path("status").asText(null), settings,
        meter(settings));
    String correlation = report.executionName();
    Log.info(correlation, "report.built", Map.of("status", report.status(), "severity", report.severity(),
        "title", report.title()));
    for (String line : EmbeddedMetrics.lines(report, deps.config().environment())) {
      // through Log's sink (stdout in Lambda): Log adds its own members at the root, which EMF allows
      Map<String, Object> fields = new LinkedHashMap<>();
      Json.tree(line).fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue()));
      Log.info(correlation, "report.metrics", fields);
    }
    String stored = store(report, correlation);
    String detail = summary(report) + "; " + stored + "; " + publish(report, stored, correlation);
    Json.MAPPER.writeValue(output, recovery.log(new TimelineEntry(now.toString(), "Report", "reported", detail)));
  }

  /** The load balancer's counts when the environment names it (clients built only then). */
  private CustomerImpact.Meter meter(ReportSettings settings) {
    return settings.loadBalancer() == null ? CustomerImpact.NOT_CONFIGURED
        : new AlbCustomerImpact(() -> deps.clients().cloudWatch(), () -> deps.clients().elbv2(),
            settings.loadBalancer());
  }

  private String store(IncidentReport report, String correlation) {
    if (store == null) {
      return "not stored: " + BUCKET_VAR + " is not set";
    }
    String key = key(report);
    try {
      String markdown = store.put(key + ".md", ReportRenderer.markdown(report).getBytes(StandardCharsets.UTF_8),
          "text/markdown; charset=utf-8");
      store.put(key + ".json", Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report),
          "application/json");
      return "stored " + markdown + " (and .json)";
    } catch (IOException | RuntimeException e) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("key", key);
      fields.put("errorType", e.getClass().getName());
      fields.put("message", String.valueOf(e.getMessage()));
      Log.error(correlation, "report.store-failed", fields);
      return "NOT stored (" + e.getClass().getSimpleName() + ": " + IncidentReports.oneLine(e.getMessage()) + ")";
    }
  }

  private String publish(IncidentReport report, String stored, String correlation) {
    if (onCall == null) {
      return "summary not published";
    }
    try {
      onCall.inform(alert(report, stored, deps.config().environment()));
      return "summary published";
    } catch (RuntimeException e) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("errorType", e.getClass().getName());
      fields.put("message", String.valueOf(e.getMessage()));
      Log.error(correlation, "report.publish-failed", fields);
      return "summary NOT published (" + e.getClass().getSimpleName() + ")";
    }
  }

  /**
   * "[Sentinel DR][dev] Database failure on sentinel-db (Option B: ...): P1 report, SUCCEEDED": the review is ready,
   * for the record (Notify paged or resolved as it happened).
   */
  static Alert alert(IncidentReport report, String stored, String configEnvironment) {
    String environment = report.environment() == null ? configEnvironment : report.environment();
    return new Alert(environment, report.title(), report.severity() + " report, " + report.status(),
        summaryMessage(report, stored), report.resource(), report.executionName(), Severity.INFO);
  }

  /** The review's headline numbers for the on-call, then the full report in the runbook's template. */
  static String summaryMessage(IncidentReport report, String stored) {
    StringBuilder b = new StringBuilder();
    b.append("Post-incident report ready: ").append(report.title()).append('\n');
    b.append("Status: ").append(report.status()).append(", severity ").append(report.severity()).append('\n');
    b.append("Duration: ").append(report.duration()).append('\n');
    for (IncidentReport.ObjectiveResult o : report.objectives()) {
      b.append(o.measure()).append(": ").append(o.measured()).append(" vs objective ").append(o.target())
          .append(" -> ").append(o.verdict().label()).append('\n');
    }
    b.append("Report: ").append(stored).append('\n');
    b.append("Complete the review within 48 hours (runbook: Post-Incident Review).\n\n");
    b.append(ReportRenderer.markdown(report));
    return b.toString();
  }

  /** An ISO-8601 time, or epoch milliseconds; null when absent or unreadable (the report says "unknown"). */
  private static Instant instant(JsonNode node) {
    if (node.isIntegralNumber()) {
      return Instant.ofEpochMilli(node.asLong());
    }
    return node.isTextual() ? ReportTimes.parse(node.asText()) : null;
  }

  /** reports/<scenario>/<executionName> ({@link ReportLocation}: the pages sent before this step name it too). */
  static String key(IncidentReport report) {
    return ReportLocation.key(report.scenario(), report.executionName());
  }

  private static String summary(IncidentReport r) {
    StringBuilder b = new StringBuilder(r.severity() + " " + r.status());
    r.objectives().forEach(o -> b.append(", ").append(o.measure()).append(' ')
        .append(o.measuredSeconds() == null ? "n/a" : ReportTimes.human(o.measuredSeconds()))
        .append(" (").append(o.verdict().label()).append(')'));
    return b.toString();
  }
}
