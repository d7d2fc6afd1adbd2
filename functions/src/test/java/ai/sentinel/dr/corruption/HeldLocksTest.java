package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.corruption.CorruptionState.MaintenanceState;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.AcquireLock;
import ai.sentinel.dr.recovery.Notify;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.safety.Claim;
import ai.sentinel.dr.safety.FakeLockTable;
import ai.sentinel.dr.safety.LockedResource;
import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.support.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * Issue 11's "one recovery per resource at a time" after a failure that held maintenance: the recovery has ended, but
 * it left writes stopped on a partly repaired database, so its locks stay (without lease) and a second recovery of the
 * database is refused, naming the held maintenance, until a human releases them.
 */
class HeldLocksTest {
  private static final String SECOND = "data-corruption-sentinel-db-fedcba9876543210";
  private final FakeLockTable table = new FakeLockTable();
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);

  @BeforeEach
  void setUp() {
    when(sns.publish(any(PublishRequest.class))).thenReturn(PublishResponse.builder().messageId("msg-1").build());
  }

  /** After EnterMaintenance, a step failed and HoldMaintenance ran: maintenance on, held, never exited. */
  private static Recovery held(boolean exited) {
    MaintenanceState on = new MaintenanceState(null, null, "non-get", "/sentinel/maintenance-mode", "read-only",
        "normal", true, "2026-01-17T10:02:00Z", exited ? "2026-01-17T10:09:00Z" : null,
        "held after a failure: StepFailedError: RestoreTables: repair of threat_reports failed");
    return Cases.with(Cases.recovery(false), new CorruptionState(Cases.REQUEST, null, on, null, null, null))
        .withError(Json.MAPPER.createObjectNode().put("Error", "StepFailedError").put("Cause", "repair failed"));
  }

  private static Recovery second() {
    return Recovery.start("data-corruption", "sentinel-db", SECOND, "dev", new Trigger("manual", "manual", "INC-2",
        "2026-01-17T10:30:00Z", "manual invoke", Json.MAPPER.valueToTree(Cases.REQUEST)),
        new Options(null, "latest", null, false, 30, 5));
  }

  private String owner(LockedResource r) {
    var item = table.item(RecoveryLocks.lockKey(r));
    return item == null ? null : item.get("owner").s();
  }

  @Test
  void aSecondRecoveryOfTheDatabaseIsRefusedWhileTheFirstHoldsMaintenance() {
    Recovery first = held(false);
    StepHarness.invoke(new AcquireLock(Cases.deps(table)), first);
    Recovery notified = StepHarness.invoke(new Notify(Cases.deps(sns, table)), first);
    assertTrue(StepHarness.only(notified, "Notify", "locks-held").detail().contains("./sentinel release "
        + Cases.EXECUTION), notified.timeline().toString());
    Claim claim = Claim.of("data-corruption", "sentinel-db", Fixtures.config());
    for (LockedResource r : claim.resources()) {
      assertEquals(Cases.EXECUTION, owner(r), "kept: " + r);
      assertNull(table.item(RecoveryLocks.lockKey(r)).get(RecoveryLocks.TTL), "no expiry: " + r);
    }

    StepFailedError e = assertThrows(StepFailedError.class,
        () -> StepHarness.invoke(new AcquireLock(Cases.deps(table)), second()));
    assertTrue(e.getMessage().startsWith("resource busy: maintenance held by " + Cases.EXECUTION), e.getMessage());
    assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
    assertEquals(Cases.EXECUTION, owner(LockedResource.rdsInstance("sentinel-db")), "the database is not taken");

    // the lease does not free it: a month later the responder still finds it held, and joins nothing to it
    RecoveryLocks later = new RecoveryLocks(table, "dev-sentinel-dr-locks", Clock.offset(Fixtures.CLOCK,
        Duration.ofDays(30)), Duration.ofHours(3));
    RecoveryLocks.Lock lock = later.acquire(claim, SECOND);
    assertFalse(lock.ours());
    assertFalse(lock.heldBySameRecovery(claim), "an ended recovery is not joined");
    assertTrue(lock.describeBusy().startsWith("maintenance held by " + Cases.EXECUTION), lock.describeBusy());
    assertNull(later.joinRunning(claim, "rds:sentinel-db:RDS-EVENT-0049", "restarted"));
  }

  @Test
  void aHumanReleasesTheHeldLocksAndOnlyThose() {
    Recovery first = held(false);
    StepHarness.invoke(new AcquireLock(Cases.deps(table)), first);
    StepHarness.invoke(new Notify(Cases.deps(sns, table)), first);
    RecoveryLocks locks = new RecoveryLocks(table, "dev-sentinel-dr-locks", Fixtures.CLOCK, Duration.ofHours(3));
    // a running recovery's locks are never released by it
    LockedResource other = LockedResource.cacheCluster("sentinel-redis");
    locks.acquire(new Claim("redis-failure", "sentinel-redis", other, java.util.List.of(other)), "redis-run");
    assertTrue(locks.releaseHeld("redis-run").isEmpty());
    assertEquals("redis-run", owner(other));

    Map<String, String> released = locks.releaseHeld(Cases.EXECUTION);
    Claim claim = Claim.of("data-corruption", "sentinel-db", Fixtures.config());
    assertEquals(claim.resources().size(), released.size(), released.toString());
    assertTrue(released.get("rds-instance:sentinel-db").startsWith("maintenance held by "), released.toString());
    StepHarness.invoke(new AcquireLock(Cases.deps(table)), second());
    assertEquals(SECOND, owner(LockedResource.rdsInstance("sentinel-db")), "free again once released");
  }

  @Test
  void aRecoveryThatEndedMaintenanceReleasesItsLocksAsAnyOther() {
    Recovery exited = held(true);
    StepHarness.invoke(new AcquireLock(Cases.deps(table)), exited);
    Recovery notified = StepHarness.invoke(new Notify(Cases.deps(sns, table)), exited);
    assertFalse(StepHarness.only(notified, "Notify", "unlocked").detail().isEmpty());
    assertNull(owner(LockedResource.rdsInstance("sentinel-db")));
  }
}
