package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.WaitForServices;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/** What every Scenario 3 step needs: the one service it may act on, and how that service reads. */
final class EcsServices {
  private static final Pattern REVISION = Pattern.compile("(?:.*:task-definition/)?([A-Za-z0-9_-]+):(\\d{1,9})");

  private EcsServices() {}

  /**
   * The failing service: the recovery's resource, which must be a service this environment protects. Checked before
   * any call, because a direct StartExecution bypasses the responders' checks.
   */
  static String protectedService(DrConfig config, Recovery recovery, String step) {
    String service = recovery.resource();
    EcsSettings ecs = EcsSettings.of(config);
    if (!ecs.protectsService(service)) {
      throw new StepFailedError(step + ": '" + service + "' is not one of the ECS services " + ecs.services()
          + " protected in " + config.environment() + ": nothing done");
    }
    return service;
  }

  /** The blast-radius target of an ECS mutation, as {@link EcsSettings#allows} reads it. */
  static String target(String cluster, String service) {
    return cluster + "/" + service;
  }

  /** DescribeServices for one service; a service ECS does not know (or has deleted) is not recoverable here. */
  static Service describe(EcsClient ecs, String cluster, String name) {
    DescribeServicesResponse answer = ecs.describeServices(b -> b.cluster(cluster).services(name));
    Service service = answer.services().stream().filter(s -> name.equals(s.serviceName())).findFirst().orElse(null);
    if (service == null || "INACTIVE".equals(service.status())) {
      String why = service != null ? "INACTIVE (deleted)"
          : answer.failures().stream().map(f -> f.reason()).findFirst().orElse("not returned");
      throw new StepFailedError("ECS service " + name + " in " + cluster + " is " + why
          + ": the runbook recovers a running service, not a missing one");
    }
    return service;
  }

  static Deployment primary(Service service) {
    return service.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElse(null);
  }

  static Deployment byId(Service service, String id) {
    return id == null ? null
        : service.deployments().stream().filter(d -> id.equals(d.id())).findFirst().orElse(null);
  }

  /**
   * Stable as {@code aws ecs wait services-stable} means it (and recovery/WaitForServices): exactly one deployment
   * and as many tasks running as desired.
   */
  static boolean stable(Service service) {
    return WaitForServices.stable(service);
  }

  static String status(Service service) {
    return service.runningCount() + "/" + service.desiredCount() + " running, " + service.deployments().size()
        + " deployment(s)";
  }

  /**
   * The revision the service runs. ECS sets the service's taskDefinition to its PRIMARY deployment's on every
   * UpdateService; the service field is preferred because local clouds do not always update the deployment's.
   */
  static String runningRevision(Service service) {
    if (service.taskDefinition() != null) {
      return service.taskDefinition();
    }
    Deployment primary = primary(service);
    return primary == null ? null : primary.taskDefinition();
  }

  /** "sentinel-api:9" for a task definition ARN (or the text as it is when it is not one). */
  static String shortName(String taskDefinition) {
    return revision(taskDefinition).map(r -> r.family() + ":" + r.number()).orElse(String.valueOf(taskDefinition));
  }

  /** Family and revision number of "arn:...:task-definition/FAMILY:N" or "FAMILY:N". */
  static Optional<Revision> revision(String taskDefinition) {
    if (taskDefinition == null) {
      return Optional.empty();
    }
    Matcher m = REVISION.matcher(taskDefinition);
    return m.matches() ? Optional.of(new Revision(m.group(1), Integer.parseInt(m.group(2)))) : Optional.empty();
  }

  /** A task definition revision: family and number. */
  record Revision(String family, int number) {}
}
