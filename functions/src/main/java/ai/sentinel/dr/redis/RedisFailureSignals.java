package ai.sentinel.dr.redis;

import static ai.sentinel.dr.trigger.Fields.first;
import static ai.sentinel.dr.trigger.Fields.textOrNull;
import static ai.sentinel.dr.trigger.Fields.truncate;

import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseFailure;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SignalRules;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Redis failure: the signals that start it and its manual-payload fields. Alarms on {@code AWS/ElastiCache
 * CacheClusterId} of the cluster or one of its member nodes (the recovery acts on the cluster, whichever node
 * alarmed); the cluster's ElastiCache notifications, SNS only (node-based clusters publish no events to
 * EventBridge); by hand with a snapshot name. Only where the environment protects a cluster ({@link RedisSettings}).
 */
final class RedisFailureSignals implements SignalRules {
  private static final String ELASTICACHE_PREFIX = "ElastiCache:";
  /** ElastiCache snapshot names; automatic ones look like automatic.sentinel-redis-2026-01-17-03-00. */
  private static final Pattern CACHE_SNAPSHOT_ID = Pattern.compile("[A-Za-z][A-Za-z0-9.-]{0,254}");

  /**
   * ElastiCache notifications (SNS; the documented list, "Event Notifications and Amazon SNS") that say the cache is
   * unusable, with what each means. CacheClusterProvisioningFailed is also what a node replacement that cannot be
   * provisioned (subnet or network gone) ends in: the cluster is left incompatible-network. The documented list has
   * no other failure event.
   */
  static final Map<String, String> FAILURE_MEANING = Map.of(
      "CacheClusterProvisioningFailed", "ElastiCache could not provision the cluster's nodes (incompatible network "
          + "state): the cache is unusable");
  static final List<String> FAILURE_EVENTS = List.copyOf(FAILURE_MEANING.keySet());

  /** Documented notifications that sound bad but leave the cache serving: ignored, each with its reason. */
  static final Map<String, String> NOT_AN_OUTAGE = Map.of(
      "CacheNodeReplaceStarted", "ElastiCache is replacing a degraded node by itself (CacheNodeReplaceComplete "
          + "follows); the cache alarms start a recovery if the cache stays down",
      "SnapshotFailed", "a backup failed; the cache still serves (the newest usable snapshot may be older)",
      "CacheClusterScalingFailed", "a scaling change failed; the cluster keeps serving on its current node type",
      "ReplicationGroupScalingFailed", "a scaling change failed; the group keeps serving on its current node type",
      "AddCacheNodeFailed", "a node could not be added; the cluster keeps serving on its current nodes",
      "DeleteCacheClusterComplete", "deleted by an API call (decommissioning, or cleanup after a recovery), not a "
          + "failure: invoke redis-failure by hand if the application still depends on it");

  /** Documented routine notifications: the cache is fine or healing itself. */
  static final List<String> ROUTINE_EVENTS = List.of("AddCacheNodeComplete",
      "CacheClusterParametersChanged", "CacheClusterProvisioningComplete", "CacheClusterScalingComplete",
      "CacheClusterSecurityGroupModified", "CacheNodeReplaceComplete", "CacheNodesRebooted",
      "CertificateRenewalComplete", "CreateReplicationGroupComplete", "FailoverComplete",
      "NodeReplacementCanceled", "NodeReplacementRescheduled", "NodeReplacementScheduled",
      "RemoveCacheNodeComplete", "ReplicationGroupIncreaseReplicaCountFinished",
      "ReplicationGroupIncreaseReplicaCountStarted", "ReplicationGroupScalingComplete", "ServiceUpdateAvailable",
      "ServiceUpdateAvailableForNode", "SnapshotComplete");

  /** The protected cluster (or replication group), or null: this environment has no Redis scenario. */
  private static String cluster(SignalContext context) {
    return context.config().settings(RedisSettings.class).map(RedisSettings::clusterId).orElse(null);
  }

  /** The cluster a recovery creates: never a member, its signals are not a failure of the protected one. */
  private static String recoveryCluster(SignalContext context) {
    return context.config().settings(RedisSettings.class).map(RedisSettings::recoveryClusterId)
        .orElse(null);
  }

  /**
   * Is this CacheClusterId the protected cluster or one of its member nodes? Replication group members are
   * {@code <id>-001}, {@code <id>-002}... (cluster mode enabled: {@code <id>-0001-001}); {@code <id>-recovery},
   * the cluster our own recovery creates, is not a member.
   */
  static boolean isMember(String cluster, String cacheClusterId) {
    return cluster != null && cacheClusterId != null && (cacheClusterId.equals(cluster)
        || Pattern.matches(Pattern.quote(cluster) + "-(\\d{3}|\\d{4}-\\d{3})", cacheClusterId));
  }

  @Override
  public List<MetricMatch> alarmMetrics(SignalContext context) {
    String cluster = cluster(context);
    if (cluster == null) {
      return List.of();
    }
    // the cluster itself and its members <id>-001..., never <id>-recovery (checked precisely by isMember)
    ObjectNode dimensions = Json.object();
    ArrayNode ids = dimensions.putArray("CacheClusterId");
    ids.add(cluster);
    ids.addObject().put("prefix", cluster + "-0");
    return List.of(new MetricMatch(List.of("AWS/ElastiCache"), dimensions));
  }

