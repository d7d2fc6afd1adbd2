package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 2 step 5: point sentinel/redis-url at the recovery cluster. */
public final class UpdateSecret extends Step {
  public UpdateSecret() {
    this(Deps.fromProcessEnv());
  }

  public UpdateSecret(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public UpdateSecret(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "UpdateSecret";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: redis.UpdateSecret is not written yet");
  }
}
