package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Deps;
import java.util.Map;
import java.util.Set;

/** Responder for CloudWatch alarm state changes (EventBridge) and alarm notifications (SNS). */
public final class AlarmResponder extends ResponderHandler {
  public AlarmResponder() {
    this(Deps.fromProcessEnv());
  }

  public AlarmResponder(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public AlarmResponder(Deps deps) {
    super(deps, Set.of("alarm"));
  }
}
