package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 3 Diagnosis: service counts and deployments, stopped tasks, the log's last lines. */
public final class Diagnose extends Step {
  public Diagnose() {
    this(Deps.fromProcessEnv());
  }

  public Diagnose(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Diagnose(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "Diagnose";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: ecs.Diagnose is not written yet");
  }
}
