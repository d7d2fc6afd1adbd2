package ai.sentinel.dr.report;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.report.IncidentReport.Metrics;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report's numbers as CloudWatch Embedded Metric Format log lines: Lambda ships stdout to CloudWatch Logs, which
 * turns each line into metrics in namespace {@value #NAMESPACE} with dimensions Scenario and Environment, so RTO and
 * RPO can be graphed and alarmed on per scenario and environment without a PutMetricData call.
 *
 * <p>Per the EMF specification: the root holds {@code _aws} with an integer {@code Timestamp} (epoch ms) and
 * {@code CloudWatchMetrics}; every dimension key is a root member with a string value (at most 1024 characters);
 * every metric named is a root member with a numeric value; at most 100 metrics per directive. An unknown value is
 * left out, never emitted as null. Context members that are not metrics (execution name, status, severity, option)
 * are root members too: EMF allows them and Logs Insights can query them, without adding dimensions.
 *
 * <p>Metrics: RTO, RPO, TimeToDetection, TimeToResolution (Seconds); RtoObjectiveMet, RpoObjectiveMet, Recovered
 * (Count, 0 or 1). RPO and RpoObjectiveMet only for a SUCCEEDED recovery (a failed one reached no recovery point);
 * RtoObjectiveMet is 0 for a failed recovery only once it is already past its objective. Dry-runs emit nothing:
 * nothing was recovered, and a Recovered=0 or a planned RPO would pollute the alarms of real recoveries.
 */
public final class EmbeddedMetrics {
  public static final String NAMESPACE = "SentinelDR";
  public static final String SCENARIO = "Scenario";
  public static final String ENVIRONMENT = "Environment";
  static final int MAX_METRICS_PER_DIRECTIVE = 100;
  private static final int MAX_DIMENSION_VALUE = 1024;

  private EmbeddedMetrics() {}

  /** One metric: name, value and CloudWatch unit. */
  private record Metric(String name, Number value, String unit) {}

  /**
   * The EMF lines for one report: one line, or none when no value is known or the recovery was a dry-run.
   *
   * @param environment the Environment dimension; the report's environment when null or blank
   */
  public static List<String> lines(IncidentReport report, String environment) {
    if (report == null || report.dryRun()) {
      return List.of();
    }
    List<Metric> metrics = metrics(report);
    if (metrics.isEmpty()) {
      return List.of();
    }
    String env = environment == null || environment.isBlank() ? report.environment() : environment;
    Map<String, String> dimensions = new LinkedHashMap<>();
    dimensions.put(SCENARIO, dimensionValue(report.scenario()));
    dimensions.put(ENVIRONMENT, dimensionValue(env));
    long timestamp = timestamp(report);
    List<String> lines = new ArrayList<>();
    for (int from = 0; from < metrics.size(); from += MAX_METRICS_PER_DIRECTIVE) {
      List<Metric> chunk = metrics.subList(from, Math.min(metrics.size(), from + MAX_METRICS_PER_DIRECTIVE));
      lines.add(line(report, timestamp, dimensions, chunk));
    }
    return lines;
  }

  private static List<Metric> metrics(IncidentReport report) {
    List<Metric> out = new ArrayList<>();
    boolean succeeded = IncidentReports.SUCCEEDED.equals(report.status());
    Metrics m = report.metrics();
    if (m != null) {
      add(out, "RTO", m.rtoSeconds(), "Seconds");
      // a recovery point is achieved only by a recovery that succeeded; a failed one's is in the report, not here
      add(out, "RPO", succeeded ? m.rpoSeconds() : null, "Seconds");
      add(out, "TimeToDetection", m.timeToDetectionSeconds(), "Seconds");
      add(out, "TimeToResolution", m.timeToResolutionSeconds(), "Seconds");
    }
    add(out, "RtoObjectiveMet", met(report.objective("RTO")), "Count");
    add(out, "RpoObjectiveMet", succeeded ? met(report.objective("RPO")) : null, "Count");
    add(out, "Recovered", m == null || m.recovered() == null ? null : m.recovered() ? 1 : 0, "Count");
    return out;
  }

  private static void add(List<Metric> out, String name, Number value, String unit) {
    if (value != null) {
      out.add(new Metric(name, value, unit));
    }
  }

  /** 1 or 0 for pass or fail; unknown (n/a) is no value at all. */
  private static Integer met(ObjectiveResult o) {
    if (o == null || o.verdict() == Verdict.NOT_APPLICABLE || o.verdict() == null) {
      return null;
    }
    return o.verdict() == Verdict.PASS ? 1 : 0;
  }

  private static String line(IncidentReport report, long timestamp, Map<String, String> dimensions,
      List<Metric> metrics) {
    ObjectNode root = Json.object();
    ObjectNode aws = root.putObject("_aws");
    aws.put("Timestamp", timestamp);
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", NAMESPACE);
    ArrayNode set = directive.putArray("Dimensions").addArray();
    dimensions.keySet().forEach(set::add);
    ArrayNode definitions = directive.putArray("Metrics");
    for (Metric metric : metrics) {
      definitions.addObject().put("Name", metric.name()).put("Unit", metric.unit());
    }
    dimensions.forEach(root::put);
    for (Metric metric : metrics) {
      root.put(metric.name(), metric.value().longValue());
    }
    // context for Logs Insights; not dimensions (an execution name per metric would be unbounded cardinality)
    putIfKnown(root, "executionName", report.executionName());
    putIfKnown(root, "status", report.status());
    putIfKnown(root, "severity", report.severity());
    putIfKnown(root, "option", report.option());
    return root.toString();
  }

  private static void putIfKnown(ObjectNode root, String name, String value) {
    if (value != null) {
      root.put(name, value);
    }
  }

  /** When the recovery ended (the moment the numbers describe), else the latest time the report knows. */
  private static long timestamp(IncidentReport report) {
    for (String t : new String[] {report.endedAt(), report.executionStartedAt(), report.triggeredAt()}) {
      Instant at = ReportTimes.parse(t);
      if (at != null) {
        return at.toEpochMilli();
      }
    }
    return System.currentTimeMillis();
  }

  /** Dimension values: printable ASCII (CloudWatch's rule), not blank, at most 1024 characters. */
  static String dimensionValue(String value) {
    String clean = value == null ? "" : value.replaceAll("[^\\x20-\\x7E]", "?").trim();
    if (clean.isEmpty()) {
      return "unknown";
    }
    return clean.length() <= MAX_DIMENSION_VALUE ? clean : clean.substring(0, MAX_DIMENSION_VALUE);
  }
}
