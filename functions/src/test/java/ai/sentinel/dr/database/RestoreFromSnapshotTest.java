package ai.sentinel.dr.database;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.PlannedCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotResponse;

/** Runbook Scenario 1 Option B steps 1-2: list snapshots, restore the latest into sentinel-db-recovery. */
class RestoreFromSnapshotTest {
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private Map<String, DBInstance> instances;

  private static DBSnapshot snap(String id, String instance, String type, String created, String status) {
    return DBSnapshot.builder().dbSnapshotIdentifier(id).dbInstanceIdentifier(instance).snapshotType(type)
        .snapshotCreateTime(Db.at(created)).status(status).build();
  }

  /** Automated + manual snapshots of sentinel-db; the newest is still being created and must not be picked. */
  private static final List<DBSnapshot> SNAPSHOTS = List.of(
      snap("rds:sentinel-db-2026-01-16-03-00", Db.ORIGINAL, "automated", "2026-01-16T03:00:00Z", "available"),
      snap("pre-migration-manual", Db.ORIGINAL, "manual", "2026-01-17T08:30:00Z", "available"),
      snap("rds:sentinel-db-2026-01-17-03-00", Db.ORIGINAL, "automated", "2026-01-17T03:00:00Z", "available"),
      snap("rds:sentinel-db-2026-01-17-10-00", Db.ORIGINAL, "automated", "2026-01-17T10:00:00Z", "creating"),
      snap("old-failed-copy", Db.ORIGINAL, "manual", "2026-01-17T09:00:00Z", "failed"));

