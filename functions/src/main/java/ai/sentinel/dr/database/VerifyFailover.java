package ai.sentinel.dr.database;

import java.util.List;
import ai.sentinel.dr.wait.Awaited;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.database.DatabaseState.Failover;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Scenario 1, Option A: "Verify failover completed". One poll per invocation; the state machine waits between polls.
 * Reports the AZ change (the standby's zone becomes the primary's after a failover).
 */
public final class VerifyFailover extends Step {
  private final RdsClient rds;

  public VerifyFailover() {
    this(Deps.fromProcessEnv());
  }

  public VerifyFailover(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public VerifyFailover(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
  }

  @Override
  public String name() {
    return "VerifyFailover";
  }

  /** RDS says so when the Multi-AZ failover has completed (RDS-EVENT-0049 and its siblings). */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    return List.of(Awaited.rdsInstanceAvailable(recovery.resource()));
  }

  @Override
  protected Recovery run(Recovery recovery) {
    DatabaseState db = recovery.part(DatabaseState.PART);
    Failover previous = db.failover() == null
        ? new Failover(null, db.diagnosis().availabilityZone(), null, 0, false)
        : db.failover();
    DBInstance instance = RdsInstances.find(rds, recovery.resource())
        .orElseThrow(() -> new StepFailedError(recovery.resource() + " disappeared during failover"));
    String status = instance.dbInstanceStatus();
    boolean done = "available".equals(status);
    Failover next = new Failover(status, previous.zoneBefore(), done ? instance.availabilityZone() : null,
        previous.polls() + 1, done);
    Recovery out = recovery.with(DatabaseState.PART, db.withFailover(next));
    if (done) {
      String move = previous.zoneBefore() != null && !previous.zoneBefore().equals(instance.availabilityZone())
          ? "primary moved " + previous.zoneBefore() + " -> " + instance.availabilityZone()
          : "primary in " + instance.availabilityZone() + " (no AZ change seen)";
      return out.log(entry("done", recovery.resource() + " available; " + move));
    }
    int max = recovery.options().maxPolls();
    if (next.polls() >= max) {
      throw new TimedOutError(recovery.resource() + " still '" + status + "' after " + max + " polls");
    }
    return out.log(entry(Recovery.WAITING, recovery.resource() + " is '" + status + "' (poll " + next.polls() + ")"));
  }
}
