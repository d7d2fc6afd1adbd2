package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.database.DatabaseUrl;
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
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Scenario 4, last step before the report: the failover is a success only when, read back in the DR region, the DR
 * instance is available, the DR secret points at it, the DR services are stable, every DR target group has healthy
 * targets and none unhealthy, DNS is in sync on the DR load balancer, and {@code /health} answers through the DR
 * endpoint. The secret's value is compared, never logged.
 */
public final class VerifyDr extends Step {
  private final RegionSettings region;
  private final RdsClient rds;
  private final SecretsManagerClient secrets;
  private final ElasticLoadBalancingV2Client elb;

  public VerifyDr() {
    this(Deps.fromProcessEnv());
  }

  public VerifyDr(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public VerifyDr(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.rds = deps.clients().in(region.drRegion()).rds();
    this.secrets = deps.clients().in(region.drRegion()).secrets();
    this.elb = deps.clients().in(region.drRegion()).elbv2();
  }

  @Override
  public String name() {
    return "VerifyDr";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    RegionState state = RegionState.of(recovery.part(RegionState.PART));
    if (recovery.dryRun()) {
      Verification skipped = Verification.of(List.of(new Check("dr-instance", Result.SKIP, "dry-run: nothing "
          + "was restored")));
      return recovery.withVerification(skipped).log(entry("skipped", "dry-run: verification not run"));
    }
    List<Check> checks = new ArrayList<>();
    String id = region.database().instanceId();
    DBInstance instance = RestoreInDrRegion.find(rds, id).orElse(null);
    boolean available = instance != null && "available".equals(instance.dbInstanceStatus())
        && instance.endpoint() != null;
    checks.add(new Check("dr-instance", available ? Result.PASS : Result.FAIL, instance == null ? id + " not found"
        : id + " is '" + instance.dbInstanceStatus() + "'"));
    checks.add(secret(available ? instance.endpoint().address() : null));
    boolean stable = state.services() != null && state.services().stable();
    checks.add(new Check("dr-services", stable ? Result.PASS : Result.FAIL, state.services() == null
        ? "not scaled up" : String.join(", ", state.services().services().stream().map(s -> s.name() + " "
            + s.running() + "/" + s.desired()).toList())));
    region.ecs().targetGroups().forEach((service, tg) -> checks.add(targets(service, tg)));
    boolean dns = state.dns() != null && state.dns().insync();
    checks.add(new Check("dns", dns ? Result.PASS : Result.FAIL, state.dns() == null ? "not switched"
        : state.dns().records() + " " + state.dns().status() + " on " + region.alb().dnsName()));
    Check health = ApiHealth.check(region.drHealthUrl());
    checks.add(new Check("dr-health", health.result(), region.drHealthUrl() == null
        ? "dr.drHealthUrl not configured" : health.detail()));
    Verification verification = Verification.of(checks);
    Recovery out = recovery.withVerification(verification);
    if (!verification.verified()) {
      throw new VerificationFailedError("verification failed: " + checks.stream()
          .filter(c -> c.result() == Result.FAIL).map(c -> c.name() + ": " + c.detail()).toList());
    }
    return out.log(entry("verified", checks.stream().map(c -> c.name() + "=" + c.result()).toList().toString()));
  }

  private Check secret(String endpoint) {
    String secretId = region.database().secretId();
    try {
      String host = DatabaseUrl.parse(secrets.getSecretValue(b -> b.secretId(secretId)).secretString()).host();
      boolean ok = endpoint != null && endpoint.equals(host);
      return new Check("dr-secret", ok ? Result.PASS : Result.FAIL, secretId + " in " + region.drRegion()
          + " points at " + host);
    } catch (SdkException | IllegalArgumentException e) {
      return new Check("dr-secret", Result.FAIL, secretId + " in " + region.drRegion() + " unreadable ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private Check targets(String service, String targetGroup) {
    String name = "dr-targets:" + service;
    try {
      String arn = targetGroup.startsWith("arn:") ? targetGroup : elb.describeTargetGroups(b -> b.names(targetGroup))
          .targetGroups().get(0).targetGroupArn();
      List<TargetHealthDescription> targets = elb.describeTargetHealth(b -> b.targetGroupArn(arn))
          .targetHealthDescriptions();
      long healthy = targets.stream().filter(t -> "healthy".equals(t.targetHealth().stateAsString())).count();
      long unhealthy = targets.stream().filter(t -> "unhealthy".equals(t.targetHealth().stateAsString())).count();
      return new Check(name, healthy > 0 && unhealthy == 0 ? Result.PASS : Result.FAIL, targetGroup + ": "
          + healthy + " healthy, " + unhealthy + " unhealthy of " + targets.size());
    } catch (SdkException | IndexOutOfBoundsException e) {
      return new Check(name, Result.FAIL, targetGroup + " unreadable (" + e.getClass().getSimpleName() + ")");
    }
  }
}
