package ai.sentinel.dr.drill.redis;

import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.redis.CacheState;
import ai.sentinel.dr.redis.RedisSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.SecurityGroupMembership;

/**
 * Scenario 2: the cache cluster is lost (deleted: moto, like ElastiCache in the minutes after a delete, still
 * describes it as "deleting", so its settings can be read), its CurrConnections alarm goes to ALARM and the real
 * CloudWatch event reaches the alarm responder. Recovery: a new cluster from the newest snapshot with the original's
 * settings, the Redis URL secret repointed, the services restarted, PING.
 */
public final class RedisFailure implements DrillScenario {

  @Override
  public String id() {
    return ai.sentinel.dr.redis.RedisFailure.ID;
  }

  @Override
  public void describe(LocalSentinel sentinel, PrintStream out) {
    String id = RedisSettings.of(sentinel.config).clusterId();
    CacheCluster c = describe(sentinel, id);
    RedisSeed seeded = sentinel.part(RedisSeed.class);
    out.println("seeded: " + id + " (" + c.engine() + " " + c.engineVersion() + ", " + c.cacheNodeType() + ", "
        + c.cacheSubnetGroupName() + ") endpoint " + seeded.endpoint() + "; snapshots "
        + seeded.snapshots().entrySet().stream().map(e -> e.getKey() + " [" + age(e.getValue()) + " old]").toList());
    out.println("seeded: secret " + RedisSettings.of(sentinel.config).secretId() + "; ECS "
        + EcsSettings.of(sentinel.config).cluster() + " "
        + EcsSettings.of(sentinel.config).services() + "; alarm " + RedisSeed.REDIS_ALARM);
    out.println("verify: PING " + (seeded.reachable()
        ? "against a local Redis standing in for the recovery cluster"
        : "SKIPPED (no Redis server installed: apt-get install -y redis-server)"));
  }

  private static String age(Instant at) {
    Duration d = Duration.between(at, Instant.now());
    return d.toHours() > 0 ? d.toHours() + " h" : d.toSeconds() + " s";
  }

  static CacheCluster describe(LocalSentinel sentinel, String id) {
    return sentinel.aws.elastiCache.describeCacheClusters(b -> b.cacheClusterId(id).showCacheNodeInfo(true))
        .cacheClusters().get(0);
  }

  /** The failure: the cluster is gone and nobody can connect to it. */
  @Override
  public void inject(LocalSentinel sentinel, PrintStream out) {
    String id = RedisSettings.of(sentinel.config).clusterId();
    sentinel.aws.cloudWatch.putMetricData(b -> b.namespace("AWS/ElastiCache").metricData(d -> d
        .metricName("CurrConnections").value(0.0).unit(StandardUnit.COUNT)
        .dimensions(Dimension.builder().name("CacheClusterId").value(id).build())));
    sentinel.aws.elastiCache.deleteCacheCluster(b -> b.cacheClusterId(id));
    sentinel.aws.cloudWatch.setAlarmState(b -> b.alarmName(RedisSeed.REDIS_ALARM).stateValue(StateValue.ALARM)
        .stateReason("Threshold Crossed: 1 out of the last 1 datapoints [0.0] was less than or equal to the "
            + "threshold (0.0)."));
    out.println("inject: deleted " + id + " (cache lost, now " + describe(sentinel, id).cacheClusterStatus()
        + "), CurrConnections 0, " + RedisSeed.REDIS_ALARM + " -> ALARM");
  }

  @Override
  public boolean healthyVariant() {
    return true;
  }

  /** The alarm fires on a quiet minute; the cluster is available and answers PING. */
  @Override
  public boolean falseAlarm(LocalSentinel sentinel, PrintStream out) {
    String id = RedisSettings.of(sentinel.config).clusterId();
    sentinel.aws.cloudWatch.putMetricData(b -> b.namespace("AWS/ElastiCache").metricData(d -> d
        .metricName("CurrConnections").value(0.0).unit(StandardUnit.COUNT)
        .dimensions(Dimension.builder().name("CacheClusterId").value(id).build())));
    sentinel.aws.cloudWatch.setAlarmState(b -> b.alarmName(RedisSeed.REDIS_ALARM).stateValue(StateValue.ALARM)
        .stateReason("Threshold Crossed: 1 out of the last 1 datapoints [0.0] was less than or equal to the "
            + "threshold (0.0)."));
    out.println("false alarm: CurrConnections 0 for a minute, " + RedisSeed.REDIS_ALARM + " -> ALARM; " + id
        + " stays " + describe(sentinel, id).cacheClusterStatus());
    return true;
  }

  @Override
  public Signal signal(LocalSentinel sentinel) {
    return Signal.alarm(sentinel, RedisSeed.REDIS_ALARM);
  }

  @Override
  public Guard guard(LocalSentinel sentinel) {
    return Guard.secret(sentinel, RedisSettings.of(sentinel.config).secretId());
  }

  /** The recovery cluster as ElastiCache describes it, against the original; the secret names its endpoint. */
  @Override
  public boolean confirm(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    CacheCluster original = describe(sentinel, RedisSettings.of(sentinel.config).clusterId());
    CacheCluster created = describe(sentinel, RedisSettings.of(sentinel.config).recoveryClusterId());
    out.println("recovery cluster " + created.cacheClusterId() + ": " + settings(created) + " (original: "
        + settings(original) + ")");
    String address = created.cacheNodes().isEmpty() ? null : created.cacheNodes().get(0).endpoint().address();
    String expected = "redis://" + address + ":6379/0";
    String secret = sentinel.aws.secrets.getSecretValue(b -> b.secretId(RedisSettings.of(sentinel.config).secretId()))
        .secretString();
    boolean repointed = expected.equals(secret);
    out.println("secret " + RedisSettings.of(sentinel.config).secretId() + (repointed ? " points at " + address
        : " does NOT point at the recovery cluster's endpoint " + address));
    CacheState cache = recovery.part(CacheState.PART);
    if (cache != null && cache.snapshot() != null) {
      out.println("restored from " + cache.snapshot().name() + " taken "
          + cache.snapshot().createdAt() + " (cache data since then is lost: sessions re-login, "
          + "rate-limit counters reset, as the runbook accepts)");
    }
    return repointed && settings(original).equals(settings(created));
  }

  static String settings(CacheCluster c) {
    return c.cacheNodeType() + ", " + c.engine() + " " + c.engineVersion() + ", subnet group "
        + c.cacheSubnetGroupName() + ", security groups " + c.securityGroups().stream()
            .map(SecurityGroupMembership::securityGroupId).sorted().toList();
  }
}
