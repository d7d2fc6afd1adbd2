package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.ecs.EcsState.TargetHealth;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.ApiHealth;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * Scenario 3 verification: the symptoms the runbook starts from ("no healthy targets in ALB", tasks stopping) are
 * gone. The service is stable with at least one task, and its ALB target group has a healthy target and no unhealthy
 * one. A service without a target group (a worker) skips the target check and says so. Success is declared only
 * when no check failed and one passed; a failed check throws, so the state machine ends failed and escalates.
 */
public final class VerifyTargets extends Step {
  private final EcsClient ecs;
  private final ElasticLoadBalancingV2Client elb;

  public VerifyTargets() {
    this(Deps.fromProcessEnv());
  }

  public VerifyTargets(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public VerifyTargets(Deps deps) {
    super(deps);
    this.ecs = deps.clients().ecs();
    this.elb = deps.clients().elbv2();
  }

  @Override
  public String name() {
    return "VerifyTargets";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String name = EcsServices.protectedService(deps.config(), recovery, name());
    EcsState state = recovery.part(EcsState.PART);
    if (state == null) {
      throw new StepFailedError("VerifyTargets needs Diagnose's result");
    }
    if (recovery.dryRun()) {
      Verification skipped = Verification.of(List.of(
          new Check("service-stable", Result.SKIP, "dry-run: nothing was changed"),
          new Check("target-health", Result.SKIP, "dry-run: nothing was changed")));
      return recovery.withVerification(skipped).log(entry("skipped", "dry-run: verification not run"));
    }
    Service service = EcsServices.describe(ecs, EcsSettings.of(deps.config()).cluster(), name);
    List<Check> checks = new ArrayList<>();
    checks.add(serviceStable(service));
    List<TargetHealth> targets = new ArrayList<>();
    checks.add(TargetGroups.check(deps.config(), elb, name, service, targets));
    checks.add(ApiHealth.check(deps.config().healthUrl()));
    Verification verification = Verification.of(checks);
    Recovery out = recovery.withVerification(verification).with(EcsState.PART, state.withTargets(targets));
    if (!verification.verified()) {
      List<String> failed = checks.stream().filter(c -> c.result() == Result.FAIL)
          .map(c -> c.name() + ": " + c.detail()).toList();
      throw new VerificationFailedError("verification failed: " + (failed.isEmpty()
          ? "no check passed " + checks.stream().map(c -> c.name() + ": " + c.detail()).toList() : failed));
    }
    return out.log(entry("verified", checks.stream().map(c -> c.name() + "=" + c.result()).toList().toString()));
  }

  /** Stable as WaitForStability means it, and actually running something: 0/0 is not a recovered service. */
  private static Check serviceStable(Service service) {
    String detail = EcsServices.status(service) + " on " + EcsServices.shortName(EcsServices.runningRevision(service));
    boolean ok = EcsServices.stable(service) && service.desiredCount() >= 1;
    return new Check("service-stable", ok ? Result.PASS : Result.FAIL, detail);
  }
}
