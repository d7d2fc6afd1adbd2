package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Deps;
import java.util.Map;
import java.util.Set;

/** Responder for ECS task state changes, service actions and deployment state changes (EventBridge). */
public final class EcsEventResponder extends ResponderHandler {
  public EcsEventResponder() {
    this(Deps.fromProcessEnv());
  }

  public EcsEventResponder(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public EcsEventResponder(Deps deps) {
    super(deps, Set.of("ecs-event"));
  }
}
