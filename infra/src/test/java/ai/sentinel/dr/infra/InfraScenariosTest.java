package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CDK app's one list of scenarios agrees with the functions' and with what cdk.json may gate. */
class InfraScenariosTest {

  @Test
  void everyScenarioTheFunctionsKnowIsDeployableInTheSameOrder() {
    assertEquals(ScenarioRegistry.all().stream().map(Scenario::id).toList(),
        InfraScenarios.all().stream().map(InfraScenario::id).toList());
    ScenarioRegistry.all().forEach(s -> assertEquals(s.test(), InfraScenarios.all().stream()
        .filter(i -> i.id().equals(s.id())).findFirst().orElseThrow().test(), s.id()));
  }

  @Test
  void theGateableStepsAreTheScenarios() {
    assertEquals(EnvironmentConfig.Safety.GATEABLE_STEPS, InfraScenarios.gateableSteps());
  }

  @Test
  void stepFunctionsCarryTheirScenariosPackage() {
    assertEquals(java.util.Set.of("database", "redis", "ecs", "region", "corruption", "security"),
        Names.SCENARIO_PACKAGES);
    for (InfraScenario scenario : InfraScenarios.all()) {
      assertEquals(List.of(), InfraScenarios.all().stream().filter(s -> s != scenario && s.id().equals(scenario.id()))
          .toList(), "one entry per id: " + scenario.id());
    }
  }
}
