package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.Restore;
import ai.sentinel.dr.wait.Awaited;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Scenario 4, runbook step 4 ("aws rds wait db-instance-available" in the DR region): one poll of the DR instance.
 * Available means status available and an endpoint. Between polls the state machine waits for RDS's own event (the
 * DR instance restored from a snapshot, RDS-EVENT-0008 in the DR region, answered by the DR stack's WaitResponder) or
 * {@code pollSeconds}, whichever comes first.
 */
public final class WaitForDrInstance extends Step {
  private final RegionSettings region;
  private final RdsClient rds;

  public WaitForDrInstance() {
    this(Deps.fromProcessEnv());
  }

  public WaitForDrInstance(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForDrInstance(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.rds = deps.clients().in(region.drRegion()).rds();
  }

  @Override
  public String name() {
    return "WaitForDrInstance";
  }

  /** RDS says when the restored DR instance is available (RDS-EVENT-0008/0043, in the DR region's EventBridge). */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    Restore restore = RegionState.of(recovery.part(RegionState.PART)).restore();
    return restore == null ? List.of() : List.of(Awaited.rdsInstanceAvailable(restore.instanceId()));
  }

  /** The failover's state machine and wait table are in the DR region, whatever region the function runs in. */
  @Override
  protected Clients waitClients() {
    return deps.clients().in(region.drRegion());
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Restore restore = RegionState.of(recovery.part(RegionState.PART)).restore();
    if (restore == null) {
      throw new StepFailedError("WaitForDrInstance needs the restore RestoreInDrRegion started");
    }
    String id = restore.instanceId();
    if (recovery.dryRun()) {
      Restore planned = restore.polled("planned", "(" + id + " endpoint)", 5432, true);
      return recovery.update(RegionState.PART, s -> RegionState.of(s).withRestore(planned))
          .log(entry("skipped", "dry-run: would wait for " + id + " in " + region.drRegion() + " to be available"));
    }
    DBInstance seen = RestoreInDrRegion.find(rds, id).orElseThrow(() -> new StepFailedError(id + " not found in "
        + region.drRegion() + " while waiting for it to be available"));
    String status = seen.dbInstanceStatus();
    boolean available = "available".equals(status) && seen.endpoint() != null && seen.endpoint().address() != null;
    Restore next = restore.polled(status, available ? seen.endpoint().address() : null,
        available ? seen.endpoint().port() : null, available);
    Recovery out = recovery.update(RegionState.PART, s -> RegionState.of(s).withRestore(next));
    if (available) {
      return out.log(entry("done", id + " available in " + region.drRegion() + " at " + next.endpoint() + ":"
          + next.port() + " after " + next.polls() + " poll(s)"));
    }
    if (next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError(id + " still '" + status + "' after " + next.polls() + " polls");
    }
    return out.log(entry(Recovery.WAITING, id + " is '" + status + "' (poll " + next.polls() + " of "
        + recovery.options().maxPolls() + ")"));
  }
}
