package ai.sentinel.dr.ecs;

import java.util.List;
import ai.sentinel.dr.wait.Awaited;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Scenario 3 step 5 ({@code aws ecs wait services-stable}), one poll; the state machine's Wait state spaces them.
 * Stable means what the CLI waiter means: one deployment, running == desired. In the "redeploy" phase the forced
 * deployment gets a bounded window (ECS_STABLE_POLLS polls) and then a rollback is due; it is due at once when ECS
 * itself marks that deployment FAILED (deployment circuit breaker), since waiting cannot help it. After a rollback or
 * a scale-up there is nothing left to fall back to, so the wait ends in TimedOutError after options.maxPolls.
 */
public final class WaitForStability extends Step {
  private static final Set<String> PHASES = Set.of(ForceNewDeployment.PHASE, DeployPreviousVersion.PHASE,
      ScaleUp.PHASE);

  private final EcsClient ecs;

  public WaitForStability() {
    this(Deps.fromProcessEnv());
  }

  public WaitForStability(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForStability(Deps deps) {
    super(deps);
    this.ecs = deps.clients().ecs();
  }

  @Override
  public String name() {
    return "WaitForStability";
  }

  /** ECS says so when the deployment completes (SERVICE_DEPLOYMENT_COMPLETED) or the service is steady. */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    return List.of(Awaited.ecsServiceStable(EcsServices.protectedService(deps.config(), recovery, name())));
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String name = EcsServices.protectedService(deps.config(), recovery, name());
    EcsState state = recovery.part(EcsState.PART);
    if (state == null || state.phase() == null || !PHASES.contains(state.phase())) {
      throw new StepFailedError("WaitForStability needs a deployment in progress (phase "
          + (state == null ? null : state.phase()) + ")");
    }
    String phase = state.phase();
    if (recovery.dryRun()) {
      return recovery.with(EcsState.PART, state.polled(true, false, state.status(), "dry-run: stability not polled"))
          .log(entry("skipped", "dry-run: would wait for " + name + " to be stable (phase " + phase + ")"));
    }
    Service service = EcsServices.describe(ecs, EcsSettings.of(deps.config()).cluster(), name);
    String status = EcsServices.status(service);
    int poll = state.polls() + 1;
    if (EcsServices.stable(service)) {
      String why = name + " stable: " + status + " on " + EcsServices.shortName(EcsServices.runningRevision(service));
      return recovery.with(EcsState.PART, state.polled(true, false, status, why))
          .log(entry("done", why + " (phase " + phase + ", poll " + poll + ")"));
    }
    if (ForceNewDeployment.PHASE.equals(phase)) {
      String due = rollbackDue(state, service, status, poll, recovery.options().pollSeconds());
      if (due != null) {
        return recovery.with(EcsState.PART, state.polled(false, true, status, due)).log(entry("decided", due));
      }
      String why = name + " not stable yet: " + status + " (poll " + poll + " of "
          + EcsSettings.of(deps.config()).stablePolls() + " before a rollback)";
      return recovery.with(EcsState.PART, state.polled(false, false, status, why)).log(entry(Recovery.WAITING, why));
    }
    if (poll >= recovery.options().maxPolls()) {
      throw new TimedOutError(name + " not stable after " + poll + " polls in phase " + phase + ": " + status);
    }
    String why = name + " not stable yet: " + status + " (phase " + phase + ", poll " + poll + " of "
        + recovery.options().maxPolls() + ")";
    return recovery.with(EcsState.PART, state.polled(false, false, status, why)).log(entry(Recovery.WAITING, why));
  }

  /** Why the forced deployment is given up on, or null while it still has time. */
  private String rollbackDue(EcsState state, Service service, String status, int poll, int pollSeconds) {
    Deployment ours = EcsServices.byId(service, state.deployment() == null ? null : state.deployment().id());
    if (ours != null && "FAILED".equals(ours.rolloutStateAsString())) {
      return "deployment " + ours.id() + " rollout FAILED"
          + (ours.rolloutStateReason() == null ? "" : " (" + ours.rolloutStateReason() + ")") + " after " + poll
          + " poll(s): " + status + "; rolling back";
    }
    int window = EcsSettings.of(deps.config()).stablePolls();
    if (poll < window) {
      return null;
    }
    String what = state.deployment() == null ? state.service()
        : EcsServices.shortName(state.deployment().taskDefinition())
            + (state.deployment().id() == null ? "" : " (deployment " + state.deployment().id() + ")");
    return what + " not stable after " + poll + " polls (window of " + window + " x " + pollSeconds + " s): "
        + status + "; rolling back";
  }
}
