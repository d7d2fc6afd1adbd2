package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.DiagnoseStep;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.redis.CacheState.Diagnosis;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheNode;
import software.amazon.awssdk.services.elasticache.model.SecurityGroupMembership;

/**
 * Scenario 2, Diagnosis: the runbook's two commands (describe-cache-clusters, get-metric-statistics) for the cluster's
 * status, CurrConnections and EngineCPUUtilization. Read-only. It also settles the settings the recovery cluster will
 * be created with: the original's where it can be described, the environment config's where it cannot.
 *
 * <p>The verdict ({@link DiagnoseStep}): FAILED when the cluster is gone or in a state it does not come back from;
 * HEALTHY when it is available with every node available and answers PING with the secret's credentials (or PING is
 * not configured: {@code redis.verifyConnect}); INCONCLUSIVE otherwise (in transition, or available but not
 * answering): replacing a cache that may be fine with an older snapshot is a human's call.
 */
public final class Diagnose extends DiagnoseStep {
  static final String CONNECTIONS = "CurrConnections";
  static final String ENGINE_CPU = "EngineCPUUtilization";
  static final String PING = "redis-ping";
  /** Statuses a cluster does not come back from by itself: the runbook's "Redis is down". */
  static final Set<String> LOST = Set.of("deleted", "deleting", "create-failed", "incompatible-network",
      "restore-failed");

  private final ElastiCacheClient elastiCache;
  private final CloudWatchClient cloudWatch;

  public Diagnose() {
    this(Deps.fromProcessEnv());
  }

