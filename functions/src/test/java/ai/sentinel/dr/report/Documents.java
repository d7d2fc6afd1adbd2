package ai.sentinel.dr.report;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.database.DatabaseState.Decision;
import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.database.DatabaseState.Failover;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.database.DatabaseState.SecretUpdate;
import ai.sentinel.dr.ecs.EcsState;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.redis.CacheState;
import ai.sentinel.dr.recovery.PlannedCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.ServicesState;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Hand-made recovery documents with known times, shaped like the ones the database-failure state machine produces.
 * Reference incident: alarm at 10:02:11Z, execution start 10:02:12Z, verified 10:09:00Z, end 10:09:30Z; snapshot
 * taken 03:00:00Z. So TTD 1 s, RTO 6m 49s, TTR 7m 19s, RPO 7h 02m 11s.
 */
public final class Documents {
  public static final String NAME = "database-failure-sentinel-db-0123456789abcdef";
  public static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:dev-sentinel-dr-database-failure:"
      + NAME;
  public static final String TRIGGER_TIME = "2026-01-17T10:02:11Z";
  public static final Instant START = Instant.parse("2026-01-17T10:02:12Z");
  public static final Instant END = Instant.parse("2026-01-17T10:09:30Z");
  public static final String SNAPSHOT = "rds:sentinel-db-2026-01-17-03-00";
  public static final String SNAPSHOT_TIME = "2026-01-17T03:00:00Z";

  private Documents() {}

  public static Trigger trigger(String time) {
    return new Trigger("alarm", "eventbridge", "sentinel-rds-connections", time,
        "sentinel-rds-connections ALARM: DatabaseConnections < 1 for 1 datapoint");
  }

  public static Options options(String option, boolean dryRun) {
    return new Options(option, "latest", null, dryRun, 30, 60);
  }

  public static Recovery base(Trigger trigger, Options options) {
    return Recovery.start("database-failure", "sentinel-db", NAME, "dev", trigger, options);
  }

  public static TimelineEntry at(String hhmmss, String step, String event, String detail) {
    return new TimelineEntry("2026-01-17T" + hhmmss + "Z", step, event, detail);
  }

  public static Diagnosis lost() {
    return new Diagnosis(false, null, null, null, false, null, null, List.of(), null, null, List.of(), 0.0,
        "sentinel-db not found (DBInstanceNotFound)");
  }

  public static Diagnosis failingOver() {
    return new Diagnosis(true, "rebooting", "us-east-1a", "us-east-1b", true, "db.r6g.large", "sentinel-db-subnet",
        List.of("sg-0aaa"), "sentinel-db.abc.us-east-1.rds.amazonaws.com", 5432, List.of(), 0.0,
        "sentinel-db is 'rebooting' in us-east-1a (Multi-AZ); latest event: Multi-AZ failover started");
  }

  public static Verification verified() {
    return Verification.of(List.of(
        new Check("instance-available", Result.PASS, "sentinel-db-recovery is available"),
        new Check("secret-repointed", Result.PASS, "sentinel/database-url points at sentinel-db-recovery.abc"),
        new Check("services-stable", Result.PASS, "{sentinel-api=2/2, 1 deployment}"),
        new Check("select-1", Result.PASS, "SELECT 1 returned 1"),
        new Check("api-health", Result.PASS, "HTTP 200")));
  }

