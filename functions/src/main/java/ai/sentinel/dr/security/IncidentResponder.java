package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.trigger.ResponderHandler;
import java.util.Map;
import java.util.Set;

/** Responder for GuardDuty findings, Security Hub findings and console sign-ins (EventBridge). */
public final class IncidentResponder extends ResponderHandler {
  public IncidentResponder() {
    this(Deps.fromProcessEnv());
  }

  public IncidentResponder(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public IncidentResponder(Deps deps) {
    super(deps, Set.of(SecurityIncidentSignals.KIND));
  }
}
