package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.Restore;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Scenario 4, runbook step 4 ("aws rds wait db-instance-available" in the DR region): one poll of the DR instance.
 * Available means status available and an endpoint; the state machine's Wait spaces the polls.
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
