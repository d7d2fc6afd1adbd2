package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 3 step 5: one stability poll; decides when a rollback is due. */
public final class WaitForStability extends Step {
  public WaitForStability() {
    this(Deps.fromProcessEnv());
  }

  public WaitForStability(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForStability(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "WaitForStability";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: ecs.WaitForStability is not written yet");
  }
}
