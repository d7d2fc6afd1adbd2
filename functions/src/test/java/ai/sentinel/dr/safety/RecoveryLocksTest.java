package ai.sentinel.dr.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.support.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lock and the budget against a table that evaluates DynamoDB's conditions: each guarantee holds because of the
 * condition sent, so deleting or weakening a condition fails these tests.
 */
class RecoveryLocksTest {
  private static final String DB = "database-failure";
  private static final Duration LEASE = Duration.ofHours(3);
  private static final Duration WINDOW = Duration.ofHours(24);

  private final FakeLockTable table = new FakeLockTable();

  private RecoveryLocks at(Instant now) {
    return new RecoveryLocks(table, "dev-sentinel-dr-locks", Clock.fixed(now, ZoneOffset.UTC), LEASE);
  }

  private final RecoveryLocks locks = at(Fixtures.NOW);

  @Test
  void theOnCallIsPagedOncePerWindowNotOncePerSignal() {
    assertTrue(locks.recordEscalation(DB, "sentinel-db", WINDOW), "first escalation in the window pages");
    assertFalse(locks.recordEscalation(DB, "sentinel-db", WINDOW), "a second signal in the window does not");
    assertFalse(at(Fixtures.NOW.plus(Duration.ofHours(23))).recordEscalation(DB, "sentinel-db", WINDOW),
        "still inside the window");
    assertTrue(at(Fixtures.NOW.plus(Duration.ofHours(25))).recordEscalation(DB, "sentinel-db", WINDOW),
        "a new window pages again");
    assertTrue(locks.recordEscalation("redis-failure", "sentinel-redis", WINDOW), "each resource has its own window");
  }

  @Test
  void aStartCountsOncePerExecutionAndOnlyInsideTheWindow() {
    locks.recordStart(DB, "sentinel-db", "exec-1");
    locks.recordStart(DB, "sentinel-db", "exec-1");
    at(Fixtures.NOW.plusSeconds(60)).recordStart(DB, "sentinel-db", "exec-2");
    assertEquals(2, at(Fixtures.NOW.plusSeconds(120)).recentStarts(DB, "sentinel-db", WINDOW).size());
    assertEquals(List.of(Fixtures.NOW.plusSeconds(60)),
        at(Fixtures.NOW.plus(WINDOW).plusSeconds(30)).recentStarts(DB, "sentinel-db", WINDOW),
        "the first start left the window");
    assertEquals(0, locks.recentStarts(DB, "sentinel-redis", WINDOW).size());
  }

  @Test
  void aHeldLockIsNotTakenByAnotherOwnerUntilItsLeaseEnds() {
    RecoveryLocks.Lock first = locks.acquire(DB, "sentinel-db", "exec-1");
    assertTrue(first.ours());
    assertTrue(first.acquired());
    RecoveryLocks.Lock other = at(Fixtures.NOW.plusSeconds(60)).acquire(DB, "sentinel-db", "exec-2");
    assertFalse(other.ours());
    assertFalse(other.acquired());
    assertEquals("exec-1", other.owner());
    RecoveryLocks.Lock afterLease = at(Fixtures.NOW.plus(LEASE).plusSeconds(1)).acquire(DB, "sentinel-db", "exec-2");
    assertTrue(afterLease.acquired(), "a crashed run cannot hold the resource forever");
  }

  @Test
  void theSameExecutionNameIsOursButOnlyTheAcquisitionThatWroteTheLockHoldsItsToken() {
    RecoveryLocks.Lock winner = locks.acquire(DB, "sentinel-db", "exec-1");
    RecoveryLocks.Lock copy = locks.acquire(DB, "sentinel-db", "exec-1");
    assertTrue(copy.ours(), "the execution's own first state finds its lock");
    assertFalse(copy.acquired(), "a second copy of the signal did not take the lock");
    assertNull(copy.token());
    assertNotNull(winner.token());
    assertEquals(winner.token(), table.item("lock#database-failure#sentinel-db").get("token").s());
    assertNotEquals(winner.token(), locks.acquire(DB, "sentinel-redis", "exec-1").token(), "tokens are unique");
  }

  @Test
  void anAcquisitionReleasesOnlyWhatItAcquired() {
    RecoveryLocks.Lock first = locks.acquire(DB, "sentinel-db", "exec-1");
    locks.release(DB, "sentinel-db", first);
    RecoveryLocks.Lock second = locks.acquire(DB, "sentinel-db", "exec-1");
    assertTrue(second.acquired());
    // the earlier acquisition's release, late or repeated, must not free the lock taken since
    locks.release(DB, "sentinel-db", first);
    assertEquals(second.token(), table.item("lock#database-failure#sentinel-db").get("token").s());
    RecoveryLocks.Lock other = locks.acquire(DB, "sentinel-db", "exec-2");
    assertFalse(other.ours());
    locks.release(DB, "sentinel-db", second);
    assertNull(table.item("lock#database-failure#sentinel-db"));
  }

  @Test
  void theExecutionReleasesItsLockByNameWithTheSignalsThatJoined() {
    locks.acquire(DB, "sentinel-db", "exec-1");
    assertTrue(locks.join(DB, "sentinel-db", "exec-1", "rds:evt", "rds:evt (rds-event via eventbridge)"));
    assertFalse(locks.join(DB, "sentinel-db", "exec-2", "alarm:x", "alarm:x"), "only the holder's lock is joined");
    assertEquals(List.of(), locks.release(DB, "sentinel-db", "exec-2"), "someone else's lock is left alone");
    List<String> joined = locks.release(DB, "sentinel-db", "exec-1");
    assertEquals(1, joined.size());
    assertTrue(joined.get(0).endsWith("rds:evt (rds-event via eventbridge)"), joined.toString());
    assertNull(table.item("lock#database-failure#sentinel-db"));
  }
}
