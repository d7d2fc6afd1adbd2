package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheClusterNotFoundException;
import software.amazon.awssdk.services.elasticache.model.CacheNode;
import software.amazon.awssdk.services.elasticache.model.Endpoint;
import software.amazon.awssdk.services.elasticache.model.Tag;

/**
 * What the Scenario 2 steps share about ElastiCache: DescribeCacheClusters with "not found" as an empty result, the
 * node endpoint, and the tags that let a re-run tell its own recovery cluster from anything else of that name.
 */
final class CacheClusters {
  private CacheClusters() {}

  /** Tags the recovery cluster carries, so a re-run can adopt its own cluster and refuse anyone else's. */
  static final String EXECUTION_TAG = "sentinel-dr:execution";
  static final String SNAPSHOT_TAG = "sentinel-dr:snapshot";
  static final String POINT_TAG = "sentinel-dr:recovery-point";

  static final int DEFAULT_PORT = 6379;

  /**
   * The protected cluster this recovery is about. A direct StartExecution bypasses the responders' checks, so the
   * steps hold the line too: only the cluster the environment config names is diagnosed and recovered.
   */
  static String protectedCluster(Recovery recovery, DrConfig config) {
    String id = recovery.resource();
    RedisSettings redis = config.settings(RedisSettings.class).orElse(null);
    if (redis == null) {
      throw new OutsideBlastRadiusError("the " + config.environment() + " environment protects no Redis cluster ("
          + RedisSettings.SECTION.variable() + " is not set)");
    }
    if (!redis.clusterId().equals(id)) {
      throw new OutsideBlastRadiusError("resource '" + id + "' is not the protected cluster "
          + redis.clusterId() + " of " + config.environment());
    }
    return id;
  }

  /** The scenario state so far (a new one when this is the first step to write it). */
  static CacheState state(Recovery recovery) {
    CacheState state = recovery.part(CacheState.PART);
    return state == null ? new CacheState(null, null, null, null) : state;
  }

  /** The recovery cluster earlier steps created or planned, or a clear error naming the step that needs it. */
  static CacheState.RecoveryCluster requireCluster(Recovery recovery, String step) {
    if (recovery.part(CacheState.PART) == null || recovery.part(CacheState.PART).cluster() == null) {
      throw new StepFailedError(step + " needs the recovery cluster CreateRecoveryCluster requested");
    }
    return recovery.part(CacheState.PART).cluster();
  }

  static Optional<CacheCluster> find(ElastiCacheClient elastiCache, String id) {
    try {
      return elastiCache.describeCacheClusters(b -> b.cacheClusterId(id).showCacheNodeInfo(true)).cacheClusters()
          .stream().findFirst();
    } catch (CacheClusterNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Where clients connect: the (single) node's endpoint, or the configuration endpoint; null while unknown. */
  static Endpoint endpoint(CacheCluster cluster) {
    for (CacheNode node : cluster.cacheNodes()) {
      if (node.endpoint() != null && node.endpoint().address() != null) {
        return node.endpoint();
      }
    }
    Endpoint config = cluster.configurationEndpoint();
    return config != null && config.address() != null ? config : null;
  }

  static int portOf(Endpoint endpoint) {
    return endpoint.port() == null ? DEFAULT_PORT : endpoint.port();
  }

  /** The cluster's tags; empty when it reports no ARN to read them by (ownership then cannot be shown). */
  static Map<String, String> tags(ElastiCacheClient elastiCache, CacheCluster cluster) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (cluster.arn() == null) {
      return tags;
    }
    for (Tag t : elastiCache.listTagsForResource(b -> b.resourceName(cluster.arn())).tagList()) {
      tags.put(t.key(), t.value());
    }
    return tags;
  }

  static List<Tag> tagsFor(String executionName, String snapshotName, String recoveryPoint) {
    List<Tag> tags = new ArrayList<>();
    tags.add(Tag.builder().key(EXECUTION_TAG).value(executionName).build());
    if (snapshotName != null) {
      tags.add(Tag.builder().key(SNAPSHOT_TAG).value(snapshotName).build());
    }
    if (recoveryPoint != null) {
      tags.add(Tag.builder().key(POINT_TAG).value(recoveryPoint).build());
    }
    return tags;
  }
}
