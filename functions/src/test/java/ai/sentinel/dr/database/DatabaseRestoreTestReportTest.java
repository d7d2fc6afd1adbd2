package ai.sentinel.dr.database;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.report.Documents;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReports;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The snapshot restore test's part of the report: a drill on a scratch instance, measured as a complete loss. */
class DatabaseRestoreTestReportTest {

  @Test
  void theMonthlyRestoreTestIsAP4DrillMeasuredAgainstTheCompleteLossRowWithItsSnapshotsAge() {
    Recovery b = Documents.optionBSucceeded();
    Recovery test = Recovery.start("database-restore-test", "sentinel-db", "database-restore-test-sentinel-db-1",
        "dev", new Trigger("drill", "manual", "drill", Documents.TRIGGER_TIME, "drill: scheduled"), b.options())
        .with(DatabaseState.PART, b.part(DatabaseState.PART)).withVerification(b.verification())
        .log(Documents.at("10:30:00", "VerifyScratchInstance", "verified", "[instance-available=PASS]"));
    IncidentReport r = IncidentReports.from(test, ARN, START, Instant.parse("2026-01-17T10:31:00Z"), "SUCCEEDED");
    assertEquals("[DRILL] Database snapshot restore test on sentinel-db (scratch instance)", r.title());
    assertEquals("P4", r.severity());
    assertEquals("Database Failure (Complete)", r.objective("RTO").objectiveName());
    assertEquals(1669L, r.objective("RTO").measuredSeconds(), "10:02:11 -> scratch verified 10:30:00");
    assertEquals(Verdict.PASS, r.objective("RTO").verdict(), "within 30 minutes");
    assertEquals(25331L, r.objective("RPO").measuredSeconds(), "snapshot 03:00:00 -> 10:02:11");
    assertTrue(r.impact().startsWith("None on production"), r.impact());
  }
}
