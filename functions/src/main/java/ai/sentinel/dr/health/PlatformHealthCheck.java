package ai.sentinel.dr.health;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.redis.RedisSettings;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runbook appendix's health check on a schedule ({@code healthCheck.schedule}): runs {@link HealthChecks},
 * publishes one EMF metric per check ({@link HealthMetrics}) for the stack's per-check alarms and the composite
 * "platform unhealthy" alarm, and returns the result. It starts nothing and changes nothing: a failing platform is
 * the recoveries' signals' business (alarms and events), not this dashboard's.
 */
@UsesSettings({DatabaseSettings.class, RedisSettings.class, EcsSettings.class, HealthSettings.class})
public final class PlatformHealthCheck implements RequestStreamHandler {
  private final HealthChecks checks;

  public PlatformHealthCheck() {
    this(Deps.fromProcessEnv());
  }

  public PlatformHealthCheck(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public PlatformHealthCheck(Deps deps) {
    this(deps, HealthChecks.ApiProbe.http());
  }

  public PlatformHealthCheck(Deps deps, HealthChecks.ApiProbe api) {
    this.checks = HealthChecks.of(HealthChecks.Targets.of(deps.config()), deps.clients(), api, deps.clock());
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Json.MAPPER.writeValue(output, run());
  }

  /** One scheduled run: the checks, their metrics, the result as JSON. */
  public ObjectNode run() {
    PlatformHealth health = checks.run();
    ObjectNode emf = HealthMetrics.emf(health);
    if (emf != null) {
      // through Log's sink (stdout in Lambda): its own root members are allowed by EMF
      Map<String, Object> fields = new LinkedHashMap<>();
      emf.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue()));
      Log.info(null, "health.metrics", fields);
    }
    ObjectNode out = Json.MAPPER.valueToTree(health);
    out.put("overall", health.overall());
    out.put("exitCode", health.exitCode());
    Log.info(null, "health.checked", Map.of("overall", health.overall(), "lines", health.lines()));
    return out;
  }
}
