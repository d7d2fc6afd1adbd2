package ai.sentinel.dr.corruption;

import java.util.List;
import ai.sentinel.dr.wait.Awaited;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.corruption.CorruptionState.CleanInstance;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Scenario 5, one poll of the clean instance (the shared wait loop: the state machine's Wait spaces the polls, the
 * Choice reads {@code $.corruption.clean.available}; no sleeping in Lambda). Available means status available and an
 * endpoint to connect to.
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

  /** RDS says so when the point-in-time restore has completed (RDS-EVENT-0019). */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    CorruptionState state = recovery.part(CorruptionState.PART);
    return state == null || state.clean() == null ? List.of()
        : List.of(Awaited.rdsInstanceAvailable(state.clean().instanceId()));
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CorruptionState state = recovery.part(CorruptionState.PART);
    CleanInstance clean = state == null ? null : state.clean();
    if (clean == null) {
      throw new StepFailedError("WaitForInstance needs the clean instance's restore to be requested first");
    }
    String id = clean.instanceId();
    if (recovery.dryRun()) {
      CleanInstance planned = clean.polled("planned", null, null, true);
      return recovery.update(CorruptionState.PART, s -> s.withClean(planned))
          .log(entry("skipped", "dry-run: would wait for " + id + " to be available"));
    }
    DBInstance instance = CleanInstances.find(rds, id)
        .orElseThrow(() -> new StepFailedError(id + " not found while waiting for it to be available"));
    String status = instance.dbInstanceStatus();
    boolean available = "available".equals(status) && instance.endpoint() != null;
    CleanInstance next = clean.polled(status, available ? instance.endpoint().address() : null,
        available ? instance.endpoint().port() : null, available);
    Recovery out = recovery.update(CorruptionState.PART, s -> s.withClean(next));
    if (available) {
      return out.log(entry("done", id + " available at " + next.address() + ":" + next.port() + " after "
          + next.polls() + " poll(s)"));
    }
    if (next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError(id + " still '" + status + "' after " + next.polls() + " polls");
    }
    return out.log(entry(Recovery.WAITING, id + " is '" + status + "' (poll " + next.polls() + " of "
        + recovery.options().maxPolls() + ")"));
  }
}
