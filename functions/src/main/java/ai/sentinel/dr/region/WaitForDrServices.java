package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.DrService;
import ai.sentinel.dr.region.RegionState.DrServices;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Scenario 4 ("wait services-stable" in the DR cluster): one poll. Stable means every service runs its desired count
 * in a single deployment; the state machine's Wait spaces the polls.
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
