package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
import ai.sentinel.dr.common.SettingsSection;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The protected Redis cache (cdk.json {@code redis}, optional: without it no Scenario 2 is deployed).
 *
 * @param clusterId      ElastiCache cluster id (runbook: sentinel-redis); the recovery creates {@code <id>-recovery}
 * @param secretId       name (not ARN) of the Secrets Manager secret holding the Redis URL (sentinel/redis-url)
 * @param nodeType       node type of the recovery cluster when the original cannot be described (cache.t3.medium)
 * @param subnetGroup    cache subnet group, same fallback; also the only subnet group the recovery may use
 * @param securityGroups VPC security groups, same fallback
 * @param verifyConnect  Verify sends a Redis PING to the recovery cluster (needs a vpc)
 * @param connectHost    host:port to PING instead of the cluster's endpoint: set by local clouds (whose endpoints are
 *                       not real) in the functions' environment, never in cdk.json
 */
public record RedisSettings(String clusterId, String secretId, String nodeType, String subnetGroup,
    List<String> securityGroups, boolean verifyConnect, String connectHost) implements Settings {

  public static final SettingsSection<RedisSettings> SECTION = new SettingsSection<>("redis", RedisSettings.class,
      false, Set.of(), RedisSettings::read, new SettingsSection.Drill<>("redisRecoveryTest", RedisSettings::readDrill),
      List.of(RedisFailure.ID));

  private static final Set<String> FIELDS = Set.of("clusterId", "secretId", "nodeType", "subnetGroup",
      "securityGroups", "verifyConnect");
  // ElastiCache stores ids in lower case and IAM matches its ARNs that way: lower case only; 40 characters at most,
  // 31 leaving room for the "-recovery" suffix
  private static final Pattern CLUSTER_ID = Pattern.compile("[a-z](-?[a-z0-9])*");
  private static final int CLUSTER_ID_MAX = 40 - "-recovery".length();
  private static final Pattern NODE_TYPE = Pattern.compile("cache\\.[a-z0-9-]+\\.[a-z0-9-]+");
  private static final Pattern SUBNET_GROUP = Pattern.compile("[a-z0-9](-?[a-z0-9])*");
  private static final int SUBNET_GROUP_MAX = 255;

  public RedisSettings {
    securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
  }

  /** This function's Redis settings, or a clear error when its environment has none. */
  public static RedisSettings of(DrConfig config) {
    return config.require(RedisSettings.class);
  }

  /** The cluster a recovery creates: the runbook's {@code sentinel-redis-recovery}. */
  public String recoveryClusterId() {
    return clusterId + "-recovery";
  }

  /** This cache with other fallback security groups and another way to reach it (a local cloud's). */
  public RedisSettings withLocal(List<String> newSecurityGroups, boolean newVerifyConnect, String newConnectHost) {
    return new RedisSettings(clusterId, secretId, nodeType, subnetGroup, newSecurityGroups, newVerifyConnect,
        newConnectHost);
  }

  @Override
  public boolean allows(String service, String target) {
    return switch (service) {
      case "elasticache" -> target.equals(recoveryClusterId());
      case "secretsmanager" -> target.equals(secretId);
      default -> false;
    };
  }

  @Override
  public Map<String, String> secrets() {
    return secretId == null ? Map.of() : Map.of("secretId", secretId);
  }

  static RedisSettings read(JsonNode node, ConfigReader config) {
    if (!node.isObject()) {
      config.problem("redis must be an object {clusterId, secretId, nodeType, subnetGroup, securityGroups, "
          + "verifyConnect}");
      return null;
    }
    config.unknownFields(node, "redis.", FIELDS);
    String secretId = config.secretName(node, "redis.secretId");
    boolean verifyConnect = config.bool(node, "redis.verifyConnect");
    if (verifyConnect && !config.root().has("vpc")) {
      config.problem("redis.verifyConnect is true but no vpc is configured: the Verify function would have no "
          + "network path to the cache (set vpc, or redis.verifyConnect false)");
    }
    return new RedisSettings(
        config.text(node, "redis.clusterId", CLUSTER_ID, "an ElastiCache cluster id: lower-case letters, digits "
            + "and single hyphens, starting with a letter, at most " + CLUSTER_ID_MAX + " characters (room "
            + "for the '-recovery' suffix)", CLUSTER_ID_MAX),
        secretId,
        config.text(node, "redis.nodeType", NODE_TYPE, "an ElastiCache node type such as cache.t3.medium"),
        config.text(node, "redis.subnetGroup", SUBNET_GROUP, "a cache subnet group name (lower-case letters, "
            + "digits and single hyphens)", SUBNET_GROUP_MAX),
        config.list(node, "redis.securityGroups", ConfigReader.SECURITY_GROUP, "VPC security group ids (sg-...)",
            false),
        verifyConnect, null);
  }

  /** {@code drills.redisRecoveryTest}: a schedule; the test is the Redis recovery as a dry-run plan. */
  private static ScheduledTest readDrill(JsonNode drills, String path, ConfigReader config, RedisSettings settings) {
    String schedule = config.schedule(drills, path);
    return schedule == null ? null : new ScheduledTest(schedule, null);
  }
}
