package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.Deps;
import java.util.Map;
import java.util.Set;

/** Responder for ElastiCache event notifications (SNS; node-based clusters publish no EventBridge events). */
public final class ElastiCacheEventResponder extends ResponderHandler {
  public ElastiCacheEventResponder() {
    this(Deps.fromProcessEnv());
  }

  public ElastiCacheEventResponder(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ElastiCacheEventResponder(Deps deps) {
    super(deps, Set.of("elasticache-event"));
  }
}