  /** Scenario 1 Option B, end to end, verified at 10:09:00Z. */
  public static Recovery optionBSucceeded() {
    Restore restore = new Restore("sentinel-db-recovery", SNAPSHOT, SNAPSHOT_TIME, null, "2026-01-17T10:02:16Z",
        "available", "sentinel-db-recovery.abc.us-east-1.rds.amazonaws.com", 5432, 9, true);
    DatabaseState db = new DatabaseState(lost(), new Decision("B", "instance not found: restore the latest snapshot"),
        null, restore, new SecretUpdate("sentinel/database-url", "sentinel-db-recovery.abc", "v2",
            "2026-01-17T10:07:06Z"));
    ServicesState services = new ServicesState("sentinel-production", List.of("sentinel-api", "sentinel-celery"),
        "2026-01-17T10:07:07Z", Map.of("sentinel-api", "ecs-svc/1", "sentinel-celery", "ecs-svc/2"), true,
        Map.of("sentinel-api", "2/2, 1 deployment", "sentinel-celery", "1/1, 1 deployment"), 3);
    return base(trigger(TRIGGER_TIME), options(null, false)).with(DatabaseState.PART, db).withServices(services)
        .withVerification(verified())
        .withApproval(Json.object().put("decision", "approved").put("by", "alice").put("at", "2026-01-17T10:07:05Z")
            .put("recorded", true))
        .log(at("10:02:13", "AcquireLock", "locked", "sentinel-db locked for this recovery (lease 180 min)"))
        .log(at("10:02:14", "Diagnose", "diagnosed", "sentinel-db not found (DBInstanceNotFound); 1 RDS event(s)"))
        .log(at("10:02:15", "ChooseOption", "decided", "Option B: instance not found: restore the latest snapshot"))
        .log(at("10:02:16", "RestoreFromSnapshot", "requested",
            "rds:RestoreDBInstanceFromDBSnapshot on sentinel-db-recovery"))
        .log(at("10:02:16", "RestoreFromSnapshot", "restoring", "sentinel-db-recovery from " + SNAPSHOT
            + " (taken " + SNAPSHOT_TIME + ")"))
        .log(at("10:04:16", "WaitForInstance", "waiting", "sentinel-db-recovery is 'creating' (poll 4)"))
        .log(at("10:07:00", "WaitForInstance", "done", "sentinel-db-recovery available at sentinel-db-recovery.abc"))
        .log(at("10:07:06", "UpdateSecret", "approved", "approved by alice at 2026-01-17T10:07:05Z"))
        .log(at("10:07:06", "UpdateSecret", "requested", "secretsmanager:UpdateSecret on sentinel/database-url"))
        .log(at("10:07:06", "UpdateSecret", "repointed", "sentinel/database-url: host sentinel-db.abc -> "
            + "sentinel-db-recovery.abc:5432"))
        .log(at("10:07:07", "RestartServices", "requested", "ecs:UpdateService on sentinel-production/sentinel-api"))
        .log(at("10:07:07", "RestartServices", "restarted", "sentinel-api, sentinel-celery: new deployments"))
        .log(at("10:08:30", "WaitForServices", "done", "services stable"))
        .log(at("10:09:00", "Verify", "verified", "[instance-available=PASS, secret-repointed=PASS]"))
        .log(at("10:09:20", "Notify", "notified", "RECOVERED (verified) (SNS message msg-1)"));
  }

  /**
   * Scenario 2, end to end: alarm 10:02:11Z, snapshot taken 10:00:00Z, verified 10:12:00Z. So RPO 2m 11s (objective
   * 5 minutes: pass) and RTO 9m 49s (objective 15 minutes: pass).
   */
  public static Recovery redisSucceeded() {
    CacheState cache = new CacheState(
        new CacheState.Diagnosis("sentinel-redis", true, "incompatible-network", "cache.r6g.large", "redis", "7.0",
            "sentinel-redis-subnet", List.of("sg-0ccc"), "original", 0.0, null, false,
            "sentinel-redis is 'incompatible-network', 0 connections", "2026-01-17T10:02:14Z"),
        new CacheState.SnapshotChoice("sentinel-redis-2026-01-17-10-00", "2026-01-17T10:00:00Z", "latest"),
        new CacheState.RecoveryCluster("sentinel-redis-recovery", "2026-01-17T10:02:16Z", "available",
            "sentinel-redis-recovery.abc.0001.use1.cache.amazonaws.com", 6379, true, 12),
        new CacheState.SecretUpdate("sentinel/redis-url", "v2", "2026-01-17T10:10:00Z",
            "sentinel-redis-recovery.abc.0001.use1.cache.amazonaws.com"));
    Trigger trigger = new Trigger("alarm", "eventbridge", "sentinel-redis-connections", TRIGGER_TIME,
        "sentinel-redis-connections ALARM: CurrConnections < 1");
    return Recovery.start("redis-failure", "sentinel-redis", "redis-failure-sentinel-redis-0123456789abcdef", "dev",
        trigger, options(null, false)).with(CacheState.PART, cache).withVerification(Verification.of(List.of(
            new Check("cluster-available", Result.PASS, "sentinel-redis-recovery is available"),
            new Check("redis-ping", Result.PASS, "PONG"))))
        .log(at("10:02:14", "Diagnose", "diagnosed", "sentinel-redis is 'incompatible-network'"))
        .log(at("10:02:15", "FindSnapshot", "decided", "latest snapshot sentinel-redis-2026-01-17-10-00"))
        .log(at("10:02:16", "CreateRecoveryCluster", "requested",
            "elasticache:CreateCacheCluster on sentinel-redis-recovery"))
        .log(at("10:10:00", "UpdateSecret", "repointed", "sentinel/redis-url -> sentinel-redis-recovery.abc:6379"))
        .log(at("10:12:00", "Verify", "verified", "[cluster-available=PASS, redis-ping=PASS]"));
  }

