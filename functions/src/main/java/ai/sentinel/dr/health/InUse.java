package ai.sentinel.dr.health;

import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.redis.RedisUrl;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheClusterNotFoundException;
import software.amazon.awssdk.services.elasticache.model.CacheNode;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Which RDS instance and Redis cluster the platform uses now. A recovery may restore into a new resource
 * ({@code <id>-recovery}, {@code <id>-pitr}) and repoint the connection secret at it while the configured one is
 * deleted or 'deleting'; the application follows the secret, so the health check does too: of the configured resource
 * and the replacements a recovery may create, the one whose endpoint is the secret's host is judged. Without a
 * readable secret, or when its host is none of them (a proxy, a DNS alias), the configured resource is judged and the
 * line says why. Only the host of the secret is kept, never its value.
 */
final class InUse {
  /**
   * The resource judged.
   *
   * @param id    its identifier
   * @param state its status as described, or null when it does not exist
   * @param note  why this one, for the line; null for the configured resource the secret points at (the usual case)
   */
  record Found(String id, String state, String note) {
    String observed() {
      return id + " " + (state == null ? "not found" : state) + (note == null ? "" : " (" + note + ")");
    }
  }

  /** A described resource: its status and the host clients connect to (null while it has none). */
  private record Seen(String state, String address) {}

  private final SecretsManagerClient secrets;

  InUse(SecretsManagerClient secrets) {
    this.secrets = secrets;
  }

  /**
   * The database instance in use among {@code instances} (the configured one first). An error describing the
   * configured instance is thrown, for the check to report it unreadable.
   */
  Found database(RdsClient rds, String secretId, List<String> instances) {
    return follow(secretId, v -> DatabaseUrl.parse(v).host(), instances, "instance", id -> {
      try {
        List<DBInstance> found = rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances();
        if (found.isEmpty()) {
          return null;
        }
        DBInstance db = found.get(0);
        return new Seen(db.dbInstanceStatus(), db.endpoint() == null ? null : db.endpoint().address());
      } catch (DbInstanceNotFoundException e) {
        return null;
      }
    });
  }

  /** The cache cluster in use among {@code clusters} (the configured one first); errors as for the database. */
  Found cache(ElastiCacheClient elastiCache, String secretId, List<String> clusters) {
    return follow(secretId, v -> RedisUrl.parse(v).host(), clusters, "cluster", id -> {
      try {
        List<CacheCluster> found = elastiCache.describeCacheClusters(b -> b.cacheClusterId(id)
            .showCacheNodeInfo(true)).cacheClusters();
        return found.isEmpty() ? null : new Seen(found.get(0).cacheClusterStatus(), address(found.get(0)));
      } catch (CacheClusterNotFoundException e) {
        return null;
      }
    });
  }

  /** Where clients connect: a node's endpoint, or the configuration endpoint (cluster mode). */
  private static String address(CacheCluster cluster) {
    for (CacheNode node : cluster.cacheNodes()) {
      if (node.endpoint() != null && node.endpoint().address() != null) {
        return node.endpoint().address();
      }
    }
    return cluster.configurationEndpoint() == null ? null : cluster.configurationEndpoint().address();
  }

  private Found follow(String secretId, Function<String, String> hostOf, List<String> candidates, String kind,
      Function<String, Seen> describe) {
    String configured = candidates.get(0);
    // the configured resource first: usually the secret points at it and one Describe is all it takes
    Seen first = describe.apply(configured);
    String state = first == null ? null : first.state();
    if (secretId == null || secrets == null) {
      return new Found(configured, state, null);
    }
    String host;
    try {
      String value = secrets.getSecretValue(b -> b.secretId(secretId).versionStage("AWSCURRENT")).secretString();
      host = value == null ? null : hostOf.apply(value);
    } catch (SdkException e) {
      return new Found(configured, state, secretId + " unreadable (" + HealthChecks.code(e) + "): the configured "
          + kind + " is checked");
    } catch (RuntimeException e) {
      // a parse error: its message never quotes the value
      return new Found(configured, state, secretId + " has no host: the configured " + kind + " is checked");
    }
    if (host == null || first != null && host.equalsIgnoreCase(first.address())) {
      return new Found(configured, state, null);
    }
    for (String other : candidates.subList(1, candidates.size())) {
      Seen seen;
      try {
        seen = describe.apply(other);
      } catch (SdkException e) {
        continue; // unreadable is not shown to be in use: the configured one stays the one judged
      }
      if (seen != null && host.equalsIgnoreCase(seen.address())) {
        return new Found(other, seen.state(), secretId + " points here, not at " + configured);
      }
    }
    if (first == null) {
      // nothing serves the secret's host and the configured one is gone: "not found" says it all
      return new Found(configured, null, null);
    }
    return new Found(configured, state, secretId + "'s host " + host + " is none of "
        + String.join(", ", candidates));
  }
}
