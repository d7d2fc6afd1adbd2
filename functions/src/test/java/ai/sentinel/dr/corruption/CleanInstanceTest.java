package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.corruption.CorruptionState.CleanInstance;
import ai.sentinel.dr.corruption.CorruptionState.Diagnosis;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/** PointInTimeRestore, WaitForInstance, DeleteCleanInstance: the clean copy, and only the one this recovery made. */
class CleanInstanceTest {
  private RdsClient rds;
  private final Map<String, DBInstance> instances = new HashMap<>();

  @BeforeEach
  void setUp() {
    rds = Fixtures.sdkMock(RdsClient.class);
    instances.put("sentinel-db", DBInstance.builder().dbInstanceIdentifier("sentinel-db").dbInstanceClass(
        "db.r6g.large").dbSubnetGroup(g -> g.dbSubnetGroupName("sentinel-db-subnet")).vpcSecurityGroups(
            g -> g.vpcSecurityGroupId("sg-0aaa")).dbInstanceStatus("available").build());
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenAnswer(i -> {
      String id = ((DescribeDbInstancesRequest) i.getArgument(0)).dbInstanceIdentifier();
      if (!instances.containsKey(id)) {
        throw DbInstanceNotFoundException.builder().message(id).build();
      }
      return DescribeDbInstancesResponse.builder().dbInstances(instances.get(id)).build();
    });
  }

  private static Recovery diagnosed(boolean dryRun) {
    Diagnosis d = new Diagnosis(List.of(), List.of(), null, "2026-01-17T08:35:00Z", "proposed", null, "test");
    return Cases.with(Cases.recovery(dryRun), new CorruptionState(Cases.REQUEST, d, null, null, null, null));
  }

  private static DBInstance clean(String execution, String status) {
    return DBInstance.builder().dbInstanceIdentifier("sentinel-db-clean").dbInstanceStatus(status)
        .tagList(Tag.builder().key("sentinel-dr:execution").value(execution).build())
        .endpoint(e -> e.address("sentinel-db-clean.abc.us-east-1.rds.amazonaws.com").port(5432)).build();
  }

  @Test
  void theCleanCopyIsRestoredAtTheCleanTimeWithTheOriginalsSettingsNotPublic() {
    Recovery out = StepHarness.invoke(new PointInTimeRestore(Cases.deps(rds)), diagnosed(false));
    ArgumentCaptor<RestoreDbInstanceToPointInTimeRequest> req =
        ArgumentCaptor.forClass(RestoreDbInstanceToPointInTimeRequest.class);
    verify(rds).restoreDBInstanceToPointInTime(req.capture());
    RestoreDbInstanceToPointInTimeRequest r = req.getValue();
    assertEquals("sentinel-db", r.sourceDBInstanceIdentifier());
    assertEquals("sentinel-db-clean", r.targetDBInstanceIdentifier());
    assertEquals(Instant.parse("2026-01-17T08:35:00Z"), r.restoreTime());
    assertFalse(r.useLatestRestorableTime() != null && r.useLatestRestorableTime());
    assertEquals("db.r6g.large", r.dbInstanceClass());
    assertEquals("sentinel-db-subnet", r.dbSubnetGroupName());
    assertEquals(List.of("sg-0aaa"), r.vpcSecurityGroupIds());
    assertFalse(r.publiclyAccessible());
    assertTrue(r.tags().stream().anyMatch(t -> t.value().equals(Cases.EXECUTION)));
    assertEquals("creating", out.part(CorruptionState.PART).clean().status());
  }

  @Test
  void anInstanceOfThatNameFromAnotherRunIsNeverAdopted() {
    instances.put("sentinel-db-clean", clean("someone-else", "available"));
    assertThrows(StepFailedError.class, () -> StepHarness.invoke(new PointInTimeRestore(Cases.deps(rds)),
        diagnosed(false)));
    verify(rds, never()).restoreDBInstanceToPointInTime(any(RestoreDbInstanceToPointInTimeRequest.class));
    instances.put("sentinel-db-clean", clean(Cases.EXECUTION, "creating"));
    Recovery out = StepHarness.invoke(new PointInTimeRestore(Cases.deps(rds)), diagnosed(false));
    assertEquals("creating", out.part(CorruptionState.PART).clean().status(), "its own: adopted");
    verify(rds, never()).restoreDBInstanceToPointInTime(any(RestoreDbInstanceToPointInTimeRequest.class));
  }

