package ai.sentinel.dr.infra.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.security.SecuritySettings;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import ai.sentinel.dr.trigger.ManualResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quarterly full DR simulation plans Scenario 6 in an environment that does not schedule its own security drill
 * (prod sets no {@code drills.securityIncidentTest}): the scheduled payload must be one the ManualResponder starts as a
 * dry-run plan of an active breach, not one it refuses for naming nothing to contain.
 */
class SecuritySimulationTest {
  private static final String QUARTERLY = "cron(0 6 15 3/3 ? *)";
  private static final String ID = "\"7bf73129-1428-4cd3-a780-95db273d1602\"";

  @Test
  void withoutItsOwnDrillTheSimulationStillPlansAnActiveBreach() {
    EnvironmentConfig prod = Synth.load("prod");
    assertEquals(null, prod.drills().test(SecuritySettings.SECTION.drill().field()), "prod schedules no security "
        + "drill of its own: the simulation's target is SecurityInfraScenario.simulation()");
    Synth synth = Synth.of("prod with the full simulation", () -> Synth.load("prod")
        .withDrills(new EnvironmentConfig.Drills(prod.drills().tests(), QUARTERLY)));
    List<JsonNode> rules = synth.properties("AWS::Events::Rule").stream()
        .filter(r -> r.path("Name").asText().endsWith("-drill-full-simulation")).toList();
    assertEquals(1, rules.size(), rules.toString());

    EventClassifier classifier = classifier(synth.config);
    String security = null;
    for (JsonNode target : rules.get(0).path("Targets")) {
      String input = target.path("InputTransformer").path("InputTemplate").asText()
          .replace("\"<id>\"", ID).replace("<id>", ID)
          .replace(":\"<time>\"", ":\"2026-03-15T06:00:00Z\"").replace(":<time>", ":\"2026-03-15T06:00:00Z\"");
      if (input.contains("\"runbook\":\"security-incident\"")) {
        security = input;
      }
    }
    assertTrue(security != null, "the simulation drills Scenario 6: " + rules.get(0).path("Targets"));
    Classification c = classifier.classify(security.getBytes(StandardCharsets.UTF_8));
    assertEquals("start", c.action(), security + ": " + c.reason());
    assertEquals("security-incident", c.scenario());
    assertTrue(c.options().dryRun(), "a plan: " + security);
    assertEquals(true, c.trigger().detail().path("activeBreach").asBoolean(), c.trigger().detail().toString());
  }

  private static EventClassifier classifier(EnvironmentConfig config) {
    Map<String, String> env = new LinkedHashMap<>(config.lambdaEnvironment(ManualResponder.class));
    env.put("DRY_RUN", "false");
    env.put("AWS_REGION", config.region());
    env.put("NOTIFY_TOPIC_ARN", "arn:aws:sns:" + config.region() + ":123456789012:prod-sentinel-dr-notifications");
    Map<String, String> machines = new LinkedHashMap<>();
    config.deployedScenarios().forEach(id -> machines.put(id, "arn:aws:states:" + config.region()
        + ":123456789012:stateMachine:prod-sentinel-dr-" + id));
    env.put("STATE_MACHINE_ARNS", Json.write(machines));
    return new EventClassifier(DrConfig.fromEnv(env), Clock.fixed(Instant.parse("2026-03-15T06:00:30Z"),
        ZoneOffset.UTC));
  }
}
