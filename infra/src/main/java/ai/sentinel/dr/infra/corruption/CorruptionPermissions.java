package ai.sentinel.dr.infra.corruption;

import ai.sentinel.dr.corruption.DataCorruptionSettings;
import ai.sentinel.dr.corruption.DataCorruptionSettings.Maintenance;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RunbookFunction;
import java.util.List;
import software.constructs.Construct;

/**
 * IAM of the Scenario 5 step functions (Service Authorization Reference: RDS, Elastic Load Balancing v2, Systems
 * Manager, ECS, Secrets Manager). Each step gets the calls it makes on the resources the environment names: the
 * protected instance (read, and as the restore's source), the clean instance (restore, tag, read, delete), the
 * maintenance listener (CreateRule) and its rules (DeleteRule), the maintenance parameter, the API service
 * (DescribeServices), the automated backups' restore window (read-only) and the database secret (the database steps' credentials). DescribeRules supports no
 * resource-level permission (read-only, suppressed with the reason).
 */
final class CorruptionPermissions {
  private static final List<String> DESCRIBE_INSTANCES = List.of("rds:DescribeDBInstances");
  private static final String DEFAULT_GROUPS = Nag.arnFinding("rds", "(og:default:|pg:default\\.)\\*");

  private final Arns arns;
  private final DatabaseSettings db;
  private final DataCorruptionSettings settings;
  private final String cluster;
  private final String instance;
  private final String clean;

  CorruptionPermissions(Construct scope, EnvironmentConfig config) {
    this.arns = new Arns(scope);
    this.db = config.require(DatabaseSettings.class);
    this.settings = config.require(DataCorruptionSettings.class);
    this.cluster = config.require(EcsSettings.class).cluster();
    this.instance = arns.colon("rds", "db", db.instanceId());
    this.clean = arns.colon("rds", "db", db.cleanInstanceId());
  }

  void grant(RunbookFunction diagnose, RunbookFunction enter, RunbookFunction exit, RunbookFunction restore,
      RunbookFunction waitFor, List<RunbookFunction> databaseSteps, RunbookFunction delete) {
    String secret = arns.secret(db.secretId());
    diagnose.allow(DESCRIBE_INSTANCES, List.of(instance));
    // the restorable window's start (RestoreWindow.EarliestTime); an automated backup's ARN ends in an id AWS assigns
    diagnose.allow(List.of("rds:DescribeDBInstanceAutomatedBackups"), List.of(arns.colon("rds", "auto-backup", "*")));
    Nag.suppressFindings(diagnose.role(), Nag.IAM5, "rds:DescribeDBInstanceAutomatedBackups takes the auto-backup "
        + "resource type, whose ARN ends in an id AWS assigns (ab-...), not the instance's name; read-only, and "
        + "Diagnose asks only for the protected instance's backups", Nag.arnFinding("rds", Nag.literal(
            "auto-backup:*")));
    diagnose.allow(List.of("ecs:DescribeServices"), List.of(arns.ecsService(cluster, settings.service())));
    diagnose.allow(List.of("secretsmanager:GetSecretValue"), List.of(secret));
    databaseSteps.forEach(fn -> fn.allow(List.of("secretsmanager:GetSecretValue"), List.of(secret)));

    Maintenance m = settings.maintenance();
    if (m.listener() != null) {
      // the listener and its rules by the load balancer's name (their ids are AWS's choice)
      String listeners = arns.slash("elasticloadbalancing", "listener", "app/" + m.loadBalancer() + "/*/*");
      String rules = arns.slash("elasticloadbalancing", "listener-rule", "app/" + m.loadBalancer() + "/*/*/*");
      enter.allow(List.of("elasticloadbalancing:CreateRule"), List.of(listeners));
      exit.allow(List.of("elasticloadbalancing:DeleteRule"), List.of(rules));
      List<String> describe = List.of("elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules");
      enter.allow(describe, List.of("*"));
      exit.allow(describe, List.of("*"));
      String why = "elasticloadbalancing:Describe* supports no resource-level permission (AWS requires Resource "
          + "'*'); read-only, and the step reads only the configured load balancer's listener and rules. The "
          + "listener's and rules' ids are AWS's choice: CreateRule and DeleteRule are scoped to the configured load "
          + "balancer's name, and ExitMaintenance deletes only the rule EnterMaintenance recorded";
      String any = "/^Resource::\\*$/";
      Nag.suppressFindings(enter.role(), Nag.IAM5, why, any,
          Nag.arnFinding("elasticloadbalancing", Nag.literal("listener/app/" + m.loadBalancer() + "/*/*")));
      Nag.suppressFindings(exit.role(), Nag.IAM5, why, any,
          Nag.arnFinding("elasticloadbalancing", Nag.literal("listener-rule/app/" + m.loadBalancer() + "/*/*/*")));
    }
    if (m.parameter() != null) {
      String name = m.parameter().startsWith("/") ? m.parameter().substring(1) : m.parameter();
      String parameter = arns.slash("ssm", "parameter", name);
      enter.allow(List.of("ssm:GetParameter", "ssm:PutParameter"), List.of(parameter));
      exit.allow(List.of("ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"), List.of(parameter));
    }

    restore.allow(DESCRIBE_INSTANCES, List.of(instance, clean));
    restore.allow(List.of("rds:RestoreDBInstanceToPointInTime"), List.of(instance, clean,
        arns.colon("rds", "subgrp", db.subnetGroup()), arns.colon("rds", "og", "default:*"),
        arns.colon("rds", "pg", "default.*")));
    // tags only the copy it creates, never the production instance it restores from
    restore.allow(List.of("rds:AddTagsToResource"), List.of(clean));
    Nag.suppressFindings(restore.role(), Nag.IAM5, "A restore reads the engine's default option group "
        + "(default:<engine>-<version>) and parameter group (default.<engine><version>), whose names depend on the "
        + "instance's engine version", DEFAULT_GROUPS);

    waitFor.allow(DESCRIBE_INSTANCES, List.of(clean));
    delete.allow(List.of("rds:DescribeDBInstances", "rds:DeleteDBInstance"), List.of(clean));
  }
}
