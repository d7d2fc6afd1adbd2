package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.corruption.CorruptionState.Diagnosis;
import ai.sentinel.dr.corruption.CorruptionState.Repair;
import ai.sentinel.dr.corruption.sql.CorruptionTimeline;
import ai.sentinel.dr.corruption.sql.TableChecks;
import ai.sentinel.dr.corruption.sql.TableRepair;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReports;
import ai.sentinel.dr.report.ReportRenderer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5's report on the runbook's template: the RPO is "Variable" in the runbook, so the report says what was
 * lost (the later writes of the rows the repair deleted or overwrote) and the rows repaired per table.
 */
class DataCorruptionReportTest {
  private static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:dev-sentinel-dr-data-corruption:"
      + Cases.EXECUTION;
  private static final Instant START = Instant.parse("2026-01-17T10:01:02Z");
  private static final Instant END = Instant.parse("2026-01-17T10:20:00Z");
  private static final String CLEAN = "2026-01-17T08:35:00Z";

  private static Recovery repaired(boolean verified) {
    CorruptionRequest request = new CorruptionRequest(List.of("audit_logs", "threat_reports"),
        Cases.REQUEST.conditions(), null, "selective");
    Diagnosis d = new Diagnosis(List.of(new CorruptionTimeline("audit_logs", 1265, "2026-01-17T08:40:01Z",
        "2026-01-17T09:59:00Z"), new CorruptionTimeline("threat_reports", 12, "2026-01-17T08:41:00Z",
            "2026-01-17T09:30:00Z")), List.of(), null, CLEAN, "proposed", "x/y", "1277 corrupted row(s)");
    Map<String, Repair> repairs = new LinkedHashMap<>();
    repairs.put("audit_logs", new Repair(new TableChecks("audit_logs", 120014, "a", "b"),
        new TableRepair.Result("audit_logs", 40, 26, 94), new TableChecks("audit_logs", 120000, "a", "b"), true));
    repairs.put("threat_reports", new Repair(new TableChecks("threat_reports", 2000, "a", "b"),
        new TableRepair.Result("threat_reports", 0, 0, 12), new TableChecks("threat_reports", 2000, "a", "b"), true));
    Recovery r = Cases.with(Cases.recovery(false, request), new CorruptionState(request, d, null, null, null,
        repairs));
    // VerifyData judges every table: one check each (the report reads each table's own)
    return r.withVerification(Verification.of(List.of(new Check("repaired-audit_logs",
        verified ? Result.PASS : Result.FAIL, "x"), new Check("repaired-threat_reports", Result.PASS, "y"))));
  }

  @Test
  void theRpoIsVariableAndTheReportSaysTheDataLostAndTheRowsRepairedPerTable() {
    IncidentReport report = IncidentReports.from(repaired(true), ARN, START, END, "SUCCEEDED");
    IncidentReport.ObjectiveResult rpo = report.objective("RPO");
    assertEquals("Variable", rpo.target());
    assertEquals(Verdict.NOT_APPLICABLE, rpo.verdict(), "no RPO target to pass or fail");
    // the copy was 1 h 26 min before the trigger; what that cost is in rows, per table
    assertEquals(5160L, rpo.measuredSeconds());
    String measured = rpo.measured();
    assertTrue(measured.contains("point-in-time copy at " + CLEAN), measured);
    // deleted + overwritten rows lost their later writes; a re-inserted row loses nothing
    assertTrue(measured.contains("Data lost: the writes made after " + CLEAN + " to 146 row(s) that the repair "
        + "deleted or overwrote (audit_logs 134, threat_reports 12)"), measured);
    assertTrue(measured.contains("audit_logs: 160 row(s) repaired (40 deleted, 26 inserted, 94 updated); "
        + "threat_reports: 12 row(s) repaired (0 deleted, 0 inserted, 12 updated)"), measured);
    assertTrue(report.impact().contains("Data lost: the writes made after " + CLEAN + " to 146 row(s)"),
        report.impact());
    String markdown = ReportRenderer.markdown(report);
    assertTrue(markdown.contains("| RPO | Data Corruption | Variable | 1h 26m"), markdown);
    assertTrue(markdown.contains("Table audit_logs: REPAIRED in live (40 deleted, 26 inserted, 94 updated; "
        + "committed), verified."), markdown);
    assertFalse(markdown.contains("not verified"), markdown);
  }

  @Test
  void aRecoveryThatRepairedNothingLostNothing() {
    Recovery r = Cases.with(Cases.recovery(false), new CorruptionState(Cases.REQUEST, new Diagnosis(List.of(),
        List.of(), null, CLEAN, "proposed", "x/y", "f"), null, null, null, null));
    IncidentReport report = IncidentReports.from(r, ARN, START, END, "FAILED");
    assertTrue(report.objective("RPO").measured().contains("no row repaired, no data lost"),
        report.objective("RPO").measured());
    assertTrue(report.impact().contains("No row of live was changed by the recovery."), report.impact());
  }
}
