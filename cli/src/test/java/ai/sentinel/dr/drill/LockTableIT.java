package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.localcloud.FunctionRegistry;
import ai.sentinel.dr.localcloud.LocalCloud;
import ai.sentinel.dr.safety.Claim;
import ai.sentinel.dr.safety.LockedResource;
import ai.sentinel.dr.safety.RecoveryLocks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The lock and the attempt budget against the local cloud's DynamoDB with real concurrent threads released together:
 * the guarantees come from the conditional writes DynamoDB evaluates, so they hold however the requests interleave.
 */
class LockTableIT {
  private static final int THREADS = 12;
  private static final String TABLE = "it-sentinel-dr-locks";
  private static final String DB = "database-failure";
  private static final Instant NOW = Instant.parse("2026-01-17T10:05:00Z");
  private static final LockedResource API = LockedResource.ecsService("sentinel-production", "sentinel-api");
  private static final LockedResource CELERY = LockedResource.ecsService("sentinel-production", "sentinel-celery");

  /** A claim on one resource of its own. */
  private static Claim only(String resource) {
    LockedResource r = LockedResource.rdsInstance(resource);
    return new Claim(DB, resource, r, List.of(r));
  }

  private static LocalCloud cloud;
  private static LocalAws aws;

  @BeforeAll
  static void startTheLocalCloud() throws Exception {
    cloud = LocalCloud.start(FunctionRegistry.empty());
    aws = new LocalAws(cloud.endpoint().toString());
    aws.dynamoDb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(AttributeDefinition.builder().attributeName(RecoveryLocks.KEY)
            .attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName(RecoveryLocks.KEY).keyType(KeyType.HASH).build()));
  }

  @AfterAll
  static void stop() {
    if (aws != null) {
      aws.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  private static RecoveryLocks locks() {
    return new RecoveryLocks(aws.dynamoDb, TABLE, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(3));
  }

  /** Runs the task on {@link #THREADS} threads that start together; results in thread order. */
  private static <T> List<T> together(java.util.function.IntFunction<Callable<T>> task) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        Callable<T> work = task.apply(i);
        futures.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return work.call();
        }));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void signalsRacingForOneResourceLeaveExactlyOneHolder() throws Exception {
    List<RecoveryLocks.Lock> results = together(i -> () -> locks().acquire(only("sentinel-db"), "exec-" + i));
    List<RecoveryLocks.Lock> won = results.stream().filter(RecoveryLocks.Lock::acquired).toList();
    assertEquals(1, won.size(), results.toString());
    String holder = won.get(0).owner();
    assertTrue(results.stream().allMatch(l -> l.owner().equals(holder)), "every loser names the holder: " + results);
    assertEquals(holder, item("lock#rds-instance:sentinel-db").get("owner").s());
  }

  @Test
  void copiesOfOneSignalShareTheNameButOnlyOneHoldsTheTokenAndOnlyItReleases() throws Exception {
    List<RecoveryLocks.Lock> results = together(i -> () -> locks().acquire(only("sentinel-redis"), "exec-same"));
    assertTrue(results.stream().allMatch(RecoveryLocks.Lock::ours), results.toString());
    List<RecoveryLocks.Lock> won = results.stream().filter(RecoveryLocks.Lock::acquired).toList();
    assertEquals(1, won.size(), results.toString());
    locks().release(only("sentinel-redis"), won.get(0));
    assertNull(item("lock#rds-instance:sentinel-redis"));
  }

  @Test
  void recoveriesOfThreeScenariosRacingForSharedServicesLeaveOneHolderAndNothingHalfLocked() throws Exception {
    // database and Redis recoveries restart both services, an ECS recovery redeploys one: all overlap on sentinel-api
    LockedResource db = LockedResource.rdsInstance("race-db");
    LockedResource cache = LockedResource.cacheCluster("race-redis");
    List<Claim> claims = List.of(
        new Claim("database-failure", "race-db", db, List.of(db, LockedResource.secret("race/database-url"), API,
            CELERY)),
        new Claim("redis-failure", "race-redis", cache, List.of(cache, LockedResource.secret("race/redis-url"),
            CELERY, API)),
        new Claim("ecs-service-failure", "sentinel-api", API, List.of(API)));
    for (int round = 0; round < 3; round++) {
      String tag = "r" + round + "-";
      List<RecoveryLocks.Lock> results = together(i -> () -> locks().acquire(claims.get(i % 3), tag + i));
      List<Integer> winners = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        if (results.get(i).ours()) {
          winners.add(i);
        }
      }
      assertEquals(1, winners.size(), "exactly one recovery holds sentinel-api: " + results);
      Claim won = claims.get(winners.get(0) % 3);
      String holder = tag + winners.get(0);
      for (Claim c : claims) {
        for (LockedResource r : c.resources()) {
          Map<String, AttributeValue> item = item(RecoveryLocks.lockKey(r));
          if (won.resources().contains(r)) {
            assertEquals(holder, item.get("owner").s(), r + " belongs to the winner");
          } else {
            assertNull(item, r + " must not stay locked by a refused claim (all-or-nothing)");
          }
        }
      }
      locks().release(won, holder);
      for (LockedResource r : won.resources()) {
        assertNull(item(RecoveryLocks.lockKey(r)), r + " released");
      }
    }
  }

  @Test
  void escalationsRacingInOneWindowPageTheOnCallOnce() throws Exception {
    List<Boolean> paged = together(i -> () -> locks().recordEscalation(DB, "sentinel-db-2", Duration.ofHours(24)));
    assertEquals(1, paged.stream().filter(Boolean::booleanValue).count(), paged.toString());
  }

  @Test
  void startsRecordedAtOnceAreEachCountedOnce() throws Exception {
    // every execution is recorded twice (a redelivered signal), from different threads
    together(i -> () -> {
      locks().recordStart(DB, "sentinel-db-3", "exec-" + (i % (THREADS / 2)));
      return null;
    });
    assertEquals(THREADS / 2, locks().recentStarts(DB, "sentinel-db-3", Duration.ofHours(24)).size());
  }

  private static Map<String, AttributeValue> item(String key) {
    Map<String, AttributeValue> item = aws.dynamoDb.getItem(b -> b.tableName(TABLE).consistentRead(true)
        .key(Map.of(RecoveryLocks.KEY, AttributeValue.fromS(key)))).item();
    return item == null || item.isEmpty() ? null : item;
  }
}
