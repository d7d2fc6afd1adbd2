package ai.sentinel.dr.infra.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.health.HealthSettings;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.redis.RedisSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The appendix's health check as deployed: a read-only function on the cdk.json schedule, given only the sections it
 * reads, one alarm per published check and the composite "platform unhealthy", none with an action.
 */
class PlatformHealthScheduleTest {
  private static final String FUNCTION = "dev-sentinel-dr-platform-health-check";

  @Test
  void devRunsTheCheckEveryFiveMinutesWithOnlyTheSectionsItReads() {
    Synth dev = Synth.of("dev");
    JsonNode rule = dev.properties("AWS::Events::Rule").stream()
        .filter(r -> "dev-sentinel-dr-health-check".equals(r.path("Name").asText())).findFirst().orElseThrow();
    assertEquals("rate(5 minutes)", rule.path("ScheduleExpression").asText());
    assertTrue(rule.path("Targets").path(0).path("Arn").path("Ref").asText().startsWith("HealthCheck"),
        rule.toString());
    JsonNode variables = dev.function(FUNCTION).path("Environment").path("Variables");
    assertEquals("sentinel-db", Synth.section(variables, DatabaseSettings.class).path("instanceId").asText());
    assertEquals("sentinel-redis", Synth.section(variables, RedisSettings.class).path("clusterId").asText());
    assertEquals("sentinel-production", Synth.section(variables, EcsSettings.class).path("cluster").asText());
    assertEquals("rate(5 minutes)", Synth.section(variables, HealthSettings.class).path("schedule").asText());
    List<String> sections = new ArrayList<>();
    variables.fieldNames().forEachRemaining(n -> {
      if (n.startsWith("SETTINGS_")) {
        sections.add(n);
      }
    });
    assertEquals(List.of("SETTINGS_DATABASE", "SETTINGS_ECS", "SETTINGS_REDIS", "SETTINGS_HEALTHCHECK"),
        sections.stream().sorted((a, b) -> order(a) - order(b)).toList());
  }

  private static int order(String variable) {
    return List.of("SETTINGS_DATABASE", "SETTINGS_ECS", "SETTINGS_REDIS", "SETTINGS_HEALTHCHECK").indexOf(variable);
  }

  @Test
  void theFunctionMayOnlyDescribeTheProtectedResources() {
    Synth dev = Synth.of("dev");
    String policies = dev.properties("AWS::IAM::Policy").stream()
        .filter(p -> p.path("PolicyName").toString().contains("HealthCheck")).map(JsonNode::toString)
        .reduce("", String::concat);
    assertTrue(policies.contains("rds:DescribeDBInstances") && policies.contains(":db:sentinel-db"), policies);
    assertTrue(policies.contains("elasticache:DescribeCacheClusters") && policies.contains(":cluster:sentinel-redis"),
        policies);
    assertTrue(policies.contains("service/sentinel-production/sentinel-api"), policies);
    // after a recovery the check follows the connection secrets to the replacement in use
    assertTrue(policies.contains(":db:sentinel-db-recovery") && policies.contains(":db:sentinel-db-pitr")
        && policies.contains(":cluster:sentinel-redis-recovery"), policies);
    assertTrue(policies.contains("secretsmanager:GetSecretValue") && policies.contains("sentinel/database-url-??????")
        && policies.contains("sentinel/redis-url-??????"), policies);
    for (String verb : List.of("Create", "Delete", "Update", "Modify", "Put", "Reboot", "Restore", "Publish")) {
      assertFalse(policies.matches("(?s).*\"(?!logs:)[a-z0-9-]+:" + verb + "[A-Za-z]*\".*"),
          verb + " granted to the health check: " + policies);
    }
  }

