package ai.sentinel.dr.redis;

import ai.sentinel.dr.ecs.EcsState;
import ai.sentinel.dr.database.DatabaseState;
import java.util.function.Consumer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.redis.CacheState.Diagnosis;
import ai.sentinel.dr.redis.CacheState.RecoveryCluster;
import ai.sentinel.dr.redis.CacheState.SnapshotChoice;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheClusterNotFoundException;
import software.amazon.awssdk.services.elasticache.model.CacheNode;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersRequest;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersResponse;
import software.amazon.awssdk.services.elasticache.model.Endpoint;
import software.amazon.awssdk.services.elasticache.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.elasticache.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.elasticache.model.Tag;

/** Scenario 2 test data: a Redis-protecting environment, recovery documents, and an ElastiCache fake by cluster id. */
final class Cache {
  static final String ORIGINAL = "sentinel-redis";
  static final String RECOVERY = "sentinel-redis-recovery";
  static final String SECRET = "sentinel/redis-url";
  static final String OLD_HOST = "sentinel-redis.abc123.0001.use1.cache.amazonaws.com";
  static final String NEW_HOST = "sentinel-redis-recovery.abc123.0001.use1.cache.amazonaws.com";
  static final String EXECUTION = "redis-failure-sentinel-redis-0123456789abcdef";
  static final String SNAPSHOT = "sentinel-redis-pre-deploy";
  static final String SNAPSHOT_TIME = "2026-01-17T08:30:00Z";

  private Cache() {}

  /** The dev environment of {@link Fixtures#env()} plus a protected Redis cluster, fallbacks unlike the original. */
  static Map<String, String> env() {
    Map<String, String> env = Fixtures.env();
    return Fixtures.withSection(env, "redis", s -> {
      s.put("clusterId", ORIGINAL).put("secretId", SECRET).put("nodeType", "cache.t3.medium")
          .put("subnetGroup", "sentinel-redis-subnet").put("verifyConnect", false);
      s.putArray("securityGroups").add("sg-0cachefallback");
    });
  }

  static DrConfig config() {
    return DrConfig.fromEnv(env());
  }

  static Deps deps(Object... clients) {
    return Fixtures.deps(config(), clients);
  }

  /** The Redis environment with its redis settings edited. */
  static Deps deps(Consumer<ObjectNode> redis, Object... clients) {
    return Fixtures.deps(DrConfig.fromEnv(Fixtures.withSection(env(), "redis", redis)), clients);
  }

  static Recovery recovery(boolean dryRun) {
    return Recovery.start("redis-failure", ORIGINAL, EXECUTION, "dev",
        new Trigger("alarm", "eventbridge", "sentinel-redis-cpu", "2026-01-17T10:02:11.482Z", "test"),
        options("latest", dryRun));
  }

  static Recovery recovery(boolean dryRun, CacheState cache) {
    return recovery(dryRun).with(CacheState.PART, cache);
  }

  static Options options(String snapshotId, boolean dryRun) {
    return new Options(null, snapshotId, null, dryRun, 30, 5);
  }

  static Recovery withOptions(Recovery r, Options o) {
    return r.withEnvelope(r.scenario(), r.resource(), r.executionName(), r.environment(), r.trigger(), o);
  }

  static Recovery withResource(Recovery r, String resource) {
    return r.withEnvelope(r.scenario(), resource, r.executionName(), r.environment(), r.trigger(), r.options());
  }

  /** The original as Diagnose saw it, with settings distinct from every config fallback. */
  static Diagnosis seenOriginal() {
    return new Diagnosis(ORIGINAL, true, "available", "cache.r6g.large", "redis", "7.1", "orig-cache-subnet",
        List.of("sg-0orig1", "sg-0orig2"), "original", 12.0, 97.5, true, "test", "2026-01-17T10:05:00Z");
  }

  /** The original gone: Diagnose took the config's settings and has no engine version. */
  static Diagnosis originalGone() {
    return new Diagnosis(ORIGINAL, false, null, "cache.t3.medium", "redis", null, "sentinel-redis-subnet",
        List.of("sg-0cachefallback"), "config", null, null, false, "test", "2026-01-17T10:05:00Z");
  }

  static SnapshotChoice chosenSnapshot() {
    return new SnapshotChoice(SNAPSHOT, SNAPSHOT_TIME, "latest");
  }

  static RecoveryCluster creating(int polls) {
    return new RecoveryCluster(RECOVERY, "2026-01-17T10:06:00Z", "creating", null, null, false, polls);
  }

  static RecoveryCluster availableAt(String host, int port) {
    return new RecoveryCluster(RECOVERY, "2026-01-17T10:06:00Z", "available", host, port, true, 3);
  }

  static String arn(String id) {
    return "arn:aws:elasticache:us-east-1:123456789012:cluster:" + id;
  }

  static CacheCluster cluster(String id, String status, String host, Integer port) {
    CacheCluster.Builder b = CacheCluster.builder().cacheClusterId(id).cacheClusterStatus(status).engine("redis")
        .arn(arn(id)).cacheClusterCreateTime(Instant.parse("2026-01-17T10:06:30Z"));
    if (host != null) {
      b.cacheNodes(CacheNode.builder().cacheNodeId("0001").cacheNodeStatus(status)
          .endpoint(Endpoint.builder().address(host).port(port).build()).build());
    }
    return b.build();
  }

  static List<Tag> tags(String execution) {
    return CacheClusters.tagsFor(execution, SNAPSHOT, SNAPSHOT_TIME);
  }

  static CacheClusterNotFoundException notFound(String id) {
    return (CacheClusterNotFoundException) CacheClusterNotFoundException.builder().statusCode(404)
        .message("Cache cluster " + id + " not found.")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("CacheClusterNotFound").build()).build();
  }

  /** ElastiCache as far as clusters and their tags go: what tests (or a stubbed create) put in is what it reports. */
  static final class Fake {
    final Map<String, CacheCluster> clusters = new ConcurrentHashMap<>();
    final Map<String, List<Tag>> tagsByArn = new ConcurrentHashMap<>();

    void put(CacheCluster cluster, List<Tag> tags) {
      clusters.put(cluster.cacheClusterId(), cluster);
      if (tags != null) {
        tagsByArn.put(cluster.arn(), tags);
      }
    }
  }

  static Fake stubClusters(ElastiCacheClient elastiCache) {
    Fake fake = new Fake();
    when(elastiCache.describeCacheClusters(any(DescribeCacheClustersRequest.class))).thenAnswer(inv -> {
      String id = inv.<DescribeCacheClustersRequest>getArgument(0).cacheClusterId();
      CacheCluster found = id == null ? null : fake.clusters.get(id);
      if (found == null) {
        throw notFound(id);
      }
      return DescribeCacheClustersResponse.builder().cacheClusters(found).build();
    });
    when(elastiCache.listTagsForResource(any(ListTagsForResourceRequest.class))).thenAnswer(inv ->
        ListTagsForResourceResponse.builder().tagList(fake.tagsByArn.getOrDefault(
            inv.<ListTagsForResourceRequest>getArgument(0).resourceName(), List.of())).build());
    return fake;
  }
}
