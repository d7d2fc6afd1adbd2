package ai.sentinel.dr.health;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.health.CheckResult.Status;
import ai.sentinel.dr.redis.RedisSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The one engine of the runbook's "Quick Health Check" (appendix), shared by the scheduled function and
 * {@code ./sentinel health}: the same five checks in the same order, each judged against a stated threshold. Read-only:
 * Describe calls and one GET. A check that cannot read its resource FAILs with the reason (health not shown is not
 * health); one check's error never stops the others.
 */
public final class HealthChecks {
  /** RDS states in which the instance is being worked on but not lost: WARN, not FAIL. */
  static final Set<String> RDS_TRANSIENT = Set.of("backing-up", "configuring-enhanced-monitoring",
      "configuring-iam-database-auth", "configuring-log-exports", "converting-to-vpc", "creating", "maintenance",
      "modifying", "moving-to-vpc", "rebooting", "renaming", "resetting-master-credentials", "starting",
      "storage-optimization", "upgrading");
  /** ElastiCache states of a cluster being worked on: WARN, not FAIL. */
  static final Set<String> REDIS_TRANSIENT = Set.of("creating", "modifying", "rebooting cluster nodes",
      "snapshotting");

  /** The API's {@code /health}: the HTTP status code of one GET, or an exception when nothing answered. */
  @FunctionalInterface
  public interface ApiProbe {
    int status(String url) throws Exception;

