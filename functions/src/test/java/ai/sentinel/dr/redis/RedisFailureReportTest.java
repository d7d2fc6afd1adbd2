package ai.sentinel.dr.redis;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.Documents;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReports;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Redis failure's part of the report: the snapshot's age is the RPO, and the cache's accepted loss is said. */
class RedisFailureReportTest {

  @Test
  void redisRecoveryIsMeasuredFromItsSnapshotAndSaysWhatTheCacheLost() {
    IncidentReport r = IncidentReports.from(Documents.redisSucceeded(), ARN, START,
        Instant.parse("2026-01-17T10:12:30Z"), "SUCCEEDED");
    assertEquals("Redis failure on sentinel-redis", r.title());
    ObjectiveResult rto = r.objective("RTO");
    assertEquals("Redis Failure", rto.objectiveName());
    assertEquals(589L, rto.measuredSeconds(), "10:02:11 -> verified 10:12:00");
    assertEquals(Verdict.PASS, rto.verdict());
    ObjectiveResult rpo = r.objective("RPO");
    assertEquals(131L, rpo.measuredSeconds(), "snapshot 10:00:00 -> alarm 10:02:11");
    assertEquals(Verdict.PASS, rpo.verdict(), "within the 5 minute objective");
    assertTrue(r.rootCause().contains("Underlying cause: the cluster's network became unusable "
        + "('incompatible-network': its subnet group or subnets changed)."), r.rootCause());
    assertTrue(rpo.measured().contains("sentinel-redis-2026-01-17-10-00"), rpo.measured());
    assertTrue(r.impact().contains("sessions require re-login and rate-limit counters reset"), r.impact());
    assertTrue(r.rootCause().contains("Observed: sentinel-redis is 'incompatible-network', 0 connections."),
        r.rootCause());
  }

  @Test
  void anOldRedisSnapshotFailsTheRpoAndAsksForMoreFrequentSnapshots() {
    Recovery doc = Documents.redisSucceeded();
    doc = doc.update(CacheState.PART, s -> s.withSnapshot(new CacheState.SnapshotChoice("nightly",
        "2026-01-17T05:00:00Z", "latest")));
    IncidentReport r = IncidentReports.from(doc, ARN, START, Instant.parse("2026-01-17T10:12:30Z"), "SUCCEEDED");
    assertEquals(Verdict.FAIL, r.objective("RPO").verdict());
    assertTrue(r.actionItems().stream().anyMatch(a -> a.action().startsWith("Snapshot sentinel-redis at least "
        + "every 5 minutes")), r.actionItems().toString());
  }
}
