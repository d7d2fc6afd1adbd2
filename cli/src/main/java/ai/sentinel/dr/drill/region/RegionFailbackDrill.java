package ai.sentinel.dr.drill.region;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.HealthScope;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.health.HealthChecks;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.region.RegionFailback;
import ai.sentinel.dr.trigger.ManualResponder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sentinel drill region-failback} (runbook "Failback Procedure"): the platform as a failover leaves it
 * (seeded directly, so a dry-run stays one; {@code region-failure}'s drill checks the failover), the primary region
 * up, and the failback started by hand in the DR region through its two always-on gates (before the traffic
 * shift, before the decommission). It passes only when, read back from the cloud: the new primary instance is
 * available and the primary's secret names it, DNS is a simple alias of the primary load balancer again (100%), the CloudFront origin
 * is back, the DR instance is gone with its final snapshot kept and the DR services are at 0.
 */
public final class RegionFailbackDrill implements DrillScenario {

  /**
   * After a verified failback the platform runs in the primary region again, on the new primary instance the
   * primary's secret names ({@code dr.failback.instanceId}): the health check judges that one, not the instance the
   * region lost. Otherwise the primary is checked as before.
   */
  @Override
  public HealthScope healthAfter(LocalSentinel sentinel, boolean recovered) {
    HealthScope primary = DrillScenario.super.healthAfter(sentinel, recovered);
    if (!recovered) {
      return primary;
    }
    HealthChecks.Targets t = primary.targets();
    List<String> instances = new java.util.ArrayList<>(t.dbInstances());
    instances.add(RegionFailureDrill.settings(sentinel).requireFailback().instanceId());
    return new HealthScope("in the primary region " + sentinel.config.region() + ", where the failback returned the "
        + "platform", new HealthChecks.Targets(t.environment(), instances, t.dbSecret(), t.redisClusters(),
            t.redisSecret(), t.ecsCluster(), t.services(), t.targetGroups(), t.healthUrl()), primary.clients());
  }

  @Override
  public String id() {
    return RegionFailback.ID;
  }

  @Override
  public void describe(LocalSentinel sentinel, PrintStream out) {
    RegionSeed seed = RegionFailureDrill.seeded(sentinel);
    out.println("first the failover to " + seed.drRegion() + " (the region-failure drill), then the primary region "
        + sentinel.config.region() + " back and the failback from the DR stack");
  }

  /**
   * The platform as a verified failover leaves it (region-failure's drill checks the failover itself): the DR instance
   * restored from the newest copy and tagged as a failover's, the DR secret naming it, both DR services at 2 behind
   * the DR target group, DNS and the CloudFront origin on the DR load balancer; the primary region is up.
   */
  @Override
  public void inject(LocalSentinel sentinel, PrintStream out) {
    RegionSeed seed = RegionFailureDrill.seeded(sentinel);
    if (RegionChecks.drInstance(seed).isPresent()) {
      out.println("the platform runs in " + seed.drRegion() + " after the failover on this cloud ("
          + RegionSeed.DR_INSTANCE + " exists); " + sentinel.config.region() + " is up");
      return;
    }
    var dr = seed.dr();
    var db = dr.rds().restoreDBInstanceFromDBSnapshot(b -> b.dbInstanceIdentifier(RegionSeed.DR_INSTANCE)
        .dbSnapshotIdentifier(seed.copyId()).dbInstanceClass("db.t3.medium").dbSubnetGroupName(
            "sentinel-db-subnet-dr").multiAZ(true).tags(t -> t.key("sentinel-dr:execution").value(
                "drill-region-failure"), t -> t.key("sentinel-dr:snapshot").value(seed.copyId()))).dbInstance();
    String address = dr.rds().describeDBInstances(b -> b.dbInstanceIdentifier(db.dbInstanceIdentifier()))
        .dbInstances().get(0).endpoint().address();
    String url = dr.secrets().getSecretValue(b -> b.secretId("sentinel/database-url")).secretString();
    dr.secrets().putSecretValue(b -> b.secretId("sentinel/database-url").secretString(url.replaceFirst(
        "@[^:/]+:", "@" + address + ":")));
    String tg = dr.elbv2().describeTargetGroups(b -> b.names(RegionSeed.DR_TARGET_GROUP)).targetGroups().get(0)
        .targetGroupArn();
    var settings = Json.tree(seed.functionEnvironment().get("SETTINGS_DR")).path("ecs");
    List<String> subnets = new java.util.ArrayList<>();
    settings.path("subnets").forEach(x -> subnets.add(x.asText()));
    String sg = settings.path("securityGroups").get(0).asText();
    for (String service : EcsSettings.of(sentinel.config).services()) {
      dr.ecs().createService(b -> {
        b.cluster(RegionSeed.DR_CLUSTER).serviceName(service).taskDefinition(service).desiredCount(2)
            .launchType("FARGATE").networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(subnets)
                .securityGroups(sg).assignPublicIp("DISABLED")));
        if (service.equals("sentinel-api")) {
          b.loadBalancers(l -> l.targetGroupArn(tg).containerName(service).containerPort(8000));
        }
      });
    }
    dr.route53().changeResourceRecordSets(b -> b.hostedZoneId(seed.zoneId()).changeBatch(c -> c.changes(ch -> ch
        .action("UPSERT").resourceRecordSet(r -> r.name(RegionSeed.RECORD).type("A").aliasTarget(a -> a
            .dnsName(RegionSeed.DR_ALB).hostedZoneId("Z32O12XQLNTSW2").evaluateTargetHealth(true))))));
    var config = dr.cloudFront().getDistributionConfig(b -> b.id(seed.distributionId()));
    var origins = config.distributionConfig().origins().items().stream().map(o -> o.toBuilder()
        .domainName(RegionSeed.DR_ALB).build()).toList();
    dr.cloudFront().updateDistribution(b -> b.id(seed.distributionId()).ifMatch(config.eTag()).distributionConfig(
        config.distributionConfig().toBuilder().origins(o -> o.quantity(origins.size()).items(origins)).build()));
    out.println("as a failover left it: " + RegionSeed.DR_INSTANCE + " from " + seed.copyId() + " (tagged), the DR "
        + "secret on it, " + EcsSettings.of(sentinel.config).services() + " at 2 in " + RegionSeed.DR_CLUSTER + ", "
        + RegionSeed.RECORD + " and CloudFront on " + RegionSeed.DR_ALB + "; " + sentinel.config.region()
        + " is up again");
  }

  @Override
  public Signal signal(LocalSentinel sentinel) {
    RegionSeed seed = RegionFailureDrill.seeded(sentinel);
    String payload = Json.write(Map.of("runbook", RegionFailback.ID, "requestId", "drill-region-failback-"
        + System.currentTimeMillis() % 100_000_000, "reason", sentinel.config.region() + " healthy again (drill)"));
    return new Signal(seed.drStack().deployment().functionFor(ManualResponder.class),
        payload.getBytes(StandardCharsets.UTF_8), "manual invoke {\"runbook\": \"region-failback\"} in "
        + seed.drRegion());
  }

  @Override
  public String gatedStep() {
    return "ShiftTraffic";
  }

  @Override
  public boolean gateAlwaysOn() {
    return true;
  }

  @Override
  public Guard guard(LocalSentinel sentinel) {
    RegionSeed seed = RegionFailureDrill.seeded(sentinel);
    return new Guard("DNS record " + RegionSeed.RECORD + " and the CloudFront origin", () ->
        RegionChecks.record(seed).toString() + "|" + RegionChecks.origin(seed));
  }

  @Override
  public boolean confirm(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    out.println("read back from the cloud:");
    List<RegionChecks.Check> checks = RegionChecks.failback(sentinel, RegionFailureDrill.seeded(sentinel));
    checks.forEach(c -> out.println("  " + (c.ok() ? "PASS" : "FAIL") + "  " + c.name() + ": " + c.detail()));
    return checks.stream().allMatch(RegionChecks.Check::ok);
  }

  @Override
  public String note() {
    return "the Failback Procedure from the state a failover leaves, through both its gates (always on)";
  }

  @Override
  public String verdict(boolean passed) {
    return passed ? "FAILED BACK to the primary region and VERIFIED" : "NOT FAILED BACK";
  }
}
