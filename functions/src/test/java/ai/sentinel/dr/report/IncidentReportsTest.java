package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.END;
import static ai.sentinel.dr.report.Documents.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.report.IncidentReport.ActionItem;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's numbers are what a reviewer would compute by hand from the document; nothing is invented. */
class IncidentReportsTest {

  private static IncidentReport succeededB() {
    return IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END, "SUCCEEDED");
  }

  @Test
  void durationsOfTheReferenceIncident() {
    IncidentReport r = succeededB();
    assertEquals(1L, r.metrics().timeToDetectionSeconds(), "trigger 10:02:11 -> start 10:02:12");
    assertEquals(6 * 60 + 49L, r.metrics().rtoSeconds(), "trigger 10:02:11 -> verified 10:09:00");
    assertEquals(7 * 60 + 19L, r.metrics().timeToResolutionSeconds(), "trigger 10:02:11 -> end 10:09:30");
    assertEquals(7 * 3600 + 2 * 60 + 11L, r.metrics().rpoSeconds(), "snapshot 03:00:00 -> trigger 10:02:11");
    assertEquals(439L, r.durationSeconds());
    assertEquals("7m 19s (10:02 to 10:09 UTC)", r.duration());
    assertEquals("2026-01-17", r.date());
    assertEquals("2026-01-17T10:09:00Z", r.verifiedAt());
    assertEquals(Boolean.TRUE, r.metrics().recovered());
  }

  @Test
  void optionBIsMeasuredAgainstTheCompleteLossRow() {
    IncidentReport r = succeededB();
    ObjectiveResult rto = r.objective("RTO");
    assertEquals("Database Failure (Complete)", rto.objectiveName());
    assertEquals("30 minutes", rto.target());
    assertEquals(1800L, rto.targetSeconds());
    assertEquals(Verdict.PASS, rto.verdict());
    ObjectiveResult rpo = r.objective("RPO");
    assertEquals("1 hour", rpo.target());
    assertEquals(Verdict.FAIL, rpo.verdict(), "a 7 h old snapshot misses the 1 h RPO");
    assertTrue(rpo.measured().startsWith("7h 02m 11s (snapshot " + Documents.SNAPSHOT), rpo.measured());
  }

  @Test
  void titleSeverityImpactAndRootCauseComeFromTheDocument() {
    IncidentReport r = succeededB();
    assertEquals("Database failure on sentinel-db (Option B: restore from snapshot)", r.title());
    assertEquals("P1", r.severity());
    assertTrue(r.severityReason().contains("complete database loss"), r.severityReason());
    assertTrue(r.impact().contains("sentinel-db was lost (DBInstanceNotFound)"), r.impact());
    assertTrue(r.impact().contains("sentinel-api, sentinel-celery"), r.impact());
    assertTrue(r.impact().contains("until the recovery was verified at 10:09 UTC"), r.impact());
    assertTrue(r.impact().contains("7h 02m 11s before the failure may be lost"), r.impact());
    assertTrue(r.rootCause().contains("Observed: sentinel-db not found (DBInstanceNotFound)"), r.rootCause());
    assertTrue(r.rootCause().contains("DatabaseConnections < 1"), "the trigger's summary: " + r.rootCause());
    assertTrue(r.rootCause().contains("Underlying cause: the primary instance sentinel-db no longer exists "
        + "(DBInstanceNotFound)"), "from the diagnosis: " + r.rootCause());
    assertFalse(r.rootCause().contains("[Description of root cause]"), r.rootCause());
    assertEquals("not measured: no load balancer configured (cdk.json report.loadBalancer)",
        r.metrics().customerImpact());
    assertEquals("SUCCEEDED", r.status());
    assertFalse(r.drill());
  }

  @Test
  void timelineHasTheTriggerTheStepsWithApproverAndTheEnd() {
    List<String> t = succeededB().timeline();
    assertEquals("10:02 - Trigger: alarm via eventbridge (sentinel-rds-connections): sentinel-rds-connections "
        + "ALARM: DatabaseConnections < 1 for 1 datapoint", t.get(0));
    assertEquals("10:02 - Execution started: " + Documents.NAME, t.get(1));
    assertTrue(t.contains("10:07 - UpdateSecret approved: approved by alice at 2026-01-17T10:07:05Z"), t.toString());
    assertTrue(t.contains("10:09 - Verify verified: [instance-available=PASS, secret-repointed=PASS]"), t.toString());
    assertEquals("10:09 - Execution ended: SUCCEEDED", t.get(t.size() - 1));
    assertEquals(Documents.optionBSucceeded().timeline().size() + 3, t.size());
    t.forEach(line -> assertTrue(line.matches("\\d\\d:\\d\\d - .+"), line));
  }

  @Test
  void resolutionListsTheStepsTaken() {
    List<String> steps = succeededB().resolution();
    assertTrue(steps.stream().anyMatch(s -> s.contains("ChooseOption decided: Option B")), steps.toString());
    assertTrue(steps.stream().anyMatch(s -> s.contains("RestoreFromSnapshot requested")), steps.toString());
    assertTrue(steps.stream().anyMatch(s -> s.contains("UpdateSecret repointed")), steps.toString());
    assertTrue(steps.stream().anyMatch(s -> s.contains("RestartServices restarted")), steps.toString());
    assertTrue(steps.stream().anyMatch(s -> s.contains("Verify verified")), steps.toString());
    assertFalse(steps.stream().anyMatch(s -> s.contains("waiting") || s.contains("notified")), steps.toString());
  }

  @Test
  void theMissedRpoBecomesALessonAndAnActionAndTheReviewIsDueIn48Hours() {
    IncidentReport r = succeededB();
    assertTrue(r.lessons().stream().anyMatch(l -> l.contains("7h 02m 11s older than the failure")), r.lessons()
        .toString());
    ActionItem review = r.actionItems().get(0);
    assertTrue(review.action().startsWith("Complete this post-incident review"), review.action());
    assertEquals("2026-01-19 10:09 UTC", review.due(), "end 2026-01-17 10:09:30 + 48 h");
    assertEquals("Primary On-Call", review.owner(), "the runbook's on-call role by default");
    ActionItem snapshot = r.actionItems().get(1);
    assertEquals("Primary On-Call", snapshot.owner());
    assertEquals("2026-01-31 10:09 UTC", snapshot.due(), "end + the default 14 days");
    IncidentReport configured = IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END, "SUCCEEDED",
        new ReportSettings("SRE on-call (secondary)", 7, null, null), CustomerImpact.NOT_CONFIGURED);
    configured.actionItems().forEach(a -> assertEquals("SRE on-call (secondary)", a.owner()));
    assertEquals("2026-01-19 10:09 UTC", configured.actionItems().get(0).due(), "the review: 48 h whatever");
    assertEquals("2026-01-24 10:09 UTC", configured.actionItems().get(1).due(), "end + 7 days");
    assertTrue(r.actionItems().stream().anyMatch(a -> a.action().startsWith("Snapshot sentinel-db at least every "
        + "1 hour")), r.actionItems().toString());
  }

  @Test
  void aFailedRecoveryHasNoRtoIsP1AndAsksToInvestigateTheError() {
    Instant end = Instant.parse("2026-01-17T10:40:00Z");
    IncidentReport r = IncidentReports.from(Documents.optionBFailed(), ARN, START, end, "FAILED");
    assertEquals("FAILED", r.status());
    assertEquals("P1", r.severity());
    assertTrue(r.severityReason().contains("automatic recovery failed"), r.severityReason());
    assertTrue(r.title().endsWith(" - automatic recovery FAILED"), r.title());
    assertNull(r.metrics().rtoSeconds());
    assertNull(r.metrics().timeToResolutionSeconds());
    assertEquals(Boolean.FALSE, r.metrics().recovered());
    assertEquals(1L, r.metrics().timeToDetectionSeconds());
    // 37m 49s after the trigger and still not recovered: the 30 minute objective is missed whatever happens next
    assertEquals(Verdict.FAIL, r.objective("RTO").verdict());
    assertTrue(r.objective("RTO").measured().contains("not recovered 37m 49s after the trigger"));
    String cause = "TimedOutError: sentinel-db-recovery still 'creating' after 60 polls";
    assertTrue(r.rootCause().contains("Recovery stopped: " + cause), r.rootCause());
    assertTrue(r.actionItems().stream().anyMatch(a -> a.action().equals("Investigate " + cause)),
        r.actionItems().toString());
    assertTrue(r.lessons().stream().anyMatch(l -> l.contains("60 polls x 30 s = 30m 00s")), "timeout budget noted: "
        + r.lessons());
    assertEquals("NOT_RUN", r.verification().get(0).result());
    // the snapshot aimed at is 7 h old, but nothing was restored: a failed recovery's RPO is never a pass
    assertEquals(Verdict.FAIL, r.objective("RPO").verdict());
    assertTrue(r.objective("RPO").measured().startsWith("not met: the recovery failed, no data was recovered"),
        r.objective("RPO").measured());
    assertTrue(r.timeline().get(r.timeline().size() - 1).startsWith("10:40 - Execution ended: FAILED (TimedOutError"));
    assertTrue(r.resolution().get(r.resolution().size() - 1).startsWith("Automatic recovery stopped"));
  }

  @Test
  void aFailedRecoveryWhoseRecoveryPointWouldHaveMetTheObjectiveStillFailsTheRpo() {
    // Option A aims at RPO 0 (the standby): within the objective, yet the failover never completed
    Recovery failed = Documents.optionASucceeded("10:06:11").withVerification(null)
        .withError(Documents.error("ai.sentinel.dr.errors.TimedOutError", "sentinel-db still 'rebooting'"));
    IncidentReport r = IncidentReports.from(failed, ARN, START, Instant.parse("2026-01-17T10:05:00Z"), "FAILED");
    assertEquals(0L, r.objective("RPO").measuredSeconds());
    assertEquals(Verdict.FAIL, r.objective("RPO").verdict(), r.objective("RPO").toString());
    assertFalse(r.lessons().stream().anyMatch(l -> l.contains("older than the failure")), r.lessons().toString());
  }

  @Test
  void aFailureWithinTheObjectiveLeavesTheRtoUndecided() {
    IncidentReport r = IncidentReports.from(Documents.optionBFailed(), ARN, START,
        Instant.parse("2026-01-17T10:20:00Z"), "FAILED");
    assertEquals(Verdict.NOT_APPLICABLE, r.objective("RTO").verdict(), "a human may still recover in time");
  }

  @Test
  void aFailureBeforeDiagnoseStillMakesAReport() {
    IncidentReport r = IncidentReports.from(Documents.failedBeforeDiagnose(), ARN, START,
        Instant.parse("2026-01-17T10:02:21Z"), "FAILED");
    assertEquals("Database failure on sentinel-db - automatic recovery FAILED", r.title());
    assertEquals("P1", r.severity());
    assertNull(r.option());
    assertTrue(r.rootCause().contains("not diagnosed (the recovery stopped before Diagnose ran)"), r.rootCause());
    assertEquals(Verdict.NOT_APPLICABLE, r.objective("RTO").verdict());
    assertEquals("undetermined (no runbook option chosen)", r.objective("RTO").target());
    assertNull(r.metrics().rpoSeconds());
    assertTrue(r.actionItems().stream().anyMatch(a -> a.action().startsWith("Investigate StepFailedError: "
        + "AcquireLock")), r.actionItems().toString());
  }

  @Test
  void aDryRunIsAP4DrillWithNothingRecoveredAndItsPlannedRpo() {
    // the state machine ends Succeeded after a dry-run: the document's dryRun wins
    IncidentReport r = IncidentReports.from(Documents.optionBDryRun(), ARN, START,
        Instant.parse("2026-01-17T10:02:22Z"), "SUCCEEDED");
    assertEquals("DRY_RUN", r.status());
    assertTrue(r.dryRun());
    assertTrue(r.drill());
    assertEquals("P4", r.severity());
    assertEquals("[DRILL, DRY-RUN] Database failure on sentinel-db (Option B: restore from snapshot)", r.title());
    assertNull(r.metrics().rtoSeconds());
    assertNull(r.metrics().timeToResolutionSeconds());
    assertNull(r.metrics().recovered());
    assertTrue(r.impact().startsWith("None: dry-run drill"), r.impact());
    assertEquals("none: dry-run, nothing was changed", r.metrics().customerImpact());
    // what the drill is for: the restore it planned would have missed the RPO
    assertEquals(25331L, r.metrics().rpoSeconds());
    assertTrue(r.metrics().rpoBasis().startsWith("planned: snapshot"), r.metrics().rpoBasis());
    assertEquals(Verdict.FAIL, r.objective("RPO").verdict());
    assertEquals(Verdict.NOT_APPLICABLE, r.objective("RTO").verdict());
    assertTrue(r.resolution().stream().anyMatch(s -> s.contains("would-restore")), r.resolution().toString());
    assertTrue(r.resolution().stream().noneMatch(s -> s.contains(" requested")), r.resolution().toString());
    assertTrue(r.actionItems().stream().anyMatch(a -> a.action().contains("Testing Schedule")));
    assertEquals("SKIP", r.verification().get(0).result());
  }

  @Test
  void aDrillTriggerIsP4ButStillMeasured() {
    Recovery drill = Documents.optionBSucceeded();
    drill = drill.withEnvelope(drill.scenario(), drill.resource(), drill.executionName(), drill.environment(),
        new Trigger("drill", "schedule", "monthly-restore", Documents.TRIGGER_TIME, "scheduled drill"),
        drill.options());
    IncidentReport r = IncidentReports.from(drill, ARN, START, END, "SUCCEEDED");
    assertEquals("P4", r.severity());
    assertTrue(r.title().startsWith("[DRILL] Database failure"), r.title());
    assertEquals(409L, r.metrics().rtoSeconds());
    assertTrue(r.impact().startsWith("Drill"), r.impact());
  }

  @Test
  void aSkippedVerificationCheckIsALesson() {
    Recovery r = Documents.optionBSucceeded().withVerification(Verification.of(List.of(
        new Check("instance-available", Result.PASS, "available"),
        new Check("select-1", Result.SKIP, "VERIFY_DB_CONNECT=false: no network path to the database"))));
    IncidentReport report = IncidentReports.from(r, ARN, START, END, "SUCCEEDED");
    assertTrue(report.lessons().stream().anyMatch(l -> l.startsWith("Verification check select-1 did not run")));
    assertTrue(report.actionItems().stream().anyMatch(a -> a.action().startsWith("Enable verification check "
        + "select-1")));
  }

  @Test
  void partialAndMissingDataNeverThrow() {
    IncidentReport nothing = IncidentReports.from(null, null, null, null, null);
    assertNotNull(nothing.title());
    assertEquals("RUNNING", nothing.status());
    assertNull(nothing.date());
    assertEquals("within 48 hours of the recovery's end", nothing.actionItems().get(0).due());
    assertNotNull(ReportRenderer.markdown(nothing));

    Recovery noTime = Documents.base(new Trigger("manual", "manual", "req-1", null, "by hand"), null)
        .log(new TimelineEntry("not a time", "Diagnose", "diagnosed", "line one\nline two"))
        .log(new TimelineEntry(null, null, null, null));
    IncidentReport r = IncidentReports.from(noTime, ARN, START, END, "bogus");
    assertNull(r.metrics().timeToDetectionSeconds());
    assertEquals("--:-- - Trigger: manual via manual (req-1): by hand", r.timeline().get(0));
    assertTrue(r.timeline().contains("--:-- - Diagnose diagnosed: line one line two"), r.timeline().toString());
    assertEquals(438L, r.durationSeconds(), "from the execution start when the trigger time is unknown");
    assertTrue(r.duration().contains("trigger time unknown"), r.duration());
    assertEquals("database-failure-sentinel-db-0123456789abcdef", r.executionName());
    assertNotNull(ReportRenderer.markdown(r));
  }

  @Test
  void aScenarioNoPlugInRegistersStillGetsItsRunbookNameSeverityAndObjective() {
    // every runbook scenario has its plug-in now: data corruption's own part speaks for an empty document
    Recovery corruption = Recovery.start("data-corruption", "sentinel-db", "data-corruption-sentinel-db-1", "dev",
        Documents.trigger(Documents.TRIGGER_TIME), Documents.options(null, false));
    IncidentReport r = IncidentReports.from(corruption, ARN, START, END, "SUCCEEDED");
    assertEquals("Data corruption on sentinel-db", r.title());
    assertEquals("P1", r.severity());
    assertEquals("Data Corruption", r.objective("RTO").objectiveName());
    assertTrue(r.impact().startsWith("Data corruption in sentinel-db (not diagnosed)"), r.impact());

    IncidentReport unknown = IncidentReports.from(Recovery.start("nope", "x", "n", "dev",
        Documents.trigger(Documents.TRIGGER_TIME), null), ARN, START, END, "SUCCEEDED");
    assertEquals("nope on x", unknown.title(), "the id itself");
    assertEquals("P3", unknown.severity());
    assertEquals("none in the runbook", unknown.objective("RTO").target());
    assertNotNull(ReportRenderer.markdown(unknown));
  }

  @Test
  void theStatusIsNormalisedAndTheDocumentWins() {
    assertEquals("FAILED", IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END, "timed_out")
        .status());
    assertEquals("FAILED", IncidentReports.from(Documents.optionBFailed(), ARN, START, END, "SUCCEEDED").status(),
        "an error in the document is a failure whatever the caller says");
    assertEquals("SUCCEEDED", IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END, null).status(),
        "verified and no status given");
    assertEquals("RUNNING", IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END, "running").status());
  }

  @Test
  void theExecutionNameFallsBackToTheArn() {
    Recovery r = Documents.optionBSucceeded();
    Recovery unnamed = r.withEnvelope(r.scenario(), r.resource(), null, r.environment(), r.trigger(), r.options());
    assertEquals(Documents.NAME, IncidentReports.from(unnamed, ARN, START, END, "SUCCEEDED").executionName());
  }

  @Test
  void theReportSurvivesJson() {
    for (IncidentReport r : List.of(succeededB(),
        IncidentReports.from(Documents.optionBFailed(), ARN, START, END, "FAILED"),
        IncidentReports.from(Documents.optionBDryRun(), ARN, START, END, "DRY_RUN"))) {
      String json = Json.write(r);
      assertEquals(r, Json.read(json.getBytes(), IncidentReport.class));
      assertFalse(json.contains("null"), "unknown values are left out: " + json);
    }
    assertTrue(Json.write(succeededB()).contains("\"verdict\":\"fail\""));
  }
}
