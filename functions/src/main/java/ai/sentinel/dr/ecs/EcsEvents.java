package ai.sentinel.dr.ecs;

import static ai.sentinel.dr.trigger.Fields.first;
import static ai.sentinel.dr.trigger.Fields.optionalText;
import static ai.sentinel.dr.trigger.Fields.truncate;

import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.SignalContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * ECS events (task state changes, service actions, deployment state changes) judged field by field: which protected
 * service they are about, whether that service is in the protected cluster, and whether the event says the service
 * is failing. The deployed rules ({@link EcsServiceFailureSignals#rules}) select the same events; this gives the
 * precise reason for every event either way, and the service name the recovery acts on.
 */
final class EcsEvents {
  static final String TASK_STATE_CHANGE = "ECS Task State Change";
  static final String SERVICE_ACTION = "ECS Service Action";
  static final String DEPLOYMENT_STATE_CHANGE = "ECS Deployment State Change";
  static final Set<String> DETAIL_TYPES = Set.of(TASK_STATE_CHANGE, SERVICE_ACTION, DEPLOYMENT_STATE_CHANGE);

  private final SignalContext context;
  private final EcsScope scope;

  EcsEvents(SignalContext context, EcsScope scope) {
    this.context = context;
    this.scope = scope;
  }

  Classification classify(JsonNode event, String detailType, JsonNode detail) {
    return TASK_STATE_CHANGE.equals(detailType) ? task(event, detail) : service(event, detailType, detail);
  }

  private Classification task(JsonNode event, JsonNode detail) {
    String group = optionalText(detail, "group");
    String service = group != null && group.startsWith("service:") ? group.substring("service:".length()) : null;
    String taskArn = optionalText(detail, "taskArn");
    String taskId = taskArn == null ? Fields.textOrNull(event, "id") : taskArn.substring(taskArn.lastIndexOf('/') + 1);
    String cluster = clusterName(optionalText(detail, "clusterArn"));
    String lastStatus = optionalText(detail, "lastStatus");
    String stopCode = optionalText(detail, "stopCode");
    String stoppedReason = first(optionalText(detail, "stoppedReason"), "no stoppedReason");
    String time = EventTimes.normalize(first(optionalText(detail, "stoppedAt"), optionalText(detail, "updatedAt"),
        Fields.textOrNull(event, "time")));
    String dedup = "ecs-task:" + first(service, group, "no-group") + ":" + first(taskId, time, "unknown");
    String task = "task " + Fields.quote(first(taskId, "(no taskArn)"));
    if (service == null) {
      return ignore(dedup, task + " of group '" + Fields.quote(first(group, ""))
          + "' does not belong to an ECS service");
    }
    if (!scope.protectsService(service)) {
      return ignore(dedup, task + " of service " + Fields.quote(service) + ", not a protected service "
          + scope.services());
    }
    if (!java.util.Objects.equals(scope.clusterName(), cluster)) {
      return ignore(dedup, task + " of " + service + " runs in cluster " + Fields.quote(first(cluster, "(not named)"))
          + ", not the protected cluster " + scope.clusterName());
    }
    if (!"STOPPED".equals(lastStatus)) {
      return ignore(dedup, task + " of " + service + " is " + Fields.quote(first(lastStatus, "(no lastStatus)"))
          + ": only a STOPPED task can signal a failure");
    }
    if (stopCode == null || !EcsServiceFailureSignals.FAILURE_STOP_CODES.contains(stopCode)) {
      return ignore(dedup, task + " of " + service + " " + notAFailure(stopCode, stoppedReason));
    }
    String why = task + " of " + service + " stopped: " + stopCode + " (" + truncate(stoppedReason, 200) + ")";
    Trigger trigger = new Trigger("ecs-event", "eventbridge", stopCode, time, truncate(why, 400));
    return context.start(service, dedup, why, trigger);
  }

  private static String notAFailure(String stopCode, String stoppedReason) {
    String reason = ": " + truncate(stoppedReason, 200);
    if (stopCode == null) {
      return "stopped without a stopCode (" + truncate(stoppedReason, 200) + "): not a failure ECS reports";
    }
    return switch (stopCode) {
      case "ServiceSchedulerInitiated" -> "was stopped by the ECS scheduler (ServiceSchedulerInitiated" + reason
          + "): a deployment's scale-in or a replacement, not a failure (tasks failing load balancer health checks "
          + "are caught by the target group alarms)";
      case "UserInitiated" -> "was stopped by a user (UserInitiated" + reason + "), not a failure";
      case "SpotInterruption", "TerminationNotice" -> "was stopped because AWS reclaimed its capacity (" + stopCode
          + reason + "): the scheduler replaces it, not a failure of the service";
      default -> "stopped with stopCode " + Fields.quote(stopCode) + " (" + truncate(stoppedReason, 200)
          + "), not one of the failure codes " + EcsServiceFailureSignals.FAILURE_STOP_CODES;
    };
  }

  private Classification service(JsonNode event, String detailType, JsonNode detail) {
    String eventName = first(optionalText(detail, "eventName"), "(no eventName)");
    ServiceArn arn = ServiceArn.parse(firstResource(event));
    String clusterArn = clusterName(optionalText(detail, "clusterArn"));
    boolean deployment = DEPLOYMENT_STATE_CHANGE.equals(detailType);
    String deploymentId = deployment ? optionalText(detail, "deploymentId") : null;
    String eventTime = first(deployment ? optionalText(detail, "updatedAt") : optionalText(detail, "createdAt"),
        Fields.textOrNull(event, "time"));
    String time = EventTimes.normalize(eventTime);
    String service = arn == null ? null : arn.name();
    String dedup = deployment
        ? "ecs-deployment:" + first(service, "no-service") + ":" + first(deploymentId, time, Fields.textOrNull(event,
            "id"), "unknown") + ":" + eventName
        : "ecs:" + first(service, "no-service") + ":" + eventName + ":" + first(time, Fields.textOrNull(event, "id"),
            "unknown");
    if (arn == null) {
      return ignore(dedup, detailType + " " + Fields.quote(eventName) + " names no ECS service in resources[0]");
    }
    String subject = detailType + " " + Fields.quote(eventName) + " for " + Fields.quote(service);
    if (!scope.protectsService(service)) {
      return ignore(dedup, subject + ", not a protected service " + scope.services());
    }
    for (String cluster : new String[] {arn.cluster(), clusterArn}) {
      if (cluster != null && !cluster.equals(scope.clusterName())) {
        return ignore(dedup, subject + " in cluster " + Fields.quote(cluster) + ", not the protected cluster "
            + scope.clusterName());
      }
    }
    List<String> failures = deployment ? EcsServiceFailureSignals.FAILURE_DEPLOYMENT_EVENTS
        : EcsServiceFailureSignals.FAILURE_SERVICE_ACTIONS;
    String detailReason = optionalText(detail, "reason");
    if (!failures.contains(eventName)) {
      return ignore(dedup, subject + informational(eventName, detailReason, failures));
    }
    String why = subject + (detailReason == null ? "" : ": " + truncate(detailReason, 200))
        + (arn.cluster() == null && clusterArn == null ? " (the event names no cluster; the service is protected)"
        : "");
    Trigger trigger = new Trigger("ecs-event", "eventbridge", deploymentId != null ? deploymentId : eventName, time,
        truncate(why, 400));
    return context.start(service, dedup, why, trigger);
  }

  private static String informational(String eventName, String detailReason, List<String> failures) {
    return switch (eventName) {
      case "SERVICE_STEADY_STATE" -> " is informational: the service is at its desired count and healthy";
      case "SERVICE_DEPLOYMENT_COMPLETED" -> " is informational: the deployment reached a steady state";
      case "SERVICE_DEPLOYMENT_IN_PROGRESS" -> detailReason != null && detailReason.contains("rolling back")
          ? " is informational: ECS is already rolling back to the previous deployment (circuit breaker)"
          : " is informational: a deployment is in progress";
      default -> " is not a failure event " + failures;
    };
  }

  /** The cluster name from a cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME), or the text itself. */
  static String clusterName(String clusterArn) {
    if (clusterArn == null) {
      return null;
    }
    int i = clusterArn.indexOf(":cluster/");
    return i < 0 ? clusterArn : clusterArn.substring(i + ":cluster/".length());
  }

  private static String firstResource(JsonNode event) {
    JsonNode resources = event.get("resources");
    if (resources == null || !resources.isArray() || resources.isEmpty() || !resources.get(0).isTextual()) {
      return null;
    }
    return resources.get(0).asText();
  }

  private Classification ignore(String dedup, String reason) {
    return context.ignore(dedup, reason);
  }

  /**
   * A service ARN: arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME (new format) or .../service/NAME (old format,
   * no cluster).
   */
  record ServiceArn(String cluster, String name) {
    static ServiceArn parse(String arn) {
      if (arn == null) {
        return null;
      }
      int i = arn.indexOf(":service/");
      if (!arn.startsWith("arn:") || i < 0) {
        return null;
      }
      String[] parts = arn.substring(i + ":service/".length()).split("/", -1);
      if (parts.length == 1 && !parts[0].isEmpty()) {
        return new ServiceArn(null, parts[0]);
      }
      if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
        return new ServiceArn(parts[0], parts[1]);
      }
      return null;
    }
  }
}
