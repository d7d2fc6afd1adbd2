package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.safety.Claim;
import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * First state of every recovery: holds the locks of every resource it will mutate ({@link Claim}) before any mutating
 * step. The responder normally took them already (then this is a no-op for the same owner); an execution started by
 * hand takes them here, and one that finds another recovery (of any scenario) working on one of them stops before
 * touching anything, with the holder in the reason (Catch: the on-call is paged). Dry-runs take no lock.
 */
// the claim names what each scenario mutates, read from its settings sections (the services from ecs)
@UsesSettings(all = true)
public final class AcquireLock extends Step {
  private final RecoveryLocks locks;

  public AcquireLock() {
    this(Deps.fromProcessEnv());
  }

  public AcquireLock(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public AcquireLock(Deps deps) {
    super(deps);
    this.locks = new RecoveryLocks(deps.clients().dynamoDb(), deps.config().requireLockTable(), deps.clock(),
        Duration.ofSeconds(deps.config().lockLeaseSeconds()));
  }

  @Override
  public String name() {
    return "AcquireLock";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    if (recovery.dryRun()) {
      return recovery.log(entry("skipped", "dry-run: no lock needed, nothing will be changed"));
    }
    // a region being failed over (Scenario 4) starts nothing in it, by hand either
    java.util.Optional<String> fence = locks.regionFence(deps.config().region());
    if (fence.isPresent()) {
      throw new StepFailedError("region " + deps.config().region() + " is being failed over by " + fence.get()
          + ": recoveries in a fenced region stand down, nothing was changed");
    }
    Scenario scenario = ScenarioRegistry.get(recovery.scenario());
    Claim claim = Claim.of(scenario, recovery.resource(), deps.config());
    RecoveryLocks.Lock lock = locks.acquire(claim, recovery.executionName());
    if (!lock.ours() && lock.held() != null) {
      throw new StepFailedError("resource busy: " + lock.describeBusy() + "; one recovery per resource at a time, "
          + "nothing was changed");
    }
    if (!lock.ours()) {
      throw new StepFailedError("another recovery is working on a resource this one would change: "
          + lock.describeBusy() + "; one recovery per resource at a time, nothing was changed");
    }
    return recovery.log(entry("locked", claim.resources() + " locked for this "
        + (scenario.test() ? "test" : "recovery") + " (lease "
        + Duration.ofSeconds(deps.config().lockLeaseSeconds()).toMinutes() + " min)"));
  }
}