  @Test
  void theWaitEndsWhenAvailableWithAnEndpointAndGivesUpAfterMaxPolls() {
    CleanInstance requested = new CleanInstance("sentinel-db-clean", "2026-01-17T08:35:00Z", "t", "creating", null,
        null, false, 0, false);
    Recovery waiting = diagnosed(false).update(CorruptionState.PART, s -> s.withClean(requested));
    instances.put("sentinel-db-clean", clean(Cases.EXECUTION, "creating"));
    Recovery polled = StepHarness.invoke(new WaitForInstance(Cases.deps(rds)), waiting);
    assertFalse(polled.part(CorruptionState.PART).clean().available());
    instances.put("sentinel-db-clean", clean(Cases.EXECUTION, "available"));
    Recovery ready = StepHarness.invoke(new WaitForInstance(Cases.deps(rds)), polled);
    CleanInstance c = ready.part(CorruptionState.PART).clean();
    assertTrue(c.available());
    assertEquals("sentinel-db-clean.abc.us-east-1.rds.amazonaws.com", c.address());
    instances.put("sentinel-db-clean", clean(Cases.EXECUTION, "creating"));
    Recovery last = waiting.update(CorruptionState.PART, s -> s.withClean(new CleanInstance("sentinel-db-clean",
        "x", "t", "creating", null, null, false, 4, false)));
    assertThrows(TimedOutError.class, () -> StepHarness.invoke(new WaitForInstance(Cases.deps(rds)), last));
  }

  @Test
  void onlyItsOwnCleanCopyIsDeletedAndOnlyWhenConfigured() {
    CleanInstance made = new CleanInstance("sentinel-db-clean", "x", "t", "available", "h", 5432, true, 1, false);
    Recovery done = diagnosed(false).update(CorruptionState.PART, s -> s.withClean(made));
    instances.put("sentinel-db-clean", clean("someone-else", "available"));
    StepHarness.invoke(new DeleteCleanInstance(Cases.deps(rds)), done);
    verify(rds, never()).deleteDBInstance(any(DeleteDbInstanceRequest.class));
    var keep = Cases.env(s -> s.put("deleteCleanInstance", false));
    instances.put("sentinel-db-clean", clean(Cases.EXECUTION, "available"));
    StepHarness.invoke(new DeleteCleanInstance(Cases.deps(keep, rds)), done);
    verify(rds, never()).deleteDBInstance(any(DeleteDbInstanceRequest.class));
    Recovery out = StepHarness.invoke(new DeleteCleanInstance(Cases.deps(rds)), done);
    ArgumentCaptor<DeleteDbInstanceRequest> req = ArgumentCaptor.forClass(DeleteDbInstanceRequest.class);
    verify(rds).deleteDBInstance(req.capture());
    assertEquals("sentinel-db-clean", req.getValue().dbInstanceIdentifier());
    assertTrue(out.part(CorruptionState.PART).clean().deleted());
  }

  /**
   * keepCleanInstanceHours: the first call only records until when the copy is kept (nothing deleted, the state
   * machine then notifies, reports and waits); a call before that time deletes nothing; the call after it deletes.
   */
  @Test
  void aRetentionKeepsTheCleanCopyUntilItsTimeThenDeletesIt() {
    var keep = Cases.env(s -> s.put("keepCleanInstanceHours", 24));
    CleanInstance made = new CleanInstance("sentinel-db-clean", "x", "t", "available", "h", 5432, true, 1, false);
    Recovery done = diagnosed(false).update(CorruptionState.PART, s -> s.withClean(made));
    instances.put("sentinel-db-clean", clean(Cases.EXECUTION, "available"));

    Recovery kept = StepHarness.invoke(new DeleteCleanInstance(Cases.deps(keep, rds)), done);
    CleanInstance k = kept.part(CorruptionState.PART).clean();
    assertEquals(Fixtures.NOW.plus(java.time.Duration.ofHours(24)).toString(), k.deleteAfter());
    assertFalse(k.deleted());
    assertTrue(StepHarness.only(kept, "DeleteCleanInstance", "kept").detail().contains("kept until"));

    // woken early: still kept
    Recovery early = StepHarness.invoke(new DeleteCleanInstance(Cases.deps(keep, rds)), kept);
    assertFalse(early.part(CorruptionState.PART).clean().deleted());
    verify(rds, never()).deleteDBInstance(any(DeleteDbInstanceRequest.class));

    // its time has come (the document as the Wait hands it back, recorded a day ago)
    Recovery due = kept.update(CorruptionState.PART, s -> s.withClean(k.keptUntil(Fixtures.NOW.minusSeconds(1)
        .toString())));
    Recovery deleted = StepHarness.invoke(new DeleteCleanInstance(Cases.deps(keep, rds)), due);
    verify(rds).deleteDBInstance(any(DeleteDbInstanceRequest.class));
    assertTrue(deleted.part(CorruptionState.PART).clean().deleted());
  }

