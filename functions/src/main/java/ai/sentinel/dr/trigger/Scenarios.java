package ai.sentinel.dr.trigger;

import java.util.List;

/** The runbook's scenarios, by the ids used in events/, manual payloads, state machine names and reports. */
public final class Scenarios {
  public static final String DATABASE_FAILURE = "database-failure";
  public static final String REDIS_FAILURE = "redis-failure";
  public static final String ECS_SERVICE_FAILURE = "ecs-service-failure";
  public static final String REGION_FAILURE = "region-failure";
  public static final String DATA_CORRUPTION = "data-corruption";
  public static final String SECURITY_INCIDENT = "security-incident";

  public static final List<String> ALL = List.of(DATABASE_FAILURE, REDIS_FAILURE, ECS_SERVICE_FAILURE,
      REGION_FAILURE, DATA_CORRUPTION, SECURITY_INCIDENT);

  /**
   * Testing Schedule, "Database snapshot restore" (monthly): the latest snapshot restored into a scratch instance,
   * verified, measured and deleted. Not a recovery: nothing in production changes. Always a drill.
   */
  public static final String DATABASE_RESTORE_TEST = "database-restore-test";

  /** The runbook's tests that are not recovery scenarios. */
  public static final List<String> TESTS = List.of(DATABASE_RESTORE_TEST);

  private Scenarios() {}
}
