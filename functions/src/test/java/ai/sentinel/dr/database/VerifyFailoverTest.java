package ai.sentinel.dr.database;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verify;

import ai.sentinel.dr.database.DatabaseState.Decision;
import ai.sentinel.dr.database.DatabaseState.Failover;
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

/** Runbook Scenario 1 Option A: "Verify failover completed" (DBInstanceStatus and AvailabilityZone). */
class VerifyFailoverTest {
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private Map<String, DBInstance> instances;
  private final VerifyFailover step = new VerifyFailover(Fixtures.deps(rds));

  @BeforeEach
  void setUp() {
    instances = Db.stubInstances(rds);
  }

  private static Recovery optionA(Failover failover) {
    return Fixtures.recovery(false).with(DatabaseState.PART, new DatabaseState(Fixtures.diagnosis(true, "rebooting",
        true),
        new Decision("A", "test"), failover, null, null));
  }

  @Test
  void azChangeIsReportedInTheTimeline() {
    instances.put(Db.ORIGINAL, Db.instance(Db.ORIGINAL, "available", "us-east-1b", Db.OLD_HOST, 5432));
    Recovery out = invoke(step, optionA(null));
    ArgumentCaptor<DescribeDbInstancesRequest> asked = ArgumentCaptor.forClass(DescribeDbInstancesRequest.class);
    verify(rds).describeDBInstances(asked.capture());
    assertEquals(Db.ORIGINAL, asked.getValue().dbInstanceIdentifier());
    Failover f = out.part(DatabaseState.PART).failover();
    assertTrue(f.done());
    assertEquals("us-east-1a", f.zoneBefore()); // from the diagnosis
    assertEquals("us-east-1b", f.zoneAfter());
    assertEquals(1, f.polls());
    String detail = only(out, "VerifyFailover", "done").detail();
    assertTrue(detail.contains("primary moved us-east-1a -> us-east-1b"), detail);
  }

  @Test
  void noAzChangeIsSaidPlainly() {
    instances.put(Db.ORIGINAL, Db.instance(Db.ORIGINAL, "available", "us-east-1a", Db.OLD_HOST, 5432));
    Recovery out = invoke(step, optionA(null));
    String detail = only(out, "VerifyFailover", "done").detail();
    assertTrue(detail.contains("no AZ change"), detail);
    assertFalse(detail.contains("->"), detail);
  }

  @Test
  void stillFailingOverWaitsAndKeepsTheZoneSeenFirst() {
    instances.put(Db.ORIGINAL, Db.instance(Db.ORIGINAL, "rebooting", "us-east-1b", Db.OLD_HOST, 5432));
    Recovery out = invoke(step, optionA(new Failover("rebooting", "us-east-1a", null, 2, false)));
    Failover f = out.part(DatabaseState.PART).failover();
    assertFalse(f.done());
    assertEquals(3, f.polls());
    assertEquals("us-east-1a", f.zoneBefore());
    assertNull(f.zoneAfter());
    assertTrue(only(out, "VerifyFailover", "waiting").detail().contains("rebooting"));
  }

  @Test
  void maxPollsReachedTimesOut() {
    instances.put(Db.ORIGINAL, Db.instance(Db.ORIGINAL, "rebooting", "us-east-1a", Db.OLD_HOST, 5432));
    assertThrows(TimedOutError.class, () -> invoke(step, optionA(new Failover("rebooting", "us-east-1a", null, 4,
        false))));
  }

  @Test
  void instanceDisappearingDuringFailoverFails() {
    assertThrows(StepFailedError.class, () -> invoke(step, optionA(null)));
  }
}
