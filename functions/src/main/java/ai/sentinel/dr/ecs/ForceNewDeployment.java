package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 3 step 1: force a new deployment of the failing service. */
public final class ForceNewDeployment extends Step {
  public ForceNewDeployment() {
    this(Deps.fromProcessEnv());
  }

  public ForceNewDeployment(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ForceNewDeployment(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "ForceNewDeployment";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: ecs.ForceNewDeployment is not written yet");
  }
}