  @Test
  void oneAlarmPerPublishedCheckAndACompositeThatStartsNothing() {
    Synth prod = Synth.of("prod");
    List<String> names = prod.properties("AWS::CloudWatch::Alarm").stream()
        .map(a -> a.path("AlarmName").asText()).filter(n -> n.contains("-health-")).toList();
    assertEquals(List.of("prod-sentinel-dr-health-rds", "prod-sentinel-dr-health-redis",
        "prod-sentinel-dr-health-ecs", "prod-sentinel-dr-health-alb", "prod-sentinel-dr-health-api"), names);
    for (JsonNode alarm : prod.properties("AWS::CloudWatch::Alarm")) {
      if (alarm.path("AlarmName").asText().contains("-health-")) {
        assertEquals("SentinelDR", alarm.path("Namespace").asText());
        assertEquals("prod", alarm.path("Dimensions").path(0).path("Value").asText());
        assertEquals(2, alarm.path("Threshold").asInt(), "FAIL is 2");
        assertEquals(2, alarm.path("DatapointsToAlarm").asInt());
        assertFalse(alarm.path("ActionsEnabled").asBoolean(true), alarm.toString());
        assertTrue(alarm.path("AlarmActions").isMissingNode(), alarm.toString());
      }
    }
    List<JsonNode> composite = prod.properties("AWS::CloudWatch::CompositeAlarm");
    assertEquals(1, composite.size());
    assertEquals("prod-sentinel-dr-platform-unhealthy", composite.get(0).path("AlarmName").asText());
    assertFalse(composite.get(0).path("ActionsEnabled").asBoolean(true));
    assertTrue(composite.get(0).path("AlarmActions").isMissingNode());
    String rule = composite.get(0).path("AlarmRule").toString();
    assertEquals(5, rule.split("ALARM\\(").length - 1, rule);
  }

  @Test
  void devHasNoHealthUrlSoNoApiAlarm() {
    List<String> names = Synth.of("dev").properties("AWS::CloudWatch::Alarm").stream()
        .map(a -> a.path("AlarmName").asText()).filter(n -> n.contains("-health-")).toList();
    assertEquals(List.of("dev-sentinel-dr-health-rds", "dev-sentinel-dr-health-redis", "dev-sentinel-dr-health-ecs",
        "dev-sentinel-dr-health-alb"), names);
  }

  @Test
  void withoutTheSectionNothingIsScheduledAndABadScheduleNamesTheField() {
    ObjectNode environments = (ObjectNode) Json.tree(readCdkJson()).path("context").path("environments");
    ObjectNode dev = (ObjectNode) environments.get("dev");
    dev.putObject("healthCheck").put("schedule", "every 5 minutes");
    EnvironmentConfig.InvalidConfigException e = assertThrows(EnvironmentConfig.InvalidConfigException.class,
        () -> EnvironmentConfig.load(environments, "dev"));
    assertTrue(e.getMessage().contains("Invalid environment 'dev'") && e.getMessage().contains(
        "healthCheck.schedule must be an EventBridge schedule expression"), e.getMessage());
    dev.putObject("healthCheck");
    e = assertThrows(EnvironmentConfig.InvalidConfigException.class, () -> EnvironmentConfig.load(environments,
        "dev"));
    assertTrue(e.getMessage().contains("healthCheck.schedule is missing"), e.getMessage());
    dev.remove("healthCheck");
    EnvironmentConfig without = EnvironmentConfig.load(environments, "dev");
    assertTrue(without.settings(HealthSettings.class).isEmpty());
    Synth synth = Synth.of("dev without healthCheck", () -> without);
    assertTrue(synth.properties("AWS::CloudWatch::CompositeAlarm").isEmpty());
    assertTrue(synth.properties("AWS::Events::Rule").stream()
        .noneMatch(r -> r.path("Name").asText().endsWith("-health-check")));
  }

  private static String readCdkJson() {
    try {
      return java.nio.file.Files.readString(ai.sentinel.dr.infra.RepoPaths.cdkJson(
          ai.sentinel.dr.infra.RepoPaths.root()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
