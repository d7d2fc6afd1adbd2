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
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

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
    checks.add(targetHealth(name, service, targets));
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

  /** DescribeTargetHealth of the service's target group: PASS with a healthy target and no unhealthy one. */
  private Check targetHealth(String name, Service service, List<TargetHealth> targets) {
    String configured = EcsSettings.of(deps.config()).targetGroups().get(name);
    String group = configured != null ? configured : service.loadBalancers().stream()
        .map(LoadBalancer::targetGroupArn).filter(a -> a != null && !a.isBlank()).findFirst().orElse(null);
    if (group == null) {
      return new Check("target-health", Result.SKIP, name + " has no target group (none in ECS_TARGET_GROUPS, no "
          + "load balancer on the service): no ALB targets to check");
    }
    List<TargetHealthDescription> seen;
    try {
      String arn = group.startsWith("arn:") ? group : arnOf(group);
      seen = elb.describeTargetHealth(b -> b.targetGroupArn(arn)).targetHealthDescriptions();
    } catch (TargetGroupNotFoundException e) {
      return new Check("target-health", Result.FAIL, "target group " + group + " not found");
    }
    for (TargetHealthDescription d : seen) {
      String reason = d.targetHealth() == null ? null : d.targetHealth().reasonAsString();
      String description = d.targetHealth() == null ? null : d.targetHealth().description();
      targets.add(new TargetHealth(d.target().id(), d.target().port(),
          d.targetHealth() == null ? "unknown" : d.targetHealth().stateAsString(),
          description == null ? reason : reason == null ? description : reason + ": " + description));
    }
    Map<String, Long> byState = new TreeMap<>(EcsState.countByState(targets));
    long healthy = byState.getOrDefault("healthy", 0L);
    long unhealthy = byState.getOrDefault("unhealthy", 0L);
    byState.remove("healthy");
    byState.remove("unhealthy");
    StringBuilder detail = new StringBuilder(groupName(group) + ": " + healthy + " healthy, " + unhealthy
        + " unhealthy");
    if (!byState.isEmpty()) {
      detail.append(", other ").append(byState);
    }
    targets.stream().filter(t -> "unhealthy".equals(t.state())).limit(3).forEach(t -> detail.append("; ")
        .append(t.id()).append(t.port() == null ? "" : ":" + t.port()).append(" ").append(t.reason()));
    boolean ok = healthy >= 1 && unhealthy == 0;
    return new Check("target-health", ok ? Result.PASS : Result.FAIL, detail.toString());
  }

  /** ECS_TARGET_GROUPS may name a group rather than give its ARN (the ARN changes when the group is replaced). */
  private String arnOf(String groupName) {
    return elb.describeTargetGroups(b -> b.names(groupName)).targetGroups().stream().map(TargetGroup::targetGroupArn)
        .findFirst().orElseThrow(() -> TargetGroupNotFoundException.builder().message(groupName).build());
  }

  /** "sentinel-api-tg" from "arn:...:targetgroup/sentinel-api-tg/6d0ecf831eec9f09", or the name as given. */
  private static String groupName(String group) {
    int at = group.indexOf(":targetgroup/");
    if (at < 0) {
      return group;
    }
    String rest = group.substring(at + ":targetgroup/".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }
}
