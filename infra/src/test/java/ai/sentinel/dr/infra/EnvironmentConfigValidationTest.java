package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad field of cdk.json's shared sections fails with a message naming the environment and the field. */
class EnvironmentConfigValidationTest {
  private static JsonNode devWith(Consumer<ObjectNode> edit) throws IOException {
    return CdkJson.with("dev", edit);
  }

  private static String failure(Consumer<ObjectNode> edit) throws IOException {
    return CdkJson.failure("dev", edit);
  }

  static Stream<Arguments> badFields() {
    return Stream.of(
        bad("account", e -> e.put("account", "12345"), "account"),
        bad("account as a number", e -> e.put("account", 123456789012L), "account"),
        bad("region", e -> e.put("region", "virginia"), "region"),
        bad("missing region", e -> e.remove("region"), "region is missing"),
        bad("dryRun", e -> e.put("dryRun", "yes"), "dryRun"),
        bad("missing database", e -> e.remove("database"), "database is missing"),
        bad("instanceId", e -> db(e).put("instanceId", "1-bad"), "database.instanceId"),
        bad("instanceId too long", e -> db(e).put("instanceId", "a".repeat(55)), "database.instanceId"),
        bad("secretId", e -> db(e).remove("secretId"), "database.secretId is missing"),
        bad("secretId ARN", e -> db(e).put("secretId",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:sentinel/database-url-AbCdEf"), "not its ARN"),
        bad("instanceClass", e -> db(e).put("instanceClass", "t3.medium"), "database.instanceClass"),
        bad("subnetGroup", e -> db(e).put("subnetGroup", ""), "database.subnetGroup"),
        bad("securityGroups empty", e -> db(e).putArray("securityGroups"), "database.securityGroups"),
        bad("securityGroups id", e -> db(e).putArray("securityGroups").add("default"), "database.securityGroups"),
        bad("ecs cluster", e -> ((ObjectNode) e.get("ecs")).remove("cluster"), "ecs.cluster"),
        bad("ecs services", e -> ((ObjectNode) e.get("ecs")).put("services", "sentinel-api"), "ecs.services"),
        bad("emails", e -> ((ObjectNode) e.get("notifications")).putArray("emails").add("oncall"),
            "notifications.emails"),
        bad("missing notifications", e -> e.remove("notifications"), "notifications is missing"),
        bad("alarmRoutes scenario", e -> ((ObjectNode) e.get("alarmRoutes")).put("x", "database-outage"),
            "alarmRoutes.x"),
        bad("alarmRoutes type", e -> e.put("alarmRoutes", "sentinel-rds-connections"), "alarmRoutes"),
        bad("healthUrl http", e -> e.put("healthUrl", "http://api.sentinel.ai/health"), "healthUrl"),
        bad("pollSeconds zero", e -> e.put("pollSeconds", 0), "pollSeconds"),
        bad("pollSeconds text", e -> e.put("pollSeconds", "30"), "pollSeconds"),
        bad("maxPolls fraction", e -> e.put("maxPolls", 1.5), "maxPolls"),
        bad("verifyDbConnect", e -> e.put("verifyDbConnect", 1), "verifyDbConnect"),
        bad("verifyDbConnect without vpc", e -> e.put("verifyDbConnect", true), "no vpc"),
        bad("vpc subnets", e -> e.putObject("vpc").putArray("subnetIds"), "vpc.subnetIds"),
        bad("vpc security groups", e -> e.putObject("vpc").putArray("subnetIds").add("subnet-0123456789abcdef0"),
            "vpc.securityGroupIds"),
        bad("logRetentionDays", e -> e.put("logRetentionDays", 10), "logRetentionDays"),
        bad("unknown field", e -> e.put("dryrun", true), "unknown field 'dryrun'"),
        bad("safety type", e -> e.putArray("safety"), "safety must be an object"),
        bad("safety unknown field", e -> safety(e).put("approvers", "oncall"), "unknown field 'safety.approvers'"),
        bad("approvalSteps type", e -> safety(e).put("approvalSteps", "UpdateSecret"), "safety.approvalSteps"),
        bad("approvalSteps not gate-able", e -> safety(e).putArray("approvalSteps").add("Verify"),
            "safety.approvalSteps must hold gate-able step names"),
        bad("approvalSteps twice", e -> safety(e).putArray("approvalSteps").add("UpdateSecret").add("UpdateSecret"),
            "safety.approvalSteps lists \"UpdateSecret\" twice"),
        bad("approvalTimeoutMinutes zero", e -> safety(e).put("approvalTimeoutMinutes", 0),
            "safety.approvalTimeoutMinutes"),
        bad("approvalTimeoutMinutes text", e -> safety(e).put("approvalTimeoutMinutes", "60"),
            "safety.approvalTimeoutMinutes"),
        bad("approvalTimeoutMinutes beyond a year", e -> safety(e).put("approvalTimeoutMinutes", 525_601),
            "safety.approvalTimeoutMinutes"),
        bad("budget type", e -> safety(e).put("budget", 3), "safety.budget must be an object"),
        bad("budget unknown field", e -> budget(e).put("max", 3), "unknown field 'safety.budget.max'"),
        bad("budget maxAttempts zero", e -> budget(e).put("maxAttempts", 0), "safety.budget.maxAttempts"),
        bad("budget windowHours fraction", e -> budget(e).put("windowHours", 1.5), "safety.budget.windowHours"),
        bad("budget windowHours beyond a year", e -> budget(e).put("windowHours", 8761), "safety.budget.windowHours"),
        bad("lockLeaseMinutes negative", e -> safety(e).put("lockLeaseMinutes", -1), "safety.lockLeaseMinutes"),
        bad("lockLeaseMinutes boolean", e -> safety(e).put("lockLeaseMinutes", true), "safety.lockLeaseMinutes"),
        // a signal older than this starts nothing: minutes at least (alarms and redeliveries), at most a week
        bad("maxSignalAgeMinutes below five", e -> safety(e).put("maxSignalAgeMinutes", 2),
            "safety.maxSignalAgeMinutes must be at least 5"),
        bad("maxSignalAgeMinutes beyond a week", e -> safety(e).put("maxSignalAgeMinutes", 10081),
            "safety.maxSignalAgeMinutes must be an integer from 1 to 10080"),
        bad("maxSignalAgeMinutes text", e -> safety(e).put("maxSignalAgeMinutes", "60"),
            "safety.maxSignalAgeMinutes"),
        bad("approvalSteps names the gate-able steps", e -> safety(e).putArray("approvalSteps").add("ScaleUp"),
            "one of [UpdateSecret, DeployPreviousVersion]"),
        // redis
        bad("redis type", e -> e.put("redis", "sentinel-redis"), "redis must be an object"),
        bad("redis unknown field", e -> redis(e).put("port", 6379), "unknown field 'redis.port'"),
        bad("redis clusterId missing", e -> redis(e).remove("clusterId"), "redis.clusterId is missing"),
        bad("redis clusterId upper case", e -> redis(e).put("clusterId", "Sentinel-Redis"), "redis.clusterId"),
        bad("redis clusterId too long", e -> redis(e).put("clusterId", "a".repeat(32)), "room for the '-recovery'"),
        bad("redis clusterId double hyphen", e -> redis(e).put("clusterId", "sentinel--redis"), "redis.clusterId"),
        bad("redis secretId ARN", e -> redis(e).put("secretId",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:sentinel/redis-url-AbCdEf"),
            "redis.secretId must be the secret's name, not its ARN"),
        bad("redis secretId is the database's", e -> redis(e).put("secretId", "sentinel/database-url"),
            "redis.secretId must not be the database's secret"),
        bad("redis nodeType", e -> redis(e).put("nodeType", "db.t3.medium"), "redis.nodeType"),
        bad("redis subnetGroup", e -> redis(e).put("subnetGroup", "Sentinel_Redis"), "redis.subnetGroup"),
        bad("redis securityGroups empty", e -> redis(e).putArray("securityGroups"), "redis.securityGroups"),
        bad("redis verifyConnect type", e -> redis(e).put("verifyConnect", "no"), "redis.verifyConnect"),
        bad("redis verifyConnect without vpc", e -> redis(e).put("verifyConnect", true),
            "redis.verifyConnect is true but no vpc"),
        // ecs additions
        bad("ecs unknown field", e -> ecs(e).put("desiredCount", 3), "unknown field 'ecs.desiredCount'"),
        bad("targetGroups type", e -> ecs(e).put("targetGroups", "sentinel-api"), "ecs.targetGroups must be an object"),
        bad("targetGroups unknown service", e -> ((ObjectNode) ecs(e).get("targetGroups"))
            .put("sentinel-web", "sentinel-web"), "ecs.targetGroups.sentinel-web: 'sentinel-web' is not one of "
            + "ecs.services"),
        bad("targetGroups value type", e -> ((ObjectNode) ecs(e).get("targetGroups")).put("sentinel-api", 1),
            "ecs.targetGroups.sentinel-api must be a target group name or ARN"),
        bad("targetGroups name", e -> ((ObjectNode) ecs(e).get("targetGroups")).put("sentinel-api", "sentinel_api"),
            "ecs.targetGroups.sentinel-api must be a target group name"),
        bad("targetGroups name too long", e -> ((ObjectNode) ecs(e).get("targetGroups"))
            .put("sentinel-api", "a".repeat(33)), "ecs.targetGroups.sentinel-api must be a target group name"),
        bad("targetGroups ARN", e -> ((ObjectNode) ecs(e).get("targetGroups")).put("sentinel-api",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0123456789abcdef"),
            "ecs.targetGroups.sentinel-api must be a target group ARN"),
        bad("targetGroups ARN in another region", e -> ((ObjectNode) ecs(e).get("targetGroups")).put("sentinel-api",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/sentinel-api/0123456789abcdef"),
            "is a target group in eu-west-1, but the environment is in us-east-1"),
        bad("desiredCounts type", e -> ecs(e).putArray("desiredCounts"), "ecs.desiredCounts must be an object"),
        bad("desiredCounts unknown service", e -> ((ObjectNode) ecs(e).get("desiredCounts")).put("sentinel-web", 2),
            "ecs.desiredCounts.sentinel-web: 'sentinel-web' is not one of ecs.services"),
        bad("desiredCounts zero", e -> ((ObjectNode) ecs(e).get("desiredCounts")).put("sentinel-api", 0),
            "ecs.desiredCounts.sentinel-api must be a task count from 1 to 5000"),
        bad("desiredCounts text", e -> ((ObjectNode) ecs(e).get("desiredCounts")).put("sentinel-api", "3"),
            "ecs.desiredCounts.sentinel-api must be a task count"),
        bad("desiredCounts fraction", e -> ((ObjectNode) ecs(e).get("desiredCounts")).put("sentinel-api", 2.5),
            "ecs.desiredCounts.sentinel-api must be a task count"),
        bad("desiredCounts beyond the quota", e -> ((ObjectNode) ecs(e).get("desiredCounts"))
            .put("sentinel-api", 30000), "ecs.desiredCounts.sentinel-api must be a task count"),
        bad("stablePolls zero", e -> ecs(e).put("stablePolls", 0), "ecs.stablePolls"),
        bad("stablePolls text", e -> ecs(e).put("stablePolls", "10"), "ecs.stablePolls"),
        bad("logGroupPrefix", e -> ecs(e).put("logGroupPrefix", "/ecs/ *"), "ecs.logGroupPrefix"));
  }

  private static ObjectNode redis(ObjectNode env) {
    return (ObjectNode) env.get("redis");
  }

  private static ObjectNode ecs(ObjectNode env) {
    return (ObjectNode) env.get("ecs");
  }

  private static Arguments bad(String name, Consumer<ObjectNode> edit, String expected) {
    return Arguments.of(name, edit, expected);
  }

  private static ObjectNode db(ObjectNode env) {
    return (ObjectNode) env.get("database");
  }

  private static ObjectNode safety(ObjectNode env) {
    return (ObjectNode) env.get("safety");
  }

  private static ObjectNode budget(ObjectNode env) {
    return (ObjectNode) safety(env).get("budget");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFields")
  void badFieldIsNamed(String name, Consumer<ObjectNode> edit, String expected) throws IOException {
    String message = failure(edit);
    assertTrue(message.contains("environment 'dev'"), message);
    assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    String message = failure(e -> {
      e.put("pollSeconds", 0);
      e.remove("region");
      db(e).remove("secretId");
      safety(e).put("lockLeaseMinutes", 0);
      budget(e).put("maxAttempts", "3");
      redis(e).put("nodeType", "large");
      ((ObjectNode) ecs(e).get("desiredCounts")).put("sentinel-api", 0);
    });
    assertTrue(message.contains("pollSeconds") && message.contains("region")
        && message.contains("database.secretId") && message.contains("safety.lockLeaseMinutes")
        && message.contains("safety.budget.maxAttempts") && message.contains("redis.nodeType")
        && message.contains("ecs.desiredCounts.sentinel-api"), message);
  }

  @Test
  void aLeaseShorterThanTheGatePlusTheLongestWaitIsRejectedNamingTheEnvironmentAndTheField() throws IOException {
    Consumer<ObjectNode> waits = e -> {
      e.put("pollSeconds", 30);
      e.put("maxPolls", 60);
      safety(e).put("approvalTimeoutMinutes", 60);
    };
    // 60 min gate + 30 x 60 s + 5 min for the steps = 95 min
    String message = failure(waits.andThen(e -> safety(e).put("lockLeaseMinutes", 94)));
    assertTrue(message.startsWith("Invalid environment 'dev' in cdk.json"), message);
    assertTrue(message.contains("safety.lockLeaseMinutes (94) must be at least safety.approvalTimeoutMinutes (60) "
        + "+ the longest wait, pollSeconds x maxPolls (30 x 60 s = 30 min) + 5 min"), message);
    // a manual-sized wait in the config is refused the same way
    assertTrue(failure(e -> {
      e.put("pollSeconds", 3600);
      e.put("maxPolls", 1000);
    }).contains("safety.lockLeaseMinutes (180) must be at least"));
    EnvironmentConfig enough = EnvironmentConfig.load(devWith(waits.andThen(e -> safety(e)
        .put("lockLeaseMinutes", 95))), "dev");
    assertEquals(90, enough.safety().executionTimeoutMinutes(), "the execution ends before its lease");
    assertEquals(30 * 60, enough.safety().maxWaitSeconds());
  }
}
