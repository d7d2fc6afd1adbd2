package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.security.SecurityState.Action;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Scenario 6 "Immediate Response" 2, "if active breach, isolate affected systems": {@code UpdateService} of the
 * configured service (runbook: sentinel-api) to desired count 0, the count before remembered for RestoreGradually.
 * It takes the platform down, so it only runs after a human approved (the state machine gates it in every
 * environment) and only when Assess found an active breach. A second run finds the isolation recorded, or the service
 * already at 0 (then the remembered count is the configured one), and sends nothing.
 */
@UsesSettings({SecuritySettings.class, EcsSettings.class})
public final class Isolate extends Step {
  public Isolate() {
    this(Deps.fromProcessEnv());
  }

  public Isolate(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Isolate(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "Isolate";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    SecurityState state = recovery.part(SecurityState.PART);
    if (state == null || state.assessment() == null || !state.assessment().containment().isolate()) {
      throw new StepFailedError("Isolate runs only after Assess found an active breach");
    }
    if (state.isolation() != null) {
      return recovery.log(entry("skipped", state.isolation().service() + " was isolated at "
          + state.isolation().isolatedAt() + " (was " + state.isolation().previousDesired() + " tasks)"));
    }
    SecuritySettings.Isolation isolation = SecuritySettings.of(deps.config()).isolation();
    EcsSettings ecsSettings = EcsSettings.of(deps.config());
    String cluster = ecsSettings.cluster();
    String name = isolation.service();
    EcsClient ecs = deps.clients().ecs();
    Service service = ecs.describeServices(b -> b.cluster(cluster).services(name)).services().stream()
        .filter(s -> name.equals(s.serviceName())).findFirst()
        .orElseThrow(() -> new StepFailedError("ECS service " + name + " not found in " + cluster + ": nothing "
            + "isolated"));
    Integer previous = service.desiredCount();
    if (previous == null || previous == 0) {
      // already at 0 (a lost answer, or by hand): bring back what cdk.json says the service runs
      previous = ecsSettings.desiredCountOf(name);
    }
    if (previous == null || previous < 1) {
      throw new StepFailedError(name + " is at 0 tasks and ecs.desiredCounts names no count to restore it to: "
          + "isolating it would leave no way back; nothing changed");
    }
    UpdateServiceRequest request = UpdateServiceRequest.builder().cluster(cluster).service(name).desiredCount(0)
        .build();
    Mutation<UpdateServiceResponse> sent = service.desiredCount() != null && service.desiredCount() == 0
        ? new Mutation<>(null, recovery.log(entry("skipped", name + " is at 0 tasks already")))
        : mutate(recovery, "ecs", "UpdateService", cluster + "/" + name, request, () -> ecs.updateService(request));
    SecurityState.Isolation record = new SecurityState.Isolation(cluster, name, previous, now());
    SecurityState next = state.withIsolation(record).withAction(new Action(now(), name(),
        (recovery.dryRun() ? "would isolate " : "isolated ") + name + ": desired count " + previous + " -> 0 ("
        + state.assessment().summary() + ")"));
    return sent.recovery().with(SecurityState.PART, next).log(entry(recovery.dryRun() ? "would-isolate" : "isolated",
        cluster + "/" + name + " scaled to 0 (was " + previous + "); RestoreGradually brings it back after approval"));
  }
}
