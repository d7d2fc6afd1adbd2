package ai.sentinel.dr.database;

import ai.sentinel.dr.recovery.Part;
import java.util.List;

/**
 * Scenario 1 (Database Failure) working state, filled in step by step.
 *
 * @param diagnosis what Diagnose saw
 * @param decision  which runbook option ChooseOption took, and why
 * @param failover  Option A progress
 * @param restore   Option B/C progress
 * @param secret    the repointed database URL secret (never its value)
 */
public record DatabaseState(
    Diagnosis diagnosis, Decision decision, Failover failover, Restore restore, SecretUpdate secret) {
  /** Where Scenario 1 keeps its state in the recovery document (Choice states read $.database...). */
  public static final Part<DatabaseState> PART = new Part<>("database", DatabaseState.class);


  public DatabaseState withDecision(Decision value) {
    return new DatabaseState(diagnosis, value, failover, restore, secret);
  }

  public DatabaseState withFailover(Failover value) {
    return new DatabaseState(diagnosis, decision, value, restore, secret);
  }

  public DatabaseState withRestore(Restore value) {
    return new DatabaseState(diagnosis, decision, failover, value, secret);
  }

  public DatabaseState withSecret(SecretUpdate value) {
    return new DatabaseState(diagnosis, decision, failover, restore, value);
  }

  /**
   * Runbook "Diagnosis": instance status, recent events, DatabaseConnections.
   *
   * @param instanceFound       false when DescribeDBInstances says DBInstanceNotFound
   * @param status              DBInstanceStatus
   * @param availabilityZone    primary AZ
   * @param secondaryZone       standby AZ (Multi-AZ)
   * @param multiAz             Multi-AZ enabled
   * @param instanceClass       e.g. db.t3.medium
   * @param subnetGroup         DB subnet group name
   * @param securityGroups      VPC security group ids
   * @param endpoint            endpoint address
   * @param port                endpoint port
   * @param recentEvents        RDS events of the last 60 minutes
   * @param connectionsAverage  latest 5-minute average of DatabaseConnections, null without data
   * @param rootCause           one-line summary for the report
   */
  public record Diagnosis(
      boolean instanceFound,
      String status,
      String availabilityZone,
      String secondaryZone,
      boolean multiAz,
      String instanceClass,
      String subnetGroup,
      List<String> securityGroups,
      String endpoint,
      Integer port,
      List<RdsEvent> recentEvents,
      Double connectionsAverage,
      String rootCause) {}

  /** An RDS event as DescribeEvents reports it. */
  public record RdsEvent(String date, List<String> categories, String message) {}

  /** Option A, B or C and the reason it was chosen. */
  public record Decision(String option, String reason) {}

  /**
   * Option A: waiting for the Multi-AZ failover to finish.
   *
   * @param status           current DBInstanceStatus
   * @param zoneBefore       AZ seen at diagnosis
   * @param zoneAfter        AZ once available
   * @param polls            polls so far
   * @param done             instance available again
   */
  public record Failover(String status, String zoneBefore, String zoneAfter, int polls, boolean done) {}

  /**
   * Option B/C: the restored instance.
   *
   * @param targetInstanceId  sentinel-db-recovery (B) or sentinel-db-pitr (C)
   * @param sourceSnapshotId  snapshot restored (B)
   * @param snapshotTime      its creation time: the recovery point for RPO
   * @param restoreTime       point in time restored to (C), "latest" resolved to a time when known
   * @param requestedAt       when the restore was requested
   * @param status            target's DBInstanceStatus
   * @param endpoint          target endpoint once available
   * @param port              target port
   * @param polls             polls so far
   * @param available         target is available
   */
  public record Restore(
      String targetInstanceId,
      String sourceSnapshotId,
      String snapshotTime,
      String restoreTime,
      String requestedAt,
      String status,
      String endpoint,
      Integer port,
      int polls,
      boolean available) {

    public Restore polled(String newStatus, String newEndpoint, Integer newPort, boolean isAvailable) {
      return new Restore(targetInstanceId, sourceSnapshotId, snapshotTime, restoreTime, requestedAt, newStatus,
          newEndpoint, newPort, polls + 1, isAvailable);
    }
  }

  /**
   * The database URL secret after repointing. The value itself is never stored here.
   *
   * @param secretId   e.g. sentinel/database-url
   * @param host       host it now points at
   * @param versionId  Secrets Manager version written
   * @param updatedAt  when
   */
  public record SecretUpdate(String secretId, String host, String versionId, String updatedAt) {}
}
