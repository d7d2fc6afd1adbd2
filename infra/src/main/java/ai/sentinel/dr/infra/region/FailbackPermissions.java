package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.region.FailbackSettings;
import ai.sentinel.dr.region.RegionSettings;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;

/**
 * The failback's IAM. Unlike the failover it changes the primary region, but only what the Failback Procedure makes
 * or repoints there: the copy of the DR snapshot (by name prefix), the new primary instance, the primary's database
 * secret and its services. The DR region's database may be snapshotted and deleted, its services scaled.
 */
final class FailbackPermissions {
  private static final String ANY = "/^Resource::\\*$/";
  private final RegionPermissions arns;
  private final RegionSettings region;
  private final FailbackSettings failback;
  private final String primary;
  private final String dr;

  FailbackPermissions(RegionPermissions arns, RegionSettings region) {
    this.arns = arns;
    this.region = region;
    this.failback = region.requireFailback();
    this.primary = region.primaryRegion();
    this.dr = region.drRegion();
  }

  private String drInstance() {
    return arns.arn(dr, "rds", "db", region.database().instanceId());
  }

  private String snapshots(String inRegion) {
    return arns.arn(inRegion, "rds", "snapshot", region.failbackSnapshotPrefix() + "*");
  }

  private List<String> services(String inRegion, String cluster, List<String> names) {
    return names.stream().map(n -> arns.slash(inRegion, "ecs", "service", cluster + "/" + n)).toList();
  }

