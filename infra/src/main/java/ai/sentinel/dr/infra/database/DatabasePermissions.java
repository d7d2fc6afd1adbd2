package ai.sentinel.dr.infra.database;

import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.infra.Arns;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Nag;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.infra.SharedSteps;
import java.util.List;
import software.constructs.Construct;

/**
 * IAM of the Scenario 1 step functions: each step gets the calls it makes, on the resources the environment config
 * names or the runbook derives from them ({@code <instance>-recovery}, {@code <instance>-pitr}). Where AWS supports
 * only Resource '*', the suppression says so. The shared steps' IAM is {@link SharedSteps}'.
 */
final class DatabasePermissions {
  private static final List<String> DESCRIBE_INSTANCES = List.of("rds:DescribeDBInstances");
  private static final String DEFAULT_GROUPS = Nag.arnFinding("rds", "(og:default:|pg:default\\.)\\*");

  private final Arns arns;
  private final DatabaseSettings db;
  private final String instance;
  private final String recoveryTarget;
  private final String pitrTarget;
  /** Automated snapshots of the protected instance are rds:<instance>-<time>, manual ones must be <instance>-... */
  private final List<String> snapshots;
  /** A restore's subnet group, and the default option and parameter groups unless the snapshot names others. */
  private final List<String> restoreGroups;

  DatabasePermissions(Construct scope, EnvironmentConfig config) {
    this.arns = new Arns(scope);
    this.db = config.require(DatabaseSettings.class);
    this.instance = dbInstance(db.instanceId());
    this.recoveryTarget = dbInstance(db.instanceId() + "-recovery");
    this.pitrTarget = dbInstance(db.instanceId() + "-pitr");
    // automated snapshots are named rds:<instance>-YYYY-MM-DD-HH-MM: '?' per character, so that a sibling instance's
    // (rds:<instance>-staging-...) do not match; manual ones must be named <instance>-...
    this.snapshots = List.of(arns.colon("rds", "snapshot", "rds:" + db.instanceId() + "-????-??-??-??-??"),
        arns.colon("rds", "snapshot", db.instanceId() + "-*"));
    this.restoreGroups = List.of(arns.colon("rds", "subgrp", db.subnetGroup()), arns.colon("rds", "og", "default:*"),
        arns.colon("rds", "pg", "default.*"));
  }

  private String dbInstance(String id) {
    return arns.colon("rds", "db", id);
  }

  void grant(RunbookFunction diagnose, RunbookFunction verifyFailover, RunbookFunction restoreFromSnapshot,
      RunbookFunction pointInTimeRestore, RunbookFunction waitForInstance, RunbookFunction updateSecret,
      RunbookFunction verify) {
    diagnose.allow(DESCRIBE_INSTANCES, List.of(instance));
    if (db.verifyConnect()) {
      // SELECT 1 with the services' credentials: is the database healthy before anything is restored over it
      diagnose.allow(List.of("secretsmanager:GetSecretValue"), List.of(arns.secret(db.secretId())));
    }
    diagnose.allow(List.of("rds:DescribeEvents", "cloudwatch:GetMetricStatistics"), List.of("*"));
    Nag.suppressFindings(diagnose.role(), Nag.IAM5, "rds:DescribeEvents and cloudwatch:GetMetricStatistics "
        + "support no resource-level permissions (AWS requires Resource '*'); both are read-only and the step "
        + "filters them to the protected instance", "/^Resource::\\*$/");

    verifyFailover.allow(DESCRIBE_INSTANCES, List.of(instance));

    allowSnapshotRestore(restoreFromSnapshot, recoveryTarget);

    pointInTimeRestore.allow(DESCRIBE_INSTANCES, List.of(instance, pitrTarget));
    pointInTimeRestore.allow(List.of("rds:RestoreDBInstanceToPointInTime"),
        concat(List.of(instance, pitrTarget), restoreGroups));
    // tags only what the recovery creates, never the production instance it restores from
    pointInTimeRestore.allow(List.of("rds:AddTagsToResource"), List.of(pitrTarget));
    Nag.suppressFindings(pointInTimeRestore.role(), Nag.IAM5, "A restore reads the engine's default option group "
        + "(default:<engine>-<version>) and parameter group (default.<engine><version>), whose names depend on the "
        + "instance's engine version",
        DEFAULT_GROUPS);

    waitForInstance.allow(DESCRIBE_INSTANCES, List.of(recoveryTarget, pitrTarget));

    String secret = arns.secret(db.secretId());
    updateSecret.allow(List.of("secretsmanager:GetSecretValue", "secretsmanager:UpdateSecret"), List.of(secret));

    verify.allow(DESCRIBE_INSTANCES, List.of(instance, recoveryTarget, pitrTarget));
    verify.allow(List.of("secretsmanager:GetSecretValue"), List.of(secret));
  }

  /**
   * IAM of the monthly snapshot-restore test: restore into {@code <instance>-drill} only, read it, delete only it.
   * WaitForInstance is Scenario 1's function, which may then also describe the scratch instance.
   */
  void grantRestoreTest(RunbookFunction restoreScratch, RunbookFunction waitForInstance, RunbookFunction verifyScratch,
      RunbookFunction deleteScratch) {
    String scratch = dbInstance(db.instanceId() + "-drill");
    allowSnapshotRestore(restoreScratch, scratch);
    waitForInstance.allow(DESCRIBE_INSTANCES, List.of(scratch));
    verifyScratch.allow(DESCRIBE_INSTANCES, List.of(scratch));
    verifyScratch.allow(List.of("secretsmanager:GetSecretValue"), List.of(arns.secret(db.secretId())));
    deleteScratch.allow(List.of("rds:DescribeDBInstances", "rds:DeleteDBInstance"), List.of(scratch));
  }

  /** Option B's calls (list the snapshots, restore one into {@code target}, tag it), for {@code fn}. */
  private void allowSnapshotRestore(RunbookFunction fn, String target) {
    fn.allow(DESCRIBE_INSTANCES, List.of(target));
    fn.allow(List.of("rds:DescribeDBSnapshots"), concat(List.of(instance), snapshots));
    fn.allow(List.of("rds:RestoreDBInstanceFromDBSnapshot"), concat(List.of(target), snapshots, restoreGroups));
    fn.allow(List.of("rds:AddTagsToResource"), List.of(target));
    Nag.suppressFindings(fn.role(), Nag.IAM5, "Snapshot names are chosen at run time: automated "
        + "snapshots of the protected instance are rds:<instance>-YYYY-MM-DD-HH-MM (matched character by character), "
        + "manual ones must be named <instance>-...; IAM cannot tell a sibling instance's manual snapshot "
        + "(<instance>-staging-...) by name, so the step refuses any snapshot whose DBInstanceIdentifier is not the "
        + "protected instance; "
        + "a restore also reads the engine's default option group (default:<engine>-<version>) and parameter group "
        + "(default.<engine><version>), whose names depend on the snapshot's engine version",
        Nag.arnFinding("rds", "snapshot:" + Nag.literal(db.instanceId()) + "-\\*"),
        Nag.arnFinding("rds", "snapshot:" + Nag.literal("rds:" + db.instanceId() + "-????-??-??-??-??")),
        DEFAULT_GROUPS);
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
  }
}
