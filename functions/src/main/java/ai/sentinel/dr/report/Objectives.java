package ai.sentinel.dr.report;

import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The runbook's "Recovery Objectives" table as data: what every recovery and drill is measured against. A scenario
 * with several rows (Database Failure: "Single AZ" and "Complete") chooses the row of a recovery in its report part.
 */
public final class Objectives {

  /**
   * One row of the table.
   *
   * @param scenario runbook scenario id (the runbook names each scenario once, here)
   * @param name     the row as the runbook names it, e.g. "Database Failure (Complete)"
   * @param rto      recovery time objective
   * @param rtoText  the RTO as the runbook writes it, e.g. "30 minutes"
   * @param rpo      recovery point objective; null when the runbook sets none ("Variable", "N/A")
   * @param rpoText  the RPO as the runbook writes it, e.g. "1 hour", "Variable", "N/A"
   */
  public record Objective(String scenario, String name, Duration rto, String rtoText, Duration rpo, String rpoText) {}

  public static final Objective DATABASE_SINGLE_AZ = new Objective("database-failure",
      "Database Failure (Single AZ)", Duration.ofMinutes(5), "5 minutes", Duration.ZERO, "0 minutes");
  public static final Objective DATABASE_COMPLETE = new Objective("database-failure",
      "Database Failure (Complete)", Duration.ofMinutes(30), "30 minutes", Duration.ofHours(1), "1 hour");
  public static final Objective REDIS = new Objective("redis-failure",
      "Redis Failure", Duration.ofMinutes(15), "15 minutes", Duration.ofMinutes(5), "5 minutes");
  public static final Objective ECS_SERVICE = new Objective("ecs-service-failure",
      "ECS Service Failure", Duration.ofMinutes(10), "10 minutes", Duration.ZERO, "0 minutes");
  public static final Objective REGION = new Objective("region-failure",
      "Region Failure", Duration.ofHours(2), "2 hours", Duration.ofHours(1), "1 hour");
  public static final Objective DATA_CORRUPTION = new Objective("data-corruption",
      "Data Corruption", Duration.ofHours(1), "1 hour", null, "Variable");
  public static final Objective SECURITY_INCIDENT = new Objective("security-incident",
      "Security Incident", Duration.ofMinutes(30), "30 minutes", null, "N/A");

  /** Every row, in the runbook's order. */
  public static final List<Objective> ALL = List.of(DATABASE_SINGLE_AZ, DATABASE_COMPLETE, REDIS, ECS_SERVICE, REGION,
      DATA_CORRUPTION, SECURITY_INCIDENT);

  /** The runbook's scenarios, in its order: every id the table has a row for. */
  public static final List<String> RUNBOOK_SCENARIOS = ALL.stream().map(Objective::scenario).distinct().toList();

  private Objectives() {}

  /** The rows of one scenario (one or two; none for an id the table does not know). */
  public static List<Objective> forScenario(String scenario) {
    return ALL.stream().filter(o -> o.scenario().equals(scenario)).toList();
  }

  /**
   * The row a recovery is measured against: the scenario's report part chooses among its rows (for example by the
   * runbook option); a scenario no plug-in registers is measured against its row when the table has exactly one.
   * Without a choice the row is unknown rather than guessed, so nothing is passed or failed against it.
   */
  public static Optional<Objective> forRecovery(String scenario, String option) {
    return ScenarioRegistry.find(scenario)
        .map(s -> s.report().objective(option, s.objectives()))
        .orElseGet(() -> UnregisteredScenario.of(scenario).objective(option, forScenario(scenario)));
  }
}