  private static Recovery approvedChoosing(Recovery r, String... choices) {
    var approval = ai.sentinel.dr.common.Json.object().put("decision", "approved").put("by", "alice")
        .put("at", "2026-01-17T10:20:00Z");
    var list = approval.putArray("choices");
    for (String c : choices) {
      list.add(c);
    }
    return r.withApproval(approval);
  }

  /**
   * The approval of the repair chose delete-clean-copy: with keepCleanInstanceHours 24 the first call (after the
   * verified repair) deletes at once, no retention; still never an instance another run made, and an environment that
   * never deletes keeps it. Without the choice (or with another one) the retention holds.
   */
  @Test
  void anApprovalChoosingDeleteCleanCopyDeletesItAtOnceButOnlyItsOwn() {
    var keep = Cases.env(s -> s.put("keepCleanInstanceHours", 24));
    CleanInstance made = new CleanInstance("sentinel-db-clean", "x", "t", "available", "h", 5432, true, 1, false);
    Recovery done = diagnosed(false).update(CorruptionState.PART, s -> s.withClean(made));

    instances.put("sentinel-db-clean", clean(Cases.EXECUTION, "available"));
    Recovery other = StepHarness.invoke(new DeleteCleanInstance(Cases.deps(keep, rds)), approvedChoosing(done,
        "something-else"));
    assertFalse(other.part(CorruptionState.PART).clean().deleted());
    assertTrue(other.part(CorruptionState.PART).clean().deleteAfter() != null, "no choice: the retention holds");
    verify(rds, never()).deleteDBInstance(any(DeleteDbInstanceRequest.class));

    var never = Cases.env(s -> s.put("deleteCleanInstance", false));
    Recovery kept = StepHarness.invoke(new DeleteCleanInstance(Cases.deps(never, rds)), approvedChoosing(done,
        DeleteCleanInstance.DELETE_NOW));
    assertTrue(StepHarness.only(kept, "DeleteCleanInstance", "kept").detail().contains("does not override"));
    verify(rds, never()).deleteDBInstance(any(DeleteDbInstanceRequest.class));

    instances.put("sentinel-db-clean", clean("someone-else", "available"));
    Recovery foreign = StepHarness.invoke(new DeleteCleanInstance(Cases.deps(keep, rds)), approvedChoosing(done,
        DeleteCleanInstance.DELETE_NOW));
    assertFalse(foreign.part(CorruptionState.PART).clean().deleted());
    verify(rds, never()).deleteDBInstance(any(DeleteDbInstanceRequest.class));

    instances.put("sentinel-db-clean", clean(Cases.EXECUTION, "available"));
    Recovery out = StepHarness.invoke(new DeleteCleanInstance(Cases.deps(keep, rds)), approvedChoosing(done,
        DeleteCleanInstance.DELETE_NOW));
    verify(rds).deleteDBInstance(any(DeleteDbInstanceRequest.class));
    CleanInstance c = out.part(CorruptionState.PART).clean();
    assertTrue(c.deleted());
    assertEquals(null, c.deleteAfter(), "nothing for the state machine to wait for");
    assertTrue(StepHarness.only(out, "DeleteCleanInstance", "retention-skipped").detail().contains("alice"));
  }
}
