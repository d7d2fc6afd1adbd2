package ai.sentinel.dr.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.report.Objectives.Objective;
import java.time.Duration;
import java.util.Optional;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runbook's Recovery Objectives table, row by row. */
class ObjectivesTest {

  @Test
  void theTableAsTheRunbookWritesIt() {
    assertEquals(7, Objectives.ALL.size());
    row(Objectives.DATABASE_SINGLE_AZ, "Database Failure (Single AZ)", Duration.ofMinutes(5), Duration.ZERO);
    row(Objectives.DATABASE_COMPLETE, "Database Failure (Complete)", Duration.ofMinutes(30), Duration.ofHours(1));
    row(Objectives.REDIS, "Redis Failure", Duration.ofMinutes(15), Duration.ofMinutes(5));
    row(Objectives.ECS_SERVICE, "ECS Service Failure", Duration.ofMinutes(10), Duration.ZERO);
    row(Objectives.REGION, "Region Failure", Duration.ofHours(2), Duration.ofHours(1));
    row(Objectives.DATA_CORRUPTION, "Data Corruption", Duration.ofHours(1), null);
    row(Objectives.SECURITY_INCIDENT, "Security Incident", Duration.ofMinutes(30), null);
    assertEquals("Variable", Objectives.DATA_CORRUPTION.rpoText());
    assertEquals("N/A", Objectives.SECURITY_INCIDENT.rpoText());
  }

  private static void row(Objective o, String name, Duration rto, Duration rpo) {
    assertEquals(name, o.name());
    assertEquals(rto, o.rto());
    if (rpo == null) {
      assertNull(o.rpo(), name);
    } else {
      assertEquals(rpo, o.rpo(), name);
    }
    assertTrue(Objectives.ALL.contains(o));
  }

  @Test
  void everyScenarioHasItsRows() {
    List<String> runbook = List.of("database-failure", "redis-failure", "ecs-service-failure", "region-failure",
        "data-corruption", "security-incident");
    assertEquals(runbook, Objectives.RUNBOOK_SCENARIOS, "the runbook's six scenarios, in its order");
    for (String scenario : runbook) {
      assertFalse(Objectives.forScenario(scenario).isEmpty(), scenario);
    }
    assertEquals(2, Objectives.forScenario("database-failure").size());
    assertTrue(Objectives.forScenario("nope").isEmpty());
  }

  @Test
  void theDatabaseRowIsChosenByTheRunbookOption() {
    assertEquals(Optional.of(Objectives.DATABASE_SINGLE_AZ), Objectives.forRecovery("database-failure", "A"));
    assertEquals(Optional.of(Objectives.DATABASE_COMPLETE), Objectives.forRecovery("database-failure", "B"));
    assertEquals(Optional.of(Objectives.DATABASE_COMPLETE), Objectives.forRecovery("database-failure", "C"));
    assertEquals(Optional.empty(), Objectives.forRecovery("database-failure", null), "undecided: not guessed");
    assertEquals(Optional.of(Objectives.REDIS), Objectives.forRecovery("redis-failure", null));
    assertEquals(Optional.empty(), Objectives.forRecovery(null, null));
  }
}
