package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.FailbackState.Services;
import ai.sentinel.dr.wait.Awaited;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Failback: the primary's services restarted onto the repointed secret (a forced deployment each, at its configured
 * count, {@code ecs.desiredCounts}, when it has one), then polled until each runs its desired count in one deployment
 * (the state machine loops it through "Primary services stable?"). A second call only polls. Between polls the state
 * machine waits for ECS's own events (deployment completed, steady state, on the primary region's bus, forwarded to
 * the DR region's by {@code <env>-sentinel-dr-region-events}) or {@code pollSeconds}, whichever comes first.
 */
@UsesSettings({RegionSettings.class, EcsSettings.class})
public final class RestartPrimaryServices extends Step {
  private final RegionSettings region;
  private final FailbackSettings failback;
  private final EcsClient ecs;

  public RestartPrimaryServices() {
    this(Deps.fromProcessEnv());
  }

  public RestartPrimaryServices(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RestartPrimaryServices(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.failback = region.requireFailback();
    this.ecs = deps.clients().in(region.primaryRegion()).ecs();
  }

  @Override
  public String name() {
    return "RestartPrimaryServices";
  }

  /** Once the restart is sent: ECS says when each service is stable. */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    Services services = FailbackState.of(recovery.part(FailbackState.PART)).services();
    return services == null ? List.of() : failback.primaryServices().stream().map(Awaited::ecsServiceStable).toList();
  }

  /** The failback's state machine and wait table are in the DR region, whatever region the function runs in. */
  @Override
  protected Clients waitClients() {
    return deps.clients().in(region.drRegion());
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Services before = FailbackState.of(recovery.part(FailbackState.PART)).services();
    String cluster = failback.primaryCluster();
    List<String> names = failback.primaryServices();
    if (before == null) {
      EcsSettings settings = deps.config().require(EcsSettings.class);
      Recovery out = recovery;
      for (String name : names) {
        UpdateServiceRequest.Builder b = UpdateServiceRequest.builder().cluster(cluster).service(name)
            .forceNewDeployment(true);
        Integer count = settings.desiredCountOf(name);
        if (count != null) {
          b.desiredCount(count);
        }
        UpdateServiceRequest request = b.build();
        out = mutate(out, "ecs", "UpdateService", RegionSettings.target(region.primaryRegion(), cluster + "/"
            + name), request, () -> ecs.updateService(request)).recovery();
      }
      Services started = new Services(now(), recovery.dryRun(), "restarting " + names, 0);
      return out.update(FailbackState.PART, s -> FailbackState.of(s).withServices(started)).log(entry(
          recovery.dryRun() ? "would-restart" : "restarting", names + " in " + cluster + " ("
              + region.primaryRegion() + ") onto the repointed secret"));
    }
    List<Service> found = ecs.describeServices(b -> b.cluster(cluster).services(names)).services();
    boolean stable = found.size() == names.size() && found.stream().allMatch(s -> s.desiredCount() > 0
        && s.runningCount().equals(s.desiredCount()) && s.deployments().size() == 1);
    String counts = String.join(", ", found.stream().map(s -> s.serviceName() + " " + s.runningCount() + "/"
        + s.desiredCount()).toList());
    Services next = new Services(before.restartedAt(), stable, counts, before.polls() + 1);
    if (!stable && next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError("primary services not stable after " + next.polls() + " polls: " + counts);
    }
    return recovery.update(FailbackState.PART, s -> FailbackState.of(s).withServices(next))
        .log(entry(stable ? "done" : Recovery.WAITING, counts + " in " + cluster + " (" + region.primaryRegion()
            + ")"));
  }
}
