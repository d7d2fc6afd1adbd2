package ai.sentinel.dr.drill.region;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.SettingsSections;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.HealthScope;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.health.HealthChecks;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.region.RegionSettings;
import ai.sentinel.dr.region.VerifyDr;
import ai.sentinel.dr.trigger.ManualResponder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sentinel drill region-failure} (runbook Scenario 4): both regions seeded ({@link RegionSeed}), the scheduled
 * cross-region copy run once, then the whole primary region taken down at the gateway (every us-east-1 call goes
 * unanswered, its public {@code /health} fails), and the failover started by hand in the DR region as the runbook
 * says, through its always-on approval gate. It passes only when, read back from the cloud with the primary back:
 * the DR instance is available from the newest copy, the DR secret points at it, both DR services run at their count
 * with healthy targets, DNS and the CloudFront origin point at the DR load balancer, and nothing was created in the
 * primary ({@link RegionChecks}).
 */
public final class RegionFailureDrill implements DrillScenario {
  private RegionChecks.Inventory primaryBefore;

  @Override
  public String id() {
    return RegionSettings.SCENARIO;
  }

  @Override
  public void describe(LocalSentinel sentinel, PrintStream out) {
    RegionSeed seed = seeded(sentinel);
    out.println("seeded: primary platform in " + sentinel.config.region() + "; DR infrastructure in "
        + seed.drRegion() + " (cluster " + RegionSeed.DR_CLUSTER + ", target group " + RegionSeed.DR_TARGET_GROUP
        + ", KMS alias/sentinel-dr, subnet group sentinel-db-subnet-dr); " + RegionSeed.RECORD + " (zone "
        + seed.zoneId() + ") and CloudFront " + seed.distributionId() + " on " + RegionSeed.PRIMARY_ALB);
    out.println("the failover runs in the DR stack (" + seed.drRegion() + "): it must keep working with "
        + sentinel.config.region() + " gone");
  }

  @Override
  public void inject(LocalSentinel sentinel, PrintStream out) {
    RegionSeed seed = seeded(sentinel);
    out.println("cross-region copy in " + seed.drRegion() + ": " + seed.copyId() + " (the prerequisite; the "
        + "copier's name)");
    primaryBefore = RegionChecks.Inventory.of(seed.primary(), sentinel.config);
    out(sentinel, seed, true);
    out.println("inject: region " + sentinel.config.region() + " DOWN at the gateway (every regional call signed for "
        + "it goes unanswered; Route 53, CloudFront, IAM, STS answer globally); its public /health answers 503");
  }

  /** Takes the primary region down (or brings it back): the gateway's outage and its public endpoint together. */
  static void out(LocalSentinel sentinel, RegionSeed seed, boolean down) {
    sentinel.cloud.setRegionDown(down ? sentinel.config.region() : null);
    seed.primaryDown(down);
  }

  @Override
  public Signal signal(LocalSentinel sentinel) {
    RegionSeed seed = seeded(sentinel);
    String payload = Json.write(Map.of("runbook", RegionSettings.SCENARIO, "requestId", "drill-region-failure-"
        + System.currentTimeMillis() % 100_000_000, "reason", sentinel.config.region()
        + " unreachable from the drill (gateway outage)"));
    return new Signal(seed.drStack().deployment().functionFor(ManualResponder.class),
        payload.getBytes(StandardCharsets.UTF_8), "manual invoke {\"runbook\": \"region-failure\"} in "
        + seed.drRegion());
  }

  @Override
  public String gatedStep() {
    return "FenceRecoveries";
  }

  @Override
  public boolean gateAlwaysOn() {
    return true;
  }

  @Override
  public Guard guard(LocalSentinel sentinel) {
    RegionSeed seed = seeded(sentinel);
    return new Guard("DNS record " + RegionSeed.RECORD + ", the DR secret and the DR instance", () ->
        RegionChecks.record(seed).toString() + "|" + seed.dr().secrets().getSecretValue(b -> b.secretId(
            "sentinel/database-url")).versionId() + "|" + RegionChecks.drInstance(seed).map(i -> i
            .dbInstanceIdentifier()).orElse("none"));
  }

  /** The outage ends with the execution, whatever its outcome: then the primary is read back as well. */
  @Override
  public void endFault(LocalSentinel sentinel, PrintStream out) {
    out(sentinel, seeded(sentinel), false);
    out.println("region " + sentinel.config.region() + " back up (the outage ends with the recovery)");
  }

  @Override
  public boolean confirm(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    RegionSeed seed = seeded(sentinel);
    out.println("read back from the cloud:");
    List<RegionChecks.Check> checks = RegionChecks.failover(sentinel, seed, primaryBefore);
    checks.forEach(c -> out.println("  " + (c.ok() ? "PASS" : "FAIL") + "  " + c.name() + ": " + c.detail()));
    return checks.stream().allMatch(RegionChecks.Check::ok);
  }

  /**
   * After a verified failover the platform runs in the DR region: the health check reads the DR instance (through the
   * DR secret), the DR services, the DR target groups and {@code /health} through the DR endpoint
   * ({@code dr.drHealthUrl}), with clients of the DR region. Redis is not part of the failover (no Redis in
   * {@code dr}). A rejected, dry or failed failover leaves the platform in the primary, checked as before.
   */
  @Override
  public HealthScope healthAfter(LocalSentinel sentinel, boolean recovered) {
    if (!recovered) {
      return DrillScenario.super.healthAfter(sentinel, false);
    }
    RegionSeed seed = seeded(sentinel);
    RegionSettings dr = settings(sentinel);
    HealthChecks.Targets targets = new HealthChecks.Targets(sentinel.config.environment() + "'s DR region "
        + dr.drRegion(), List.of(dr.database().instanceId()), dr.database().secretId(), List.of(), null,
        dr.ecs().cluster(), dr.ecs().services(), dr.ecs().targetGroups(), dr.drHealthUrl());
    return new HealthScope("in the DR region " + dr.drRegion() + ", where the failover moved the platform", targets,
        seed.dr());
  }

  /** The dr section as the DR stack's functions read it (the primary stack's functions have none). */
  static RegionSettings settings(LocalSentinel sentinel) {
    RegionSeed seed = seeded(sentinel);
    var deployment = seed.drStack().deployment();
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>(deployment.environmentOf(
        deployment.functionFor(VerifyDr.class)));
    env.putAll(seed.drStack().aws().functionEnvironment());
    return RegionSettings.of(DrConfig.fromEnv(SettingsSections.override(env, seed.functionEnvironment())));
  }

  @Override
  public String note() {
    return "Scenario 4 from the DR region with the primary region down at the gateway (the gate is always on)";
  }

  @Override
  public String verdict(boolean passed) {
    return passed ? "FAILED OVER to the DR region and VERIFIED" : "NOT FAILED OVER";
  }

  static RegionSeed seeded(LocalSentinel sentinel) {
    RegionSeed seed = sentinel.part(RegionSeed.class);
    if (!seed.seeded()) {
      throw new IllegalStateException("the DR region's stack is not deployed on this local cloud (cdk.json dr)");
    }
    return seed;
  }
}
