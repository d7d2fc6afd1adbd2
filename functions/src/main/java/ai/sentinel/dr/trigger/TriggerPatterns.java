package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The EventBridge patterns of every trigger, in one place: the CDK app deploys exactly these as rules, and the
 * responders match incoming EventBridge events against the same patterns with AWS's event-ruler, so what is deployed
 * and what is handled cannot drift apart. {@link Scope} also answers, for the classifier, the questions the patterns
 * ask (is this cache node ours, which service owns this target group), so SNS-delivered signals that no rule sees are
 * judged by the same rules.
 */
public final class TriggerPatterns {
  /** Rule ids; the CDK app names its rules after them. */
  public static final String ALARM_STATE_CHANGE = "alarm-state-change";
  public static final String RDS_INSTANCE_EVENT = "rds-instance-event";
  public static final String ECS_TASK_STOPPED = "ecs-task-stopped";
  public static final String ECS_SERVICE_ACTION = "ecs-service-action";
  public static final String ECS_DEPLOYMENT_FAILED = "ecs-deployment-failed";

  /** Responders the rules target (simple class names in ai.sentinel.dr.trigger). */
  public static final String ALARM_RESPONDER = "AlarmResponder";
  public static final String RDS_EVENT_RESPONDER = "RdsEventResponder";
  public static final String ECS_EVENT_RESPONDER = "EcsEventResponder";

  /** RDS event categories that signal a database failure or a failover (never matched on the free-text Message). */
  public static final List<String> RDS_FAILURE_CATEGORIES = List.of("failover", "failure", "availability");

  /**
   * Stop codes of tasks that died on their own. Not ServiceSchedulerInitiated (a deployment's scale-in or replacement,
   * also ELB health-check kills, which the target group alarms cover), UserInitiated, SpotInterruption or
   * TerminationNotice (capacity taken back by AWS; the scheduler replaces those tasks by itself).
   */
  public static final List<String> ECS_FAILURE_STOP_CODES = List.of("TaskFailedToStart", "EssentialContainerExited");

  /** "ECS Service Action" events that say the service cannot run its tasks. */
  public static final List<String> ECS_FAILURE_SERVICE_ACTIONS = List.of("SERVICE_TASK_START_IMPAIRED",
      "SERVICE_TASK_PLACEMENT_FAILURE", "SERVICE_TASK_CONFIGURATION_FAILURE");

  /** "ECS Deployment State Change" events that say a deployment failed (circuit breaker). */
  public static final List<String> ECS_FAILURE_DEPLOYMENT_EVENTS = List.of("SERVICE_DEPLOYMENT_FAILED");

  /**
   * ElastiCache notifications (SNS; the documented list, "Event Notifications and Amazon SNS") that say the cache is
   * unusable, with what each means. CacheClusterProvisioningFailed is also what a node replacement that cannot be
   * provisioned (subnet or network gone) ends in: the cluster is left incompatible-network. The documented list has
   * no other failure event.
   */
  public static final Map<String, String> ELASTICACHE_FAILURE_MEANING = Map.of(
      "CacheClusterProvisioningFailed", "ElastiCache could not provision the cluster's nodes (incompatible network "
          + "state): the cache is unusable");
  public static final List<String> ELASTICACHE_FAILURE_EVENTS = List.copyOf(ELASTICACHE_FAILURE_MEANING.keySet());

  /** Documented notifications that sound bad but leave the cache serving: ignored, each with its reason. */
  public static final Map<String, String> ELASTICACHE_NOT_AN_OUTAGE = Map.of(
      "CacheNodeReplaceStarted", "ElastiCache is replacing a degraded node by itself (CacheNodeReplaceComplete "
          + "follows); the cache alarms start a recovery if the cache stays down",
      "SnapshotFailed", "a backup failed; the cache still serves (the newest usable snapshot may be older)",
      "CacheClusterScalingFailed", "a scaling change failed; the cluster keeps serving on its current node type",
      "ReplicationGroupScalingFailed", "a scaling change failed; the group keeps serving on its current node type",
      "AddCacheNodeFailed", "a node could not be added; the cluster keeps serving on its current nodes",
      "DeleteCacheClusterComplete", "deleted by an API call (decommissioning, or cleanup after a recovery), not a "
          + "failure: invoke redis-failure by hand if the application still depends on it");

