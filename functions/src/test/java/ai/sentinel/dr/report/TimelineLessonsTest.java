package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.START;
import static ai.sentinel.dr.report.Documents.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.recovery.Recovery;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lessons learned from the timeline: slow steps against their share of the RTO, loops, approvals, skipped steps. */
class TimelineLessonsTest {

  @Test
  void theReferenceIncidentNamesItsSlowestStepsAndTheApprovalWait() {
    List<String> lessons = IncidentReports.from(Documents.optionBSucceeded(), ARN, START, Documents.END,
        "SUCCEEDED").lessons();
    // 30 minutes over 9 steps (AcquireLock ... Verify): 3m 20s each; WaitForInstance 10:02:16 -> 10:07:00
    assertTrue(lessons.contains("WaitForInstance took 4m 44s, more than its share of the RTO (3m 20s: the objective "
        + "over 9 steps): 16% of the objective; the first place to look for a faster recovery."), lessons.toString());
    assertTrue(lessons.contains("UpdateSecret waited 5s for its approval (10:07 to 10:07 UTC, approved by alice): "
        + "0% of the RTO spent waiting for a human."), lessons.toString());
    assertTrue(lessons.stream().noneMatch(l -> l.startsWith("UpdateSecret took")), "the wait is the human's");
  }

  @Test
  void aStepRunTwiceAndASkippedStepAreLessons() {
    Recovery r = Documents.ecsRolledBack()
        .log(at("10:14:10", "WaitForStability", "done", "3/3 running"))
        .log(at("10:14:20", "ScaleUp", "skipped", "already at the configured count"));
    List<String> lessons = IncidentReports.from(r, ARN, START, Instant.parse("2026-01-17T10:14:30Z"), "SUCCEEDED")
        .lessons();
    assertTrue(lessons.contains("WaitForStability ran 2 times (a loop or a retry of the step): each run after the "
        + "first is time the recovery did not plan for."), lessons.toString());
    assertTrue(lessons.contains("ScaleUp ran 2 times (a loop or a retry of the step): each run after the first is "
        + "time the recovery did not plan for."), lessons.toString());
    assertTrue(lessons.contains("ScaleUp was skipped (already at the configured count): the recovery went on "
        + "without it; check that it may."), lessons.toString());
  }

  @Test
  void aLongApprovalIsMeasuredFromTheGateToTheAnswer() {
    Recovery r = Documents.optionBSucceeded().withApproval(Json.object().put("decision", "approved")
        .put("by", "bob").put("at", "2026-01-17T10:19:00Z").put("recorded", true));
    r = Recovery.start(r.scenario(), r.resource(), r.executionName(), r.environment(), r.trigger(), r.options())
        .with(DatabaseState.PART, r.part(DatabaseState.PART))
        .log(at("10:02:14", "Diagnose", "diagnosed", "sentinel-db not found"))
        .log(at("10:19:01", "UpdateSecret", "approved", "approved by bob at 2026-01-17T10:19:00Z"))
        .log(at("10:19:02", "UpdateSecret", "repointed", "sentinel/database-url"));
    List<String> lessons = IncidentReports.from(r, ARN, START, Instant.parse("2026-01-17T10:20:00Z"), "SUCCEEDED")
        .lessons();
    assertEquals("UpdateSecret waited 16m 46s for its approval (10:02 to 10:19 UTC, approved by bob): 56% of the "
        + "RTO spent waiting for a human.", lessons.stream().filter(l -> l.contains("approval")).findFirst()
            .orElseThrow());
  }
}
