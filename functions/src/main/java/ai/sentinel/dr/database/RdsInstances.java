package ai.sentinel.dr.database;

import ai.sentinel.dr.errors.StepFailedError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

/** DescribeDBInstances for one identifier, with "not found" as an empty result rather than an exception. */
final class RdsInstances {
  private RdsInstances() {}

  /** Tags a restore carries, so a re-run can tell its own instance from anything else of that name. */
  static final String EXECUTION_TAG = "sentinel-dr:execution";
  static final String SNAPSHOT_TAG = "sentinel-dr:snapshot";
  static final String POINT_TAG = "sentinel-dr:recovery-point";

  static List<Tag> tags(String executionName, String snapshotId, String recoveryPoint) {
    List<Tag> tags = new ArrayList<>();
    tags.add(Tag.builder().key(EXECUTION_TAG).value(executionName).build());
    if (snapshotId != null) {
      tags.add(Tag.builder().key(SNAPSHOT_TAG).value(snapshotId).build());
    }
    if (recoveryPoint != null) {
      tags.add(Tag.builder().key(POINT_TAG).value(recoveryPoint).build());
    }
    return tags;
  }

  static String tag(DBInstance instance, String key) {
    return instance.tagList().stream().filter(t -> key.equals(t.key())).map(Tag::value).findFirst().orElse(null);
  }

  /** Refuses to adopt an instance this recovery did not create (an old drill's, or a human's). */
  static void requireCreatedBy(DBInstance instance, String executionName) {
    String owner = tag(instance, EXECUTION_TAG);
    if (!executionName.equals(owner)) {
      throw new StepFailedError(instance.dbInstanceIdentifier() + " already exists and was not created by this "
          + "recovery (" + EXECUTION_TAG + "=" + owner + "): a human must decide whether to keep, rename or "
          + "delete it before restoring again");
    }
  }

  static Optional<DBInstance> find(RdsClient rds, String id) {
    try {
      return rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().stream().findFirst();
    } catch (DbInstanceNotFoundException e) {
      return Optional.empty();
    }
  }
}