  /**
   * Scenario 3 with the rollback branch: alarm 10:02:11Z, the forced deployment did not stabilise, rolled back from
   * revision 9 to 7, scaled 1 -> 3, targets verified at 10:14:00Z: RTO 11m 49s against 10 minutes (fail).
   */
  public static Recovery ecsRolledBack() {
    String family = "arn:aws:ecs:us-east-1:123456789012:task-definition/sentinel-api:";
    EcsState ecs = new EcsState("sentinel-production", "sentinel-api",
        new EcsState.Diagnosis(family + "9", 1, 0, 0, List.of("PRIMARY IN_PROGRESS sentinel-api:9 0/1"),
            List.of(new EcsState.StoppedTask("arn:aws:ecs:us-east-1:123456789012:task/sentinel-production/t1",
                family + "9", "CannotPullContainerError: image not found", "TaskFailedToStart",
                "2026-01-17T10:01:00Z")), List.of(), "sentinel-api: 0/1 running, 1 task stopped: "
                + "CannotPullContainerError", "2026-01-17T10:02:14Z"),
        "scale", new EcsState.Deployment("ecs-svc/3", family + "7", "2026-01-17T10:08:00Z"), true, false, 2,
        "3/3 running, 1 deployment(s)",
        new EcsState.Rollback(family + "9", family + "7", "not stable after 10 polls: 0/1 running"),
        new EcsState.Scale(3, 1, true, "desired 1 below the configured 3: scaled up"),
        List.of(new EcsState.TargetHealth("10.0.1.5", 8000, "healthy", null)));
    Trigger trigger = new Trigger("ecs-event", "eventbridge", "SERVICE_DEPLOYMENT_FAILED", TRIGGER_TIME,
        "ECS deployment of sentinel-api failed");
    return Recovery.start("ecs-service-failure", "sentinel-api", "ecs-service-failure-sentinel-api-0123456789abcdef",
        "dev", trigger, options(null, false)).with(EcsState.PART, ecs).withVerification(Verification.of(List.of(
            new Check("service-stable", Result.PASS, "3/3 running, 1 deployment"),
            new Check("target-health", Result.PASS, "1 healthy"))))
        .log(at("10:02:14", "Diagnose", "diagnosed", "sentinel-api: 0/1 running"))
        .log(at("10:02:15", "ForceNewDeployment", "requested", "ecs:UpdateService on sentinel-production/sentinel-api"))
        .log(at("10:07:15", "WaitForStability", "decided", "not stable after 10 polls: rolling back"))
        .log(at("10:07:16", "DeployPreviousVersion", "rolled-back", "sentinel-api:9 -> sentinel-api:7"))
        .log(at("10:10:00", "ScaleUp", "scaled", "desired 1 -> 3"))
        .log(at("10:14:00", "VerifyTargets", "verified", "[service-stable=PASS, target-health=PASS]"));
  }

  /** Scenario 1 Option A: the Multi-AZ failover completed and was verified at verifiedAt (HH:mm:ss). */
  public static Recovery optionASucceeded(String verifiedAt) {
    DatabaseState db = new DatabaseState(failingOver(), new Decision("A", "instance exists and is Multi-AZ"),
        new Failover("available", "us-east-1a", "us-east-1b", 3, true), null, null);
    return base(trigger(TRIGGER_TIME), options(null, false)).with(DatabaseState.PART, db)
        .withVerification(Verification.of(List.of(new Check("instance-available", Result.PASS, "available"))))
        .log(at("10:02:14", "Diagnose", "diagnosed", "sentinel-db is 'rebooting' in us-east-1a (Multi-AZ)"))
        .log(at("10:02:15", "ChooseOption", "decided", "Option A: instance exists and is Multi-AZ"))
        .log(at("10:04:00", "VerifyFailover", "done", "sentinel-db available; moved us-east-1a -> us-east-1b"))
        .log(at(verifiedAt, "Verify", "verified", "[instance-available=PASS]"));
  }

