package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 2 step 3: one availability poll of the recovery cluster. */
public final class WaitForCluster extends Step {
  public WaitForCluster() {
    this(Deps.fromProcessEnv());
  }

  public WaitForCluster(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForCluster(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "WaitForCluster";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: redis.WaitForCluster is not written yet");
  }
}
