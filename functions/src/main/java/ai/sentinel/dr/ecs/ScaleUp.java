package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 3 step 4: scale up to the configured desired count if running is below it. */
public final class ScaleUp extends Step {
  public ScaleUp() {
    this(Deps.fromProcessEnv());
  }

  public ScaleUp(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ScaleUp(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "ScaleUp";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: ecs.ScaleUp is not written yet");
  }
}
