package ai.sentinel.dr.database;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.VerificationFailedError;
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
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Testing Schedule, monthly snapshot restore: restore into sentinel-db-drill, verify it, delete it (also on
 * failure).
 */
class ScratchInstanceTest {
  private static final String SCRATCH = "sentinel-db-drill";
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private final SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
  private Map<String, DBInstance> instances;
  private Recovery test;

  @BeforeEach
  void setUp() {
    instances = Db.stubInstances(rds);
    when(rds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(DescribeDbSnapshotsResponse
        .builder().dbSnapshots(
            DBSnapshot.builder().dbSnapshotIdentifier("rds:sentinel-db-2026-01-16-03-00")
                .dbInstanceIdentifier(Db.ORIGINAL).status("available")
                .snapshotCreateTime(Db.at("2026-01-16T03:00:00Z")).build(),
            DBSnapshot.builder().dbSnapshotIdentifier("rds:sentinel-db-2026-01-17-03-00")
                .dbInstanceIdentifier(Db.ORIGINAL).status("available")
                .snapshotCreateTime(Db.at("2026-01-17T03:00:00Z")).build()).build());
    test = Db.recovery(false, Db.seenOriginal("available"), null);
  }

  private static DBInstance scratch(String status, String owner, boolean scratchTag) {
    DBInstance.Builder b = Db.instance(SCRATCH, status, "us-east-1a", "sentinel-db-drill.abc", 5432).toBuilder();
    b.tagList(scratchTag
        ? List.of(Tag.builder().key("sentinel-dr:execution").value(owner).build(),
            Tag.builder().key("sentinel-dr:scratch").value("true").build())
        : List.of(Tag.builder().key("sentinel-dr:execution").value(owner).build()));
    return b.build();
  }

  @Test
  void restoresTheLatestSnapshotIntoTheScratchInstanceWithTheOriginalsSettingsAndNeverTheRecoveryTarget() {
    Recovery out = invoke(new RestoreScratchInstance(Fixtures.deps(rds)), test);
    ArgumentCaptor<RestoreDbInstanceFromDbSnapshotRequest> sent =
        ArgumentCaptor.forClass(RestoreDbInstanceFromDbSnapshotRequest.class);
    verify(rds).restoreDBInstanceFromDBSnapshot(sent.capture());
    RestoreDbInstanceFromDbSnapshotRequest r = sent.getValue();
    assertEquals(SCRATCH, r.dbInstanceIdentifier());
    assertEquals("rds:sentinel-db-2026-01-17-03-00", r.dbSnapshotIdentifier());
    assertEquals("db.r6g.large", r.dbInstanceClass(), "the original's class: the measured time is a real restore's");
    assertEquals(List.of("sg-0orig1", "sg-0orig2"), r.vpcSecurityGroupIds());
    assertTrue(r.tags().stream().anyMatch(t -> t.key().equals("sentinel-dr:scratch") && t.value().equals("true")));
    assertEquals("B", out.part(DatabaseState.PART).decision().option(),
        "measured like Option B (Database Failure, Complete)");
    assertEquals("2026-01-17T03:00:00Z", out.part(DatabaseState.PART).restore().snapshotTime(),
        "the RPO's recovery point");
    assertEquals(SCRATCH, out.part(DatabaseState.PART).restore().targetInstanceId());
  }

  @Test
  void refusesAnInstanceOfThatNameItDidNotCreate() {
    instances.put(SCRATCH, scratch("available", "someone-else", true));
    assertThrows(StepFailedError.class, () -> invoke(new RestoreScratchInstance(Fixtures.deps(rds)), test));
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void verifiesTheScratchEndpointWithSelectOneWhereReachable() {
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("postgresql://sentinel_admin:pw@" + Db.OLD_HOST + ":5432/sentinel").build());
    instances.put(SCRATCH, scratch("available", test.executionName(), true));
    Recovery restored = test.update(DatabaseState.PART, s -> s.withRestore(new DatabaseState.Restore(SCRATCH, "s", "t",
        null, "t", "available", "sentinel-db-drill.abc", 5432, 1, true)));
    // unit tests have no database: VERIFY_DB_CONNECT=false in Fixtures, so SELECT 1 is skipped and said so
    Recovery out = invoke(new VerifyScratchInstance(Fixtures.deps(rds, secrets)), restored);
    assertTrue(out.verification().verified());
    assertTrue(only(out, "VerifyScratchInstance", "verified").detail().contains("select-1=SKIP"));

    instances.put(SCRATCH, scratch("incompatible-restore", test.executionName(), true));
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new VerifyScratchInstance(Fixtures.deps(rds, secrets)), restored));
    assertTrue(e.getMessage().contains("'incompatible-restore'"), e.getMessage());
  }

  @Test
  void deletesOnlyTheScratchInstanceThisTestCreatedWithoutAFinalSnapshot() {
    instances.put(SCRATCH, scratch("available", test.executionName(), true));
    Recovery out = invoke(new DeleteScratchInstance(Fixtures.deps(rds)), test);
    ArgumentCaptor<DeleteDbInstanceRequest> sent = ArgumentCaptor.forClass(DeleteDbInstanceRequest.class);
    verify(rds).deleteDBInstance(sent.capture());
    assertEquals(SCRATCH, sent.getValue().dbInstanceIdentifier());
    assertTrue(sent.getValue().skipFinalSnapshot());
    assertTrue(only(out, "DeleteScratchInstance", "cleaned-up").detail().contains("deletion requested"));
  }

  @Test
  void cleanupAfterAFailedTestDeletesTooAndLeavesOthersAlone() {
    Recovery failed = test.withError(ai.sentinel.dr.common.Json.object().put("Error", "States.Timeout"));
    instances.put(SCRATCH, scratch("creating", test.executionName(), true));
    invoke(new DeleteScratchInstance(Fixtures.deps(rds)), failed);
    verify(rds).deleteDBInstance(any(DeleteDbInstanceRequest.class));

    RdsClient other = Fixtures.sdkMock(RdsClient.class);
    Db.stubInstances(other).put(SCRATCH, scratch("available", "a-human", false));
    Recovery out = invoke(new DeleteScratchInstance(Fixtures.deps(other)), failed);
    verify(other, never()).deleteDBInstance(any(DeleteDbInstanceRequest.class));
    assertTrue(only(out, "DeleteScratchInstance", "left").detail().contains("left in place"));
  }

  @Test
  void deletingTwiceOrWhenNothingWasRestoredIsDone() {
    Recovery out = invoke(new DeleteScratchInstance(Fixtures.deps(rds)), test);
    assertTrue(only(out, "DeleteScratchInstance", "cleaned-up").detail().contains("nothing to delete"));
    instances.put(SCRATCH, scratch("deleting", test.executionName(), true));
    invoke(new DeleteScratchInstance(Fixtures.deps(rds)), test);
    verify(rds, never()).deleteDBInstance(any(DeleteDbInstanceRequest.class));
  }

  @Test
  void aDryRunPlansTheRestoreAndSendsNothing() {
    Recovery dry = Db.recovery(true, Db.seenOriginal("available"), null);
    Recovery out = invoke(new RestoreScratchInstance(Fixtures.deps(rds)), dry);
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
    assertEquals(1, out.plan().size());
    assertEquals(SCRATCH, out.plan().get(0).target());
  }
}
