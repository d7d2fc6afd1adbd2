package ai.sentinel.dr.recovery;

import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.ecs.EcsState;
import ai.sentinel.dr.redis.CacheState;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The document a recovery's state machine carries from step to step. Every step handler reads it whole and returns
 * it whole (ResultPath "$"), adding what it learned and a timeline entry; Choice states read its fields.
 *
 * @param scenario      runbook scenario id, e.g. database-failure
 * @param resource      the protected resource, e.g. sentinel-db
 * @param executionName the Step Functions execution name: dedup key and log correlation id
 * @param environment   SENTINEL_ENV of the deployment
 * @param trigger       what started it
 * @param options       choices made by the trigger or the operator
 * @param database      Scenario 1 working state (null for other scenarios)
 * @param cache         Scenario 2 working state (null for other scenarios)
 * @param ecs           Scenario 3 working state (null for other scenarios)
 * @param services      ECS services restarted and their stability
 * @param verification  checks run before success is declared
 * @param plan          calls recorded instead of sent (dry-run)
 * @param timeline      every step, decision and outcome with its time
 * @param error         set by a Catch: {"Error": ..., "Cause": ...}
 * @param approval      set by an approval gate: the approver's answer ({"decision", "by", "at", "reason"})
 */
public record Recovery(
    String scenario,
    String resource,
    String executionName,
    String environment,
    Trigger trigger,
    Options options,
    DatabaseState database,
    CacheState cache,
    EcsState ecs,
    ServicesState services,
    Verification verification,
    List<PlannedCall> plan,
    List<TimelineEntry> timeline,
    JsonNode error,
    JsonNode approval) {

  public Recovery {
    plan = plan == null ? List.of() : List.copyOf(plan);
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
  }

  public boolean dryRun() {
    return options != null && options.dryRun();
  }

  public Recovery withDatabase(DatabaseState value) {
    return new Recovery(scenario, resource, executionName, environment, trigger, options, value, cache, ecs,
        services, verification, plan, timeline, error, approval);
  }

  public Recovery withCache(CacheState value) {
    return new Recovery(scenario, resource, executionName, environment, trigger, options, database, value, ecs,
        services, verification, plan, timeline, error, approval);
  }

  public Recovery withEcs(EcsState value) {
    return new Recovery(scenario, resource, executionName, environment, trigger, options, database, cache, value,
        services, verification, plan, timeline, error, approval);
  }

  /**
   * When the scenario's secret was repointed (database or Redis URL), or null: services whose newest deployment is
   * younger already run with the new value.
   */
  public java.time.Instant repointedAt() {
    if (database != null && database.secret() != null && database.secret().updatedAt() != null) {
      return java.time.Instant.parse(database.secret().updatedAt());
    }
    if (cache != null && cache.secret() != null && cache.secret().updatedAt() != null) {
      return java.time.Instant.parse(cache.secret().updatedAt());
    }
    return null;
  }

  public Recovery withServices(ServicesState value) {
    return new Recovery(scenario, resource, executionName, environment, trigger, options, database, cache, ecs,
        value, verification, plan, timeline, error, approval);
  }

  public Recovery withVerification(Verification value) {
    return new Recovery(scenario, resource, executionName, environment, trigger, options, database, cache, ecs,
        services, value, plan, timeline, error, approval);
  }

  public Recovery withError(JsonNode value) {
    return new Recovery(scenario, resource, executionName, environment, trigger, options, database, cache, ecs,
        services, verification, plan, timeline, value, approval);
  }

  public Recovery withApproval(JsonNode value) {
    return new Recovery(scenario, resource, executionName, environment, trigger, options, database, cache, ecs,
        services, verification, plan, timeline, error, value);
  }

  public Recovery withPlanned(PlannedCall call) {
    List<PlannedCall> next = new ArrayList<>(plan);
    next.add(call);
    return new Recovery(scenario, resource, executionName, environment, trigger, options, database, cache, ecs,
        services, verification, next, timeline, error, approval);
  }

  public Recovery log(TimelineEntry entry) {
    List<TimelineEntry> next = new ArrayList<>(timeline);
    next.add(entry);
    return new Recovery(scenario, resource, executionName, environment, trigger, options, database, cache, ecs,
        services, verification, plan, next, error, approval);
  }
}
