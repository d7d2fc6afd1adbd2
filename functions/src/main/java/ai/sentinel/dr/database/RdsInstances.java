package ai.sentinel.dr.database;

import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

/** DescribeDBInstances for one identifier, with "not found" as an empty result rather than an exception. */
final class RdsInstances {
  private RdsInstances() {}

  static Optional<DBInstance> find(RdsClient rds, String id) {
    try {
      return rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().stream().findFirst();
    } catch (DbInstanceNotFoundException e) {
      return Optional.empty();
    }
  }
}
