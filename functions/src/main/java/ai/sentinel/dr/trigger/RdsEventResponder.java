package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Deps;
import java.util.Map;
import java.util.Set;

/** Responder for RDS DB instance events (EventBridge) and RDS event notifications (SNS). */
public final class RdsEventResponder extends ResponderHandler {
  public RdsEventResponder() {
    this(Deps.fromProcessEnv());
  }

  public RdsEventResponder(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RdsEventResponder(Deps deps) {
    super(deps, Set.of("rds-event"));
  }
}
