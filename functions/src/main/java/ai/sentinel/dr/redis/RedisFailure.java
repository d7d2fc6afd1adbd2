package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Clients.Priming;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.scenario.ApprovalGate;
import ai.sentinel.dr.scenario.GateExplanation;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.trigger.SignalRules;
import ai.sentinel.dr.recovery.RestartServices;
import ai.sentinel.dr.safety.LockedResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Runbook Scenario 2: Redis Failure. */
public final class RedisFailure implements Scenario {
  public static final String ID = "redis-failure";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "Redis failure";
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.REDIS);
  }

  @Override
  public ReportPart report() {
    return new RedisFailureReport();
  }

  @Override
  public SignalRules signals() {
    return new RedisFailureSignals();
  }

  /** Only where the environment protects a cache. */
  @Override
  public List<Priming<?>> priming(DrConfig config) {
    return config.settings(RedisSettings.class).map(redis -> List.<Priming<?>>of(
        new Priming<>(ElastiCacheClient.class, cache -> cache.describeCacheClusters(b -> b.cacheClusterId(
            redis.clusterId()))),
        new Priming<>(SecretsManagerClient.class, sm -> sm.describeSecret(b -> b.secretId(redis.secretId())))))
        .orElse(List.of());
  }

  /** Repointing the Redis secret moves every service to the recovery cluster (and to the snapshot's data). */
  @Override
  public Map<String, ApprovalGate> gates() {
    return Map.of("UpdateSecret", RedisFailure::explainUpdateSecret);
  }

  static GateExplanation explainUpdateSecret(Recovery r, DrConfig config) {
    CacheState cache = r.part(CacheState.PART);
    if (cache == null || cache.cluster() == null) {
      return null;
    }
    CacheState.RecoveryCluster cluster = cache.cluster();
    CacheState.SnapshotChoice snapshot = cache.snapshot();
    String secret = config.settings(RedisSettings.class).map(RedisSettings::secretId).orElse("the Redis secret");
    return new GateExplanation(
        "repoint the Redis secret at " + cluster.clusterId() + " (" + cluster.address() + ":" + cluster.port()
            + "), created from " + (snapshot == null ? "no snapshot" : "snapshot " + snapshot.name() + " taken at "
            + snapshot.createdAt()) + ", then restart the ECS services",
        "secret " + secret + "; " + RestartServices.describeTargets(config) + " (restarted to read it)",
        "the application's cache is " + cluster.clusterId() + " instead of " + r.resource() + " from then on: "
            + (snapshot == null ? "it starts empty, every cached entry is lost"
                : "it holds the snapshot's data, cache data written since " + snapshot.createdAt() + " is lost")
            + ". Rejecting changes nothing more: the secret stays on " + r.resource() + " and "
            + cluster.clusterId() + " is left for a human");
  }

  @Override
  public List<SettingsSection<?>> settings() {
    return List.of(RedisSettings.SECTION);
  }

  /** The cluster, the recovery cluster it creates, the secret it repoints and the services it restarts. */
  @Override
  public List<LockedResource> mutates(String resource, DrConfig config) {
    List<LockedResource> out = new ArrayList<>(List.of(LockedResource.cacheCluster(resource)));
    config.settings(RedisSettings.class).ifPresent(r -> out.addAll(List.of(
        LockedResource.cacheCluster(r.recoveryClusterId()), LockedResource.secret(r.secretId()))));
    out.addAll(RestartServices.targets(config));
    return out;
  }
}
