package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runbook's Testing Schedule: EventBridge schedules that start drills through the ManualResponder (the
 * snapshot-restore test's own state machine: {@code database/DatabaseRecoveryStackTest}).
 */
class ScheduledDrillsTest {
  private static Synth dev;
  private static Synth prod;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
    prod = Synth.of("prod");
  }

  private static Map<String, JsonNode> schedules(Synth synth) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    // the Testing Schedule's rules (<prefix>-drill-*), not Scenario 6's hourly prune of expired blocks
    synth.properties("AWS::Events::Rule").stream().filter(r -> r.has("ScheduleExpression")
            && r.path("Name").asText().contains("-drill-"))
        .forEach(r -> out.put(r.path("Name").asText(), r));
    return out;
  }

  @Test
  void devSchedulesEachTestOfTheTestingScheduleAsADrillThroughTheManualResponder() throws Exception {
    Map<String, JsonNode> rules = schedules(dev);
    assertEquals(List.of("dev-sentinel-dr-drill-database-restore", "dev-sentinel-dr-drill-redis-recovery",
        "dev-sentinel-dr-drill-ecs-recovery", "dev-sentinel-dr-drill-security-incident"),
        List.copyOf(rules.keySet()));
    assertEquals("cron(0 3 1 * ? *)", rules.get("dev-sentinel-dr-drill-database-restore")
        .path("ScheduleExpression").asText(), "monthly");
    assertEquals("cron(0 5 ? * MON *)", rules.get("dev-sentinel-dr-drill-ecs-recovery")
        .path("ScheduleExpression").asText(), "weekly");
    for (JsonNode rule : rules.values()) {
      JsonNode target = rule.path("Targets").path(0);
      assertTrue(target.path("Arn").path("Ref").asText().startsWith("TriggersManualResponderLive"),
          target.toString());
      String input = target.path("InputTransformer").path("InputTemplate").asText();
      assertTrue(input.contains("\"drill\":true"), input);
      assertTrue(input.contains("\"requestId\":<aws.events.event.id>")
          || input.contains("\"requestId\":\"<aws.events.event.id>\"") || input.contains("<id>"),
          "each run is a new drill, a redelivered event the same one: " + input);
    }
    String redis = rules.get("dev-sentinel-dr-drill-redis-recovery").path("Targets").path(0)
        .path("InputTransformer").path("InputTemplate").asText();
    assertTrue(redis.contains("\"runbook\":\"redis-failure\"") && redis.contains("\"dryRun\":true"),
        "a real Redis recovery would repoint production: the scheduled one is a plan: " + redis);
    String ecs = rules.get("dev-sentinel-dr-drill-ecs-recovery").path("Targets").path(0)
        .path("InputTransformer").path("InputTemplate").asText();
    assertTrue(ecs.contains("\"resource\":\"sentinel-api\""), ecs);
    JsonNode security = rules.get("dev-sentinel-dr-drill-security-incident");
    assertEquals("cron(0 7 1 2/3 ? *)", security.path("ScheduleExpression").asText(), "quarterly");
    String incident = security.path("Targets").path(0).path("InputTransformer").path("InputTemplate").asText();
    assertTrue(incident.contains("\"runbook\":\"security-incident\"") && incident.contains("\"activeBreach\":true")
        && incident.contains("\"dryRun\":true"), "an active breach rehearsed as a plan: " + incident);
  }

  /**
   * Every scheduled payload is accepted by the ManualResponder's classifier even where recoveries are real (DRY_RUN
   * false): a drill of a recovery runbook is a plan, so the schedule never asks for a real run marked as a drill
   * (which the responder rejects: issue 10).
   */
  @Test
  void everyScheduledDrillIsAcceptedAndNoDrillOfARecoveryIsARealRun() {
    Map<String, String> env = new LinkedHashMap<>(dev.config.lambdaEnvironment(
        ai.sentinel.dr.trigger.ManualResponder.class));
    env.put("DRY_RUN", "false");
    env.put("AWS_REGION", dev.config.region());
    env.put("NOTIFY_TOPIC_ARN", "arn:aws:sns:" + dev.config.region() + ":123456789012:dev-sentinel-dr-notifications");
    Map<String, String> machines = new LinkedHashMap<>();
    dev.config.deployedScenarios().forEach(id -> machines.put(id, "arn:aws:states:us-east-1:123456789012:"
        + "stateMachine:dev-sentinel-dr-" + id));
    env.put("STATE_MACHINE_ARNS", ai.sentinel.dr.common.Json.write(machines));
    var classifier = new ai.sentinel.dr.trigger.EventClassifier(ai.sentinel.dr.common.DrConfig.fromEnv(env),
        java.time.Clock.systemUTC());
    for (JsonNode rule : schedules(dev).values()) {
      String input = rule.path("Targets").path(0).path("InputTransformer").path("InputTemplate").asText()
          .replace("\"<aws.events.event.id>\"", "\"7bf73129-1428-4cd3-a780-95db273d1602\"")
          .replace("<aws.events.event.id>", "\"7bf73129-1428-4cd3-a780-95db273d1602\"")
          .replace("\"<id>\"", "\"7bf73129-1428-4cd3-a780-95db273d1602\"")
          .replace("<id>", "\"7bf73129-1428-4cd3-a780-95db273d1602\"");
      var c = classifier.classify(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertEquals("start", c.action(), rule.path("Name").asText() + ": " + c.reason());
      assertEquals("drill", c.trigger().kind(), input);
      boolean test = c.scenario().equals("database-restore-test");
      assertTrue(test || c.options().dryRun(), "a drill of a recovery is a plan: " + input);
    }
  }

  @Test
  void offUnlessTheEnvironmentTurnsThemOn() {
    assertTrue(schedules(prod).isEmpty(), "prod has no drills section");
  }

  @Test
  void invalidDrillsAreRefusedWithTheirPath() throws Exception {
    JsonNode envs = Synth.JSON.readTree(java.nio.file.Files.readString(RepoPaths.cdkJson(RepoPaths.root())))
        .path("context").path("environments").deepCopy();
    ObjectNode drills = (ObjectNode) envs.get("dev").get("drills");
    drills.put("databaseRestoreTest", "every month");
    ((ObjectNode) drills.get("ecsRecoveryTest")).put("service", "sentinel-web");
    EnvironmentConfig.InvalidConfigException e = assertThrows(EnvironmentConfig.InvalidConfigException.class,
        () -> EnvironmentConfig.load(envs, "dev"));
    assertTrue(e.getMessage().contains("drills.databaseRestoreTest must be an EventBridge schedule expression"),
        e.getMessage());
    assertTrue(e.getMessage().contains("drills.ecsRecoveryTest.service 'sentinel-web' is not one of ecs.services"),
        e.getMessage());
  }
}
