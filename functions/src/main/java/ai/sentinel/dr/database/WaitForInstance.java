package ai.sentinel.dr.database;

import java.util.List;
import ai.sentinel.dr.wait.Awaited;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Scenario 1, Option B steps 3-4 (and Option C): one poll of the restored instance; once available, its new endpoint.
 * The state machine's Wait state spaces the polls (no sleeping in Lambda).
 */
public final class WaitForInstance extends Step {
  private final RdsClient rds;

  public WaitForInstance() {
    this(Deps.fromProcessEnv());
  }

  public WaitForInstance(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForInstance(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
  }

  @Override
  public String name() {
    return "WaitForInstance";
  }

  /** RDS says so when the restore has completed (RDS-EVENT-0008, -0019, -0043). */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    Restore restore = recovery.part(DatabaseState.PART).restore();
    return restore == null ? List.of() : List.of(Awaited.rdsInstanceAvailable(restore.targetInstanceId()));
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Restore restore = recovery.part(DatabaseState.PART).restore();
    if (restore == null) {
      throw new StepFailedError("WaitForInstance needs a restore in progress");
    }
    if (recovery.dryRun()) {
      Restore planned = restore.polled("planned", "(" + restore.targetInstanceId() + " endpoint)", 5432, true);
      return recovery.update(DatabaseState.PART, s -> s.withRestore(planned))
          .log(entry("skipped", "dry-run: would wait for " + restore.targetInstanceId() + " to be available"));
    }
    DBInstance instance = RdsInstances.find(rds, restore.targetInstanceId())
        .orElseThrow(() -> new StepFailedError(restore.targetInstanceId() + " not found while waiting"));
    String status = instance.dbInstanceStatus();
    boolean available = "available".equals(status) && instance.endpoint() != null;
    Restore next = restore.polled(status, available ? instance.endpoint().address() : null,
        available ? instance.endpoint().port() : null, available);
    Recovery out = recovery.update(DatabaseState.PART, s -> s.withRestore(next));
    if (available) {
      return out.log(entry("done", restore.targetInstanceId() + " available at " + next.endpoint() + ":"
          + next.port()));
    }
    if (next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError(restore.targetInstanceId() + " still '" + status + "' after " + next.polls()
          + " polls");
    }
    return out.log(entry(Recovery.WAITING, restore.targetInstanceId() + " is '" + status + "' (poll " + next.polls()
        + ")"));
  }
}
