package ai.sentinel.dr.corruption;

import ai.sentinel.dr.errors.StepFailedError;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

/** The clean instance's reads and tags: a re-run, and the deletion, only ever adopt one this recovery created. */
final class CleanInstances {
  static final String EXECUTION_TAG = "sentinel-dr:execution";
  static final String CLEAN_TAG = "sentinel-dr:clean-copy-of";
  static final String POINT_TAG = "sentinel-dr:recovery-point";

  private CleanInstances() {}

  static List<Tag> tags(String execution, String source, String restoreTime) {
    return List.of(Tag.builder().key(EXECUTION_TAG).value(execution).build(),
        Tag.builder().key(CLEAN_TAG).value(source).build(),
        Tag.builder().key(POINT_TAG).value(restoreTime).build());
  }

  static String tag(DBInstance instance, String key) {
    return instance.tagList().stream().filter(t -> key.equals(t.key())).map(Tag::value).findFirst().orElse(null);
  }

  static boolean createdBy(DBInstance instance, String execution) {
    return execution.equals(tag(instance, EXECUTION_TAG));
  }

  /** Refuses an instance of that name this recovery did not create (another run's evidence, a human's copy). */
  static void requireCreatedBy(DBInstance instance, String execution) {
    if (!createdBy(instance, execution)) {
      throw new StepFailedError(instance.dbInstanceIdentifier() + " already exists and was not created by this "
          + "recovery (" + EXECUTION_TAG + "=" + tag(instance, EXECUTION_TAG) + "): a human must decide whether to "
          + "keep, rename or delete it before restoring again (nothing was changed)");
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
