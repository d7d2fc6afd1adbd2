package ai.sentinel.dr.redis;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.redis.CacheState.Diagnosis;
import ai.sentinel.dr.redis.CacheState.SnapshotChoice;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.RecoveryPoint;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.report.ReportTimes;
import ai.sentinel.dr.report.Severity;
import java.time.Instant;

/**
 * Redis failure: its part of the post-incident report. P3 (cache and queues degraded, data intact); the recovery point
 * is the restored snapshot's time, and the impact says what the runbook accepts losing beyond it.
 */
final class RedisFailureReport implements ReportPart {

  /** Runbook Scenario 2 "Notes": what a Redis recovery loses by design. */
  static final String DATA_LOSS = "Redis data is not carried over beyond the snapshot (cache only, accepted by the "
      + "runbook): sessions require re-login and rate-limit counters reset.";

  @Override
  public Severity severity(ReportFacts f) {
    return new Severity("P3", "cache and queues degraded, data intact");
  }

  @Override
  public String affected(ReportFacts f) {
    Diagnosis d = diagnosis(f);
    return "Redis cluster " + f.resource("the resource") + (d == null ? " failed (not diagnosed)"
        : !d.found() ? " was lost (CacheClusterNotFound)" : " was '" + d.status() + "'")
        + "; API sessions, rate limiting and Celery queues were degraded";
  }

  @Override
  public String dataLoss(ReportFacts f) {
    return DATA_LOSS;
  }

  @Override
  public String finding(ReportFacts f) {
    Diagnosis d = diagnosis(f);
    return d == null ? null : d.finding();
  }

  /** From Diagnose: the cluster missing, its status, or its connections while available. */
  @Override
  public String underlyingCause(ReportFacts f) {
    Diagnosis d = diagnosis(f);
    if (d == null) {
      return null;
    }
    String id = d.clusterId() == null ? f.resource("the cluster") : d.clusterId();
    if (!d.found()) {
      return "the cluster " + id + " no longer exists (CacheClusterNotFound): deleted or lost with its data, so a "
          + "new cluster had to be restored from a snapshot.";
    }
    String status = d.status() == null ? "unknown" : d.status();
    return switch (status) {
      case "incompatible-network" -> "the cluster's network became unusable ('incompatible-network': its subnet "
          + "group or subnets changed).";
      case "restore-failed" -> "the cluster's restore failed ('restore-failed').";
      case "deleting", "deleted" -> "the cluster " + id + " was being deleted ('" + status + "'): deleted by hand, "
          + "by automation or by AWS, its data gone with it, so a new cluster had to be restored from a snapshot.";
      case "available" -> "the cluster was available" + (d.currConnections() == null ? "" : " with "
          + Math.round(d.currConnections()) + " connection(s)") + ": the clients could not reach it (network, "
          + "security group or the URL in the secret), not the cache itself.";
      default -> "the cluster was '" + status + "' when diagnosed" + (d.finding() == null ? "" : " ("
          + oneLine(d.finding()) + ")") + ".";
    };
  }

  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    CacheState cache = f.recovery().part(CacheState.PART);
    SnapshotChoice snapshot = cache == null ? null : cache.snapshot();
    if (snapshot == null) {
      return RecoveryPoint.of(null, "no snapshot chosen");
    }
    Instant point = ReportTimes.parse(snapshot.createdAt());
    return RecoveryPoint.at(f, point, f.reached() + "snapshot " + snapshot.name()
        + (point == null ? ", creation time unknown" : " taken " + point), true);
  }

  @Override
  public String rpoAction(ReportFacts f, ObjectiveResult rpo) {
    return "Snapshot " + f.recovery().resource() + " at least every " + rpo.target() + " to meet the RPO (snapshot was "
        + ReportTimes.human(rpo.measuredSeconds()) + " old)";
  }

  private static Diagnosis diagnosis(ReportFacts f) {
    CacheState cache = f.recovery().part(CacheState.PART);
    return cache == null ? null : cache.diagnosis();
  }
}
