package ai.sentinel.dr.drill.ecs;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.LocalAws;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.ecs.EcsState;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.trigger.EcsEventResponder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Scenario 3: a bad release. The API's next revision names an image that cannot be pulled (a simulation of the local
 * cloud: moto starts no containers, see moto_launcher.py S1); it is deployed with fewer tasks than configured. ECS
 * fails the deployment and EventBridge delivers "ECS Deployment State Change" SERVICE_DEPLOYMENT_FAILED to the
 * responder. Recovery: a forced new deployment does not stabilise (same revision), so the runbook's rollback to the
 * previous revision, a scale-up to the configured count, healthy targets.
 */
public final class EcsServiceFailure implements DrillScenario {
  @Override
  public String id() {
    return ai.sentinel.dr.ecs.EcsServiceFailure.ID;
  }

  /** The failing service: the API, first of the configured services. */
  public static String service(LocalSentinel sentinel) {
    return EcsSettings.of(sentinel.config).services().get(0);
  }

  public static Service describe(LocalSentinel sentinel, String service) {
    return sentinel.aws.ecs.describeServices(b -> b.cluster(EcsSettings.of(sentinel.config).cluster())
        .services(service))
        .services().get(0);
  }

  public static String revision(String taskDefinitionArn) {
    return taskDefinitionArn == null ? null : taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
  }

  /** Target states of the service's target group, counted ("healthy" -> 3). */
  public static Map<String, Long> targets(LocalSentinel sentinel, String service) {
    String tg = sentinel.part(EcsSeed.class).targetGroups().get(service);
    if (tg == null) {
      return Map.of();
    }
    return sentinel.aws.elbv2.describeTargetHealth(b -> b.targetGroupArn(tg)).targetHealthDescriptions().stream()
        .collect(Collectors.groupingBy(d -> d.targetHealth().stateAsString(), java.util.TreeMap::new,
            Collectors.counting()));
  }

  private static String status(LocalSentinel sentinel, String service) {
    Service s = describe(sentinel, service);
    return revision(s.taskDefinition()) + " " + s.runningCount() + "/" + s.desiredCount() + " running, "
        + s.deployments().stream().map(d -> d.status() + " " + d.rolloutStateAsString()
            + (d.failedTasks() != null && d.failedTasks() > 0 ? " (" + d.failedTasks() + " failed)" : ""))
        .toList() + ", targets " + targets(sentinel, service);
  }

  @Override
  public void describe(LocalSentinel sentinel, PrintStream out) {
    String api = service(sentinel);
    for (String service : EcsSettings.of(sentinel.config).services()) {
      out.println("seeded: " + EcsSettings.of(sentinel.config).cluster() + "/" + service + " "
          + status(sentinel, service)
          + "; revisions " + sentinel.part(EcsSeed.class).taskDefinitions().get(service).stream()
          .map(EcsServiceFailure::revision).toList() + "; log group " + EcsSettings.of(sentinel.config)
              .logGroupPrefix() + service);
    }
    out.println("configured: desired count " + EcsSettings.of(sentinel.config).desiredCountOf(api) + ", target group "
        + EcsSettings.of(sentinel.config).targetGroups().get(api) + ", " + EcsSettings.of(sentinel.config).stablePolls()
        + " polls for a forced deployment to stabilise before the rollback");
  }

  /** The bad release: revision 2's image cannot be pulled, and it is deployed with fewer tasks than configured. */
  @Override
  public void inject(LocalSentinel sentinel, PrintStream out) throws Exception {
    String api = service(sentinel);
    List<String> revisions = sentinel.part(EcsSeed.class).taskDefinitions().get(api);
    String bad = revisions.get(revisions.size() - 1);
    String reason = sentinel.cloud.simulateImageCannotStart(bad);
    out.println("inject: " + revision(bad) + " names an image that cannot be pulled (local cloud simulation: "
        + reason.substring(0, reason.indexOf(':')) + ")");
    sentinel.aws.ecs.updateService(b -> b.cluster(EcsSettings.of(sentinel.config).cluster()).service(api)
        .taskDefinition(bad)
        .desiredCount(1));
    out.println("inject: deployed " + revision(bad) + " with desired count 1 -> " + status(sentinel, api));
  }

