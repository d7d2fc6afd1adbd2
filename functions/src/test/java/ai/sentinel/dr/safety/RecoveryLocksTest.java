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
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
  void aRecoveryThatTookNoActionGivesItsAttemptBackAndOnlyItsOwn() {
    locks.recordStart(DB, "sentinel-db", "exec-1");
    locks.recordStart(DB, "sentinel-db", "exec-2");
    assertTrue(locks.refund(DB, "sentinel-db", "exec-1"));
    assertEquals(1, locks.recentStarts(DB, "sentinel-db", WINDOW).size(), "exec-2's attempt still counts");
    assertFalse(locks.refund(DB, "sentinel-db", "exec-1"), "given back once");
    assertTrue(table.conditions().contains("attribute_exists(#starts.#name)"), table.conditions().toString());
    // an operator's start counted nothing: no item is written for it
    assertFalse(locks.refund("redis-failure", "sentinel-redis", "manual-1"));
    assertNull(table.item("attempts#redis-failure#sentinel-redis"));
  }

  private static final LockedResource DB_INSTANCE = LockedResource.rdsInstance("sentinel-db");
  private static final LockedResource API = LockedResource.ecsService("sentinel-production", "sentinel-api");
  private static final LockedResource CELERY = LockedResource.ecsService("sentinel-production", "sentinel-celery");
  private static final LockedResource DB_SECRET = LockedResource.secret("sentinel/database-url");
  /** Scenario 1 on sentinel-db: the instance, its secret, both services (declared out of order on purpose). */
  private static final Claim DB_CLAIM = new Claim(DB, "sentinel-db", DB_INSTANCE,
      List.of(DB_INSTANCE, DB_SECRET, CELERY, API));
  private static final Claim ECS_CLAIM = new Claim("ecs-service-failure", "sentinel-api", API, List.of(API));
  private static final Claim REDIS_CLAIM = new Claim("redis-failure", "sentinel-redis",
      LockedResource.cacheCluster("sentinel-redis"), List.of(LockedResource.cacheCluster("sentinel-redis"),
          LockedResource.secret("sentinel/redis-url"), API, CELERY));

  private static Claim only(LockedResource r) {
    return new Claim(DB, r.name(), r, List.of(r));
  }

  private Map<String, AttributeValue> lockItem(LockedResource r) {
    return table.item(RecoveryLocks.lockKey(r));
  }

  @Test
  void aHeldLockIsNotTakenByAnotherOwnerUntilItsLeaseEnds() {
    RecoveryLocks.Lock first = locks.acquire(DB_CLAIM, "exec-1");
    assertTrue(first.ours());
    assertTrue(first.acquired());
    RecoveryLocks.Lock other = at(Fixtures.NOW.plusSeconds(60)).acquire(DB_CLAIM, "exec-2");
    assertFalse(other.ours());
    assertFalse(other.acquired());
    assertEquals("exec-1", other.owner());
    RecoveryLocks.Lock afterLease = at(Fixtures.NOW.plus(LEASE).plusSeconds(1)).acquire(DB_CLAIM, "exec-2");
    assertTrue(afterLease.acquired(), "a crashed run cannot hold the resource forever");
    for (LockedResource r : DB_CLAIM.resources()) {
      assertEquals("exec-2", lockItem(r).get("owner").s(), r + " taken over after the lease");
    }
  }

  @Test
  void theSameExecutionNameIsOursButOnlyTheAcquisitionThatWroteTheLockHoldsItsToken() {
    RecoveryLocks.Lock winner = locks.acquire(DB_CLAIM, "exec-1");
    RecoveryLocks.Lock copy = locks.acquire(DB_CLAIM, "exec-1");
    assertTrue(copy.ours(), "the execution's own first state finds its lock");
    assertFalse(copy.acquired(), "a second copy of the signal did not take the lock");
    assertNull(copy.token());
    assertNotNull(winner.token());
    for (LockedResource r : DB_CLAIM.resources()) {
      assertEquals(winner.token(), lockItem(r).get("token").s(), r.key());
    }
    assertNotEquals(winner.token(), locks.acquire(only(LockedResource.cacheCluster("sentinel-redis")),
        "exec-1").token(), "tokens are unique");
  }

  @Test
  void anAcquisitionReleasesOnlyWhatItAcquired() {
    RecoveryLocks.Lock first = locks.acquire(DB_CLAIM, "exec-1");
    locks.release(DB_CLAIM, first);
    RecoveryLocks.Lock second = locks.acquire(DB_CLAIM, "exec-1");
    assertTrue(second.acquired());
    // the earlier acquisition's release, late or repeated, must not free the lock taken since
    locks.release(DB_CLAIM, first);
    assertEquals(second.token(), lockItem(DB_INSTANCE).get("token").s());
    assertEquals(second.token(), lockItem(API).get("token").s());
    RecoveryLocks.Lock other = locks.acquire(DB_CLAIM, "exec-2");
    assertFalse(other.ours());
    locks.release(DB_CLAIM, second);
    for (LockedResource r : DB_CLAIM.resources()) {
      assertNull(lockItem(r), r + " released");
    }
  }

  @Test
  void theExecutionReleasesItsLocksByNameWithTheSignalsThatJoined() {
    locks.acquire(DB_CLAIM, "exec-1");
    assertTrue(locks.join(DB_CLAIM, "exec-1", "rds:evt", "rds:evt (rds-event via eventbridge)"));
    assertFalse(locks.join(DB_CLAIM, "exec-2", "alarm:x", "alarm:x"), "only the holder's lock is joined");
    assertEquals(List.of(), locks.release(DB_CLAIM, "exec-2"), "someone else's lock is left alone");
    assertNotNull(lockItem(API), "someone else's lock is left alone");
    List<String> joined = locks.release(DB_CLAIM, "exec-1");
    assertEquals(1, joined.size());
    assertTrue(joined.get(0).endsWith("rds:evt (rds-event via eventbridge)"), joined.toString());
    for (LockedResource r : DB_CLAIM.resources()) {
      assertNull(lockItem(r), r + " released");
    }
  }

  @Test
  void aRecoveryOfAnotherScenarioCannotChangeAServiceAnotherRecoveryHolds() {
    RecoveryLocks.Lock ecs = locks.acquire(ECS_CLAIM, "ecs-exec");
    assertTrue(ecs.acquired());
    RecoveryLocks.Lock db = locks.acquire(DB_CLAIM, "db-exec");
    assertFalse(db.ours(), "the database recovery would restart sentinel-api under the ECS recovery");
    assertEquals(API, db.busy());
    assertEquals("ecs-exec", db.owner());
    assertEquals("ecs-service-failure", db.holderScenario());
    assertEquals("sentinel-api", db.holderResource());
    assertFalse(db.heldBySameRecovery(DB_CLAIM));
    assertTrue(db.describeBusy().contains("ecs-service:sentinel-production/sentinel-api is held by "
        + "ecs-service-failure on sentinel-api (ecs-exec)"), db.describeBusy());
    // all-or-nothing: nothing of the refused claim stays locked
    for (LockedResource r : List.of(DB_INSTANCE, DB_SECRET, CELERY)) {
      assertNull(lockItem(r), r + " must not stay locked by a refused claim");
    }
    assertFalse(locks.join(DB_CLAIM, "ecs-exec", "rds:evt", "rds:evt"), "a signal joins only its own scenario's "
        + "recovery of its own resource");
    // and the other way round: a Redis recovery restarting both services holds them against an ECS recovery
    locks.release(ECS_CLAIM, "ecs-exec");
    assertTrue(locks.acquire(REDIS_CLAIM, "redis-exec").acquired());
    RecoveryLocks.Lock blocked = locks.acquire(ECS_CLAIM, "ecs-exec-2");
    assertFalse(blocked.ours());
    assertEquals("redis-failure", blocked.holderScenario());
    assertFalse(locks.acquire(DB_CLAIM, "db-exec").ours(), "nor a database recovery");
    locks.release(REDIS_CLAIM, "redis-exec");
    assertTrue(locks.acquire(DB_CLAIM, "db-exec").acquired(), "free once the holder released");
  }

  @Test
  void aClaimRefusedOnItsLastResourceGivesBackEverythingItWrote() {
    // the secret sorts last: the instance and both services are written first, then the secret is found held
    assertEquals(List.of(API, CELERY, DB_INSTANCE, DB_SECRET), DB_CLAIM.resources(), "one order for everyone");
    assertTrue(locks.acquire(new Claim("data-corruption", "sentinel-db", DB_SECRET, List.of(DB_SECRET)), "other")
        .acquired());
    RecoveryLocks.Lock db = locks.acquire(DB_CLAIM, "db-exec");
    assertFalse(db.ours());
    assertEquals(DB_SECRET, db.busy());
    for (LockedResource r : List.of(API, CELERY, DB_INSTANCE)) {
      assertNull(lockItem(r), r + " was written, then given back");
    }
    assertEquals("other", lockItem(DB_SECRET).get("owner").s(), "the holder keeps its lock");
  }

  @Test
  void twoRecoveriesWithOverlappingClaimsTakeThemInTheSameOrder() {
    Claim declaredOneWay = new Claim("a", "x", API, List.of(API, DB_SECRET, CELERY));
    Claim declaredTheOther = new Claim("b", "y", DB_SECRET, List.of(DB_SECRET, CELERY, API));
    assertEquals(declaredOneWay.resources(), declaredTheOther.resources(),
        "sorted the same way, so neither holds one while the other holds the next");
  }
}
