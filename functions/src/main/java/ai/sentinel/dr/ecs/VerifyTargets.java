package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 3 verification: the service is stable and its ALB targets are healthy. */
public final class VerifyTargets extends Step {
  public VerifyTargets() {
    this(Deps.fromProcessEnv());
  }

  public VerifyTargets(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public VerifyTargets(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "VerifyTargets";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: ecs.VerifyTargets is not written yet");
  }
}
