package ai.sentinel.dr.drill.region;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.ecs.EcsSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * What the region drills read back from the cloud, region by region, after the recovery said it was done: each check
 * names what it read and what it saw.
 */
final class RegionChecks {
  private RegionChecks() {}

  record Check(String name, boolean ok, String detail) {}

  /** What exists in a region that a recovery could create there: compared before and after ("nothing created"). */
  record Inventory(TreeSet<String> items) {
    static Inventory of(Clients in, DrConfig config) {
      TreeSet<String> items = new TreeSet<>();
      in.rds().describeDBInstances().dbInstances().forEach(i -> items.add("rds:" + i.dbInstanceIdentifier()));
      in.ecs().listClusters().clusterArns().forEach(c -> {
        items.add("ecs:" + c);
        in.ecs().listServices(b -> b.cluster(c)).serviceArns().forEach(s -> items.add("ecs:" + s));
      });
      in.secrets().listSecrets().secretList().forEach(s -> items.add("secret:" + s.name()));
      in.elbv2().describeTargetGroups().targetGroups().forEach(t -> items.add("tg:" + t.targetGroupName()));
      return new Inventory(items);
    }
  }

  static Optional<DBInstance> drInstance(RegionSeed seed) {
    return seed.dr().rds().describeDBInstances().dbInstances().stream()
        .filter(i -> i.dbInstanceIdentifier().equals(RegionSeed.DR_INSTANCE)).findFirst();
  }

  /** The API's A records (a simple alias, or the failback's weighted pair). */
  static List<ResourceRecordSet> record(RegionSeed seed) {
    return seed.dr().route53().listResourceRecordSets(b -> b.hostedZoneId(seed.zoneId())).resourceRecordSets()
        .stream().filter(r -> r.name().startsWith(RegionSeed.RECORD) && "A".equals(r.typeAsString())).toList();
  }

  static String origin(RegionSeed seed) {
    return seed.dr().cloudFront().getDistributionConfig(b -> b.id(seed.distributionId())).distributionConfig()
        .origins().items().get(0).domainName();
  }

  private static String aliases(List<ResourceRecordSet> records) {
    return records.stream().map(r -> (r.weight() == null ? "" : r.setIdentifier() + " " + r.weight() + " ")
        + (r.aliasTarget() == null ? "no alias" : r.aliasTarget().dnsName())).toList().toString();
  }

  static List<Check> failover(LocalSentinel sentinel, RegionSeed seed, Inventory primaryBefore) {
    List<Check> checks = new ArrayList<>();
    Optional<DBSnapshot> newest = seed.dr().rds().describeDBSnapshots().dbSnapshots().stream()
        .filter(s -> s.dbSnapshotIdentifier().contains("-cross-region-"))
        .max(Comparator.comparing(DBSnapshot::snapshotCreateTime));
    Optional<DBInstance> db = drInstance(seed);
    String from = db.flatMap(i -> i.tagList().stream().filter(t -> t.key().equals("sentinel-dr:snapshot"))
        .map(t -> t.value()).findFirst()).orElse(null);
    checks.add(new Check("DR instance " + RegionSeed.DR_INSTANCE + " (" + seed.drRegion() + ")", db.isPresent()
        && "available".equals(db.get().dbInstanceStatus()) && newest.isPresent()
        && newest.get().dbSnapshotIdentifier().equals(from), db.map(i -> i.dbInstanceStatus() + ", restored from "
        + from + ", newest copy " + newest.map(DBSnapshot::dbSnapshotIdentifier).orElse("none")).orElse("not found")));
    String address = db.map(i -> i.endpoint() == null ? null : i.endpoint().address()).orElse(null);
    String secret = seed.dr().secrets().getSecretValue(b -> b.secretId("sentinel/database-url")).secretString();
    checks.add(new Check("DR secret sentinel/database-url (" + seed.drRegion() + ")", address != null
        && secret.contains("@" + address + ":"), address != null && secret.contains("@" + address + ":")
        ? "names " + address : "does not name the DR instance (value not shown)"));
    var services = seed.dr().ecs().describeServices(b -> b.cluster(RegionSeed.DR_CLUSTER).services(
        EcsSettings.of(sentinel.config).services())).services();
    checks.add(new Check("DR services in " + RegionSeed.DR_CLUSTER, services.size() == EcsSettings.of(sentinel.config)
        .services().size() && services.stream().allMatch(s -> s.runningCount() == 2 && s.desiredCount() == 2),
        services.stream().map(s -> s.serviceName() + " " + s.runningCount() + "/" + s.desiredCount()).toList()
            .toString()));
    String tg = seed.dr().elbv2().describeTargetGroups(b -> b.names(RegionSeed.DR_TARGET_GROUP)).targetGroups()
        .get(0).targetGroupArn();
    var health = seed.dr().elbv2().describeTargetHealth(b -> b.targetGroupArn(tg)).targetHealthDescriptions();
    checks.add(new Check("DR targets " + RegionSeed.DR_TARGET_GROUP, !health.isEmpty() && health.stream()
        .allMatch(h -> "healthy".equals(h.targetHealth().stateAsString())), health.size() + " targets, "
        + health.stream().filter(h -> "healthy".equals(h.targetHealth().stateAsString())).count() + " healthy"));
    List<ResourceRecordSet> records = record(seed);
    checks.add(new Check("DNS " + RegionSeed.RECORD, records.size() == 1 && records.get(0).aliasTarget() != null
        && records.get(0).aliasTarget().dnsName().startsWith(RegionSeed.DR_ALB), aliases(records)));
    String origin = origin(seed);
    checks.add(new Check("CloudFront " + seed.distributionId() + " origin", RegionSeed.DR_ALB.equals(origin),
        origin));
    int attempts = seed.deliveryAttempts();
    checks.add(new Check("customers notified once (SES template " + RegionSeed.TEMPLATE + ")",
        attempts == RegionSeed.RECIPIENTS, "SES delivery attempts in " + seed.drRegion() + ": " + attempts + " for "
            + RegionSeed.RECIPIENTS + " recipient(s) of one message"));
    Inventory after = Inventory.of(seed.primary(), sentinel.config);
    TreeSet<String> created = new TreeSet<>(after.items());
    created.removeAll(primaryBefore.items());
    checks.add(new Check("nothing created in " + sentinel.config.region(), created.isEmpty(), created.isEmpty()
        ? primaryBefore.items().size() + " resources, as before" : "new: " + created));
    return checks;
  }

