package ai.sentinel.dr.drill.redis;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.LocalAws;
import ai.sentinel.dr.drill.SeedPart;
import ai.sentinel.dr.drill.SentinelSeed;
import ai.sentinel.dr.redis.RedisSettings;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;

/**
 * Scenario 2's part of the platform, when the environment configures a cache: ElastiCache {@code sentinel-redis}
 * (redis 7.0) with its subnet and security groups, an older and a newer snapshot, the Redis URL secret and the
 * connections alarm; and a throwaway {@code redis-server} (when this machine has one) standing in for the recovery
 * cluster, so PING runs for real.
 */
public final class RedisSeed implements SeedPart {
  /** The cache's alarm: CurrConnections of the protected cluster. */
  public static final String REDIS_ALARM = "sentinel-redis-connections";
  /** The running cache cluster's node type: not the config's fallback, so a copied setting can be told apart. */
  public static final String ORIGINAL_CACHE_NODE_TYPE = "cache.r6g.large";

  private boolean configured;
  private LocalRedis redis;
  private List<String> securityGroups = List.of();
  private String endpoint;
  private final Map<String, Instant> snapshots = new LinkedHashMap<>();
  private String secretValue;

  /** The cache first: ElastiCache takes a moment to create it, the other parts' seeding is that moment. */
  @Override
  public void seed(SentinelSeed platform) {
    DrConfig config = platform.config;
    configured = config.settings(RedisSettings.class).isPresent();
    if (!configured) {
      return;
    }
    String sg = platform.securityGroup(RedisSettings.of(config).clusterId() + "-sg", "Sentinel Redis");
    String subnetGroup = RedisSettings.of(config).subnetGroup() != null ? RedisSettings.of(config)
        .subnetGroup() : "sentinel-redis-subnet";
    platform.aws.elastiCache.createCacheSubnetGroup(b -> b.cacheSubnetGroupName(subnetGroup)
        .cacheSubnetGroupDescription("Sentinel Redis subnets").subnetIds(platform.subnetIds));
    platform.aws.elastiCache.createCacheCluster(b -> b.cacheClusterId(RedisSettings.of(config).clusterId())
        .engine("redis")
        .engineVersion("7.0").cacheNodeType(ORIGINAL_CACHE_NODE_TYPE).numCacheNodes(1).port(6379)
        .cacheSubnetGroupName(subnetGroup).securityGroupIds(sg).snapshotRetentionLimit(7)
        .preferredAvailabilityZone(LocalAws.REGION.id() + "a"));
    securityGroups = List.of(sg);
  }

  /** The cache's history and secret, once it is available; then the local server that stands in for a recovery. */
  @Override
  public void finish(SentinelSeed platform) throws IOException, InterruptedException {
    if (!configured) {
      return;
    }
    LocalAws aws = platform.aws;
    String id = RedisSettings.of(platform.config).clusterId();
    // yesterday's daily backup (its time set: no API takes a snapshot in the past), and one taken now: the
    // newest, whose age is the recovery point a restore achieves
    Instant yesterday = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    String older = id + "-daily-" + yesterday.toString().substring(0, 10);
    aws.elastiCache.createSnapshot(b -> b.cacheClusterId(id).snapshotName(older));
    platform.cloud.setCacheSnapshotTime(older, yesterday);
    snapshots.put(older, yesterday);
    String newer = id + "-manual-" + Instant.now().getEpochSecond();
    Instant taken = aws.elastiCache.createSnapshot(b -> b.cacheClusterId(id).snapshotName(newer)).snapshot()
        .nodeSnapshots().get(0).snapshotCreateTime();
    snapshots.put(newer, taken);
    CacheCluster cluster = awaitAvailable(aws, id);
    endpoint = cluster.cacheNodes().get(0).endpoint().address();
    secretValue = "redis://" + endpoint + ":" + cluster.cacheNodes().get(0).endpoint().port() + "/0";
    aws.secrets.createSecret(b -> b.name(RedisSettings.of(platform.config).secretId()).secretString(secretValue));
    platform.connectionsAlarm(REDIS_ALARM, "AWS/ElastiCache", "CurrConnections", "CacheClusterId", id);
    // the recovered cluster's endpoint is not a real host: PING a local Redis standing in for it
    redis = LocalRedis.binary().isPresent() ? LocalRedis.start() : null;
  }

  private static CacheCluster awaitAvailable(LocalAws aws, String id) throws InterruptedException {
    long until = System.nanoTime() + 30_000_000_000L;
    while (true) {
      CacheCluster c = aws.elastiCache.describeCacheClusters(b -> b.cacheClusterId(id).showCacheNodeInfo(true))
          .cacheClusters().get(0);
      if ("available".equals(c.cacheClusterStatus()) && c.hasCacheNodes() && !c.cacheNodes().isEmpty()) {
        return c;
      }
      if (System.nanoTime() > until) {
        throw new IllegalStateException("seeded cache cluster " + id + " not available: " + c.cacheClusterStatus());
      }
      Thread.sleep(100);
    }
  }

  /** The seeded security groups, as a real account's config would name them; PING against the local server. */
  @Override
  public Map<String, String> functionEnvironment() {
    if (!configured) {
      return Map.of();
    }
    // fields of the redis settings, merged into the functions that have that section (SettingsSections.override)
    Map<String, Object> cache = new LinkedHashMap<>();
    cache.put("securityGroups", securityGroups);
    cache.put("verifyConnect", redis != null);
    if (redis != null) {
      cache.put("connectHost", redis.address());
    }
    return Map.of(RedisSettings.SECTION.variable(), Json.write(cache));
  }

  /** True when a local Redis answers for the recovered cache (PING verification runs for real). */
  public boolean reachable() {
    return redis != null;
  }

  /** Security groups of the cache cluster (empty without a Redis scenario). */
  public List<String> securityGroups() {
    return securityGroups;
  }

  /** The cache cluster's node endpoint address (null without a Redis scenario). */
  public String endpoint() {
    return endpoint;
  }

  /** Cache snapshot name to when it was taken, oldest first. */
  public Map<String, Instant> snapshots() {
    return snapshots;
  }

  /** The Redis secret's initial value (null without a Redis scenario). */
  public String secretValue() {
    return secretValue;
  }

  @Override
  public void close() {
    if (redis != null) {
      redis.close();
    }
  }
}
