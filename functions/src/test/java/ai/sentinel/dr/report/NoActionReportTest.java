package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Health;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A recovery that found its resource healthy says so, with the evidence, and measures nothing it did not do. */
class NoActionReportTest {
  private static final Instant END = Instant.parse("2026-01-17T10:02:40Z");

  private static Recovery diagnosed(Verdict verdict) {
    return Documents.base(Documents.trigger(Documents.TRIGGER_TIME), Documents.options(null, false))
        .log(Documents.at("10:02:20", "Diagnose", verdict == Verdict.HEALTHY ? "healthy" : "inconclusive",
            "no action"))
        .withDiagnosis(new Health(verdict, List.of("sentinel-db is 'available'",
            "SELECT 1 on 10.0.0.5:5432/sentinel returned 1"), false, verdict == Verdict.HEALTHY
            ? "no action: sentinel-db is healthy" : "no action: the diagnosis is inconclusive",
            "2026-01-17T10:02:20Z"));
  }

  @Test
  void aHealthyResourceIsReportedAsNoActionWithTheEvidence() {
    IncidentReport r = IncidentReports.from(diagnosed(Verdict.HEALTHY), ARN, START, END, "NO_ACTION");
    assertEquals(IncidentReports.NO_ACTION, r.status());
    assertTrue(r.title().endsWith(" - no action: healthy"), r.title());
    assertEquals("P4", r.severity());
    assertTrue(r.impact().startsWith("None found: sentinel-db was healthy"), r.impact());
    assertTrue(r.rootCause().contains("SELECT 1 on 10.0.0.5:5432/sentinel returned 1"), r.rootCause());
    assertTrue(r.resolution().stream().anyMatch(s -> s.startsWith("No action taken (HEALTHY)")), r.resolution()
        .toString());
    assertEquals("diagnosis", r.verification().get(0).check());
    assertEquals("HEALTHY", r.verification().get(0).result());
    assertNull(r.metrics().recovered(), "nothing was recovered, nothing failed");
    assertNull(r.metrics().rtoSeconds());
    assertTrue(ReportRenderer.markdown(r).contains("n/a (no action: nothing to recover)"));
  }

  @Test
  void aSucceededExecutionWhoseDiagnosisSaidNotToActIsStillNoAction() {
    // ./sentinel report reads the execution's status (SUCCEEDED): the document wins
    assertEquals(IncidentReports.NO_ACTION, IncidentReports.from(diagnosed(Verdict.HEALTHY), ARN, START, END,
        "SUCCEEDED").status());
  }

  @Test
  void anInconclusiveDiagnosisAsksAHumanToLook() {
    IncidentReport r = IncidentReports.from(diagnosed(Verdict.INCONCLUSIVE), ARN, START, END, "NO_ACTION");
    assertTrue(r.title().endsWith(" - no action: diagnosis inconclusive"), r.title());
    assertEquals("P2", r.severity());
    assertTrue(r.actionItems().stream().anyMatch(a -> a.action().contains("by hand")), r.actionItems().toString());
  }

  @Test
  void noMetricThatAlarmsIsEmitted() {
    String emf = String.join("\n", EmbeddedMetrics.lines(IncidentReports.from(diagnosed(Verdict.HEALTHY), ARN,
        START, END, "NO_ACTION"), "dev"));
    assertFalse(emf.contains("\"RtoObjectiveMet\""), emf);
    assertFalse(emf.contains("\"Recovered\""), emf);
  }
}
