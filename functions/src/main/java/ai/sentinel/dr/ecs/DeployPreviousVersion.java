package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;

/** Scenario 3 steps 2-3: roll back to the previous ACTIVE revision of the family. */
public final class DeployPreviousVersion extends Step {
  public DeployPreviousVersion() {
    this(Deps.fromProcessEnv());
  }

  public DeployPreviousVersion(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public DeployPreviousVersion(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "DeployPreviousVersion";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    throw new UnsupportedOperationException("SCAFFOLD: ecs.DeployPreviousVersion is not written yet");
  }
}
