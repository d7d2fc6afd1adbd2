package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.infra.corruption.CorruptionInfraScenario;
import ai.sentinel.dr.infra.database.DatabaseInfraScenario;
import ai.sentinel.dr.infra.database.RestoreTestInfraScenario;
import ai.sentinel.dr.infra.ecs.EcsInfraScenario;
import ai.sentinel.dr.infra.redis.RedisInfraScenario;
import ai.sentinel.dr.infra.region.RegionFailbackInfraScenario;
import ai.sentinel.dr.infra.region.RegionInfraScenario;
import ai.sentinel.dr.infra.security.SecurityInfraScenario;
import ai.sentinel.dr.trigger.AlarmResponder;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Every scenario the CDK app deploys, in runbook order: the one list a new scenario is added to. The order is the
 * stack's (state machines, STATE_MACHINE_ARNS); a test comes after the recovery whose functions it reuses.
 */
public final class InfraScenarios {
  private static final List<InfraScenario> ALL = List.of(
      new DatabaseInfraScenario(),
      new RedisInfraScenario(),
      new EcsInfraScenario(),
      new RegionInfraScenario(),
      new RegionFailbackInfraScenario(),
      new CorruptionInfraScenario(),
      new SecurityInfraScenario(),
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
   * What the deployed EventBridge patterns are scoped to: the environment as the responders read it (the variables
   * every function gets, plus placeholders for values only known once deployed, which no pattern uses), so the
   * deployed patterns are exactly those the responders match.
   */
  static DrConfig triggerScope(EnvironmentConfig config) {
    // a responder's environment: every settings section the environment has
    Map<String, String> env = new LinkedHashMap<>(config.lambdaEnvironment(AlarmResponder.class));
    env.put(Vars.REGION, config.region());
    env.put(Vars.NOTIFY_TOPIC_ARN, "deployed-by-the-stack");
    return DrConfig.fromEnv(env);
  }
}
