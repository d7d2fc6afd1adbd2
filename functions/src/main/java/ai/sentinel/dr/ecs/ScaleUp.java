package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.ecs.EcsState.Scale;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Scenario 3 step 4, "scale up if needed": raise the service's desired count to the configured one
 * (ECS_DESIRED_COUNTS) when it is below it. Never lowers it: a service running more than configured was scaled by
 * someone or something (autoscaling) for a reason this runbook cannot see. When the desired count is already right
 * but fewer tasks run, more desired tasks would not help: that is a stability matter, left to WaitForStability and
 * VerifyTargets. Running it twice sends once: the second run finds the desired count already raised.
 */
public final class ScaleUp extends Step {
  static final String PHASE = "scale";

  private final EcsClient ecs;

  public ScaleUp() {
    this(Deps.fromProcessEnv());
  }

  public ScaleUp(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ScaleUp(Deps deps) {
    super(deps);
    this.ecs = deps.clients().ecs();
  }

  @Override
  public String name() {
    return "ScaleUp";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String name = EcsServices.protectedService(deps.config(), recovery, name());
    EcsState state = recovery.part(EcsState.PART);
    if (state == null) {
      throw new StepFailedError("ScaleUp needs Diagnose's result");
    }
    Integer configured = EcsSettings.of(deps.config()).desiredCountOf(name);
    String cluster = EcsSettings.of(deps.config()).cluster();
    Service service = EcsServices.describe(ecs, cluster, name);
    int desired = service.desiredCount();
    int running = service.runningCount();
    if (configured == null) {
      return decided(recovery, state, new Scale(null, running, false, "no desired count configured for " + name
          + " (ECS_DESIRED_COUNTS): desired count left at " + desired));
    }
    if (desired > configured) {
      return decided(recovery, state, new Scale(configured, running, false, "desired count " + desired
          + " is above the configured " + configured + ": never scaled down"));
    }
    if (desired == configured) {
      // the second run after a scale-up keeps what the first did, for the report
      Integer raisedFrom = state.scale() == null ? null : state.scale().raisedFrom();
      String earlier = raisedFrom == null ? "" : " (raised from " + raisedFrom + " by this recovery)";
      if (running < configured && !recovery.dryRun()) {
        // tasks still starting (e.g. a retry after an UpdateService whose answer was lost): wait for them, do not
        // declare the scale done; the next stability poll runs in phase "scale" and times out if they never start
        String why = "desired count already " + configured + earlier + " but " + running + " running: waiting for "
            + "the tasks to start";
        EcsState waiting = state.started(PHASE, state.deployment())
            .withScale(new Scale(configured, running, true, why, raisedFrom));
        return recovery.with(EcsState.PART, waiting).log(entry("decided", why));
      }
      String why = running + "/" + desired + " running, the configured count" + earlier + ": no scale-up needed";
      return decided(recovery, state, new Scale(configured, running, false, why, raisedFrom));
    }
    String reason = "desired count " + desired + " is below the configured " + configured + " (" + running
        + " running): scaling up to " + configured;
    UpdateServiceRequest request = UpdateServiceRequest.builder().cluster(cluster).service(name)
        .desiredCount(configured).build();
    Recovery out = recovery.log(entry("decided", reason));
    Mutation<UpdateServiceResponse> sent = mutate(out, "ecs", "UpdateService",
        EcsServices.target(cluster, name), request, () -> ecs.updateService(request));
    // the phase's deployment stays the one that runs: a desired-count change starts no new revision
    Service updated = sent.sent() ? sent.response().service() : null;
    Deployment primary = updated == null ? null : EcsServices.primary(updated);
    EcsState.Deployment current = primary == null ? state.deployment()
        : new EcsState.Deployment(primary.id(), EcsServices.runningRevision(updated),
            primary.createdAt() == null ? now() : primary.createdAt().toString());
    EcsState next = state.started(PHASE, current).withScale(new Scale(configured, running, true, reason, desired));
    return sent.recovery().with(EcsState.PART, next).log(entry(sent.sent() ? "scaling" : "would-scale", name
        + " desired count " + desired + " -> " + configured + ": runbook step 4"));
  }

  private Recovery decided(Recovery recovery, EcsState state, Scale scale) {
    return recovery.with(EcsState.PART, state.withScale(scale)).log(entry("decided", scale.reason()));
  }
}
