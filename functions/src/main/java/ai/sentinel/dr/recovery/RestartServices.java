package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.safety.LockedResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Runbook "Restart ECS services" (Scenario 1 step 6, Scenario 2 step 6): a forced new deployment of every configured
 * service, so tasks pick up the repointed secret. Running it twice restarts once: a service whose newest deployment
 * is younger than the repoint is left alone.
 */
@UsesSettings(EcsSettings.class)
public final class RestartServices extends Step {
  private final EcsClient ecs;

  public RestartServices() {
    this(Deps.fromProcessEnv());
  }

  public RestartServices(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RestartServices(Deps deps) {
    super(deps);
    this.ecs = deps.clients().ecs();
  }

  /** The services this step restarts as an approval gate names them: "ECS services a, b in cluster c". */
  public static String describeTargets(DrConfig config) {
    return config.settings(EcsSettings.class).filter(e -> !e.services().isEmpty())
        .map(e -> "ECS services " + String.join(", ", e.services()) + " in cluster " + e.cluster())
        .orElse("no ECS service (none configured)");
  }

  /** The services this step restarts: a scenario that runs it locks them ({@code Scenario.mutates}). */
  public static List<LockedResource> targets(DrConfig config) {
    return config.settings(EcsSettings.class)
        .map(e -> e.services().stream().map(s -> LockedResource.ecsService(e.cluster(), s)).toList())
        .orElse(List.of());
  }

  @Override
  public String name() {
    return "RestartServices";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String cluster = EcsSettings.of(deps.config()).cluster();
    List<String> names = EcsSettings.of(deps.config()).services();
    if (names.isEmpty()) {
      throw new StepFailedError("no ECS services configured to restart");
    }
    Instant since = recovery.repointedInstant();
    Map<String, Service> current = new LinkedHashMap<>();
    ecs.describeServices(b -> b.cluster(cluster).services(names)).services()
        .forEach(s -> current.put(s.serviceName(), s));
    // every service must exist before any is touched: no half-restarted platform
    List<String> missing = names.stream().filter(n -> !current.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      throw new StepFailedError("ECS service(s) " + missing + " not found in " + cluster + ": nothing restarted");
    }
    Map<String, String> deployments = new LinkedHashMap<>();
    List<String> restarted = new ArrayList<>();
    Recovery out = recovery;
    for (String name : names) {
      Service service = current.get(name);
      if (service == null) {
        throw new StepFailedError("ECS service " + name + " not found in " + cluster);
      }
      Deployment primary = primary(service);
      if (primary != null && since != null && primary.createdAt() != null && !primary.createdAt().isBefore(since)) {
        deployments.put(name, primary.id());
        out = out.log(entry("skipped", name + ": deployment " + primary.id() + " already started after the repoint"));
        continue;
      }
      UpdateServiceRequest request = UpdateServiceRequest.builder().cluster(cluster).service(name)
          .forceNewDeployment(true).build();
      Mutation<UpdateServiceResponse> sent = mutate(out, "ecs", "UpdateService", cluster + "/" + name, request,
          () -> ecs.updateService(request));
      out = sent.recovery();
      if (sent.sent()) {
        Deployment started = primary(sent.response().service());
        deployments.put(name, started == null ? "?" : started.id());
      }
      restarted.add(name);
    }
    ServicesState state = new ServicesState(cluster, names, now(), deployments, false, Map.of(), 0);
    return out.withServices(state).log(entry(recovery.dryRun() ? "would-restart" : "restarted",
        "forced new deployment of " + restarted + " in "
        + cluster));
  }

  static Deployment primary(Service service) {
    return service.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElse(null);
  }
}
