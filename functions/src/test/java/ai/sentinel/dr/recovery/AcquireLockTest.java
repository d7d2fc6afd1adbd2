package ai.sentinel.dr.recovery;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.safety.Claim;
import ai.sentinel.dr.safety.FakeLockTable;
import ai.sentinel.dr.safety.LockedResource;
import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.support.Fixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The first state of a hand-started execution takes the whole claim, or stops before anything changes. */
class AcquireLockTest {
  private static final LockedResource API = LockedResource.ecsService("sentinel-production", "sentinel-api");

  private final FakeLockTable table = new FakeLockTable();
  private final RecoveryLocks locks = new RecoveryLocks(table, "dev-sentinel-dr-locks", Fixtures.CLOCK,
      Duration.ofHours(3));

  private String owner(LockedResource r) {
    var item = table.item(RecoveryLocks.lockKey(r));
    return item == null ? null : item.get("owner").s();
  }

  @Test
  void aHandStartedRecoveryLocksEveryResourceItWillChange() {
    Recovery in = Fixtures.recovery(false);
    Recovery out = invoke(new AcquireLock(Fixtures.deps(table)), in);
    Claim claim = Claim.of("database-failure", "sentinel-db", Fixtures.config());
    assertEquals(6, claim.resources().size(), claim.toString());
    for (LockedResource r : claim.resources()) {
      assertEquals(in.executionName(), owner(r), r.key());
    }
    assertTrue(only(out, "AcquireLock", "locked").detail().contains(API.key()));
  }

  @Test
  void aServiceHeldByAnotherScenariosRecoveryStopsItBeforeAnyChangeNamingTheHolder() {
    Claim ecs = new Claim("ecs-service-failure", "sentinel-api", API, List.of(API));
    assertTrue(locks.acquire(ecs, "ecs-service-failure-sentinel-api-1").acquired());
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new AcquireLock(Fixtures.deps(table)), Fixtures.recovery(false)));
    assertTrue(e.getMessage().contains("ecs-service:sentinel-production/sentinel-api is held by ecs-service-failure "
        + "on sentinel-api (ecs-service-failure-sentinel-api-1)"), e.getMessage());
    assertNull(owner(LockedResource.rdsInstance("sentinel-db")), "all-or-nothing");
    assertEquals("ecs-service-failure-sentinel-api-1", owner(API));
  }
}
