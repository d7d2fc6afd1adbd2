package ai.sentinel.dr.infra.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.SimulationStack;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.report.ScheduledSimulation;
import ai.sentinel.dr.security.SecuritySettings;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import ai.sentinel.dr.trigger.ManualResponder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quarterly full DR simulation plans Scenario 6 in an environment that does not schedule its own security drill
 * (prod sets no {@code drills.securityIncidentTest}): the scheduled payload must be one the ManualResponder starts as a
 * dry-run plan of an active breach, not one it refuses for naming nothing to contain.
 */
class SecuritySimulationTest {
  private static final String QUARTERLY = "cron(0 6 15 3/3 ? *)";

  @Test
  void withoutItsOwnDrillTheSimulationStillPlansAnActiveBreach() {
    EnvironmentConfig prod = Synth.load("prod");
    assertEquals(null, prod.drills().test(SecuritySettings.SECTION.drill().field()), "prod schedules no security "
        + "drill of its own: the simulation's target is SecurityInfraScenario.simulation()");
    EnvironmentConfig withSimulation = prod.withDrills(new EnvironmentConfig.Drills(prod.drills().tests(), QUARTERLY));
    // the drill as the simulation stack configures it and its function sends it
    ScheduledSimulation.Drill drill = SimulationStack.drills(withSimulation).stream()
        .filter(d -> d.scenario().equals("security-incident")).findFirst()
        .orElseThrow(() -> new AssertionError("the simulation drills Scenario 6"));
    @SuppressWarnings("unchecked")
    Map<String, Object> payload = new LinkedHashMap<>((Map<String, Object>) ScheduledSimulation.fill(drill.payload(),
        "2026-03-15T06:00:00Z"));
    payload.put("requestId", "sim-1-security-incident");
    payload.put("reason", "full DR simulation at 2026-03-15T06:00:00Z");
    String security = Json.write(payload);
    EventClassifier classifier = classifier(withSimulation);
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
