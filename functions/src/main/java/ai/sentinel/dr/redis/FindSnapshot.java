package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 2 step 1: the latest available snapshot of the cluster, or the named one. */
public final class FindSnapshot extends Step {
  public FindSnapshot() {
    this(Deps.fromProcessEnv());
  }

  public FindSnapshot(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public FindSnapshot(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "FindSnapshot";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: redis.FindSnapshot is not written yet");
  }
}