  public Diagnose(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Diagnose(Deps deps) {
    super(deps);
    this.elastiCache = deps.clients().elastiCache();
    this.cloudWatch = deps.clients().cloudWatch();
  }

  @Override
  protected Finding diagnose(Recovery recovery) {
    DrConfig config = deps.config();
    String id = CacheClusters.protectedCluster(recovery, config);
    RedisSettings redis = RedisSettings.of(config);
    Optional<CacheCluster> cluster = CacheClusters.find(elastiCache, id);
    Reading connections = latest(id, CONNECTIONS);
    Reading cpu = latest(id, ENGINE_CPU);

    Diagnosis diagnosis;
    List<String> fromConfig = new ArrayList<>();
    if (cluster.isPresent()) {
      CacheCluster c = cluster.get();
      String nodeType = orConfig(c.cacheNodeType(), redis.nodeType(), "node type", fromConfig);
      String subnet = orConfig(c.cacheSubnetGroupName(), redis.subnetGroup(), "subnet group", fromConfig);
      List<String> groups = c.securityGroups().stream().map(SecurityGroupMembership::securityGroupId).toList();
      if (groups.isEmpty() && !redis.securityGroups().isEmpty()) {
        groups = redis.securityGroups();
        fromConfig.add("security groups");
      }
      requireNodeType(id, nodeType, "reports no node type");
      String status = c.cacheClusterStatus();
      diagnosis = new Diagnosis(id, true, status, nodeType, c.engine() == null ? "redis" : c.engine(),
          c.engineVersion(), subnet, groups, fromConfig.isEmpty() ? "original" : "original+config",
          connections.value(), cpu.value(), "available".equals(status), finding(c, connections, cpu), now());
    } else {
      requireNodeType(id, redis.nodeType(), "cannot be described (CacheClusterNotFound)");
      diagnosis = new Diagnosis(id, false, null, redis.nodeType(), "redis", null, redis.subnetGroup(),
          redis.securityGroups(), "config", connections.value(), cpu.value(), false,
          id + " not found (CacheClusterNotFound)" + metrics(connections, cpu), now());
    }
    String detail = diagnosis.finding() + "; recovery cluster settings " + settings(diagnosis, fromConfig);
    Recovery out = recovery.with(CacheState.PART, CacheClusters.state(recovery).withDiagnosis(diagnosis))
        .log(entry("diagnosed", detail));
    return verdict(out, cluster.orElse(null), diagnosis);
  }

  private Finding verdict(Recovery out, CacheCluster c, Diagnosis d) {
    String metrics = CONNECTIONS + " " + (d.currConnections() == null ? "no data" : String.format("%.1f",
        d.currConnections())) + ", " + ENGINE_CPU + " " + (d.engineCpu() == null ? "no data"
        : String.format("%.1f%%", d.engineCpu()));
    if (c == null) {
      return Finding.of(out, Verdict.FAILED, List.of(d.clusterId() + " not found (CacheClusterNotFound)", metrics));
    }
    String status = c.cacheClusterStatus();
    List<String> evidence = new ArrayList<>(List.of(d.clusterId() + " is '" + status + "'"));
    if (LOST.contains(status)) {
      evidence.add(metrics);
      return Finding.of(out, Verdict.FAILED, evidence);
    }
    List<String> nodes = c.cacheNodes().stream().filter(n -> n.cacheNodeStatus() != null
        && !"available".equals(n.cacheNodeStatus())).map(n -> "node " + n.cacheNodeId() + " is '"
        + n.cacheNodeStatus() + "'").toList();
    if (!"available".equals(status) || !nodes.isEmpty()) {
      evidence.addAll(nodes);
      evidence.add("in transition: ElastiCache may still bring it back");
      evidence.add(metrics);
      return Finding.of(out, Verdict.INCONCLUSIVE, evidence);
    }
    Check ping = RedisPing.check(deps.config(), credentials(evidence), CacheClusters.endpoint(c), PING);
    evidence.add(ping.result() == Result.SKIP ? "PING not run (" + ping.detail() + ")" : ping.detail());
    evidence.add(metrics);
    if (ping.result() == Result.FAIL) {
      evidence.add("available but not answering: a human must judge");
      return Finding.of(out, Verdict.INCONCLUSIVE, evidence);
    }
    return Finding.of(out, Verdict.HEALTHY, evidence);
  }

  /** The services' credentials for PING (never logged); null, with why in the evidence, when unreadable. */
  private RedisUrl credentials(List<String> evidence) {
    if (!RedisSettings.of(deps.config()).verifyConnect()) {
      return null;
    }
    String secretId = RedisSettings.of(deps.config()).secretId();
    try {
      // the secrets client is asked for only where the environment configures PING
      String value = deps.clients().secrets().getSecretValue(b -> b.secretId(secretId)).secretString();
      return value == null || value.isBlank() ? null : RedisUrl.parse(value);
    } catch (RuntimeException e) {
      // PING without credentials then says what the cache answers; the reason is a type, never a value
      evidence.add(secretId + " not read (" + e.getClass().getSimpleName() + "): PING without credentials");
      return null;
    }
  }

  private static String orConfig(String original, String fallback, String what, List<String> fromConfig) {
    if (original != null || fallback == null) {
      return original;
    }
    fromConfig.add(what);
    return fallback;
  }

  /** Without a node type there is nothing to create: better to stop here than after a snapshot was chosen. */
  private static void requireNodeType(String id, String nodeType, String why) {
    if (nodeType == null) {
      throw new StepFailedError("cannot plan the recovery cluster: " + id + " " + why + " and "
          + "redis.nodeType is not set in the environment config");
    }
  }

  private static String finding(CacheCluster c, Reading connections, Reading cpu) {
    StringBuilder b = new StringBuilder(c.cacheClusterId() + " is '" + c.cacheClusterStatus() + "' ("
        + (c.engine() == null ? "redis" : c.engine()) + (c.engineVersion() == null ? "" : " " + c.engineVersion())
        + ", " + c.cacheNodeType() + ")");
    for (CacheNode node : c.cacheNodes()) {
      if (node.cacheNodeStatus() != null && !"available".equals(node.cacheNodeStatus())) {
        b.append("; node ").append(node.cacheNodeId()).append(" is '").append(node.cacheNodeStatus()).append("'");
      }
    }
    return b.append(metrics(connections, cpu)).toString();
  }

  private static String metrics(Reading connections, Reading cpu) {
    return "; " + CONNECTIONS + " avg " + connections.describe("%.1f") + ", " + ENGINE_CPU + " avg "
        + cpu.describe("%.1f%%");
  }

  /** One metric as read: its latest average, or null with why (no datapoint, or the read failed). */
  private record Reading(Double value, String problem) {
    String describe(String format) {
      if (value != null) {
        return String.format(format, value);
      }
      return problem == null ? "no data" : problem;
    }
  }

  private static String settings(Diagnosis d, List<String> fromConfig) {
    return d.nodeType() + ", " + d.engine() + " "
        + (d.engineVersion() == null ? "(ElastiCache default version)" : d.engineVersion()) + ", subnet group "
        + (d.subnetGroup() == null ? "(account default)" : d.subnetGroup()) + ", security groups "
        + (d.securityGroupIds().isEmpty() ? "(VPC default)" : d.securityGroupIds()) + " from "
        + switch (d.settingsSource()) {
          case "original" -> "the original cluster";
          case "config" -> "the environment config";
          default -> "the original cluster, except " + String.join(" and ", fromConfig)
              + " from the environment config (the cluster reports none)";
        };
  }

  /**
   * Latest 5-minute average of one AWS/ElastiCache metric over the last hour. A metric that cannot be read is a gap
   * in the diagnosis, not a reason to stop the recovery: the cluster's status decides what happens next.
   */
  private Reading latest(String id, String metric) {
    Instant end = Instant.now(deps.clock());
    try {
      return new Reading(cloudWatch.getMetricStatistics(b -> b.namespace("AWS/ElastiCache").metricName(metric)
              .dimensions(Dimension.builder().name("CacheClusterId").value(id).build())
              .startTime(end.minus(1, ChronoUnit.HOURS)).endTime(end).period(300)
              .statistics(Statistic.AVERAGE)).datapoints().stream()
          .filter(p -> p.timestamp() != null && p.average() != null)
          .max(Comparator.comparing(Datapoint::timestamp)).map(Datapoint::average).orElse(null), null);
    } catch (SdkException e) {
      String why = e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
          ? aws.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
      return new Reading(null, "unknown (" + why + ")");
    }
  }
}
