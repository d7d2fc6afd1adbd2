package ai.sentinel.dr.database;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.END;
import static ai.sentinel.dr.report.Documents.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.Documents;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReports;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The database failure's part of the report: the runbook option picks the objective row, the severity and the
 * recovery point (Option B, the reference incident, is covered by the report frame's own tests).
 */
class DatabaseFailureReportTest {

  @Test
  void optionAIsMeasuredAgainstTheSingleAzRowWithNoDataLoss() {
    IncidentReport r = IncidentReports.from(Documents.optionASucceeded("10:06:11"), ARN, START,
        Instant.parse("2026-01-17T10:06:30Z"), "SUCCEEDED");
    assertEquals("Database failure on sentinel-db (Option A: Multi-AZ failover)", r.title());
    assertEquals("P2", r.severity());
    assertEquals(0L, r.metrics().rpoSeconds());
    ObjectiveResult rto = r.objective("RTO");
    assertEquals("Database Failure (Single AZ)", rto.objectiveName());
    assertEquals(240L, rto.measuredSeconds());
    assertEquals(Verdict.PASS, rto.verdict());
    assertEquals(Verdict.PASS, r.objective("RPO").verdict(), "0 lost against a 0 minute RPO");
    // 5 minutes over 4 steps: 1m 15s each; Verify (10:04:00 -> 10:06:11) and VerifyFailover took longer
    assertEquals(List.of("Verify took 2m 11s, more than its share of the RTO (1m 15s: the objective over 4 steps): "
        + "44% of the objective; the first place to look for a faster recovery.", "VerifyFailover took 1m 45s, more "
        + "than its share of the RTO (1m 15s: the objective over 4 steps): 35% of the objective; the first place to "
        + "look for a faster recovery."), r.lessons(), "derived from the timeline");
    assertEquals(1, r.actionItems().size(), "the review only: no placeholder item");
  }

  @Test
  void aSlowFailoverMissesTheFiveMinuteRto() {
    IncidentReport r = IncidentReports.from(Documents.optionASucceeded("10:08:11"), ARN, START,
        Instant.parse("2026-01-17T10:08:30Z"), "SUCCEEDED");
    assertEquals(Verdict.FAIL, r.objective("RTO").verdict());
    assertTrue(r.lessons().get(0).contains("6m 00s from trigger to verified, beyond the 5 minutes RTO"),
        r.lessons().toString());
    assertTrue(r.actionItems().stream().anyMatch(a -> a.action().contains("within its 5 minutes RTO")));
  }

  @Test
  void pointInTimeRecoveryMeasuresTheRestorePoint() {
    Recovery b = Documents.optionBSucceeded();
    var restore = b.part(DatabaseState.PART).restore();
    var pitr = new DatabaseState.Restore("sentinel-db-pitr", null, null,
        "2026-01-17T09:58:00Z", restore.requestedAt(), "available", "pitr.abc", 5432, 3, true);
    Recovery c = b.update(DatabaseState.PART, s -> s.withRestore(pitr).withDecision(
        new DatabaseState.Decision("C", "requested by the operator")));
    IncidentReport r = IncidentReports.from(c, ARN, START, END, "SUCCEEDED");
    assertEquals(4 * 60 + 11L, r.metrics().rpoSeconds());
    assertEquals(Verdict.PASS, r.objective("RPO").verdict());
    assertTrue(r.title().contains("Option C: point-in-time recovery"));

    var latest = new DatabaseState.Restore("sentinel-db-pitr", null, null, "latest",
        restore.requestedAt(), "available", "pitr.abc", 5432, 3, true);
    IncidentReport unknown = IncidentReports.from(c.with(DatabaseState.PART, c.part(DatabaseState.PART)
        .withRestore(latest)), ARN, START, END,
        "SUCCEEDED");
    assertNull(unknown.metrics().rpoSeconds());
    assertEquals(Verdict.NOT_APPLICABLE, unknown.objective("RPO").verdict());
  }
}
