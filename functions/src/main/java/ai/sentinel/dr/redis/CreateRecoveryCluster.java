package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 2 step 2: create the recovery cluster from the snapshot with the original's settings. */
public final class CreateRecoveryCluster extends Step {
  public CreateRecoveryCluster() {
    this(Deps.fromProcessEnv());
  }

  public CreateRecoveryCluster(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public CreateRecoveryCluster(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "CreateRecoveryCluster";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: redis.CreateRecoveryCluster is not written yet");
  }
}