  /** Scenario 1 Option A done within a minute (verified 10:02:50Z): every step well within its share of the RTO. */
  public static Recovery optionAQuick() {
    DatabaseState db = new DatabaseState(failingOver(), new Decision("A", "instance exists and is Multi-AZ"),
        new Failover("available", "us-east-1a", "us-east-1b", 1, true), null, null);
    return base(trigger(TRIGGER_TIME), options(null, false)).with(DatabaseState.PART, db)
        .withVerification(Verification.of(List.of(new Check("instance-available", Result.PASS, "available"))))
        .log(at("10:02:14", "Diagnose", "diagnosed", "sentinel-db is 'rebooting' in us-east-1a (Multi-AZ)"))
        .log(at("10:02:15", "ChooseOption", "decided", "Option A: instance exists and is Multi-AZ"))
        .log(at("10:02:40", "VerifyFailover", "done", "sentinel-db available; moved us-east-1a -> us-east-1b"))
        .log(at("10:02:50", "Verify", "verified", "[instance-available=PASS]"));
  }

  /** The Catch's error as Step Functions writes it when a Lambda step threw. */
  public static JsonNode error(String type, String message) {
    return Json.object().put("Error", type).put("Cause", Json.object().put("errorMessage", message)
        .put("errorType", type).toString());
  }

  /** Option B failed in WaitForInstance (timed out); Notify reported it. No verification. */
  public static Recovery optionBFailed() {
    Restore restore = new Restore("sentinel-db-recovery", SNAPSHOT, SNAPSHOT_TIME, null, "2026-01-17T10:02:16Z",
        "creating", null, null, 60, false);
    DatabaseState db = new DatabaseState(lost(), new Decision("B", "instance not found: restore the latest snapshot"),
        null, restore, null);
    return base(trigger(TRIGGER_TIME), options(null, false)).with(DatabaseState.PART, db)
        .withError(error("ai.sentinel.dr.errors.TimedOutError", "sentinel-db-recovery still 'creating' after 60 polls"))
        .log(at("10:02:14", "Diagnose", "diagnosed", "sentinel-db not found (DBInstanceNotFound)"))
        .log(at("10:02:15", "ChooseOption", "decided", "Option B: instance not found: restore the latest snapshot"))
        .log(at("10:02:16", "RestoreFromSnapshot", "requested",
            "rds:RestoreDBInstanceFromDBSnapshot on sentinel-db-recovery"))
        .log(at("10:32:16", "WaitForInstance", "waiting", "sentinel-db-recovery is 'creating' (poll 60)"))
        .log(at("10:40:00", "Notify", "failed", "TimedOutError: sentinel-db-recovery still 'creating' after 60 polls"));
  }

  /** AcquireLock failed: nothing but the trigger and the error. */
  public static Recovery failedBeforeDiagnose() {
    return base(trigger(TRIGGER_TIME), options(null, false))
        .withError(error("ai.sentinel.dr.errors.StepFailedError", "AcquireLock: sentinel-db is locked by another "
            + "recovery"))
        .log(at("10:02:20", "Notify", "failed", "StepFailedError: AcquireLock: sentinel-db is locked"));
  }

  /** Dry-run of Option B: the plan, no change, verification skipped. */
  public static Recovery optionBDryRun() {
    Restore restore = new Restore("sentinel-db-recovery", SNAPSHOT, SNAPSHOT_TIME, null, "2026-01-17T10:02:16Z",
        "planned", null, null, 0, false);
    DatabaseState db = new DatabaseState(lost(), new Decision("B", "instance not found: restore the latest snapshot"),
        null, restore, null);
    return base(trigger(TRIGGER_TIME), options(null, true)).with(DatabaseState.PART, db)
        .withPlanned(new PlannedCall("RestoreFromSnapshot", "rds", "RestoreDBInstanceFromDBSnapshot",
            "sentinel-db-recovery", "RestoreDbInstanceFromDbSnapshotRequest(...)"))
        .withVerification(Verification.of(List.of(new Check("all", Result.SKIP, "dry-run: nothing was changed"))))
        .log(at("10:02:13", "AcquireLock", "skipped", "dry-run: no lock needed, nothing will be changed"))
        .log(at("10:02:14", "Diagnose", "diagnosed", "sentinel-db not found (DBInstanceNotFound)"))
        .log(at("10:02:15", "ChooseOption", "decided", "Option B: instance not found: restore the latest snapshot"))
        .log(at("10:02:16", "RestoreFromSnapshot", "planned",
            "rds:RestoreDBInstanceFromDBSnapshot on sentinel-db-recovery (dry-run, not sent)"))
        .log(at("10:02:16", "RestoreFromSnapshot", "would-restore", "sentinel-db-recovery from " + SNAPSHOT))
        .log(at("10:02:20", "Verify", "skipped", "dry-run: verification not run"))
        .log(at("10:02:21", "Notify", "notified", "DRY-RUN plan (1 call(s), nothing sent) (SNS message msg-1)"));
  }
}
