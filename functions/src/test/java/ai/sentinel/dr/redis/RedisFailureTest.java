package ai.sentinel.dr.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scenario 2 as a plug-in: what its approval gate tells the on-call; priming only where a cache is protected. */
class RedisFailureTest {
  private final RedisFailure scenario = new RedisFailure();

  @Test
  void updateSecretIsItsGateAndSaysWhereTheCacheWillPointAndWhatIsLost() {
    assertEquals(Set.of("UpdateSecret"), scenario.gates().keySet());
    Recovery r = Fixtures.recovery(false).with(CacheState.PART, new CacheState(null,
        new CacheState.SnapshotChoice("sentinel-redis-2026-01-17", "2026-01-17T03:00:00Z", "latest"),
        new CacheState.RecoveryCluster("sentinel-redis-recovery", "2026-01-17T10:02:16Z", "available",
            "sentinel-redis-recovery.abc.cache.amazonaws.com", 6379, true, 4), null));
    assertEquals("repoint the Redis secret at sentinel-redis-recovery "
        + "(sentinel-redis-recovery.abc.cache.amazonaws.com:6379), created from snapshot sentinel-redis-2026-01-17 "
        + "taken at 2026-01-17T03:00:00Z (cache data written since then is lost), then restart the ECS services",
        scenario.gates().get("UpdateSecret").apply(r));
    assertNull(scenario.gates().get("UpdateSecret").apply(Fixtures.recovery(false)), "no recovery cluster yet");
  }

  @Test
  void anEnvironmentWithoutACacheHasNothingToPrime() {
    Map<String, String> env = Fixtures.env();
    env.remove("SETTINGS_REDIS");
    assertEquals(List.of(), scenario.priming(DrConfig.fromEnv(env)));
    assertEquals(2, scenario.priming(Fixtures.config()).size());
  }
}
