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
    DatabaseSettings database = DatabaseSettings.of(config);
    String cls = seen && diagnosis.instanceClass() != null ? diagnosis.instanceClass() : database.instanceClass();
    String subnet = seen && diagnosis.subnetGroup() != null ? diagnosis.subnetGroup() : database.subnetGroup();
    List<String> groups = seen && !diagnosis.securityGroups().isEmpty()
        ? diagnosis.securityGroups() : database.securityGroups();
    StringBuilder missing = new StringBuilder();
    if (cls == null) {
      missing.append(" instance class (").append("database.instanceClass").append(")");
    }
    if (subnet == null) {
      missing.append(" subnet group (").append("database.subnetGroup").append(")");
    }
    if (groups == null || groups.isEmpty()) {
      missing.append(" security groups (").append("database.securityGroups").append(")");
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