  @BeforeEach
  void setUp() {
    instances = Db.stubInstances(rds);
    when(rds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenAnswer(inv -> {
      DescribeDbSnapshotsRequest req = inv.getArgument(0);
      List<DBSnapshot> matching = SNAPSHOTS.stream()
          .filter(s -> req.dbInstanceIdentifier() == null || s.dbInstanceIdentifier()
              .equals(req.dbInstanceIdentifier()))
          .filter(s -> req.dbSnapshotIdentifier() == null || s.dbSnapshotIdentifier()
              .equals(req.dbSnapshotIdentifier()))
          .toList();
      return DescribeDbSnapshotsResponse.builder().dbSnapshots(matching).build();
    });
    when(rds.restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class))).thenAnswer(inv -> {
      RestoreDbInstanceFromDbSnapshotRequest req = inv.getArgument(0);
      // RDS keeps the request's tags on the instance: what a later DescribeDBInstances sees
      DBInstance created = Db.instance(req.dbInstanceIdentifier(), "creating", null, null, null).toBuilder()
          .tagList(req.tags()).build();
      instances.put(req.dbInstanceIdentifier(), created);
      return RestoreDbInstanceFromDbSnapshotResponse.builder().dbInstance(created).build();
    });
  }

  private RestoreDbInstanceFromDbSnapshotRequest theRestoreRequest() {
    ArgumentCaptor<RestoreDbInstanceFromDbSnapshotRequest> sent =
        ArgumentCaptor.forClass(RestoreDbInstanceFromDbSnapshotRequest.class);
    verify(rds, times(1)).restoreDBInstanceFromDBSnapshot(sent.capture());
    return sent.getValue();
  }

  @Test
  void restoresTheNewestAvailableSnapshotWithTheOriginalsSettings() {
    Recovery out = invoke(new RestoreFromSnapshot(Fixtures.deps(rds)), Db.recovery(false, Db.seenOriginal("failed"),
        null));

    ArgumentCaptor<DescribeDbSnapshotsRequest> listed = ArgumentCaptor.forClass(DescribeDbSnapshotsRequest.class);
    verify(rds).describeDBSnapshots(listed.capture());
    assertEquals(Db.ORIGINAL, listed.getValue().dbInstanceIdentifier());

    RestoreDbInstanceFromDbSnapshotRequest req = theRestoreRequest();
    // manual 08:30 is newer than automated 03:00; automated 10:00 is still 'creating', 09:00 'failed'
    assertEquals("pre-migration-manual", req.dbSnapshotIdentifier());
    assertEquals(Db.RECOVERY, req.dbInstanceIdentifier());
    assertEquals("db.r6g.large", req.dbInstanceClass());
    assertEquals("orig-subnet-group", req.dbSubnetGroupName());
    assertEquals(List.of("sg-0orig1", "sg-0orig2"), req.vpcSecurityGroupIds());
    assertEquals(Boolean.TRUE, req.multiAZ());
    assertEquals(Boolean.FALSE, req.publiclyAccessible());
    assertNull(req.dbName()); // the snapshot's database is kept as it is

    Restore restore = out.part(DatabaseState.PART).restore();
    assertEquals(Db.RECOVERY, restore.targetInstanceId());
    assertEquals("pre-migration-manual", restore.sourceSnapshotId());
    assertEquals("2026-01-17T08:30:00Z", restore.snapshotTime()); // the recovery point, for RPO
    assertEquals("creating", restore.status());
    assertFalse(restore.available());
    assertEquals(0, restore.polls());
    assertTrue(out.plan().isEmpty());
    assertTrue(only(out, "RestoreFromSnapshot", "requested").detail().contains(Db.RECOVERY));
    assertTrue(only(out, "RestoreFromSnapshot", "restoring").detail().contains("pre-migration-manual"));
  }

  @Test
  void originalGoneUsesTheEnvironmentFallbacks() {
    invoke(new RestoreFromSnapshot(Fixtures.deps(rds)), Db.recovery(false, Fixtures.diagnosis(false, null, false),
        null));
    RestoreDbInstanceFromDbSnapshotRequest req = theRestoreRequest();
    assertEquals("db.t3.medium", req.dbInstanceClass());
    assertEquals("sentinel-db-subnet", req.dbSubnetGroupName());
    assertEquals(List.of("sg-0fallback"), req.vpcSecurityGroupIds());
    assertEquals(Boolean.TRUE, req.multiAZ());
    assertEquals(Boolean.FALSE, req.publiclyAccessible());
    assertEquals(Db.RECOVERY, req.dbInstanceIdentifier());
  }

  @Test
  void originalGoneAndNoFallbacksFailsNamingWhatIsMissing() {
    Map<String, String> env = Fixtures.env();
    Fixtures.withSection(env, "database", s -> s.remove(List.of("instanceClass", "subnetGroup", "securityGroups")));
    RestoreFromSnapshot step = new RestoreFromSnapshot(Fixtures.deps(DrConfig.fromEnv(env), rds));
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(step, Db.recovery(false, Fixtures.diagnosis(false, null, false), null)));
    assertTrue(e.getMessage().contains("database.instanceClass"), e.getMessage());
    assertTrue(e.getMessage().contains("database.subnetGroup"), e.getMessage());
    assertTrue(e.getMessage().contains("database.securityGroups"), e.getMessage());
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void onlyOneFallbackMissingIsNamedAlone() {
    Map<String, String> env = Fixtures.env();
    Fixtures.withSection(env, "database", s -> s.remove("securityGroups"));
    RestoreFromSnapshot step = new RestoreFromSnapshot(Fixtures.deps(DrConfig.fromEnv(env), rds));
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(step, Db.recovery(false, Fixtures.diagnosis(false, null, false), null)));
    assertTrue(e.getMessage().contains("database.securityGroups"), e.getMessage());
    assertFalse(e.getMessage().contains("database.instanceClass"), e.getMessage());
    assertFalse(e.getMessage().contains("database.subnetGroup"), e.getMessage());
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void runTwiceRestoresOnceAndAdoptsTheExistingTarget() {
    RestoreFromSnapshot step = new RestoreFromSnapshot(Fixtures.deps(rds));
    Recovery in = Db.recovery(false, Db.seenOriginal("failed"), null);
    invoke(step, in);
    Recovery again = invoke(step, in); // the state machine retried the step after a lost response
    verify(rds, times(1)).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
    Restore adopted = again.part(DatabaseState.PART).restore();
    assertEquals(Db.RECOVERY, adopted.targetInstanceId());
    assertEquals("creating", adopted.status());
    assertFalse(adopted.available());
    assertTrue(only(again, "RestoreFromSnapshot", "skipped").detail().contains("adopted"));
  }

  @Test
  void existingTargetOfThisRecoveryIsAdoptedWithoutARestoreCall() {
    Recovery in = Db.recovery(false, Db.seenOriginal("failed"), null);
    instances.put(Db.RECOVERY, Db.instance(Db.RECOVERY, "available", "us-east-1a", Db.NEW_HOST, 5432).toBuilder()
        .tagList(RdsInstances.tags(in.executionName(), "rds:sentinel-db-2026-01-17-03-00", "2026-01-17T03:00:00Z"))
        .build());
    Recovery out = invoke(new RestoreFromSnapshot(Fixtures.deps(rds)), in);
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
    assertEquals("available", out.part(DatabaseState.PART).restore().status());
    assertEquals("rds:sentinel-db-2026-01-17-03-00", out.part(DatabaseState.PART).restore().sourceSnapshotId());
    assertFalse(out.part(DatabaseState.PART).restore().available()); // WaitForInstance still reads the endpoint
  }

  @Test
  void existingTargetNotCreatedByThisRecoveryIsRefused() {
    // e.g. left over by an old drill: repointing production at it could serve stale data
    instances.put(Db.RECOVERY, Db.instance(Db.RECOVERY, "available", "us-east-1a", Db.NEW_HOST, 5432).toBuilder()
        .tagList(RdsInstances.tags("some-older-execution", null, null)).build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(new RestoreFromSnapshot(Fixtures.deps(rds)),
        Db.recovery(false, Db.seenOriginal("failed"), null)));
    assertTrue(e.getMessage().contains("not created by this recovery"), e.getMessage());
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void namedSnapshotOfAnotherInstanceIsRefused() {
    List<DBSnapshot> foreign = List.of(snap("billing-db-final", "billing-db", "manual", "2026-01-17T09:00:00Z",
        "available"));
    when(rds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class)))
        .thenReturn(DescribeDbSnapshotsResponse.builder().dbSnapshots(foreign).build());
    Recovery in = Db.withOptions(Db.recovery(false, Db.seenOriginal("failed"), null),
        Db.options("B", "billing-db-final", null, false));
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(new RestoreFromSnapshot(Fixtures.deps(rds)),
        in));
    assertTrue(e.getMessage().contains("billing-db"), e.getMessage());
    ArgumentCaptor<DescribeDbSnapshotsRequest> asked = ArgumentCaptor.forClass(DescribeDbSnapshotsRequest.class);
    verify(rds).describeDBSnapshots(asked.capture());
    assertEquals("billing-db-final", asked.getValue().dbSnapshotIdentifier());
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void namedSnapshotOfTheInstanceIsRestoredEvenIfNotTheNewest() {
    Recovery in = Db.withOptions(Db.recovery(false, Db.seenOriginal("failed"), null),
        Db.options("B", "rds:sentinel-db-2026-01-16-03-00", null, false));
    invoke(new RestoreFromSnapshot(Fixtures.deps(rds)), in);
    assertEquals("rds:sentinel-db-2026-01-16-03-00", theRestoreRequest().dbSnapshotIdentifier());
  }

  @Test
  void namedSnapshotThatIsNotAvailableIsRefused() {
    Recovery in = Db.withOptions(Db.recovery(false, Db.seenOriginal("failed"), null),
        Db.options("B", "rds:sentinel-db-2026-01-17-10-00", null, false));
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new RestoreFromSnapshot(Fixtures.deps(rds)), in));
    assertTrue(e.getMessage().contains("creating"), e.getMessage());
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void noAvailableSnapshotFailsForAHuman() {
    when(rds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(DescribeDbSnapshotsResponse
        .builder().dbSnapshots(snap("rds:x", Db.ORIGINAL, "automated", "2026-01-17T10:00:00Z", "creating")).build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(new RestoreFromSnapshot(Fixtures.deps(rds)),
        Db.recovery(false, Db.seenOriginal("failed"), null)));
    assertTrue(e.getMessage().contains("no available snapshot"), e.getMessage());
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void dryRunSendsNoRestoreAndRecordsThePlannedCall() {
    Recovery out = invoke(new RestoreFromSnapshot(Fixtures.deps(rds)), Db.recovery(true, Db.seenOriginal("failed"),
        null));
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
    assertEquals(1, out.plan().size());
    PlannedCall planned = out.plan().get(0);
    assertEquals("RestoreFromSnapshot", planned.step());
    assertEquals("rds", planned.service());
    assertEquals("RestoreDBInstanceFromDBSnapshot", planned.api());
    assertEquals(Db.RECOVERY, planned.target());
    assertTrue(planned.request().contains("pre-migration-manual"), planned.request());
    assertTrue(planned.request().contains("db.r6g.large"), planned.request());
    assertEquals("planned", out.part(DatabaseState.PART).restore().status());
    assertTrue(only(out, "RestoreFromSnapshot", "planned").detail().contains("dry-run"));
  }

}