  /** Documented routine notifications: the cache is fine or healing itself. */
  public static final List<String> ELASTICACHE_ROUTINE_EVENTS = List.of("AddCacheNodeComplete",
      "CacheClusterParametersChanged", "CacheClusterProvisioningComplete", "CacheClusterScalingComplete",
      "CacheClusterSecurityGroupModified", "CacheNodeReplaceComplete", "CacheNodesRebooted",
      "CertificateRenewalComplete", "CreateReplicationGroupComplete", "FailoverComplete",
      "NodeReplacementCanceled", "NodeReplacementRescheduled", "NodeReplacementScheduled",
      "RemoveCacheNodeComplete", "ReplicationGroupIncreaseReplicaCountFinished",
      "ReplicationGroupIncreaseReplicaCountStarted", "ReplicationGroupScalingComplete", "ServiceUpdateAvailable",
      "ServiceUpdateAvailableForNode", "SnapshotComplete");

  /** Namespaces whose alarms carry ClusterName + ServiceName dimensions of an ECS service. */
  public static final List<String> ECS_NAMESPACES = List.of("AWS/ECS", "ECS/ContainerInsights");

  /**
   * What the patterns are scoped to, from the environment config.
   *
   * @param dbInstanceId   protected RDS instance
   * @param alarmRoutes    alarm name -> scenario overrides
   * @param redisClusterId protected ElastiCache cluster or replication group, or null: no Redis scenario here
   * @param ecsCluster     ECS cluster of the protected services (name, or ARN)
   * @param ecsServices    protected ECS services
   * @param targetGroups   service -> its ALB target group, by NAME or by ARN
   */
  public record Scope(String dbInstanceId, Map<String, String> alarmRoutes, String redisClusterId, String ecsCluster,
      List<String> ecsServices, Map<String, String> targetGroups) {

    public Scope {
      alarmRoutes = alarmRoutes == null ? Map.of() : Map.copyOf(alarmRoutes);
      ecsServices = ecsServices == null ? List.of() : List.copyOf(ecsServices);
      targetGroups = targetGroups == null ? Map.of() : Map.copyOf(targetGroups);
    }

    /** The cluster's name, as ECS metrics (ClusterName) and ARNs (cluster/NAME) spell it. */
    public String ecsClusterName() {
      if (ecsCluster == null) {
        return null;
      }
      int i = ecsCluster.indexOf(":cluster/");
      return i < 0 ? ecsCluster : ecsCluster.substring(i + ":cluster/".length());
    }

    public boolean protectsService(String service) {
      return service != null && ecsServices.contains(service);
    }

    /**
     * Is this CacheClusterId the protected cluster or one of its member nodes? Replication group members are
     * {@code <id>-001}, {@code <id>-002}... (cluster mode enabled: {@code <id>-0001-001}); {@code <id>-recovery},
     * the cluster our own recovery creates, is not a member.
     */
    public boolean isRedisMember(String cacheClusterId) {
      return redisClusterId != null && cacheClusterId != null && (cacheClusterId.equals(redisClusterId)
          || Pattern.matches(Pattern.quote(redisClusterId) + "-(\\d{3}|\\d{4}-\\d{3})", cacheClusterId));
    }

    /**
     * The protected service whose target group this is, from an AWS/ApplicationELB TargetGroup dimension
     * ({@code targetgroup/NAME/0123456789abcdef}), or null.
     */
    public String serviceOfTargetGroup(String dimension) {
      if (dimension == null) {
        return null;
      }
      for (Map.Entry<String, String> e : new TreeMap<>(targetGroups).entrySet()) {
        if (!protectsService(e.getKey())) {
          continue;
        }
        String tg = e.getValue();
        boolean match = tg.startsWith("arn:") ? dimension.equals(targetGroupDimension(tg))
            : dimension.startsWith("targetgroup/" + tg + "/");
        if (match) {
          return e.getKey();
        }
      }
      return null;
    }
  }

