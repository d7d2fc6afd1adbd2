package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Scenario 3 step 1: {@code update-service --force-new-deployment} of the failing service, same task definition.
 * Starts the "redeploy" phase, which WaitForStability gives ECS_STABLE_POLLS polls before a rollback is due.
 * Running it twice redeploys once: a PRIMARY deployment this execution already recorded, or one that started after
 * this execution's diagnosis, is adopted rather than restarted.
 */
public final class ForceNewDeployment extends Step {
  static final String PHASE = "redeploy";

  private final EcsClient ecs;

  public ForceNewDeployment() {
    this(Deps.fromProcessEnv());
  }

  public ForceNewDeployment(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ForceNewDeployment(Deps deps) {
    super(deps);
    this.ecs = deps.clients().ecs();
  }

  @Override
  public String name() {
    return "ForceNewDeployment";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String name = EcsServices.protectedService(deps.config(), recovery, name());
    EcsState state = recovery.part(EcsState.PART);
    if (state == null || state.diagnosis() == null) {
      throw new StepFailedError("ForceNewDeployment needs Diagnose's result");
    }
    String cluster = EcsSettings.of(deps.config()).cluster();
    Service service = EcsServices.describe(ecs, cluster, name);
    Deployment primary = EcsServices.primary(service);
    String adopt = adoptable(state, primary);
    if (adopt != null) {
      EcsState.Deployment kept = new EcsState.Deployment(primary.id(), EcsServices.runningRevision(service),
          primary.createdAt() == null ? now() : primary.createdAt().toString());
      return recovery.with(EcsState.PART, state.started(PHASE, kept)).log(entry("skipped", adopt));
    }
    UpdateServiceRequest request = UpdateServiceRequest.builder().cluster(cluster).service(name)
        .forceNewDeployment(true).build();
    Mutation<UpdateServiceResponse> sent = mutate(recovery, "ecs", "UpdateService",
        EcsServices.target(cluster, name), request, () -> ecs.updateService(request));
    EcsState.Deployment started;
    if (sent.sent()) {
      Service updated = sent.response().service();
      Deployment now = updated == null ? null : EcsServices.primary(updated);
      started = new EcsState.Deployment(now == null ? null : now.id(),
          updated == null ? EcsServices.runningRevision(service) : EcsServices.runningRevision(updated),
          now == null || now.createdAt() == null ? now() : now.createdAt().toString());
    } else {
      started = new EcsState.Deployment(null, EcsServices.runningRevision(service), now());
    }
    String detail = "forced new deployment " + (started.id() == null ? "" : started.id() + " ") + "of " + name
        + " (" + EcsServices.shortName(started.taskDefinition()) + ", same task definition) in " + cluster
        + ": runbook step 1; " + EcsSettings.of(deps.config()).stablePolls()
        + " polls to stabilise before a rollback";
    return sent.recovery().with(EcsState.PART, state.started(PHASE, started))
        .log(entry(sent.sent() ? "redeploying" : "would-redeploy", detail));
  }

  /** Why the current PRIMARY deployment is already the one this step would start, or null. */
  private String adoptable(EcsState state, Deployment primary) {
    if (primary == null) {
      return null;
    }
    if (state.deployment() != null && primary.id() != null && primary.id().equals(state.deployment().id())) {
      return "deployment " + primary.id() + " recorded by this execution is still PRIMARY: not redeployed again";
    }
    Instant diagnosed = state.diagnosis().checkedAt() == null ? null : Instant.parse(state.diagnosis().checkedAt());
    if (diagnosed != null && primary.createdAt() != null && primary.createdAt().isAfter(diagnosed)) {
      // a retry after a lost answer, or a deployment someone else just started: restarting it would only delay it
      return "deployment " + primary.id() + " started at " + primary.createdAt() + ", after this execution's "
          + "diagnosis at " + diagnosed + ": adopted, not redeployed again";
    }
    return null;
  }
}
