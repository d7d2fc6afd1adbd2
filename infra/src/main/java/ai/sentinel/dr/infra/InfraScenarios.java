package ai.sentinel.dr.infra;

import ai.sentinel.dr.infra.database.DatabaseInfraScenario;
import ai.sentinel.dr.infra.database.RestoreTestInfraScenario;
import ai.sentinel.dr.infra.ecs.EcsInfraScenario;
import ai.sentinel.dr.infra.redis.RedisInfraScenario;
import ai.sentinel.dr.trigger.TriggerPatterns;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Every scenario the CDK app deploys, in runbook order: the one list a new scenario is added to. The order is the
 * stack's (state machines, STATE_MACHINE_ARNS); a test comes after the recovery whose functions it reuses.
 */
public final class InfraScenarios {
  private static final List<InfraScenario> ALL = List.of(
      new DatabaseInfraScenario(),
      new RedisInfraScenario(),
      new EcsInfraScenario(),
      new RestoreTestInfraScenario());

  private InfraScenarios() {}

  /** Every registered scenario and test, in runbook order. */
  public static List<InfraScenario> all() {
    return ALL;
  }

  /** The scenarios and tests {@code config}'s environment deploys, in runbook order. */
  public static List<InfraScenario> deployed(EnvironmentConfig config) {
    return ALL.stream().filter(s -> s.deployedIn(config)).toList();
  }

  /** Every step some scenario lets an environment gate, without repeats (UpdateSecret is gate-able twice). */
  public static List<String> gateableSteps() {
    return List.copyOf(new LinkedHashSet<>(ALL.stream().flatMap(s -> s.gateableSteps().stream()).toList()));
  }

  /**
   * What the deployed EventBridge patterns are scoped to: the same {@link TriggerPatterns.Scope} the responders build
   * from their configuration. It names each scenario's settings until TriggerPatterns takes them per scenario.
   */
  static TriggerPatterns.Scope triggerScope(EnvironmentConfig config) {
    return new TriggerPatterns.Scope(config.database().instanceId(), config.alarmRoutes(),
        config.redis() == null ? null : config.redis().clusterId(), config.ecs().cluster(), config.ecs().services(),
        config.ecs().targetGroups());
  }
}
