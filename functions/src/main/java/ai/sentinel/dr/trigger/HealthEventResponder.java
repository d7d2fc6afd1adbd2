package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Deps;
import java.util.Map;
import java.util.Set;

/**
 * Responder for AWS Health events about the primary region (EventBridge, in the DR stack): they start Scenario 4's
 * assessment, which pages and waits for a human's approval before anything changes.
 */
public final class HealthEventResponder extends ResponderHandler {
  /** The trigger kind of AWS Health events. */
  public static final String KIND = "health-event";

  public HealthEventResponder() {
    this(Deps.fromProcessEnv());
  }

  public HealthEventResponder(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public HealthEventResponder(Deps deps) {
    super(deps, Set.of(KIND));
  }
}
