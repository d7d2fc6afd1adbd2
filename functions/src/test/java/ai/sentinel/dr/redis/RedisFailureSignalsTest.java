package ai.sentinel.dr.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.support.Signals;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redis failure (Scenario 2): cache alarms, ElastiCache notifications, manual payloads. */
class RedisFailureSignalsTest {
  private final Signals signals = Signals.standard();

  private Classification classify(String file) {
    return signals.classify(file);
  }

  private Classification classifyText(String json) {
    return signals.classifyText(json);
  }

  // ---- Scenario 2: Redis -----------------------------------------------------------------------------------------

  @Test
  void cacheAlarmsOnTheClusterOrAMemberNodeStartRedisRecoveryOnTheCluster() throws Exception {
    for (String file : List.of("alarm-eventbridge-redis-cpu.json", "alarm-eventbridge-redis-member-node.json",
        "alarm-sns-redis-connections.json")) {
      Classification c = classify(file);
      assertEquals("start", c.action(), file + ": " + c.reason());
      assertEquals("redis-failure", c.scenario(), file);
      assertEquals("sentinel-redis", c.resource(), file + ": the recovery acts on the cluster, not the node");
      assertEquals("alarm", c.trigger().kind(), file);
    }
    assertTrue(classify("alarm-eventbridge-redis-member-node.json").reason()
        .contains("CacheClusterId=sentinel-redis-002 (a node of sentinel-redis)"));
  }

  @Test
  void membersAreMatchedPreciselyAndTheRecoveryClusterIsNeverOne() {
    for (String member : List.of("sentinel-redis", "sentinel-redis-001", "sentinel-redis-006",
        "sentinel-redis-0001-002")) {
      assertTrue(RedisFailureSignals.isMember("sentinel-redis", member), member);
    }
    for (String other : List.of("sentinel-redis-recovery", "sentinel-redis-01", "sentinel-redis-0abc",
        "sentinel-redis2", "billing-redis-001", "sentinel-redis-001-recovery", "")) {
      assertFalse(RedisFailureSignals.isMember("sentinel-redis", other), other);
    }
    // the deployed pattern matches on the prefix sentinel-redis-0; the classifier still refuses what is no member
    String lookalike = new String(Signals.read("alarm-eventbridge-redis-cpu.json"), StandardCharsets.UTF_8)
        .replace("\"CacheClusterId\": \"sentinel-redis\"", "\"CacheClusterId\": \"sentinel-redis-0ld\"");
    Classification c = classifyText(lookalike);
    assertEquals("ignore", c.action(), c.reason());
    assertTrue(c.reason().contains("CacheClusterId=sentinel-redis-0ld"), c.reason());
  }

  @Test
  void alarmsOnOurRecoveryClusterOrAnotherCacheAreIgnored() throws Exception {
    assertTrue(classify("alarm-eventbridge-redis-recovery-cluster.json").reason()
        .contains("CacheClusterId=sentinel-redis-recovery"));
    assertTrue(classify("alarm-eventbridge-other-cache.json").reason().contains("billing-redis-001"));
  }

  @Test
  void withoutARedisClusterCacheSignalsStartNothingAndRedisRequestsAreRefused() {
    Map<String, String> env = Fixtures.env();
    env.remove("SETTINGS_REDIS");
    EventClassifier noRedis = new EventClassifier(DrConfig.fromEnv(env), Fixtures.CLOCK);
    Classification alarm = noRedis.classify(Signals.read("alarm-eventbridge-redis-cpu.json"));
    assertEquals("ignore", alarm.action(), alarm.reason());
    Classification notification = noRedis.classify(Signals.read("elasticache-sns-provisioning-failed.json"));
    assertEquals("ignore", notification.action());
    assertTrue(notification.reason().contains("SETTINGS_REDIS is not set"), notification.reason());
    Classification manual = noRedis.classify(Signals.read("manual-redis-failure.json"));
    assertEquals("reject", manual.action());
    assertTrue(manual.reason().contains("redis-failure is not deployed in this environment"), manual.reason());
    env.put("ALARM_ROUTES", "{\"sentinel-redis-engine-cpu\":\"redis-failure\"}");
    Classification routed = new EventClassifier(DrConfig.fromEnv(env), Fixtures.CLOCK)
        .classify(Signals.read("alarm-eventbridge-redis-cpu.json"));
    assertEquals("reject", routed.action());
    assertTrue(routed.reason().contains("SETTINGS_REDIS is not set"), routed.reason());
  }

