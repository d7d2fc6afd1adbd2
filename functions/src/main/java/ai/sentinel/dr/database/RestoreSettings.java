package ai.sentinel.dr.database;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import java.util.List;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The settings a restored instance must carry (runbook: same class, the subnet group, the security groups, Multi-AZ,
 * not publicly accessible). Taken from the original instance as diagnosed; the environment config is the fallback
 * when the original is gone.
 */
record RestoreSettings(String instanceClass, String subnetGroup, List<String> securityGroups) {

  static RestoreSettings of(Diagnosis diagnosis, DrConfig config) {
    boolean seen = diagnosis != null && diagnosis.instanceFound();
    String cls = seen && diagnosis.instanceClass() != null ? diagnosis.instanceClass() : config.dbInstanceClass();
    String subnet = seen && diagnosis.subnetGroup() != null ? diagnosis.subnetGroup() : config.dbSubnetGroup();
    List<String> groups = seen && !diagnosis.securityGroups().isEmpty()
        ? diagnosis.securityGroups() : config.dbSecurityGroups();
    StringBuilder missing = new StringBuilder();
    if (cls == null) {
      missing.append(" instance class (").append(DrConfig.Vars.DB_INSTANCE_CLASS).append(")");
    }
    if (subnet == null) {
      missing.append(" subnet group (").append(DrConfig.Vars.DB_SUBNET_GROUP).append(")");
    }
    if (groups == null || groups.isEmpty()) {
      missing.append(" security groups (").append(DrConfig.Vars.DB_SECURITY_GROUPS).append(")");
    }
    if (missing.length() > 0) {
      throw new StepFailedError("cannot restore: the original instance is gone and the environment config lacks"
          + missing);
    }
    return new RestoreSettings(cls, subnet, groups);
  }

  /** The runbook's restore-db-instance-from-db-snapshot of {@code snapshotId} into {@code target}, with these. */
  RestoreDbInstanceFromDbSnapshotRequest.Builder restoreRequest(String target, String snapshotId, List<Tag> tags) {
    return RestoreDbInstanceFromDbSnapshotRequest.builder()
        .dbInstanceIdentifier(target)
        .dbSnapshotIdentifier(snapshotId)
        .dbInstanceClass(instanceClass)
        .vpcSecurityGroupIds(securityGroups)
        .dbSubnetGroupName(subnetGroup)
        .multiAZ(true)
        .publiclyAccessible(false)
        .tags(tags);
  }

  String describe() {
    return instanceClass + ", subnet group " + subnetGroup + ", security groups " + securityGroups
        + ", Multi-AZ, not public";
  }
}
