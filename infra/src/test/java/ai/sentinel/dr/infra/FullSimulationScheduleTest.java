package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Testing Schedule's quarterly "Full DR simulation" in CDK (cdk.json {@code drills.fullSimulation}): off unless
 * set (dev's stack is at 495 of CloudFormation's 500 resources), one rule with a dry-run drill of every deployed
 * recovery through the ManualResponder when set, and the field validated with the environment's name.
 */
class FullSimulationScheduleTest {
  private static final String QUARTERLY = "cron(0 6 15 3/3 ? *)";
  private static final String RULE = "dev-sentinel-dr-drill-full-simulation";
  private static final String ID = "\"7bf73129-1428-4cd3-a780-95db273d1602\"";
  private static final String TIME = "\"2026-03-15T06:00:00Z\"";

  private static List<JsonNode> simulationRules(Synth synth) {
    return synth.properties("AWS::Events::Rule").stream()
        .filter(r -> r.path("Name").asText().endsWith("-drill-full-simulation")).toList();
  }

  @Test
  void offUnlessCdkJsonSetsIt() {
    assertTrue(simulationRules(Synth.of("dev")).isEmpty(), "dev does not set drills.fullSimulation");
    assertTrue(simulationRules(Synth.of("prod")).isEmpty(), "prod does not set drills.fullSimulation");
    assertEquals(null, Synth.load("dev").drills().fullSimulation());
  }

  @Test
  void whenSetOneRuleDrillsEveryDeployedRecoveryAsAPlanInTwoResources() {
    Synth dev = Synth.of("dev");
    EnvironmentConfig.Drills drills = dev.config.drills();
    Synth withSimulation = Synth.of("dev with the full simulation", () -> Synth.load("dev")
        .withDrills(new EnvironmentConfig.Drills(drills.tests(), QUARTERLY)));

    List<JsonNode> rules = simulationRules(withSimulation);
    assertEquals(1, rules.size(), rules.toString());
    JsonNode rule = rules.get(0);
    assertEquals(RULE, rule.path("Name").asText());
    assertEquals(QUARTERLY, rule.path("ScheduleExpression").asText());
    int added = withSimulation.json.path("Resources").size() - dev.json.path("Resources").size();
    assertEquals(2, added, "the rule and its one invoke permission");
    assertTrue(withSimulation.json.path("Resources").size() <= 500, "under CloudFormation's 500 resources");

    // every target: the ManualResponder, a drill that is a plan, accepted by its classifier where recoveries are real
    var classifier = classifier(dev);
    List<String> runbooks = new ArrayList<>();
    for (JsonNode target : rule.path("Targets")) {
      assertTrue(target.path("Arn").path("Ref").asText().startsWith("TriggersManualResponderLive"), target.toString());
      String input = target.path("InputTransformer").path("InputTemplate").asText()
          .replace("\"<id>\"", ID).replace("<id>", ID)
          // the window's start is the event's time (a whole value); the reason only quotes it
          .replace(":\"<time>\"", ":" + TIME).replace(":<time>", ":" + TIME);
      var c = classifier.classify(input.getBytes(StandardCharsets.UTF_8));
      assertEquals("start", c.action(), input + ": " + c.reason());
      assertEquals("drill", c.trigger().kind(), input);
      assertTrue(c.options().dryRun(), "a drill of a recovery is a plan: " + input);
      runbooks.add(c.scenario());
    }
    assertEquals(List.of("database-failure", "redis-failure", "ecs-service-failure", "data-corruption",
        "security-incident"), runbooks, "every recovery the stack deploys; the restore test keeps its own schedule");
  }

  private static ai.sentinel.dr.trigger.EventClassifier classifier(Synth dev) {
    Map<String, String> env = new LinkedHashMap<>(dev.config.lambdaEnvironment(
        ai.sentinel.dr.trigger.ManualResponder.class));
    env.put("DRY_RUN", "false");
    env.put("AWS_REGION", dev.config.region());
    env.put("NOTIFY_TOPIC_ARN", "arn:aws:sns:" + dev.config.region() + ":123456789012:dev-sentinel-dr-notifications");
    Map<String, String> machines = new LinkedHashMap<>();
    dev.config.deployedScenarios().forEach(id -> machines.put(id, "arn:aws:states:us-east-1:123456789012:"
        + "stateMachine:dev-sentinel-dr-" + id));
    env.put("STATE_MACHINE_ARNS", Json.write(machines));
    return new ai.sentinel.dr.trigger.EventClassifier(ai.sentinel.dr.common.DrConfig.fromEnv(env),
        java.time.Clock.fixed(java.time.Instant.parse("2026-03-15T06:00:30Z"), java.time.ZoneOffset.UTC));
  }

  private static String problems(String field, String value) throws Exception {
    JsonNode envs = Synth.JSON.readTree(Files.readString(RepoPaths.cdkJson(RepoPaths.root())))
        .path("context").path("environments").deepCopy();
    ((ObjectNode) envs.get("prod")).putObject("drills").put(field, value);
    return assertThrows(EnvironmentConfig.InvalidConfigException.class, () -> EnvironmentConfig.load(envs, "prod"))
        .getMessage();
  }

  @Test
  void aBadScheduleIsRefusedNamingTheEnvironmentAndTheField() throws Exception {
    String notASchedule = problems("fullSimulation", "every quarter");
    assertTrue(notASchedule.startsWith("Invalid environment 'prod'"), notASchedule);
    assertTrue(notASchedule.contains("drills.fullSimulation must be an EventBridge schedule expression like "
        + "cron(0 3 1 * ? *) or rate(7 days), got \"every quarter\""), notASchedule);

    String hourly = problems("fullSimulation", "rate(1 hour)");
    assertTrue(hourly.startsWith("Invalid environment 'prod'"), hourly);
    assertTrue(hourly.contains("drills.fullSimulation drills every recovery at once: schedule it at most daily"),
        hourly);

    String typo = problems("fullSimulations", QUARTERLY);
    assertTrue(typo.contains("unknown field 'drills.fullSimulations'") && typo.contains("fullSimulation"), typo);

    JsonNode envs = Synth.JSON.readTree(Files.readString(RepoPaths.cdkJson(RepoPaths.root())))
        .path("context").path("environments").deepCopy();
    ((ObjectNode) envs.get("prod")).putObject("drills").put("fullSimulation", QUARTERLY);
    EnvironmentConfig prod = EnvironmentConfig.load(envs, "prod");
    assertEquals(QUARTERLY, prod.drills().fullSimulation());
    assertFalse(prod.drills().tests().containsKey("fullSimulation"), "no scenario owns it");
  }
}
