package ai.sentinel.dr.infra.redis;

import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.redis.RedisSettings;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import software.constructs.Construct;

/**
 * IAM of the Scenario 2 step functions, scoped to the configured cache ({@code redis.clusterId}), the cluster the
 * runbook derives from it ({@code <cluster>-recovery}, the only one a recovery may create) and the Redis URL secret.
 *
 * <p>CreateCacheCluster is authorized (Service Authorization Reference, Amazon ElastiCache) against the parameter
 * group (required), and, when the request names them, the new cluster, the snapshot it starts from, the cache subnet
 * group and security groups; tagging the new cluster at creation (the {@code sentinel-dr:execution} tag that lets a
 * retried step adopt its own cluster) also needs AddTagsToResource on it. Its other dependent actions (the EC2
 * network-interface calls) are made by ElastiCache's service-linked role, not by the caller. ElastiCache compares
 * ARNs in lower case, which {@link #cache} and the config's validation ensure.
 */
final class RedisPermissions {
  private static final List<String> DESCRIBE_CLUSTERS = List.of("elasticache:DescribeCacheClusters");

  private final Arns arns;
  private final RedisSettings redis;
  private final String cluster;
  private final String recoveryCluster;

  RedisPermissions(Construct scope, EnvironmentConfig config) {
    this.arns = new Arns(scope);
    this.redis = config.require(RedisSettings.class);
    this.cluster = cache("cluster", redis.clusterId());
    this.recoveryCluster = cache("cluster", redis.recoveryClusterId());
  }

  void grant(RunbookFunction diagnose, RunbookFunction findSnapshot, RunbookFunction createRecoveryCluster,
      RunbookFunction waitForCluster, RunbookFunction updateSecret, RunbookFunction verify) {
    diagnose.allow(DESCRIBE_CLUSTERS, List.of(cluster));
    diagnose.allow(List.of("cloudwatch:GetMetricStatistics"), List.of("*"));
    Nag.suppressFindings(diagnose.role(), Nag.IAM5, "cloudwatch:GetMetricStatistics supports no resource-level "
        + "permissions (AWS requires Resource '*'); it is read-only and the step asks only for the protected "
        + "cluster's CurrConnections and EngineCPUUtilization", "/^Resource::\\*$/");
    if (redis.verifyConnect()) {
      // PING with the services' credentials: is the cache healthy before it is replaced
      diagnose.allow(List.of("secretsmanager:GetSecretValue"), List.of(arns.secret(redis.secretId())));
    }

    // automatic snapshots are named automatic.<cluster>-<time>; manual ones must be named <cluster>-...
    String id = redis.clusterId();
    List<String> snapshots = List.of(cache("snapshot", "automatic." + id + "-*"), cache("snapshot", id + "-*"));
    String snapshotFinding = Nag.arnFinding("elasticache", "snapshot:(automatic\\.)?" + Nag.literal(id) + "-\\*");
    // reading is wider than creating: when the failed cluster is gone, ElastiCache answers a query for its snapshots
    // with CacheClusterNotFound, and the step lists every snapshot and keeps the cluster's own; an operator may name
    // any snapshot, which the step refuses unless it is the cluster's. Only snapshots named as below can be restored
    findSnapshot.allow(List.of("elasticache:DescribeSnapshots"),
        List.of(cluster, cache("snapshot", "*")));
    Nag.suppressFindings(findSnapshot.role(), Nag.IAM5, "DescribeSnapshots is read-only; the snapshots of a "
        + "deleted cluster can only be found by listing all of them (the step keeps those whose CacheClusterId is "
        + "the protected cluster). CreateCacheCluster, the write, is limited to the cluster's own snapshot names",
        Nag.arnFinding("elasticache", "snapshot:\\*"));

    // the engine's default parameter group (default.redis7, ...) unless the original names its own, which then must
    // be granted here too
    List<String> createResources = Stream.of(List.of(recoveryCluster,
        cache("subnetgroup", redis.subnetGroup()), cache("parametergroup", "default.redis*")),
        redis.securityGroups().stream().map(g -> cache("securitygroup", g)).toList(), snapshots)
        .flatMap(List::stream).toList();
    // a retried step adopts the cluster its execution created: it reads the cluster's tags
    createRecoveryCluster.allow(List.of("elasticache:DescribeCacheClusters", "elasticache:ListTagsForResource"),
        List.of(recoveryCluster));
    createRecoveryCluster.allow(List.of("elasticache:CreateCacheCluster", "elasticache:AddTagsToResource"),
        createResources);
    Nag.suppressFindings(createRecoveryCluster.role(), Nag.IAM5, "CreateCacheCluster reads the snapshot the "
        + "recovery starts from, named at run time (automatic.<cluster>-<time> or <cluster>-...), and the engine's "
        + "default parameter group (default.redis<version>), whose name depends on the original's engine version",
        snapshotFinding, Nag.arnFinding("elasticache", "parametergroup:default\\.redis\\*"));

    waitForCluster.allow(DESCRIBE_CLUSTERS, List.of(recoveryCluster));

    String secret = arns.secret(redis.secretId());
    updateSecret.allow(List.of("secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"), List.of(secret));

    verify.allow(DESCRIBE_CLUSTERS, List.of(recoveryCluster));
    verify.allow(List.of("secretsmanager:GetSecretValue"), List.of(secret));
  }

  /**
   * An ElastiCache ARN: ElastiCache keeps its names in lower case, and IAM compares its ARNs that way, so a mixed-case
   * ARN would match nothing.
   */
  private String cache(String resource, String name) {
    return arns.colon("elasticache", resource, name.toLowerCase(Locale.ROOT));
  }
}