  @Override
  public AlarmTarget watchedBy(SignalContext context, AlarmMetric metric) {
    String cluster = cluster(context);
    String id = metric.dimension("CacheClusterId");
    if (!"AWS/ElastiCache".equals(metric.namespace()) || !isMember(cluster, id)) {
      return null;
    }
    return new AlarmTarget(cluster, metric.watches("CacheClusterId=" + id + (id.equals(cluster) ? ""
        : " (a node of " + cluster + ")")));
  }

  @Override
  public AlarmTarget routedAlarm(SignalContext context, String alarmName, JsonNode detail, String why) {
    requireCluster(context, "ALARM_ROUTES sends alarm " + alarmName + " to " + context.scenario() + ", which");
    return new AlarmTarget(cluster(context), why);
  }

  @Override
  public String snsNotifications() {
    return "ElastiCache";
  }

  /**
   * An ElastiCache event notification: one JSON object like {"ElastiCache:SnapshotComplete": "sentinel-redis-001"},
   * sometimes with "Cache Cluster ID" / "Replication Group ID" fields.
   */
  @Override
  public Classification sns(SignalContext context, SnsNotification notification) {
    JsonNode body = notification.message();
    String field = null;
    for (Iterator<String> it = body.fieldNames(); it.hasNext() && field == null; ) {
      String name = it.next();
      if (name.startsWith(ELASTICACHE_PREFIX)) {
        field = name;
      }
    }
    if (field == null) {
      return null;
    }
    String snsTime = notification.timestamp();
    String messageId = notification.messageId();
    String event = field.substring(ELASTICACHE_PREFIX.length());
    Set<String> ids = new LinkedHashSet<>();
    for (String f : new String[] {field, "Cache Cluster ID", "Replication Group ID"}) {
      String id = textOrNull(body, f);
      if (id != null && !id.isBlank()) {
        ids.add(id.trim());
      }
    }
    String cluster = cluster(context);
    String ours = ids.stream().filter(id -> isMember(cluster, id)).findFirst().orElse(null);
    String time = EventTimes.normalize(snsTime);
    String dedup = "elasticache:" + first(ours, ids.isEmpty() ? null : ids.iterator().next(), "unknown") + ":"
        + event + ":" + first(time, messageId, "unknown");
    String subject = Fields.quote(field) + " for " + (ids.isEmpty() ? "(no cluster named)"
        : String.join(", ", ids.stream().map(Fields::quote).toList()));
    if (cluster == null) {
      return context.ignore(dedup, subject + ": this environment protects no Redis cluster "
          + "(" + RedisSettings.SECTION.variable() + " is not set)");
    }
    if (ours == null) {
      String recovery = recoveryCluster(context);
      return context.ignore(dedup, subject + (ids.contains(recovery)
          ? ": " + recovery + " is the cluster Sentinel DR's own recovery creates, not the protected one"
          : ", not the protected cluster " + cluster + " or one of its nodes"));
    }
    if (!FAILURE_EVENTS.contains(event)) {
      String why = NOT_AN_OUTAGE.get(event);
      if (why == null) {
        why = ROUTINE_EVENTS.contains(event)
            ? "routine notification (the cache is serving or healing itself), no recovery"
            : "not a documented ElastiCache failure notification " + FAILURE_EVENTS;
      }
      return context.ignore(dedup, subject + ": " + why);
    }
    String why = subject + ": " + FAILURE_MEANING.getOrDefault(event, "failure");
    Trigger trigger = new Trigger("elasticache-event", "sns", event, time, truncate(why, 400));
    return context.start(cluster, dedup, why, trigger);
  }

  @Override
  public Set<String> manualFields() {
    return Set.of("snapshotId");
  }

  /** The configured cluster, from the latest snapshot or a named one; ElastiCache has no point-in-time restore. */
  @Override
  public ManualTarget manual(SignalContext context, ManualRequest request) {
    String runbook = request.runbook();
    requireCluster(context, runbook);
    String target = cluster(context);
    String resource = request.resource();
    if (resource != null && !resource.equals(target)) {
      throw new BadInput("resource '" + Fields.quote(resource) + "' is not protected by this environment (" + runbook
          + " covers " + target + ")");
    }
    String option = request.field("option");
    if (option != null || request.field("restoreTime") != null) {
      throw new BadInput((option != null ? "option" : "restoreTime") + " applies to " + DatabaseFailure.ID + " only: "
          + runbook + " restores the latest ElastiCache snapshot, or the one named by snapshotId "
          + "(ElastiCache has no point-in-time restore)");
    }
    String snapshotId = request.field("snapshotId");
    if (snapshotId != null && !CACHE_SNAPSHOT_ID.matcher(snapshotId).matches()) {
      throw new BadInput("snapshotId must be \"latest\" or an ElastiCache snapshot name (a letter, then letters, "
          + "digits, '.' or '-')");
    }
    // an automatic snapshot names its cluster: another cluster's (a sibling like sentinel-redis-staging) is refused
    if (snapshotId != null && snapshotId.startsWith("automatic.") && !Pattern.matches("automatic\\."
        + Pattern.quote(target) + "(-\\d{3}|-\\d{4}-\\d{3})?-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}", snapshotId)) {
      throw new BadInput("snapshotId " + Fields.quote(snapshotId) + " is an automatic snapshot of another cluster, "
          + "not of " + target);
    }
    return new ManualTarget(target, null, snapshotId, null);
  }

  /** Scenario 2 is deployed only where a cluster is configured; anything that asks for it elsewhere is refused. */
  private static void requireCluster(SignalContext context, String what) {
    if (cluster(context) == null) {
      throw new BadInput(what + " is not deployed in this environment: " + RedisSettings.SECTION.variable()
          + " is not set");
    }
  }
}
