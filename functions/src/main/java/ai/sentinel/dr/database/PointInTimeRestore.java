package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;

/**
 * Scenario 1, Option C: restore {@code <instance>} to a point in time (the operator's, or the latest restorable) into
 * {@code <instance>-pitr}, with the original's settings. An existing target is adopted, not recreated.
 */
public final class PointInTimeRestore extends Step {
  private final RdsClient rds;

  public PointInTimeRestore() {
    this(Deps.fromProcessEnv());
  }

  public PointInTimeRestore(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public PointInTimeRestore(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
  }

  @Override
  public String name() {
    return "PointInTimeRestore";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String source = recovery.resource();
    String target = DatabaseSettings.of(deps.config()).pitrInstanceId();
    String requested = recovery.options().restoreTime();
    Instant time = parse(requested);
    Optional<DBInstance> existing = RdsInstances.find(rds, target);
    if (existing.isPresent()) {
      RdsInstances.requireCreatedBy(existing.get(), recovery.executionName());
      Restore adopted = new Restore(target, null, null, time == null ? "latest" : time.toString(), now(),
          existing.get().dbInstanceStatus(), null, null, 0, false);
      return recovery.update(DatabaseState.PART, s -> s.withRestore(adopted)).log(entry("skipped", target
          + " already exists ('" + existing.get().dbInstanceStatus() + "'): adopted, not restored again"));
    }
    // the latest restorable time is the recovery point when the operator did not name one
    String point = time != null ? time.toString() : RdsInstances.find(rds, source)
        .map(i -> i.latestRestorableTime() == null ? "latest" : i.latestRestorableTime().toString())
        .orElse("latest");
    RestoreSettings settings = RestoreSettings.of(recovery.part(DatabaseState.PART).diagnosis(), deps.config());
    RestoreDbInstanceToPointInTimeRequest.Builder b = RestoreDbInstanceToPointInTimeRequest.builder()
        .sourceDBInstanceIdentifier(source)
        .targetDBInstanceIdentifier(target)
        .dbInstanceClass(settings.instanceClass())
        .vpcSecurityGroupIds(settings.securityGroups())
        .dbSubnetGroupName(settings.subnetGroup())
        .multiAZ(true)
        .publiclyAccessible(false)
        .tags(RdsInstances.tags(recovery.executionName(), null, point));
    RestoreDbInstanceToPointInTimeRequest request = time == null
        ? b.useLatestRestorableTime(true).build() : b.restoreTime(time).build();
    Mutation<?> sent = mutate(recovery, "rds", "RestoreDBInstanceToPointInTime", target, request,
        () -> rds.restoreDBInstanceToPointInTime(request));
    Restore restore = new Restore(target, null, null, point, now(), sent.sent() ? "creating" : "planned", null,
        null, 0, false);
    return sent.recovery().update(DatabaseState.PART, s -> s.withRestore(restore))
        .log(entry(sent.sent() ? "restoring" : "would-restore", target + " from " + source + " at " + point + ": "
            + settings.describe()));
  }

  private Instant parse(String requested) {
    if (requested == null || requested.equals("latest")) {
      return null;
    }
    try {
      Instant time = Instant.parse(requested);
      if (time.isAfter(Instant.now(deps.clock()))) {
        throw new StepFailedError("restore time " + requested + " is in the future");
      }
      return time;
    } catch (DateTimeParseException e) {
      throw new StepFailedError("restore time '" + requested + "' is not an ISO-8601 instant");
    }
  }
}
