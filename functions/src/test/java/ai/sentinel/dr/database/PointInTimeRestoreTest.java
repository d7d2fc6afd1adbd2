package ai.sentinel.dr.database;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.PlannedCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeResponse;

/** Runbook Scenario 1 Option C: restore-db-instance-to-point-in-time into sentinel-db-pitr. */
class PointInTimeRestoreTest {
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private Map<String, DBInstance> instances;

  @BeforeEach
  void setUp() {
    instances = Db.stubInstances(rds);
    instances.put(Db.ORIGINAL, Db.instance(Db.ORIGINAL, "available", "us-east-1a", Db.OLD_HOST, 5432).toBuilder()
        .latestRestorableTime(Db.at("2026-01-17T10:03:00Z")).build());
    when(rds.restoreDBInstanceToPointInTime(any(RestoreDbInstanceToPointInTimeRequest.class))).thenAnswer(inv -> {
      RestoreDbInstanceToPointInTimeRequest req = inv.getArgument(0);
      DBInstance created = Db.instance(req.targetDBInstanceIdentifier(), "creating", null, null, null).toBuilder()
          .tagList(req.tags()).build();
      instances.put(req.targetDBInstanceIdentifier(), created);
      return RestoreDbInstanceToPointInTimeResponse.builder().dbInstance(created).build();
    });
  }

  private Recovery at(String restoreTime, boolean dryRun) {
    return Db.withOptions(Db.recovery(dryRun, Db.seenOriginal("available"), null),
        Db.options("C", "latest", restoreTime, dryRun));
  }

  private RestoreDbInstanceToPointInTimeRequest theRequest() {
    ArgumentCaptor<RestoreDbInstanceToPointInTimeRequest> sent =
        ArgumentCaptor.forClass(RestoreDbInstanceToPointInTimeRequest.class);
    verify(rds, times(1)).restoreDBInstanceToPointInTime(sent.capture());
    return sent.getValue();
  }

  @Test
  void restoreTimeGivenIsTheRequestsRestoreTime() {
    Recovery out = invoke(new PointInTimeRestore(Fixtures.deps(rds)), at("2026-01-17T10:00:00Z", false));
    RestoreDbInstanceToPointInTimeRequest req = theRequest();
    assertEquals(Db.at("2026-01-17T10:00:00Z"), req.restoreTime());
    assertNull(req.useLatestRestorableTime());
    assertEquals(Db.ORIGINAL, req.sourceDBInstanceIdentifier());
    assertEquals(Db.PITR, req.targetDBInstanceIdentifier());
    assertEquals("db.r6g.large", req.dbInstanceClass());
    assertEquals("orig-subnet-group", req.dbSubnetGroupName());
    assertEquals(List.of("sg-0orig1", "sg-0orig2"), req.vpcSecurityGroupIds());
    assertEquals(Boolean.TRUE, req.multiAZ());
    assertEquals(Boolean.FALSE, req.publiclyAccessible());
    assertEquals(Db.PITR, out.part(DatabaseState.PART).restore().targetInstanceId());
    assertEquals("2026-01-17T10:00:00Z", out.part(DatabaseState.PART).restore().restoreTime());
    assertEquals("creating", out.part(DatabaseState.PART).restore().status());
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = "latest")
  void latestOrNoTimeUsesTheLatestRestorableTime(String restoreTime) {
    Recovery out = invoke(new PointInTimeRestore(Fixtures.deps(rds)), at(restoreTime, false));
    RestoreDbInstanceToPointInTimeRequest req = theRequest();
    assertEquals(Boolean.TRUE, req.useLatestRestorableTime());
    assertNull(req.restoreTime()); // RDS rejects both together
    assertEquals(Db.PITR, req.targetDBInstanceIdentifier());
    // the recovery point the report shows is the source's latest restorable time
    assertEquals("2026-01-17T10:03:00Z", out.part(DatabaseState.PART).restore().restoreTime());
    assertTrue(only(out, "PointInTimeRestore", "restoring").detail().contains("2026-01-17T10:03:00Z"));
  }

  @Test
  void futureTimeIsAnErrorAndNothingIsSent() {
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new PointInTimeRestore(Fixtures.deps(rds)), at("2026-01-17T11:00:00Z", false)));
    assertTrue(e.getMessage().contains("future"), e.getMessage());
    verify(rds, never()).restoreDBInstanceToPointInTime(any(RestoreDbInstanceToPointInTimeRequest.class));
  }

  @Test
  void unparseableTimeIsAnErrorAndNothingIsSent() {
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new PointInTimeRestore(Fixtures.deps(rds)), at("yesterday 10am", false)));
    assertTrue(e.getMessage().contains("ISO-8601"), e.getMessage());
    verify(rds, never()).restoreDBInstanceToPointInTime(any(RestoreDbInstanceToPointInTimeRequest.class));
  }

  @Test
  void runTwiceRestoresOnce() {
    PointInTimeRestore step = new PointInTimeRestore(Fixtures.deps(rds));
    invoke(step, at("2026-01-17T10:00:00Z", false));
    Recovery again = invoke(step, at("2026-01-17T10:00:00Z", false));
    verify(rds, times(1)).restoreDBInstanceToPointInTime(any(RestoreDbInstanceToPointInTimeRequest.class));
    assertEquals(Db.PITR, again.part(DatabaseState.PART).restore().targetInstanceId());
    assertTrue(only(again, "PointInTimeRestore", "skipped").detail().contains("adopted"));
  }

  @Test
  void dryRunSendsNothingAndRecordsThePlan() {
    Recovery out = invoke(new PointInTimeRestore(Fixtures.deps(rds)), at("2026-01-17T10:00:00Z", true));
    verify(rds, never()).restoreDBInstanceToPointInTime(any(RestoreDbInstanceToPointInTimeRequest.class));
    PlannedCall planned = out.plan().get(0);
    assertEquals("RestoreDBInstanceToPointInTime", planned.api());
    assertEquals(Db.PITR, planned.target());
    assertEquals("planned", out.part(DatabaseState.PART).restore().status());
  }
}
