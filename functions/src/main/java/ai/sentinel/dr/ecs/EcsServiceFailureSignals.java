package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.trigger.Alarms;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EcsEventResponder;
import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SignalRules;
import ai.sentinel.dr.trigger.TriggerPatterns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * ECS service failure: the signals that start it and its manual-payload fields. Alarms on a protected service's ALB
 * target group ({@code AWS/ApplicationELB TargetGroup}) or on the service itself ({@code AWS/ECS},
 * {@code ECS/ContainerInsights} ClusterName + ServiceName); its tasks stopped by a failure, its service actions that
 * say it cannot run tasks and its failed deployments (EventBridge, {@link EcsEvents}); by hand on one protected
 * service ({@code resource} required). The recovery acts on that service.
 */
final class EcsServiceFailureSignals implements SignalRules {
  /** Rule ids; the CDK app names its rules after them. */
  static final String ECS_TASK_STOPPED = "ecs-task-stopped";
  static final String ECS_SERVICE_ACTION = "ecs-service-action";
  static final String ECS_DEPLOYMENT_FAILED = "ecs-deployment-failed";

  /**
   * Stop codes of tasks that died on their own. Not ServiceSchedulerInitiated (a deployment's scale-in or replacement,
   * also ELB health-check kills, which the target group alarms cover), UserInitiated, SpotInterruption or
   * TerminationNotice (capacity taken back by AWS; the scheduler replaces those tasks by itself).
   */
  static final List<String> FAILURE_STOP_CODES = List.of("TaskFailedToStart", "EssentialContainerExited");

  /** "ECS Service Action" events that say the service cannot run its tasks. */
  static final List<String> FAILURE_SERVICE_ACTIONS = List.of("SERVICE_TASK_START_IMPAIRED",
      "SERVICE_TASK_PLACEMENT_FAILURE", "SERVICE_TASK_CONFIGURATION_FAILURE");

  /** "ECS Deployment State Change" events that say a deployment failed (circuit breaker). */
  static final List<String> FAILURE_DEPLOYMENT_EVENTS = List.of("SERVICE_DEPLOYMENT_FAILED");

  /** Namespaces whose alarms carry ClusterName + ServiceName dimensions of an ECS service. */
  static final List<String> ECS_NAMESPACES = List.of("AWS/ECS", "ECS/ContainerInsights");

  private static final String RESPONDER = EcsEventResponder.class.getSimpleName();

  @Override
  public List<TriggerPatterns.Rule> rules(SignalContext context) {
    EcsScope scope = EcsScope.of(context.config());
    if (!scope.deployed()) {
      return List.of();
    }
    String services = String.join(", ", scope.services());
    return List.of(
        new TriggerPatterns.Rule(ECS_TASK_STOPPED, RESPONDER, "Tasks of " + services + " stopped by a failure ("
            + String.join(", ", FAILURE_STOP_CODES) + ")", taskStoppedPattern(scope)),
        new TriggerPatterns.Rule(ECS_SERVICE_ACTION, RESPONDER, "ECS service actions that say " + services
            + " cannot run tasks", servicePattern(scope, EcsEvents.SERVICE_ACTION, FAILURE_SERVICE_ACTIONS)),
        new TriggerPatterns.Rule(ECS_DEPLOYMENT_FAILED, RESPONDER, "Failed deployments of " + services,
            servicePattern(scope, EcsEvents.DEPLOYMENT_STATE_CHANGE, FAILURE_DEPLOYMENT_EVENTS)));
  }

  private static String taskStoppedPattern(EcsScope scope) {
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.ecs");
    root.putArray("detail-type").add(EcsEvents.TASK_STATE_CHANGE);
    ObjectNode detail = root.putObject("detail");
    detail.putArray("clusterArn").addObject().put("suffix", ":cluster/" + scope.clusterName());
    ArrayNode groups = detail.putArray("group");
    scope.services().forEach(s -> groups.add("service:" + s));
    detail.putArray("lastStatus").add("STOPPED");
    ArrayNode codes = detail.putArray("stopCode");
    FAILURE_STOP_CODES.forEach(codes::add);
    return root.toString();
  }

  /**
   * Service events name the service only in resources[0], as service/CLUSTER/NAME (new ARN format) or service/NAME
   * (old format), and deployment events carry no clusterArn: the service ARN is matched by suffix, and clusterArn,
   * when present, must be the configured cluster's.
   */
  private static String servicePattern(EcsScope scope, String detailType, List<String> eventNames) {
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.ecs");
    root.putArray("detail-type").add(detailType);
    ArrayNode resources = root.putArray("resources");
    for (String service : scope.services()) {
      resources.addObject().put("suffix", ":service/" + scope.clusterName() + "/" + service);
      resources.addObject().put("suffix", ":service/" + service);
    }
    ObjectNode detail = root.putObject("detail");
    ArrayNode names = detail.putArray("eventName");
    eventNames.forEach(names::add);
    ArrayNode or = detail.putArray("$or");
    or.addObject().putArray("clusterArn").addObject().put("suffix", ":cluster/" + scope.clusterName());
    or.addObject().putArray("clusterArn").addObject().put("exists", false);
    return root.toString();
  }