  /**
   * One trigger rule.
   *
   * @param id          rule id
   * @param responder   handler that the rule targets (simple class name in ai.sentinel.dr.trigger)
   * @param description what it catches, for the rule's description
   * @param pattern     EventBridge pattern JSON
   */
  public record Rule(String id, String responder, String description, String pattern) {}

  private TriggerPatterns() {}

  public static List<Rule> of(Scope scope) {
    List<Rule> rules = new ArrayList<>();
    rules.add(new Rule(ALARM_STATE_CHANGE, ALARM_RESPONDER,
        "CloudWatch alarms on the protected resources entering ALARM", alarmPattern(scope)));
    rules.add(new Rule(RDS_INSTANCE_EVENT, RDS_EVENT_RESPONDER,
        "RDS failover/failure/availability events of " + scope.dbInstanceId(), rdsPattern(scope)));
    if (!scope.ecsServices().isEmpty() && scope.ecsClusterName() != null) {
      rules.add(new Rule(ECS_TASK_STOPPED, ECS_EVENT_RESPONDER, "Tasks of " + String.join(", ", scope.ecsServices())
          + " stopped by a failure (" + String.join(", ", ECS_FAILURE_STOP_CODES) + ")", taskStoppedPattern(scope)));
      rules.add(new Rule(ECS_SERVICE_ACTION, ECS_EVENT_RESPONDER, "ECS service actions that say "
          + String.join(", ", scope.ecsServices()) + " cannot run tasks",
          servicePattern(scope, "ECS Service Action", ECS_FAILURE_SERVICE_ACTIONS)));
      rules.add(new Rule(ECS_DEPLOYMENT_FAILED, ECS_EVENT_RESPONDER, "Failed deployments of "
          + String.join(", ", scope.ecsServices()),
          servicePattern(scope, "ECS Deployment State Change", ECS_FAILURE_DEPLOYMENT_EVENTS)));
    }
    return List.copyOf(rules);
  }

  /** The TargetGroup dimension value of a target group ARN: its resource part, targetgroup/NAME/ID. */
  static String targetGroupDimension(String arn) {
    int i = arn.indexOf(":targetgroup/");
    return i < 0 ? arn : arn.substring(i + 1);
  }

  private static String alarmPattern(Scope scope) {
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.cloudwatch");
    root.putArray("detail-type").add("CloudWatch Alarm State Change");
    ObjectNode detail = root.putObject("detail");
    detail.putObject("state").putArray("value").add("ALARM");
    // alarms watching a protected resource's metrics, plus alarms explicitly routed by name
    List<ObjectNode> branches = new ArrayList<>();
    if (!scope.alarmRoutes().isEmpty()) {
      ObjectNode byName = Json.object();
      ArrayNode names = byName.putArray("alarmName");
      scope.alarmRoutes().keySet().stream().sorted().forEach(names::add);
      branches.add(byName);
    }
    ObjectNode rds = metricBranch(branches, List.of("AWS/RDS"));
    rds.putArray("DBInstanceIdentifier").add(scope.dbInstanceId());
    if (scope.redisClusterId() != null) {
      // the cluster itself and its members <id>-001..., never <id>-recovery (checked precisely by isRedisMember)
      ArrayNode ids = metricBranch(branches, List.of("AWS/ElastiCache")).putArray("CacheClusterId");
      ids.add(scope.redisClusterId());
      ids.addObject().put("prefix", scope.redisClusterId() + "-0");
    }
    ArrayNode targetGroups = Json.MAPPER.createArrayNode();
    new TreeMap<>(scope.targetGroups()).forEach((service, tg) -> {
      if (scope.protectsService(service)) {
        if (tg.startsWith("arn:")) {
          targetGroups.add(targetGroupDimension(tg));
        } else {
          targetGroups.addObject().put("prefix", "targetgroup/" + tg + "/");
        }
      }
    });
    if (!targetGroups.isEmpty()) {
      metricBranch(branches, List.of("AWS/ApplicationELB")).set("TargetGroup", targetGroups);
    }
    if (!scope.ecsServices().isEmpty() && scope.ecsClusterName() != null) {
      ObjectNode ecs = metricBranch(branches, ECS_NAMESPACES);
      ecs.putArray("ClusterName").add(scope.ecsClusterName());
      ArrayNode services = ecs.putArray("ServiceName");
      scope.ecsServices().forEach(services::add);
    }
    if (branches.size() == 1) {
      detail.setAll(branches.get(0));
    } else {
      ArrayNode or = detail.putArray("$or");
      branches.forEach(or::add);
    }
    return root.toString();
  }

