package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.END;
import static ai.sentinel.dr.report.Documents.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics line is valid EMF, carries exactly the known values, and never a null. */
class EmbeddedMetricsTest {

  private static JsonNode only(List<String> lines) {
    assertEquals(1, lines.size(), lines.toString());
    assertEquals(List.of(), EmfSpec.violations(lines.get(0)), lines.get(0));
    return Json.tree(lines.get(0));
  }

  /** Metric name -> value, from the directive's definitions and the root's members. */
  private static Map<String, Long> values(JsonNode line) {
    Map<String, Long> out = new LinkedHashMap<>();
    line.at("/_aws/CloudWatchMetrics/0/Metrics").forEach(m -> out.put(m.get("Name").asText(),
        line.get(m.get("Name").asText()).asLong()));
    return out;
  }

  private static Map<String, String> units(JsonNode line) {
    Map<String, String> out = new LinkedHashMap<>();
    line.at("/_aws/CloudWatchMetrics/0/Metrics").forEach(m -> out.put(m.get("Name").asText(),
        m.get("Unit").asText()));
    return out;
  }

  @Test
  void theReferenceIncident() {
    IncidentReport report = IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END, "SUCCEEDED");
    JsonNode line = only(EmbeddedMetrics.lines(report, "dev"));
    assertEquals(Map.of("RTO", 409L, "RPO", 25331L, "TimeToDetection", 1L, "TimeToResolution", 439L,
        "RtoObjectiveMet", 1L, "RpoObjectiveMet", 0L, "Recovered", 1L), values(line));
    assertEquals(Map.of("RTO", "Seconds", "RPO", "Seconds", "TimeToDetection", "Seconds", "TimeToResolution",
        "Seconds", "RtoObjectiveMet", "Count", "RpoObjectiveMet", "Count", "Recovered", "Count"), units(line));
    assertEquals("SentinelDR", line.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
    assertEquals("[[\"Scenario\",\"Environment\"]]", line.at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
    assertEquals("database-failure", line.get("Scenario").asText());
    assertEquals("dev", line.get("Environment").asText());
    assertEquals(END.toEpochMilli(), line.at("/_aws/Timestamp").asLong(), "the metrics describe the end");
    assertEquals(Documents.NAME, line.get("executionName").asText(), "context for Logs Insights");
    assertEquals(1, line.at("/_aws/CloudWatchMetrics").size());
  }

  @Test
  void aFailureHasNoRtoAndRecoveredZero() {
    IncidentReport report = IncidentReports.from(Documents.optionBFailed(), ARN, START,
        Instant.parse("2026-01-17T10:40:00Z"), "FAILED");
    Map<String, Long> values = values(only(EmbeddedMetrics.lines(report, "dev")));
    assertFalse(values.containsKey("RTO"));
    assertFalse(values.containsKey("TimeToResolution"));
    assertEquals(0L, values.get("Recovered"));
    assertEquals(0L, values.get("RtoObjectiveMet"), "37 min and not recovered: the 30 min objective is missed");
    assertEquals(1L, values.get("TimeToDetection"));
    assertFalse(values.containsKey("RPO"), "no recovery point was reached");
    assertFalse(values.containsKey("RpoObjectiveMet"));
  }

  @Test
  void aFailureBeforeDiagnoseHasOnlyWhatIsKnown() {
    IncidentReport report = IncidentReports.from(Documents.failedBeforeDiagnose(), ARN, START,
        Instant.parse("2026-01-17T10:02:21Z"), "FAILED");
    JsonNode line = only(EmbeddedMetrics.lines(report, "prod"));
    assertEquals(Map.of("TimeToDetection", 1L, "Recovered", 0L), values(line));
    assertEquals("prod", line.get("Environment").asText());
    assertFalse(line.toString().contains("null"), line.toString());
  }

  @Test
  void aDryRunEmitsNothing() {
    IncidentReport report = IncidentReports.from(Documents.optionBDryRun(), ARN, START, END, "DRY_RUN");
    assertEquals(List.of(), EmbeddedMetrics.lines(report, "dev"));
  }

  @Test
  void nothingKnownEmitsNothing() {
    assertEquals(List.of(), EmbeddedMetrics.lines(IncidentReports.from(null, null, null, null, "RUNNING"), "dev"));
    assertEquals(List.of(), EmbeddedMetrics.lines(null, "dev"));
  }

  @Test
  void dimensionValuesAreAlwaysValidStrings() {
    IncidentReport report = IncidentReports.from(Documents.failedBeforeDiagnose(), ARN, START, END, "FAILED");
    JsonNode blank = only(EmbeddedMetrics.lines(report, " "));
    assertEquals("dev", blank.get("Environment").asText(), "the report's environment when none is given");
    JsonNode odd = only(EmbeddedMetrics.lines(report, "pröd\n" + "x".repeat(2000)));
    assertEquals(1024, odd.get("Environment").asText().length());
    assertTrue(odd.get("Environment").asText().startsWith("pr?d?"));
    assertEquals("unknown", EmbeddedMetrics.dimensionValue(null));
  }

  @Test
  void theCheckerItselfCatchesBrokenLines() {
    String valid = EmbeddedMetrics.lines(IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END,
        "SUCCEEDED"), "dev").get(0);
    assertEquals(List.of(), EmfSpec.violations(valid));
    assertFalse(EmfSpec.violations(valid.replace("\"RTO\":409", "\"RTO\":null")).isEmpty());
    assertFalse(EmfSpec.violations(valid.replace("\"Environment\":\"dev\"", "\"Env\":\"dev\"")).isEmpty());
    assertFalse(EmfSpec.violations(valid.replace("\"Unit\":\"Seconds\"", "\"Unit\":\"Secs\"")).isEmpty());
    assertFalse(EmfSpec.violations(valid.replace("\"Namespace\":\"SentinelDR\"", "\"Namespace\":\"AWS/RDS\""))
        .isEmpty());
    assertFalse(EmfSpec.violations(valid.replaceFirst("\"Timestamp\":\\d+", "\"Timestamp\":\"now\"")).isEmpty());
  }
}
