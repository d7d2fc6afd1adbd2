package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Deps;
import java.util.Map;
import java.util.Set;

/**
 * Responder for manual invokes and drills (a person's, or a schedule's): aws lambda invoke --payload
 * file://events/manual-SCENARIO.json (samples in events/).
 */
public final class ManualResponder extends ResponderHandler {
  public ManualResponder() {
    this(Deps.fromProcessEnv());
  }

  public ManualResponder(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ManualResponder(Deps deps) {
    super(deps, Set.of("manual", "drill"));
  }
}