  @Test
  void elastiCacheFailureNotificationStartsRedisRecovery() throws Exception {
    Classification c = classify("elasticache-sns-provisioning-failed.json");
    assertEquals("start", c.action(), c.reason());
    assertEquals("sentinel-redis", c.resource());
    assertEquals("elasticache-event", c.trigger().kind());
    assertEquals("sns", c.trigger().source());
    assertEquals("CacheClusterProvisioningFailed", c.trigger().id());
    assertEquals("2026-01-17T10:02:58.144Z", c.trigger().time());
    assertEquals("elasticache:sentinel-redis:CacheClusterProvisioningFailed:2026-01-17T10:02:58.144Z",
        c.dedupKey());
  }

  @Test
  void routineOrServingElastiCacheNotificationsAreIgnoredWithTheirReason() throws Exception {
    assertTrue(classify("elasticache-sns-snapshot-complete.json").reason().contains("routine"));
    assertTrue(classify("elasticache-sns-failover-complete.json").reason().contains("routine"));
    assertTrue(classify("elasticache-sns-node-replaced.json").reason().contains("routine"));
    assertTrue(classify("elasticache-sns-other-cache.json").reason().contains("not the protected cluster"));
    assertTrue(classify("elasticache-sns-recovery-cluster.json").reason().contains("own recovery creates"));
    Classification replacing = classifyText(Signals.snsWith("{\"ElastiCache:CacheNodeReplaceStarted\":"
        + "\"sentinel-redis-001\"}"));
    assertEquals("ignore", replacing.action());
    assertTrue(replacing.reason().contains("replacing a degraded node by itself"), replacing.reason());
    Classification deleted = classifyText(Signals.snsWith("{\"ElastiCache:DeleteCacheClusterComplete\":"
        + "\"sentinel-redis\"}"));
    assertEquals("ignore", deleted.action());
    assertTrue(deleted.reason().contains("invoke redis-failure by hand"), deleted.reason());
    Classification unknown = classifyText(Signals.snsWith("{\"ElastiCache:SomethingNew\":\"sentinel-redis\"}"));
    assertEquals("ignore", unknown.action());
    assertTrue(unknown.reason().contains("not a documented ElastiCache failure notification"), unknown.reason());
  }

  @Test
  void elastiCacheNotificationNamingTheGroupAndTheNodeIsOurs() {
    Classification c = classifyText(Signals.snsWith("{\"ElastiCache:CacheClusterProvisioningFailed\":"
        + "\"sentinel-redis-002\",\"Replication Group ID\":\"sentinel-redis\"}"));
    assertEquals("start", c.action(), c.reason());
    assertEquals("sentinel-redis", c.resource());
  }

  @Test
  void manualRedisTakesASnapshotNameAndRefusesDatabaseOptions() throws Exception {
    Classification c = classify("manual-redis-named-snapshot-dry-run.json");
    assertEquals("sentinel-redis", c.resource());
    assertEquals("automatic.sentinel-redis-2026-01-17-03-00", c.options().snapshotId());
    assertNull(c.options().option());
    assertNull(c.options().restoreTime());
    assertTrue(c.options().dryRun());
    assertEquals("latest", classify("manual-redis-failure.json").options().snapshotId());
    assertTrue(classify("invalid-redis-restore-time.json").reason().contains("no point-in-time restore"));
    assertTrue(classifyText("{\"runbook\":\"redis-failure\",\"option\":\"B\"}").reason()
        .startsWith("option applies to database-failure only"));
    assertTrue(classifyText("{\"runbook\":\"redis-failure\",\"resource\":\"billing-redis\"}").reason()
        .contains("redis-failure covers sentinel-redis"));
    assertTrue(classifyText("{\"runbook\":\"redis-failure\",\"snapshotId\":\"../etc\"}").reason()
        .contains("ElastiCache snapshot name"));
  }
}
