package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.redis.CacheState.Diagnosis;
import ai.sentinel.dr.redis.CacheState.RecoveryCluster;
import ai.sentinel.dr.redis.CacheState.SnapshotChoice;
import java.util.Map;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheClusterAlreadyExistsException;
import software.amazon.awssdk.services.elasticache.model.CreateCacheClusterRequest;
import software.amazon.awssdk.services.elasticache.model.CreateCacheClusterResponse;

/**
 * Scenario 2, recovery step 2: "create-cache-cluster --cache-cluster-id sentinel-redis-recovery ... --snapshot-name",
 * with the settings Diagnose settled (the original's node type, engine version, subnet group and security groups, or
 * the config's). The cluster is tagged with this execution. Running it twice creates once: a cluster of that name
 * carrying our tag is adopted; one without it is never touched and stops the recovery.
 */
public final class CreateRecoveryCluster extends Step {
  /**
   * The stack's ElastiCache topic: the recovery cluster's notifications go there, so that "provisioning complete"
   * wakes the wait for it (WaitForCluster) instead of the next poll. Unset: no notifications, the wait polls.
   */
  public static final String TOPIC_VAR = "CACHE_NOTIFICATION_TOPIC_ARN";
  private final ElastiCacheClient elastiCache;
  private final String notificationTopic;

  public CreateRecoveryCluster() {
    this(Deps.fromProcessEnv(), System.getenv(TOPIC_VAR));
  }

  public CreateRecoveryCluster(Map<String, String> env) {
    this(Deps.fromEnv(env), env.get(TOPIC_VAR));
  }

  public CreateRecoveryCluster(Deps deps) {
    this(deps, null);
  }

  public CreateRecoveryCluster(Deps deps, String notificationTopic) {
    super(deps);
    this.elastiCache = deps.clients().elastiCache();
    this.notificationTopic = notificationTopic == null || notificationTopic.isBlank() ? null : notificationTopic;
  }

  @Override
  public String name() {
    return "CreateRecoveryCluster";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CacheState cache = recovery.part(CacheState.PART);
    if (cache == null || cache.snapshot() == null) {
      throw new StepFailedError("CreateRecoveryCluster needs the snapshot FindSnapshot chose");
    }
    if (cache.diagnosis() == null || cache.diagnosis().nodeType() == null) {
      throw new StepFailedError("CreateRecoveryCluster needs the settings Diagnose settled (node type at least)");
    }
    String target = RedisSettings.of(deps.config()).recoveryClusterId();
    var existing = CacheClusters.find(elastiCache, target);
    if (existing.isPresent()) {
      return adopt(recovery, existing.get());
    }
    Diagnosis d = cache.diagnosis();
    SnapshotChoice snapshot = cache.snapshot();
    CreateCacheClusterRequest.Builder b = CreateCacheClusterRequest.builder()
        .cacheClusterId(target)
        .engine("redis")
        .cacheNodeType(d.nodeType())
        .numCacheNodes(1)
        .snapshotName(snapshot.name())
        .tags(CacheClusters.tagsFor(recovery.executionName(), snapshot.name(), snapshot.createdAt()));
    // unset settings are left to ElastiCache (its default version, subnet group, VPC security group), as the
    // timeline's diagnosis line says; an empty list would be sent as "no security groups"
    if (d.engineVersion() != null) {
      b.engineVersion(d.engineVersion());
    }
    if (d.subnetGroup() != null) {
      b.cacheSubnetGroupName(d.subnetGroup());
    }
    if (d.securityGroupIds() != null && !d.securityGroupIds().isEmpty()) {
      b.securityGroupIds(d.securityGroupIds());
    }
    if (notificationTopic != null) {
      b.notificationTopicArn(notificationTopic);
    }
    CreateCacheClusterRequest request = b.build();
    Mutation<CreateCacheClusterResponse> sent;
    try {
      sent = mutate(recovery, "elasticache", "CreateCacheCluster", target, request,
          () -> elastiCache.createCacheCluster(request));
    } catch (CacheClusterAlreadyExistsException e) {
      // created between our look and our request (a duplicate run, or a retry whose first answer was lost)
      CacheCluster raced = CacheClusters.find(elastiCache, target).orElseThrow(() -> new RetryableStepError(
          target + " was reported as existing but cannot be described yet", e));
      return adopt(recovery, raced);
    }
    String status = !sent.sent() ? "planned"
        : sent.response().cacheCluster() != null && sent.response().cacheCluster().cacheClusterStatus() != null
            ? sent.response().cacheCluster().cacheClusterStatus() : "creating";
    RecoveryCluster created = new RecoveryCluster(target, now(), status, null, null, false, 0);
    return sent.recovery().with(CacheState.PART, cache.withCluster(created))
        .log(entry(sent.sent() ? "restoring" : "would-restore", target + " from snapshot " + snapshot.name()
            + " (" + (snapshot.createdAt() == null ? "creation time unknown" : "taken " + snapshot.createdAt())
            + "): " + describe(request) + ", settings from " + d.settingsSource()));
  }

  private static String describe(CreateCacheClusterRequest r) {
    return r.cacheNodeType() + ", redis " + (r.engineVersion() == null ? "(default version)" : r.engineVersion())
        + ", subnet group " + (r.cacheSubnetGroupName() == null ? "(default)" : r.cacheSubnetGroupName())
        + ", security groups " + (r.securityGroupIds().isEmpty() ? "(VPC default)" : r.securityGroupIds())
        + ", 1 node";
  }

  /**
   * A cluster already has the recovery cluster's name. Only one this execution created (our tag) is taken over: any
   * other may be an old drill's or a human's, holding data nobody chose to serve, and is never modified.
   */
  private Recovery adopt(Recovery recovery, CacheCluster cluster) {
    String target = cluster.cacheClusterId();
    Map<String, String> tags = CacheClusters.tags(elastiCache, cluster);
    String owner = tags.get(CacheClusters.EXECUTION_TAG);
    if (!recovery.executionName().equals(owner)) {
      throw new StepFailedError("a cluster named " + target + " already exists and was not created by this "
          + "recovery (" + CacheClusters.EXECUTION_TAG + "=" + (cluster.arn() == null ? "unreadable: no ARN" : owner)
          + "): delete or rename it first");
    }
    CacheState cache = recovery.part(CacheState.PART);
    SnapshotChoice snapshot = cache.snapshot();
    String tagged = tags.get(CacheClusters.SNAPSHOT_TAG);
    String note = "";
    if (tagged != null && !tagged.equals(snapshot.name())) {
      // what the cluster was really created from is the recovery point, whatever a later listing would choose
      snapshot = new SnapshotChoice(tagged, tags.get(CacheClusters.POINT_TAG), snapshot.how());
      note = " (created from " + tagged + ", not the " + cache.snapshot().name() + " chosen on this run)";
    }
    String requestedAt = cluster.cacheClusterCreateTime() == null ? now() : cluster.cacheClusterCreateTime()
        .toString();
    RecoveryCluster adopted = new RecoveryCluster(target, requestedAt, cluster.cacheClusterStatus(), null, null,
        false, 0);
    return recovery.with(CacheState.PART, cache.withSnapshot(snapshot).withCluster(adopted)).log(entry("skipped", target
        + " already exists from this recovery ('" + cluster.cacheClusterStatus() + "'): adopted, not created again"
        + note));
  }
}
