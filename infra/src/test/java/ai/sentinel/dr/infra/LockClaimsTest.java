package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.recovery.AcquireLock;
import ai.sentinel.dr.recovery.RestartServices;
import ai.sentinel.dr.safety.Claim;
import ai.sentinel.dr.safety.LockedResource;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every deployed recovery that restarts the ECS services locks them: a scenario declares what it mutates
 * ({@link Scenario#mutates}), and this holds for every registered scenario, a new one included, whatever it names its
 * steps. Checked against the synthesized state machines, so a scenario cannot forget the shared restart.
 */
class LockClaimsTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", "local"})
  void aRecoveryThatRestartsTheServicesLocksThem(String env) {
    Synth synth = Synth.of(env);
    EnvironmentConfig config = Synth.load(env);
    Map<String, String> vars = new HashMap<>(config.lambdaEnvironment(AcquireLock.class));
    vars.put(Vars.NOTIFY_TOPIC_ARN, "arn:aws:sns:us-east-1:123456789012:t");
    vars.put(Vars.REGION, "us-east-1");
    // AcquireLock and Notify compute the claim from exactly these variables
    DrConfig functions = DrConfig.fromEnv(vars);
    List<LockedResource> services = RestartServices.targets(functions);
    assertFalse(services.isEmpty(), env + " configures services to restart");
    int restarting = 0;
    for (Scenario scenario : ScenarioRegistry.all()) {
      String name = Names.stateMachine(config.prefix(), scenario.id());
      boolean deployed = synth.properties("AWS::StepFunctions::StateMachine").stream()
          .anyMatch(p -> name.equals(p.path("StateMachineName").asText()));
      if (!deployed) {
        continue;
      }
      JsonNode definition = synth.definition(scenario.id());
      if (!definition.toString().contains("SharedStepsRestartServices")) {
        continue;
      }
      restarting++;
      Claim claim = Claim.of(scenario, "the-resource", functions);
      assertTrue(claim.resources().containsAll(services), scenario.id() + " restarts " + services
          + " but locks only " + claim.resources() + ": declare RestartServices.targets(config) in mutates()");
    }
    assertTrue(restarting >= 2, "the database and Redis recoveries restart the services in " + env);
  }
}
