package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.DrService;
import ai.sentinel.dr.region.RegionState.DrServices;
import ai.sentinel.dr.wait.Awaited;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Scenario 4 ("wait services-stable" in the DR cluster): one poll. Stable means every service runs its desired count
 * in a single deployment. Between polls the state machine waits for ECS's own event (SERVICE_STEADY_STATE or
 * SERVICE_DEPLOYMENT_COMPLETED of each service in the DR region, answered by the DR stack's WaitResponder) or
 * {@code pollSeconds}, whichever comes first.
 */
public final class WaitForDrServices extends Step {
  private final RegionSettings region;
  private final EcsClient ecs;

  public WaitForDrServices() {
    this(Deps.fromProcessEnv());
  }

  public WaitForDrServices(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForDrServices(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.ecs = deps.clients().in(region.drRegion()).ecs();
  }

  @Override
  public String name() {
    return "WaitForDrServices";
  }

  /** ECS says when each DR service is steady (by name: the DR stack's own wait table keeps them apart). */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    DrServices services = RegionState.of(recovery.part(RegionState.PART)).services();
    return services == null ? List.of()
        : services.services().stream().map(d -> Awaited.ecsServiceStable(d.name())).toList();
  }

  /** The failover's state machine and wait table are in the DR region, whatever region the function runs in. */
  @Override
  protected Clients waitClients() {
    return deps.clients().in(region.drRegion());
  }

  @Override
  protected Recovery run(Recovery recovery) {
    DrServices before = RegionState.of(recovery.part(RegionState.PART)).services();
    if (before == null) {
      throw new StepFailedError("WaitForDrServices needs the services ScaleUpDrServices scaled");
    }
    List<String> names = before.services().stream().map(DrService::name).toList();
    List<Service> found = ecs.describeServices(b -> b.cluster(before.cluster()).services(names)).services();
    List<DrService> seen = names.stream().map(n -> found.stream().filter(s -> n.equals(s.serviceName())).findFirst()
        .map(s -> new DrService(n, action(before, n), s.desiredCount(), s.runningCount()))
        .orElse(new DrService(n, action(before, n), 0, 0))).toList();
    boolean stable = found.size() == names.size() && found.stream().allMatch(s -> s.desiredCount() > 0
        && s.runningCount().equals(s.desiredCount()) && s.deployments().size() == 1);
    DrServices next = new DrServices(before.cluster(), seen, stable, before.polls() + 1);
    Recovery out = recovery.update(RegionState.PART, s -> RegionState.of(s).withServices(next));
    String counts = String.join(", ", seen.stream().map(d -> d.name() + " " + d.running() + "/" + d.desired())
        .toList());
    if (stable) {
      return out.log(entry("done", "stable in " + before.cluster() + " (" + region.drRegion() + "): " + counts));
    }
    if (next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError("DR services not stable after " + next.polls() + " polls: " + counts);
    }
    return out.log(entry(Recovery.WAITING, counts + " (poll " + next.polls() + " of "
        + recovery.options().maxPolls() + ")"));
  }

  private static String action(DrServices before, String name) {
    return before.services().stream().filter(d -> d.name().equals(name)).map(DrService::action).findFirst()
        .orElse("unknown");
  }
}
