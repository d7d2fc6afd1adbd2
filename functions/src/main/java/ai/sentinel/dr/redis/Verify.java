package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 2 verification: the cluster is available and answers PING. */
public final class Verify extends Step {
  public Verify() {
    this(Deps.fromProcessEnv());
  }

  public Verify(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Verify(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "Verify";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: redis.Verify is not written yet");
  }
}
