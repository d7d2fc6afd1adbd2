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
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The failback is a success only when, read back: every record is a simple alias of the primary load balancer, no
 * CloudFront origin is left on the DR one, the new primary instance is available and the primary's secret points at
 * it, the primary's services are stable, {@code /health} answers through the primary load balancer, and the DR
 * platform is decommissioned (its database deleting or gone, or kept because a human made it; its services at 0).
 * The secret's value is compared, never logged.
 */
public final class VerifyFailback extends Step {
  private final RegionSettings region;
  private final FailbackSettings failback;
  private final Route53Client route53;
  private final CloudFrontClient cloudFront;
  private final RdsClient primaryRds;
  private final SecretsManagerClient primarySecrets;
  private final RdsClient drRds;
  private final EcsClient drEcs;

  public VerifyFailback() {
    this(Deps.fromProcessEnv());
  }

  public VerifyFailback(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public VerifyFailback(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.failback = region.requireFailback();
    this.route53 = deps.clients().in(region.drRegion()).route53();
    this.cloudFront = deps.clients().in(region.drRegion()).cloudFront();
    this.primaryRds = deps.clients().in(region.primaryRegion()).rds();
    this.primarySecrets = deps.clients().in(region.primaryRegion()).secrets();
    this.drRds = deps.clients().in(region.drRegion()).rds();
    this.drEcs = deps.clients().in(region.drRegion()).ecs();
  }

  @Override
  public String name() {
    return "VerifyFailback";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    if (recovery.dryRun()) {
      return recovery.withVerification(Verification.of(List.of(new Check("failback", Result.SKIP, "dry-run: "
          + "nothing was changed")))).log(entry("skipped", "dry-run: verification not run"));
    }
    FailbackState state = FailbackState.of(recovery.part(FailbackState.PART));
    List<Check> checks = new ArrayList<>();
    for (String record : region.dns().recordNames()) {
      var sets = TrafficRecords.current(route53, region.dns().hostedZoneId(), record);
      boolean primary = TrafficRecords.changes(sets, TrafficRecords.desired(region, record, 100)).isEmpty();
      checks.add(new Check("dns:" + record, primary ? Result.PASS : Result.FAIL, record + " -> "
          + (sets.isEmpty() ? "no A record" : TrafficRecords.describe(region, sets))));
    }
    checks.add(cloudFront());
    String id = failback.instanceId();
    DBInstance instance = RestoreInDrRegion.find(primaryRds, id).orElse(null);
    boolean available = instance != null && "available".equals(instance.dbInstanceStatus())
        && instance.endpoint() != null;
    checks.add(new Check("primary-instance", available ? Result.PASS : Result.FAIL, instance == null ? id
        + " not found in " + region.primaryRegion() : id + " is '" + instance.dbInstanceStatus() + "'"));
    checks.add(secret(available ? instance.endpoint().address() : null));
    boolean stable = state.services() != null && state.services().stable();
    checks.add(new Check("primary-services", stable ? Result.PASS : Result.FAIL, state.services() == null
        ? "not restarted" : state.services().detail()));
    Check health = ApiHealth.check(failback.healthUrl());
    checks.add(new Check("primary-health", health.result(), failback.healthUrl() == null
        ? "dr.failback.healthUrl not configured" : health.detail()));
    DBInstance dr = RestoreInDrRegion.find(drRds, region.database().instanceId()).orElse(null);
    boolean drGone = dr == null || "deleting".equals(dr.dbInstanceStatus())
        || RestoreInDrRegion.tag(dr, RestoreInDrRegion.EXECUTION_TAG) == null;
    checks.add(new Check("dr-instance", drGone ? Result.PASS : Result.FAIL, region.database().instanceId()
        + (dr == null ? " deleted" : " is '" + dr.dbInstanceStatus() + "'")));
    List<Service> services = drEcs.describeServices(b -> b.cluster(region.ecs().cluster())
        .services(region.ecs().services())).services();
    boolean standby = services.stream().allMatch(s -> !"ACTIVE".equals(s.status()) || s.desiredCount() == 0);
    checks.add(new Check("dr-services", standby ? Result.PASS : Result.FAIL, String.join(", ", services.stream()
        .map(s -> s.serviceName() + " desired " + s.desiredCount()).toList())));
    Verification verification = Verification.of(checks);
    Recovery out = recovery.withVerification(verification);
    if (!verification.verified()) {
      throw new VerificationFailedError("verification failed: " + checks.stream()
          .filter(c -> c.result() == Result.FAIL).map(c -> c.name() + ": " + c.detail()).toList());
    }
    return out.log(entry("verified", checks.stream().map(c -> c.name() + "=" + c.result()).toList().toString()));
  }

  private Check cloudFront() {
    String id = region.cloudFrontDistributionId();
    if (id == null) {
      return new Check("cloudfront", Result.SKIP, "no distribution configured");
    }
    String dr = region.alb().dnsName().toLowerCase(Locale.ROOT);
    List<String> left = cloudFront.getDistributionConfig(b -> b.id(id)).distributionConfig().origins().items()
        .stream().filter(o -> o.domainName().toLowerCase(Locale.ROOT).equals(dr)).map(o -> o.id()).toList();
    return new Check("cloudfront", left.isEmpty() ? Result.PASS : Result.FAIL, id + (left.isEmpty()
        ? ": no origin on the DR load balancer" : ": still on DR: " + left));
  }

  private Check secret(String endpoint) {
    String secretId = failback.primarySecretId();
    try {
      String host = DatabaseUrl.parse(primarySecrets.getSecretValue(b -> b.secretId(secretId)).secretString()).host();
      boolean ok = endpoint != null && endpoint.equals(host);
      return new Check("primary-secret", ok ? Result.PASS : Result.FAIL, secretId + " in " + region.primaryRegion()
          + " points at " + host);
    } catch (SdkException | IllegalArgumentException e) {
      return new Check("primary-secret", Result.FAIL, secretId + " in " + region.primaryRegion() + " unreadable ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