  @Override
  public List<MetricMatch> alarmMetrics(SignalContext context) {
    EcsScope scope = EcsScope.of(context.config());
    List<MetricMatch> matches = new ArrayList<>();
    ArrayNode targetGroups = Json.MAPPER.createArrayNode();
    new TreeMap<>(scope.targetGroups()).forEach((service, tg) -> {
      if (scope.protectsService(service)) {
        if (tg.startsWith("arn:")) {
          targetGroups.add(EcsScope.targetGroupDimension(tg));
        } else {
          targetGroups.addObject().put("prefix", "targetgroup/" + tg + "/");
        }
      }
    });
    if (!targetGroups.isEmpty()) {
      ObjectNode dimensions = Json.object();
      dimensions.set("TargetGroup", targetGroups);
      matches.add(new MetricMatch(List.of("AWS/ApplicationELB"), dimensions));
    }
    if (scope.deployed()) {
      ObjectNode dimensions = Json.object();
      dimensions.putArray("ClusterName").add(scope.clusterName());
      ArrayNode services = dimensions.putArray("ServiceName");
      scope.services().forEach(services::add);
      matches.add(new MetricMatch(ECS_NAMESPACES, dimensions));
    }
    return matches;
  }

  @Override
  public AlarmTarget watchedBy(SignalContext context, AlarmMetric metric) {
    EcsScope scope = EcsScope.of(context.config());
    if ("AWS/ApplicationELB".equals(metric.namespace())) {
      String tg = metric.dimension("TargetGroup");
      String service = scope.serviceOfTargetGroup(tg);
      if (service != null) {
        return new AlarmTarget(service, metric.watches(metric.name() + " TargetGroup=" + tg
            + ", the target group of " + service));
      }
    } else if (ECS_NAMESPACES.contains(metric.namespace())) {
      String service = metric.dimension("ServiceName");
      if (scope.protectsService(service) && scope.clusterName().equals(metric.dimension("ClusterName"))) {
        return new AlarmTarget(service, metric.watches("ClusterName=" + scope.clusterName() + " ServiceName="
            + service));
      }
    }
    return null;
  }

  /** A route names the scenario, not the service: the alarm's dimensions still have to name a protected one. */
  @Override
  public AlarmTarget routedAlarm(SignalContext context, String alarmName, JsonNode detail, String why) {
    EcsScope scope = EcsScope.of(context.config());
    for (AlarmMetric metric : Alarms.metrics(alarmName, detail)) {
      String tg = metric.dimension("TargetGroup");
      String byTargetGroup = scope.serviceOfTargetGroup(tg);
      if (byTargetGroup != null) {
        return new AlarmTarget(byTargetGroup, why + "; TargetGroup=" + tg + " is the target group of "
            + byTargetGroup);
      }
      String service = metric.dimension("ServiceName");
      String cluster = metric.dimension("ClusterName");
      if (scope.protectsService(service) && (cluster == null || cluster.equals(scope.clusterName()))) {
        return new AlarmTarget(service, why + "; it watches ServiceName=" + service);
      }
    }
    throw new BadInput("ALARM_ROUTES sends alarm " + alarmName + " to " + context.scenario() + ", but the alarm "
        + "names no protected service" + Alarms.describeMetrics(detail) + ": it needs a TargetGroup dimension of a "
        + "target group in ECS_TARGET_GROUPS " + scope.targetGroups() + " or a ServiceName dimension of one of "
        + scope.services());
  }

  @Override
  public Classification eventBridge(SignalContext context, EventBridgeEvent event) {
    if (!"aws.ecs".equals(event.source()) || !EcsEvents.DETAIL_TYPES.contains(event.detailType())) {
      return null;
    }
    return new EcsEvents(context, EcsScope.of(context.config())).classify(event.event(), event.detailType(),
        event.detail());
  }

  /** The failing service is required: Scenario 3 acts on one service. */
  @Override
  public ManualTarget manual(SignalContext context, ManualRequest request) {
    EcsScope scope = EcsScope.of(context.config());
    String scenario = request.runbook();
    if (scope.services().isEmpty()) {
      throw new BadInput(scenario + " is not deployed in this environment: ECS_SERVICES is empty");
    }
    String resource = request.resource();
    if (resource == null) {
      throw new BadInput(scenario + " needs resource: the failing service, one of " + scope.services());
    }
    if (!scope.protectsService(resource)) {
      throw new BadInput("resource '" + Fields.quote(resource) + "' is not a protected service (" + scenario
          + " covers " + scope.services() + ")");
    }
    if (!request.fields().isEmpty()) {
      throw new BadInput("option, snapshotId and restoreTime do not apply to " + scenario + ": it redeploys, "
          + "rolls back and scales the service");
    }
    return ManualTarget.of(resource);
  }
}
