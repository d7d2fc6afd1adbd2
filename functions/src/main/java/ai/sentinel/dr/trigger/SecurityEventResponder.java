package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Deps;
import java.util.Map;
import java.util.Set;

/** Responder for GuardDuty findings, Security Hub findings and console sign-ins (EventBridge). */
public final class SecurityEventResponder extends ResponderHandler {
  /** The trigger kind of Scenario 6's EventBridge signals. */
  public static final String KIND = "security-event";

  public SecurityEventResponder() {
    this(Deps.fromProcessEnv());
  }

  public SecurityEventResponder(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public SecurityEventResponder(Deps deps) {
    super(deps, Set.of(KIND));
  }
}
