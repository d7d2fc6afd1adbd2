package ai.sentinel.dr.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.report.Objectives;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioRegistryTest {

  @Test
  void everyScenarioHasOneIdAndIsMeasuredAgainstTheRunbooksObjectives() {
    List<String> ids = ScenarioRegistry.all().stream().map(Scenario::id).toList();
    assertEquals(ids.stream().distinct().toList(), ids, "ids are unique");
    for (Scenario s : ScenarioRegistry.all()) {
      assertFalse(s.objectives().isEmpty(), s.id() + " has objectives");
      assertTrue(Objectives.ALL.containsAll(s.objectives()), s.id() + ": rows of the runbook's table");
      assertFalse(s.title().isBlank(), s.id());
    }
  }

  @Test
  void testsAreNotRecoveries() {
    assertTrue(ScenarioRegistry.recoveries().stream().noneMatch(Scenario::test));
    assertTrue(ScenarioRegistry.get("database-restore-test").test());
    assertEquals(List.of("database-failure", "redis-failure", "ecs-service-failure", "region-failure",
        "region-failback", "data-corruption",
        "security-incident"),
        ScenarioRegistry.recoveries().stream().map(Scenario::id).toList());
  }

  @Test
  void anUnknownIdNamesTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScenarioRegistry.get("nope"));
    assertTrue(e.getMessage().contains("redis-failure"), e.getMessage());
  }
}