  /** Adds a branch matching one metric of the alarm in these namespaces; returns its dimensions object. */
  private static ObjectNode metricBranch(List<ObjectNode> branches, List<String> namespaces) {
    ObjectNode branch = Json.object();
    ObjectNode metric = branch.putObject("configuration").putObject("metrics").putObject("metricStat")
        .putObject("metric");
    ArrayNode ns = metric.putArray("namespace");
    namespaces.forEach(ns::add);
    branches.add(branch);
    return metric.putObject("dimensions");
  }

  private static String rdsPattern(Scope scope) {
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.rds");
    root.putArray("detail-type").add("RDS DB Instance Event");
    ObjectNode detail = root.putObject("detail");
    // SourceIdentifier arrives both bare and with the "rds:" prefix
    detail.putArray("SourceIdentifier").add(scope.dbInstanceId()).add("rds:" + scope.dbInstanceId());
    ArrayNode categories = detail.putArray("EventCategories");
    RDS_FAILURE_CATEGORIES.forEach(categories::add);
    return root.toString();
  }

  private static String taskStoppedPattern(Scope scope) {
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.ecs");
    root.putArray("detail-type").add("ECS Task State Change");
    ObjectNode detail = root.putObject("detail");
    detail.putArray("clusterArn").addObject().put("suffix", ":cluster/" + scope.ecsClusterName());
    ArrayNode groups = detail.putArray("group");
    scope.ecsServices().forEach(s -> groups.add("service:" + s));
    detail.putArray("lastStatus").add("STOPPED");
    ArrayNode codes = detail.putArray("stopCode");
    ECS_FAILURE_STOP_CODES.forEach(codes::add);
    return root.toString();
  }

  /**
   * Service events name the service only in resources[0], as service/CLUSTER/NAME (new ARN format) or service/NAME
   * (old format), and deployment events carry no clusterArn: the service ARN is matched by suffix, and clusterArn,
   * when present, must be the configured cluster's.
   */
  private static String servicePattern(Scope scope, String detailType, List<String> eventNames) {
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.ecs");
    root.putArray("detail-type").add(detailType);
    ArrayNode resources = root.putArray("resources");
    for (String service : scope.ecsServices()) {
      resources.addObject().put("suffix", ":service/" + scope.ecsClusterName() + "/" + service);
      resources.addObject().put("suffix", ":service/" + service);
    }
    ObjectNode detail = root.putObject("detail");
    ArrayNode names = detail.putArray("eventName");
    eventNames.forEach(names::add);
    ArrayNode or = detail.putArray("$or");
    or.addObject().putArray("clusterArn").addObject().put("suffix", ":cluster/" + scope.ecsClusterName());
    or.addObject().putArray("clusterArn").addObject().put("exists", false);
    return root.toString();
  }
}
