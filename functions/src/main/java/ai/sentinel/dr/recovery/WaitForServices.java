package ai.sentinel.dr.recovery;

import java.util.List;
import ai.sentinel.dr.wait.Awaited;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Runbook "wait services-stable": one poll of the restarted services. Stable means what the AWS CLI waiter means:
 * exactly one deployment, and running tasks equal to desired. The state machine's Wait state spaces the polls.
 */
@UsesSettings(EcsSettings.class)
public final class WaitForServices extends Step {
  private final EcsClient ecs;

  public WaitForServices() {
    this(Deps.fromProcessEnv());
  }

  public WaitForServices(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForServices(Deps deps) {
    super(deps);
    this.ecs = deps.clients().ecs();
  }

  @Override
  public String name() {
    return "WaitForServices";
  }

  /** Stable as {@code aws ecs wait services-stable} means it: exactly one deployment, running == desired. */
  public static boolean stable(Service service) {
    return service.deployments().size() == 1 && service.runningCount().equals(service.desiredCount());
  }

  /** ECS says so for each service (SERVICE_DEPLOYMENT_COMPLETED, SERVICE_STEADY_STATE); the poll checks all. */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    ServicesState s = recovery.services();
    return s == null ? List.of() : s.names().stream().map(Awaited::ecsServiceStable).toList();
  }

  @Override
  protected Recovery run(Recovery recovery) {
    ServicesState s = recovery.services();
    if (s == null) {
      throw new StepFailedError("WaitForServices needs RestartServices' result");
    }
    if (recovery.dryRun()) {
      return recovery.withServices(new ServicesState(s.cluster(), s.names(), s.restartedAt(), s.deployments(), true,
          Map.of(), s.polls() + 1)).log(entry("skipped", "dry-run: would wait for " + s.names() + " to be stable"));
    }
    Map<String, String> status = new LinkedHashMap<>();
    boolean stable = true;
    for (Service service : ecs.describeServices(b -> b.cluster(s.cluster()).services(s.names())).services()) {
      boolean one = stable(service);
      stable &= one;
      status.put(service.serviceName(), service.runningCount() + "/" + service.desiredCount() + " running, "
          + service.deployments().size() + " deployment(s)");
    }
    stable &= status.size() == s.names().size();
    ServicesState next = new ServicesState(s.cluster(), s.names(), s.restartedAt(), s.deployments(), stable, status,
        s.polls() + 1);
    Recovery out = recovery.withServices(next);
    if (stable) {
      return out.log(entry("done", "services stable: " + status));
    }
    if (next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError("services not stable after " + next.polls() + " polls: " + status);
    }
    return out.log(entry(Recovery.WAITING, "services not stable yet: " + status + " (poll " + next.polls() + ")"));
  }
}