    /** A GET with 5 s to connect and 10 s to answer, following no redirect (as the appendix's curl). */
    static ApiProbe http() {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      return url -> client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET()
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  /**
   * What is checked, from the environment config.
   *
   * @param environment   the environment's name
   * @param dbInstances   the RDS instance (database.instanceId), then the instances a recovery restores into
   * @param dbSecret      the database URL secret the application connects with (database.secretId), or null
   * @param redisClusters the ElastiCache cluster (redis.clusterId), then the cluster a recovery creates; empty when
   *                      the environment has no Redis
   * @param redisSecret   the Redis URL secret (redis.secretId), or null
   * @param ecsCluster    the ECS cluster (ecs.cluster)
   * @param services      the protected services (ecs.services)
   * @param targetGroups  service to target group name or ARN (ecs.targetGroups)
   * @param healthUrl     the API's health URL (healthUrl), or null
   */
  public record Targets(String environment, List<String> dbInstances, String dbSecret, List<String> redisClusters,
      String redisSecret, String ecsCluster, List<String> services, Map<String, String> targetGroups,
      String healthUrl) {
    public Targets {
      dbInstances = List.copyOf(dbInstances);
      redisClusters = List.copyOf(redisClusters);
      services = List.copyOf(services);
      targetGroups = new TreeMap<>(targetGroups);
    }

    /** The platform the config protects. */
    public static Targets of(DrConfig config) {
      DatabaseSettings db = config.require(DatabaseSettings.class);
      EcsSettings ecs = config.require(EcsSettings.class);
      RedisSettings redis = config.settings(RedisSettings.class).orElse(null);
      return new Targets(config.environment(),
          List.of(db.instanceId(), db.recoveryInstanceId(), db.pitrInstanceId()), db.secretId(),
          redis == null ? List.of() : List.of(redis.clusterId(), redis.recoveryClusterId()),
          redis == null ? null : redis.secretId(), ecs.cluster(), ecs.services(), ecs.targetGroups(),
          config.healthUrl());
    }

    /** The configured RDS instance. */
    public String dbInstance() {
      return dbInstances.get(0);
    }

    /** The configured cache cluster, or null when the environment has no Redis. */
    public String redisCluster() {
      return redisClusters.isEmpty() ? null : redisClusters.get(0);
    }
  }

  private final Targets targets;
  private final RdsClient rds;
  private final ElastiCacheClient elastiCache;
  private final EcsClient ecs;
  private final ElasticLoadBalancingV2Client elb;
  private final InUse inUse;
  private final ApiProbe api;
  private final Clock clock;

  /** {@code secrets} reads the connection secrets' hosts; null checks the configured resources only. */
  public HealthChecks(Targets targets, RdsClient rds, ElastiCacheClient elastiCache, EcsClient ecs,
      ElasticLoadBalancingV2Client elb, SecretsManagerClient secrets, ApiProbe api, Clock clock) {
    this.targets = targets;
    this.inUse = new InUse(secrets);
    this.rds = rds;
    this.elastiCache = elastiCache;
    this.ecs = ecs;
    this.elb = elb;
    this.api = api;
    this.clock = clock;
  }

  /**
   * The engine on {@code clients}: built at init, the ElastiCache client only where Redis is configured, Secrets
   * Manager only where a connection secret is.
   */
  public static HealthChecks of(Targets targets, Clients clients, ApiProbe api, Clock clock) {
    boolean secrets = targets.dbSecret() != null || targets.redisSecret() != null;
    return new HealthChecks(targets, clients.rds(), targets.redisCluster() == null ? null : clients.elastiCache(),
        clients.ecs(), clients.elbv2(), secrets ? clients.secrets() : null, api, clock);
  }

  /** Runs the five checks, in the appendix's order. */
  public PlatformHealth run() {
    List<CheckResult> checks = new ArrayList<>();
    checks.add(rds());
    checks.add(redis());
    checks.add(ecs());
    checks.add(alb());
    checks.add(api());
    return new PlatformHealth(targets.environment(), Instant.now(clock).toString(), checks);
  }

  /** The instance the database secret points at (see {@link InUse}): after a restore, the restored one. */
  CheckResult rds() {
    String threshold = "available; WARN while backing-up/modifying/rebooting/maintenance...";
    try {
      InUse.Found db = inUse.database(rds, targets.dbSecret(), targets.dbInstances());
      Status status = db.state() == null ? Status.FAIL : "available".equals(db.state()) ? Status.PASS
          : RDS_TRANSIENT.contains(db.state()) ? Status.WARN : Status.FAIL;
      return result("rds", "RDS status", status, db.observed(), threshold);
    } catch (SdkException e) {
      return unreadable("rds", "RDS status", targets.dbInstance(), e, threshold);
    }
  }

  /** The cluster the Redis secret points at (see {@link InUse}): after a recovery, the recovery cluster. */
  CheckResult redis() {
    String threshold = "available; WARN while creating/modifying/snapshotting/rebooting";
    if (targets.redisCluster() == null) {
      return result("redis", "Redis status", Status.SKIP, "no redis section in " + targets.environment(), threshold);
    }
    try {
      InUse.Found cache = inUse.cache(elastiCache, targets.redisSecret(), targets.redisClusters());
      Status status = cache.state() == null ? Status.FAIL : "available".equals(cache.state()) ? Status.PASS
          : REDIS_TRANSIENT.contains(cache.state()) ? Status.WARN : Status.FAIL;
      return result("redis", "Redis status", status, cache.observed(), threshold);
    } catch (SdkException e) {
      return unreadable("redis", "Redis status", targets.redisCluster(), e, threshold);
    }
  }

  CheckResult ecs() {
    String threshold = "per service running >= desired >= 1; WARN when 0 < running < desired";
    try {
      var answer = ecs.describeServices(b -> b.cluster(targets.ecsCluster()).services(targets.services()));
      Map<String, Service> byName = new TreeMap<>();
      answer.services().forEach(s -> byName.put(s.serviceName(), s));
      Status status = Status.PASS;
      List<String> seen = new ArrayList<>();
      for (String name : targets.services()) {
        Service s = byName.get(name);
        if (s == null || !"ACTIVE".equals(s.status())) {
          String why = s != null ? s.status() : answer.failures().stream().filter(f -> f.arn() != null
              && f.arn().endsWith("/" + name)).map(Failure::reason).findFirst().orElse("MISSING");
          seen.add(name + " " + why);
          status = Status.FAIL;
          continue;
        }
        int running = s.runningCount();
        int desired = s.desiredCount();
        seen.add(name + " " + running + "/" + desired);
        status = status.worst(running == 0 || desired == 0 ? Status.FAIL
            : running < desired ? Status.WARN : Status.PASS);
      }
      return result("ecs", "ECS services", status, targets.ecsCluster() + ": " + String.join(", ", seen),
          threshold);
    } catch (SdkException e) {
      return unreadable("ecs", "ECS services", targets.ecsCluster(), e, threshold);
    }
  }

  CheckResult alb() {
    String threshold = "per target group >= 1 healthy, none other; WARN when some are not healthy";
    if (targets.targetGroups().isEmpty()) {
      return result("alb", "ALB health", Status.SKIP, "no ecs.targetGroups in " + targets.environment(), threshold);
    }
    Status status = Status.PASS;
    List<String> seen = new ArrayList<>();
    for (String group : new LinkedHashSet<>(targets.targetGroups().values())) {
      try {
        String arn = group.startsWith("arn:") ? group : elb.describeTargetGroups(b -> b.names(group))
            .targetGroups().get(0).targetGroupArn();
        List<TargetHealthDescription> all = elb.describeTargetHealth(b -> b.targetGroupArn(arn))
            .targetHealthDescriptions();
        long healthy = all.stream().filter(d -> d.targetHealth() != null
            && "healthy".equals(d.targetHealth().stateAsString())).count();
        seen.add(name(group) + " " + healthy + "/" + all.size() + " healthy");
        status = status.worst(healthy == 0 ? Status.FAIL : healthy < all.size() ? Status.WARN : Status.PASS);
      } catch (TargetGroupNotFoundException | IndexOutOfBoundsException e) {
        seen.add(name(group) + " not found");
        status = Status.FAIL;
      } catch (SdkException e) {
        seen.add(name(group) + " unreadable (" + code(e) + ")");
        status = Status.FAIL;
      }
    }
    return result("alb", "ALB health", status, String.join(", ", seen), threshold);
  }

  CheckResult api() {
    String threshold = "HTTP 2xx within 10 s";
    if (targets.healthUrl() == null) {
      return result("api", "API health", Status.SKIP, "no healthUrl in " + targets.environment(), threshold);
    }
    try {
      int code = api.status(targets.healthUrl());
      return result("api", "API health", code >= 200 && code < 300 ? Status.PASS : Status.FAIL,
          targets.healthUrl() + " HTTP " + code, threshold);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return result("api", "API health", Status.FAIL, targets.healthUrl() + " no answer ("
          + e.getClass().getSimpleName() + ")", threshold);
    }
  }

  private static CheckResult result(String id, String title, Status status, String observed, String threshold) {
    return new CheckResult(id, title, status, observed, threshold);
  }

  private static CheckResult unreadable(String id, String title, String what, SdkException e, String threshold) {
    return result(id, title, Status.FAIL, what + " unreadable (" + code(e) + ")", threshold);
  }

  /** The AWS error code, or the exception's kind for a client-side failure (no message: it may be long). */
  static String code(SdkException e) {
    if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
        && aws.awsErrorDetails().errorCode() != null) {
      return aws.awsErrorDetails().errorCode();
    }
    return e.getClass().getSimpleName();
  }

  /** "sentinel-api" of "arn:...:targetgroup/sentinel-api/6d0e...", or the name as given. */
  private static String name(String group) {
    int at = group.indexOf(":targetgroup/");
    if (at < 0) {
      return group;
    }
    String rest = group.substring(at + ":targetgroup/".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }
}
