package ai.sentinel.dr.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.scenario.GateExplanation;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scenario 2 as a plug-in: what its approval gate tells the on-call; priming only where a cache is protected. */
class RedisFailureTest {
  private final RedisFailure scenario = new RedisFailure();

  @Test
  void updateSecretIsItsGateAndSaysWhatChangesOnWhichResourceAndWhatIsLost() {
    assertEquals(Set.of("UpdateSecret"), scenario.gates().keySet());
    Recovery base = Fixtures.recovery(false);
    Recovery onRedis = Recovery.start("redis-failure", "sentinel-redis", base.executionName(), base.environment(),
        base.trigger(), base.options()).with(CacheState.PART, new CacheState(null,
        new CacheState.SnapshotChoice("sentinel-redis-2026-01-17", "2026-01-17T03:00:00Z", "latest"),
        new CacheState.RecoveryCluster("sentinel-redis-recovery", "2026-01-17T10:02:16Z", "available",
            "sentinel-redis-recovery.abc.cache.amazonaws.com", 6379, true, 4), null));
    GateExplanation gate = scenario.gates().get("UpdateSecret").explain(onRedis, Fixtures.config());
    assertEquals("repoint the Redis secret at sentinel-redis-recovery "
        + "(sentinel-redis-recovery.abc.cache.amazonaws.com:6379), created from snapshot sentinel-redis-2026-01-17 "
        + "taken at 2026-01-17T03:00:00Z, then restart the ECS services", gate.change());
    assertEquals("secret sentinel/redis-url; ECS services sentinel-api, sentinel-celery in cluster "
        + "sentinel-production (restarted to read it)", gate.resource());
    assertEquals("the application's cache is sentinel-redis-recovery instead of sentinel-redis from then on: it "
        + "holds the snapshot's data, cache data written since 2026-01-17T03:00:00Z is lost. Rejecting changes "
        + "nothing more: the secret stays on sentinel-redis and sentinel-redis-recovery is left for a human",
        gate.meaning());
    assertNull(scenario.gates().get("UpdateSecret").explain(Fixtures.recovery(false), Fixtures.config()),
        "no recovery cluster yet");
  }

  @Test
  void aClusterWithoutASnapshotStartsEmptyAndTheGateSaysSo() {
    Recovery r = Fixtures.recovery(false).with(CacheState.PART, new CacheState(null, null,
        new CacheState.RecoveryCluster("sentinel-redis-recovery", "2026-01-17T10:02:16Z", "available",
            "sentinel-redis-recovery.abc.cache.amazonaws.com", 6379, true, 4), null));
    GateExplanation gate = scenario.gates().get("UpdateSecret").explain(r, Fixtures.config());
    assertTrue(gate.meaning().contains("it starts empty, every cached entry is lost"), gate.meaning());
  }

  @Test
  void anEnvironmentWithoutACacheHasNothingToPrime() {
    Map<String, String> env = Fixtures.env();
    env.remove("SETTINGS_REDIS");
    assertEquals(List.of(), scenario.priming(DrConfig.fromEnv(env)));
    assertEquals(2, scenario.priming(Fixtures.config()).size());
  }
}
