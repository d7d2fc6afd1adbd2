package ai.sentinel.dr.database;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;

/** Runbook Scenario 1 Option B steps 3-4: wait db-instance-available, then read the new endpoint. */
class WaitForInstanceTest {
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private Map<String, DBInstance> instances;
  private final WaitForInstance step = new WaitForInstance(Fixtures.deps(rds));

  @BeforeEach
  void setUp() {
    instances = Db.stubInstances(rds);
  }

  private static Restore inProgress(int polls) {
    return new Restore(Db.RECOVERY, "rds:snap", "2026-01-17T03:00:00Z", null, "2026-01-17T10:05:00Z", "creating",
        null, null, polls, false);
  }

  @Test
  void availableCapturesTheNewEndpointAndPort() {
    instances.put(Db.RECOVERY, Db.instance(Db.RECOVERY, "available", "us-east-1b", Db.NEW_HOST, 5433));
    Recovery out = invoke(step, Db.recovery(false, Db.seenOriginal("failed"), inProgress(2)));
    ArgumentCaptor<DescribeDbInstancesRequest> asked = ArgumentCaptor.forClass(DescribeDbInstancesRequest.class);
    verify(rds).describeDBInstances(asked.capture());
    assertEquals(Db.RECOVERY, asked.getValue().dbInstanceIdentifier()); // the restored one, not sentinel-db
    Restore r = out.part(DatabaseState.PART).restore();
    assertTrue(r.available());
    assertEquals(Db.NEW_HOST, r.endpoint());
    assertEquals(5433, r.port());
    assertEquals(3, r.polls());
    assertEquals("available", r.status());
    assertEquals("rds:snap", r.sourceSnapshotId()); // earlier facts are kept
    assertTrue(only(out, "WaitForInstance", "done").detail().contains(Db.NEW_HOST + ":5433"));
  }

  @Test
  void notAvailableYetCountsThePollAndWaits() {
    instances.put(Db.RECOVERY, Db.instance(Db.RECOVERY, "backing-up", null, Db.NEW_HOST, 5432));
    Recovery out = invoke(step, Db.recovery(false, Db.seenOriginal("failed"), inProgress(1)));
    Restore r = out.part(DatabaseState.PART).restore();
    assertFalse(r.available());
    assertEquals(2, r.polls());
    assertEquals("backing-up", r.status());
    assertNull(r.endpoint()); // an endpoint is not trusted before the instance is available
    assertTrue(only(out, "WaitForInstance", "waiting").detail().contains("backing-up"));
  }

  @Test
  void availableWithoutAnEndpointIsStillWaiting() {
    instances.put(Db.RECOVERY, Db.instance(Db.RECOVERY, "available", null, null, null));
    Recovery out = invoke(step, Db.recovery(false, Db.seenOriginal("failed"), inProgress(0)));
    assertFalse(out.part(DatabaseState.PART).restore().available());
    assertEquals(1, out.part(DatabaseState.PART).restore().polls());
  }

  @Test
  void maxPollsReachedTimesOut() {
    instances.put(Db.RECOVERY, Db.instance(Db.RECOVERY, "creating", null, null, null));
    // Fixtures options allow 5 polls; this is the fifth
    TimedOutError e = assertThrows(TimedOutError.class,
        () -> invoke(step, Db.recovery(false, Db.seenOriginal("failed"), inProgress(4))));
    assertTrue(e.getMessage().contains(Db.RECOVERY), e.getMessage());
    assertTrue(e.getMessage().contains("5 polls"), e.getMessage());
  }

  @Test
  void oneBeforeMaxPollsStillWaits() {
    instances.put(Db.RECOVERY, Db.instance(Db.RECOVERY, "creating", null, null, null));
    Recovery out = invoke(step, Db.recovery(false, Db.seenOriginal("failed"), inProgress(3)));
    assertEquals(4, out.part(DatabaseState.PART).restore().polls());
  }

  @Test
  void targetVanishedFails() {
    assertThrows(StepFailedError.class,
        () -> invoke(step, Db.recovery(false, Db.seenOriginal("failed"), inProgress(0))));
  }

  @Test
  void noRestoreInProgressFails() {
    assertThrows(StepFailedError.class, () -> invoke(step, Db.recovery(false, Db.seenOriginal("failed"), null)));
  }

  @Test
  void dryRunMakesNoAwsCall() {
    Recovery out = invoke(step, Db.recovery(true, Db.seenOriginal("failed"), inProgress(0)));
    verifyNoInteractions(rds);
    assertTrue(out.part(DatabaseState.PART).restore().available());
    assertEquals("planned", out.part(DatabaseState.PART).restore().status());
    assertTrue(only(out, "WaitForInstance", "skipped").detail().contains("dry-run"));
  }
}
