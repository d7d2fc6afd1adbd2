package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.region.RegionSettings;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;

/**
 * Scenario 4's IAM. The DR stack's functions act in two regions, so every ARN here names its region: the primary's
 * (read only) or the DR region's (where the failover creates and changes things).
 */
final class RegionPermissions {
  private final Stack stack;
  private final RegionSettings region;

  RegionPermissions(Stack stack, RegionSettings region) {
    this.stack = stack;
    this.region = region;
  }

  Stack stack() {
    return stack;
  }

  /** {@code arn:<partition>:<service>:<region>:<account>:<resource>:<name>} in {@code inRegion}. */
  String arn(String inRegion, String service, String resource, String name) {
    return stack.formatArn(ArnComponents.builder().region(inRegion).service(service).resource(resource)
        .resourceName(name).arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
  }

  /** {@code arn:<partition>:<service>:<region>:<account>:<resource>/<name>} in {@code inRegion}. */
  String slash(String inRegion, String service, String resource, String name) {
    return stack.formatArn(ArnComponents.builder().region(inRegion).service(service).resource(resource)
        .resourceName(name).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
  }

  /**
   * CopySnapshots: reads the primary instance's snapshots, copies one into the DR region (tagged) with the DR key,
   * deletes only copies of its own name.
   */
  void copySnapshots(RunbookFunction fn) {
    String primary = region.primaryRegion();
    String dr = region.drRegion();
    String copies = arn(dr, "rds", "snapshot", region.copyPrefix() + "*");
    fn.allow(List.of("rds:DescribeDBSnapshots"), List.of(arn(primary, "rds", "db", region.sourceInstanceId()),
        arn(primary, "rds", "snapshot", "*"), arn(dr, "rds", "snapshot", "*")));
    fn.allow(List.of("rds:CopyDBSnapshot"), List.of(arn(primary, "rds", "snapshot", "*"), copies));
    fn.allow(List.of("rds:AddTagsToResource", "rds:DeleteDBSnapshot"), List.of(copies));
    // the copy is encrypted with the DR key: RDS uses it on the function's behalf, and only RDS in the DR region may
    fn.allow(List.of("kms:DescribeKey", "kms:CreateGrant"), List.of(slash(dr, "kms", "key", "*")),
        Map.of("StringEquals", Map.of("kms:ViaService", "rds." + dr + ".amazonaws.com")));
    Nag.suppressFindings(fn, Nag.IAM5, "DescribeDBSnapshots lists snapshots whose names are not known in advance "
        + "(automated rds:<instance>-<time>, manual ones) and CopyDBSnapshot reads the newest of them in the primary "
        + "region; writes and deletes are limited to the copies' own name prefix in the DR region; the DR key is "
        + "usable only through RDS in the DR region (kms:ViaService), and may be given by alias",
        Nag.arnFinding("rds", "snapshot:\\*"), Nag.arnFinding("rds", "snapshot:" + Nag.literal(region.copyPrefix())
            + "\\*"), Nag.arnFinding("kms", "key/\\*"));
  }

  /** {@code arn:<partition>:<service>:::<resource>/<name>}: global services (Route 53). */
  String global(String service, String resource, String name) {
    return stack.formatArn(ArnComponents.builder().region("").account("").service(service).resource(resource)
        .resourceName(name).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
  }

  private List<String> services(String inRegion, String cluster, List<String> names) {
    return names.stream().map(n -> slash(inRegion, "ecs", "service", cluster + "/" + n)).toList();
  }

  /** ConfirmPrimaryDown: reads in the primary region only, and AWS Health's open events. */
  void confirm(RunbookFunction fn, EnvironmentConfig config) {
    String primary = region.primaryRegion();
    DatabaseSettings db = config.require(DatabaseSettings.class);
    EcsSettings ecs = config.require(EcsSettings.class);
    fn.allow(List.of("rds:DescribeDBInstances"), List.of(arn(primary, "rds", "db", db.instanceId())));
    fn.allow(List.of("ecs:DescribeServices"), services(primary, ecs.cluster(), ecs.services()));
    fn.allow(List.of("ec2:DescribeAvailabilityZones"), List.of("*"),
        Map.of("StringEquals", Map.of("aws:RequestedRegion", primary)));
    // the open AWS Health events: Health is global, its API answers in us-east-1 whichever region is judged
    fn.allow(List.of("health:DescribeEvents"), List.of("*"));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "ec2:DescribeAvailabilityZones and health:DescribeEvents support no "
        + "resource-level permissions (AWS requires Resource '*'); both are read-only; the zones are limited to the "
        + "primary region (aws:RequestedRegion), Health's API is global (us-east-1 whichever region is judged)",
        "/^Resource::\\*$/");
  }

  /** ChooseCopy: lists the DR region's snapshots. */
  void chooseCopy(RunbookFunction fn) {
    fn.allow(List.of("rds:DescribeDBSnapshots"), List.of(arn(region.drRegion(), "rds", "snapshot", "*")));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "DescribeDBSnapshots is read-only; copies are found by their name "
        + "prefix among the DR region's snapshots", Nag.arnFinding("rds", "snapshot:\\*"));
  }

  /** FenceRecoveries: the fence item in the primary stack's lock table and in its own. */
  void fence(RunbookFunction fn, EnvironmentConfig config) {
    fn.allow(List.of("dynamodb:PutItem"), List.of(
        slash(region.primaryRegion(), "dynamodb", "table", config.prefix() + "-locks"),
        slash(region.drRegion(), "dynamodb", "table", RegionStack.prefix(config) + "-locks")));
    // the recoveries already running in the primary are told: their lock items found and marked fencedBy
    fn.allow(List.of("dynamodb:Scan", "dynamodb:UpdateItem"), List.of(
        slash(region.primaryRegion(), "dynamodb", "table", config.prefix() + "-locks")));
  }

  /**
   * RestoreInDrRegion and WaitForDrInstance: the DR instance only, from the copies only, into the configured subnet
   * group; the copy is encrypted with the DR key, which RDS uses on the caller's behalf.
   */
  void restore(RunbookFunction restore, RunbookFunction waitFor) {
    String dr = region.drRegion();
    String instance = arn(dr, "rds", "db", region.database().instanceId());
    restore.allow(List.of("rds:DescribeDBInstances"), List.of(instance));
    restore.allow(List.of("rds:RestoreDBInstanceFromDBSnapshot"), List.of(instance,
        arn(dr, "rds", "snapshot", region.copyPrefix() + "*"),
        arn(dr, "rds", "subgrp", region.database().subnetGroup()), arn(dr, "rds", "og", "*"),
        arn(dr, "rds", "pg", "*")));
    restore.allow(List.of("rds:AddTagsToResource"), List.of(instance));
    restore.allow(List.of("kms:DescribeKey", "kms:CreateGrant", "kms:Decrypt"), List.of(slash(dr, "kms", "key", "*")),
        Map.of("StringEquals", Map.of("kms:ViaService", "rds." + dr + ".amazonaws.com")));
    Nag.suppressFindings(restore.role(), Nag.IAM5, "RestoreDBInstanceFromDBSnapshot is authorized against the "
        + "option and parameter groups (the engine defaults, named by RDS); the snapshots are the cross-region copies "
        + "by name prefix; the DR key is usable only through RDS in the DR region (kms:ViaService)",
        Nag.arnFinding("rds", "(og|pg):\\*"), Nag.arnFinding("rds", "snapshot:" + Nag.literal(region.copyPrefix())
            + "\\*"), Nag.arnFinding("kms", "key/\\*"));
    waitFor.allow(List.of("rds:DescribeDBInstances"), List.of(instance));
  }

  /** UpdateDrSecret: the DR region's database secret only. */
  void secret(RunbookFunction fn) {
    String secret = arn(region.drRegion(), "secretsmanager", "secret", region.database().secretId() + "-??????");
    fn.allow(List.of("secretsmanager:GetSecretValue", "secretsmanager:UpdateSecret"), List.of(secret));
  }

  /** ScaleUpDrServices and WaitForDrServices: the DR cluster's services of the platform. */
  void services(RunbookFunction scaleUp, RunbookFunction waitFor) {
    RegionSettings.DrServices ecs = region.ecs();
    List<String> services = services(region.drRegion(), ecs.cluster(), ecs.services());
    scaleUp.allow(List.of("ecs:DescribeServices", "ecs:UpdateService", "ecs:CreateService"), services);
    scaleUp.allow(List.of("ecs:DescribeTaskDefinition", "elasticloadbalancing:DescribeTargetGroups"), List.of("*"),
        Map.of("StringEquals", Map.of("aws:RequestedRegion", region.drRegion())));
    Nag.suppressFindings(scaleUp.role(), Nag.IAM5, "ecs:DescribeTaskDefinition and "
        + "elasticloadbalancing:DescribeTargetGroups support no resource-level permissions (AWS requires Resource "
        + "'*'); both are read-only and limited to the DR region", "/^Resource::\\*$/");
    waitFor.allow(List.of("ecs:DescribeServices"), services);
  }

  /** SwitchDns and WaitForDns: the configured hosted zone; changes are global ids. */
  void dns(RunbookFunction switchDns, RunbookFunction waitFor) {
    String zone = global("route53", "hostedzone", region.dns().hostedZoneId());
    switchDns.allow(List.of("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"), List.of(zone));
    waitFor.allow(List.of("route53:GetChange"), List.of(global("route53", "change", "*")));
    var sw = region.dns().failoverSwitch();
    if (sw != null) {
      // the data-plane alternative: the failover records' health check alarm, in the DR region
      String alarm = arn(region.drRegion(), "cloudwatch", "alarm", sw.alarmName());
      switchDns.allow(List.of("cloudwatch:SetAlarmState", "cloudwatch:DescribeAlarms"), List.of(alarm));
      waitFor.allow(List.of("cloudwatch:DescribeAlarms"), List.of(alarm));
      switchDns.allow(List.of("cloudwatch:PutMetricData"), List.of("*"), Map.of("StringEquals",
          Map.of("cloudwatch:namespace", sw.namespace())));
      Nag.suppressFindings(switchDns.role(), Nag.IAM5, "cloudwatch:PutMetricData supports no resource-level "
          + "permissions (AWS requires Resource '*'); limited to the failover switch's namespace",
          "/^Resource::\\*$/");
    }
    Nag.suppressFindings(waitFor.role(), Nag.IAM5, "route53:GetChange is read-only; change ids are assigned by "
        + "Route 53 when SwitchDns sends its batch", "/^Resource::arn:(<[^>]+>|[^:<]*):route53:::change\\/\\*$/");
  }

  /** SwitchCloudFront and WaitForCloudFront: the configured distribution only. */
  void cloudFront(RunbookFunction fn, RunbookFunction waitFor) {
    if (region.cloudFrontDistributionId() == null) {
      return;
    }
    String distribution = stack.formatArn(ArnComponents.builder().region("").service("cloudfront")
        .resource("distribution").resourceName(region.cloudFrontDistributionId())
        .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    fn.allow(List.of("cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"), List.of(distribution));
    waitFor.allow(List.of("cloudfront:GetDistribution"), List.of(distribution));
  }

  /** VerifyDr: reads the DR instance, the DR secret and the DR target groups' health. */
  /**
   * NotifyCustomers: SendTemplatedEmail from the configured sender with the configured template, in the DR region
   * only; its once-per-failover claim in the DR stack's lock table.
   */
  void customers(RunbookFunction fn, EnvironmentConfig config) {
    String dr = region.drRegion();
    fn.allow(List.of("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
        List.of(slash(dr, "dynamodb", "table", RegionStack.prefix(config) + "-locks")));
    var channel = region.customerNotification();
    if (channel == null) {
      return;
    }
    String sender = channel.sender();
    fn.allow(List.of("ses:SendTemplatedEmail"), List.of(slash(dr, "ses", "identity", sender),
        slash(dr, "ses", "identity", sender.substring(sender.indexOf('@') + 1)),
        slash(dr, "ses", "template", channel.template())));
  }

  void verify(RunbookFunction fn) {
    String dr = region.drRegion();
    fn.allow(List.of("rds:DescribeDBInstances"), List.of(arn(dr, "rds", "db", region.database().instanceId())));
    fn.allow(List.of("secretsmanager:GetSecretValue"), List.of(arn(dr, "secretsmanager", "secret",
        region.database().secretId() + "-??????")));
    fn.allow(List.of("elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"),
        List.of("*"), Map.of("StringEquals", Map.of("aws:RequestedRegion", dr)));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "elasticloadbalancing:Describe* support no resource-level "
        + "permissions (AWS requires Resource '*'); read-only, limited to the DR region", "/^Resource::\\*$/");
  }
}