  /** CheckPrimaryHealth: reads only; the primary's RDS API is asked for any instance (its answer is the check). */
  void check(RunbookFunction fn, EnvironmentConfig config) {
    EcsSettings ecs = config.require(EcsSettings.class);
    fn.allow(List.of("rds:DescribeDBInstances"), List.of(arns.arn(primary, "rds", "db", "*"), drInstance()));
    fn.allow(List.of("ecs:DescribeClusters"), List.of(arns.slash(primary, "ecs", "cluster", ecs.cluster())));
    fn.allow(List.of("ec2:DescribeAvailabilityZones"), List.of("*"),
        Map.of("StringEquals", Map.of("aws:RequestedRegion", primary)));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "Read-only health checks of the primary region: "
        + "ec2:DescribeAvailabilityZones supports no resource-level permissions (limited to the primary region by "
        + "aws:RequestedRegion); DescribeDBInstances lists the primary's instances to see that RDS answers", ANY,
        Nag.arnFinding("rds", "db:\\*"));
  }

  /** ReplicateToPrimary: snapshots the DR database and copies the snapshot to the primary, by name prefix. */
  void replicate(RunbookFunction fn) {
    fn.allow(List.of("rds:CreateDBSnapshot"), List.of(drInstance(), snapshots(dr)));
    fn.allow(List.of("rds:DescribeDBSnapshots", "rds:AddTagsToResource"), List.of(snapshots(dr), snapshots(primary)));
    fn.allow(List.of("rds:CopyDBSnapshot"), List.of(snapshots(dr), snapshots(primary)));
    fn.allow(List.of("kms:DescribeKey", "kms:CreateGrant"), List.of(arns.slash(primary, "kms", "key", "*")),
        Map.of("StringEquals", Map.of("kms:ViaService", "rds." + primary + ".amazonaws.com")));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "The failback's snapshots are named by the execution at run time: "
        + "limited to their name prefix in both regions; the primary's key is usable only through RDS there "
        + "(kms:ViaService), and may be given by alias", Nag.arnFinding("rds", "snapshot:"
            + Nag.literal(region.failbackSnapshotPrefix()) + "\\*"), Nag.arnFinding("kms", "key/\\*"));
  }

  /** RestorePrimary: the new primary instance only, from the failback's copies only. */
  void restore(RunbookFunction fn, EnvironmentConfig config) {
    String instance = arns.arn(primary, "rds", "db", failback.instanceId());
    String original = arns.arn(primary, "rds", "db", config.require(DatabaseSettings.class).instanceId());
    fn.allow(List.of("rds:DescribeDBInstances"), List.of(instance, original));
    fn.allow(List.of("rds:RestoreDBInstanceFromDBSnapshot"), List.of(instance, snapshots(primary),
        arns.arn(primary, "rds", "subgrp", "*"), arns.arn(primary, "rds", "og", "*"),
        arns.arn(primary, "rds", "pg", "*")));
    fn.allow(List.of("rds:AddTagsToResource"), List.of(instance));
    fn.allow(List.of("kms:DescribeKey", "kms:CreateGrant", "kms:Decrypt"), List.of(arns.slash(primary, "kms", "key",
        "*")), Map.of("StringEquals", Map.of("kms:ViaService", "rds." + primary + ".amazonaws.com")));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "RestoreDBInstanceFromDBSnapshot is authorized against the subnet, "
        + "option and parameter groups the original primary uses (read from it at run time); the snapshots are the "
        + "failback's copies by name prefix; the key is usable only through RDS (kms:ViaService)",
        Nag.arnFinding("rds", "(subgrp|og|pg):\\*"), Nag.arnFinding("rds", "snapshot:"
            + Nag.literal(region.failbackSnapshotPrefix()) + "\\*"), Nag.arnFinding("kms", "key/\\*"));
  }

  /** UpdatePrimarySecret: the primary region's database secret only. */
  void secret(RunbookFunction fn) {
    fn.allow(List.of("secretsmanager:GetSecretValue", "secretsmanager:UpdateSecret"), List.of(arns.arn(primary,
        "secretsmanager", "secret", failback.primarySecretId() + "-??????")));
  }

  /** RestartPrimaryServices: the primary's platform services only. */
  void restart(RunbookFunction fn) {
    fn.allow(List.of("ecs:DescribeServices", "ecs:UpdateService"), services(primary, failback.primaryCluster(),
        failback.primaryServices()));
  }

  /** ShiftTraffic and ReturnToDr: the configured hosted zone's records. */
  void dns(RunbookFunction shift, RunbookFunction back) {
    String zone = arns.global("route53", "hostedzone", region.dns().hostedZoneId());
    for (RunbookFunction fn : List.of(shift, back)) {
      fn.allow(List.of("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"), List.of(zone));
    }
  }

  /** CheckTraffic: read-only: the DNS change, the primary's target health and its ALB metrics. */
  void judge(RunbookFunction fn, EnvironmentConfig config) {
    fn.allow(List.of("route53:GetChange"), List.of(arns.global("route53", "change", "*")));
    fn.allow(List.of("elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
        "cloudwatch:GetMetricStatistics"), List.of("*"), Map.of("StringEquals", Map.of("aws:RequestedRegion",
        primary)));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "Read-only: elasticloadbalancing:Describe* and "
        + "cloudwatch:GetMetricStatistics support no resource-level permissions (limited to the primary region); "
        + "Route 53 change ids are assigned when ShiftTraffic sends its batch", ANY,
        "/^Resource::arn:(<[^>]+>|[^:<]*):route53:::change\\/\\*$/");
  }

  /** RestoreCloudFrontOrigin: the configured distribution only. */
  void cloudFront(RunbookFunction fn) {
    if (region.cloudFrontDistributionId() != null) {
      fn.allow(List.of("cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"),
          List.of(distribution()));
    }
  }

  /** DecommissionDr: deletes the DR instance with its final snapshot, scales the DR services. */
  void decommission(RunbookFunction fn) {
    String finals = arns.arn(dr, "rds", "snapshot", region.database().instanceId()
        + FailbackSettings.FINAL_INFIX + "*");
    fn.allow(List.of("rds:DescribeDBInstances", "rds:DeleteDBInstance"), List.of(drInstance()));
    fn.allow(List.of("rds:CreateDBSnapshot"), List.of(drInstance(), finals));
    fn.allow(List.of("ecs:DescribeServices", "ecs:UpdateService"), services(dr, region.ecs().cluster(),
        region.ecs().services()));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "The final snapshot is named by the execution at run time: limited "
        + "to its name prefix", Nag.arnFinding("rds", "snapshot:" + Nag.literal(region.database().instanceId()
            + FailbackSettings.FINAL_INFIX) + "\\*"));
  }

  /** VerifyFailback: reads back DNS, CloudFront, both databases, the primary's secret and the DR services. */
  void verify(RunbookFunction fn) {
    fn.allow(List.of("route53:ListResourceRecordSets"), List.of(arns.global("route53", "hostedzone",
        region.dns().hostedZoneId())));
    if (region.cloudFrontDistributionId() != null) {
      fn.allow(List.of("cloudfront:GetDistributionConfig"), List.of(distribution()));
    }
    fn.allow(List.of("rds:DescribeDBInstances"), List.of(arns.arn(primary, "rds", "db", failback.instanceId()),
        drInstance()));
    fn.allow(List.of("secretsmanager:GetSecretValue"), List.of(arns.arn(primary, "secretsmanager", "secret",
        failback.primarySecretId() + "-??????")));
    fn.allow(List.of("ecs:DescribeServices"), services(dr, region.ecs().cluster(), region.ecs().services()));
  }

  private String distribution() {
    return arns.stack().formatArn(ArnComponents.builder().region("").service("cloudfront").resource("distribution")
        .resourceName(region.cloudFrontDistributionId()).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
  }
}