  static List<Check> failback(LocalSentinel sentinel, RegionSeed seed) {
    List<Check> checks = new ArrayList<>();
    Optional<DBInstance> back = seed.primary().rds().describeDBInstances().dbInstances().stream()
        .filter(i -> i.dbInstanceIdentifier().equals(RegionSeed.FAILBACK_INSTANCE)).findFirst();
    checks.add(new Check("new primary instance " + RegionSeed.FAILBACK_INSTANCE + " (" + sentinel.config.region()
        + ")", back.isPresent() && "available".equals(back.get().dbInstanceStatus()),
        back.map(DBInstance::dbInstanceStatus).orElse("not found")));
    String address = back.map(i -> i.endpoint() == null ? null : i.endpoint().address()).orElse(null);
    String secret = seed.primary().secrets().getSecretValue(b -> b.secretId("sentinel/database-url"))
        .secretString();
    boolean names = address != null && secret.contains("@" + address + ":");
    checks.add(new Check("primary secret sentinel/database-url", names, names ? "names " + address
        : "does not name the new primary (value not shown)"));
    List<ResourceRecordSet> records = record(seed);
    checks.add(new Check("DNS " + RegionSeed.RECORD + " 100% on the primary", records.size() == 1
        && records.get(0).weight() == null && records.get(0).aliasTarget() != null
        && records.get(0).aliasTarget().dnsName().startsWith(RegionSeed.PRIMARY_ALB), aliases(records)));
    String origin = origin(seed);
    checks.add(new Check("CloudFront " + seed.distributionId() + " origin", RegionSeed.PRIMARY_ALB.equals(origin),
        origin));
    Optional<DBInstance> dr = drInstance(seed);
    List<String> finals = seed.dr().rds().describeDBSnapshots().dbSnapshots().stream()
        .map(DBSnapshot::dbSnapshotIdentifier).filter(s -> s.startsWith(RegionSeed.DR_INSTANCE + "-final")).toList();
    checks.add(new Check("DR instance decommissioned", dr.isEmpty() && !finals.isEmpty(), (dr.isEmpty() ? "gone"
        : dr.get().dbInstanceStatus()) + ", final snapshot " + finals));
    var services = seed.dr().ecs().describeServices(b -> b.cluster(RegionSeed.DR_CLUSTER).services(
        EcsSettings.of(sentinel.config).services())).services();
    checks.add(new Check("DR services back to standby", services.stream().allMatch(s -> s.desiredCount() == 0),
        services.stream().map(s -> s.serviceName() + " desired " + s.desiredCount()).toList().toString()));
    return checks;
  }
}