  @Override
  public boolean healthyVariant() {
    return true;
  }

  /** Nothing fails: {@link #signal} reports the healthy service's own deployment as failed (late or forged). */
  @Override
  public boolean falseAlarm(LocalSentinel sentinel, PrintStream out) {
    out.println("false alarm: a SERVICE_DEPLOYMENT_FAILED notification for " + service(sentinel)
        + "'s current deployment, which is healthy: " + status(sentinel, service(sentinel)));
    return true;
  }

  @Override
  public Signal signal(LocalSentinel sentinel) {
    String api = service(sentinel);
    Service s = describe(sentinel, api);
    Deployment primary = s.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst()
        .orElseThrow();
    byte[] event = deploymentFailed(s.serviceArn(), primary.id(), Instant.now());
    return new Signal(sentinel.deployment.functionFor(EcsEventResponder.class), event,
        "ECS Deployment State Change (SERVICE_DEPLOYMENT_FAILED, " + primary.id() + ")");
  }

  /**
   * The event ECS sends to EventBridge when a deployment fails (deployment circuit breaker), as AWS documents it:
   * the service named only in {@code resources[0]}.
   */
  public static byte[] deploymentFailed(String serviceArn, String deploymentId, Instant at) {
    ObjectNode event = Json.object();
    event.put("version", "0");
    event.put("id", UUID.nameUUIDFromBytes((serviceArn + deploymentId).getBytes(StandardCharsets.UTF_8))
        .toString());
    event.put("detail-type", "ECS Deployment State Change");
    event.put("source", "aws.ecs");
    event.put("account", LocalAws.ACCOUNT);
    event.put("time", at.truncatedTo(ChronoUnit.SECONDS).toString());
    event.put("region", LocalAws.REGION.id());
    event.putArray("resources").add(serviceArn);
    ObjectNode detail = event.putObject("detail");
    detail.put("eventType", "ERROR");
    detail.put("eventName", "SERVICE_DEPLOYMENT_FAILED");
    detail.put("deploymentId", deploymentId);
    detail.put("updatedAt", at.truncatedTo(ChronoUnit.MILLIS).toString());
    detail.put("reason", "ECS deployment circuit breaker: tasks failed to start.");
    return Json.bytes(event);
  }

  @Override
  public String gatedStep() {
    return "DeployPreviousVersion";
  }

  @Override
  public Guard guard(LocalSentinel sentinel) {
    String api = service(sentinel);
    return new Guard(api + "'s task definition", () -> describe(sentinel, api).taskDefinition());
  }

  /** The rollback picked the previous revision and says why; the service runs it at the configured count, healthy. */
  @Override
  public boolean confirm(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    String api = service(sentinel);
    List<String> revisions = sentinel.part(EcsSeed.class).taskDefinitions().get(api);
    EcsState ecs = recovery.part(EcsState.PART);
    EcsState.Rollback rollback = ecs == null ? null : ecs.rollback();
    boolean rolledBack = rollback != null && revision(revisions.get(0)).equals(revision(rollback.to()));
    out.println(rollback == null ? "rollback: NONE (the forced deployment of a revision that cannot start cannot "
        + "have stabilised)" : "rollback: " + revision(rollback.from()) + " -> " + revision(rollback.to()) + " because "
        + rollback.reason());
    // each ScaleUp decision: the scale-up itself, then the check that found the configured count running
    recovery.timeline().stream().filter(e -> "ScaleUp".equals(e.step()) && "decided".equals(e.event()))
        .forEach(e -> out.println("scale: " + e.detail()));
    Service now = describe(sentinel, api);
    Integer configured = EcsSettings.of(sentinel.config).desiredCountOf(api);
    boolean scaled = configured == null || (now.desiredCount().equals(configured)
        && now.runningCount().equals(configured));
    out.println("service now: " + status(sentinel, api) + (configured == null ? "" : " (configured " + configured
        + ")"));
    return rolledBack && scaled && revisions.get(0).equals(now.taskDefinition());
  }
}
