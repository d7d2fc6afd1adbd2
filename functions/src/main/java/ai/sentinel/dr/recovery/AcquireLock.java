package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * First state of every recovery: holds the per-resource lock before any mutating step. The responder normally took it
 * already (then this is a no-op for the same owner); an execution started by hand takes it here, and one that finds
 * another recovery working on the resource stops before touching anything. Dry-runs change nothing and take no lock.
 */
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
    RecoveryLocks.Lock lock = locks.acquire(recovery.scenario(), recovery.resource(), recovery.executionName());
    if (!lock.ours()) {
      throw new StepFailedError("another recovery (" + lock.owner() + ") is working on " + recovery.resource()
          + ": one recovery per resource at a time; nothing was changed");
    }
    boolean test = ScenarioRegistry.find(recovery.scenario()).map(Scenario::test).orElse(false);
    return recovery.log(entry("locked", recovery.resource() + " locked for this " + (test ? "test" : "recovery")
        + " (lease " + Duration.ofSeconds(deps.config().lockLeaseSeconds()).toMinutes() + " min)"));
  }
}
