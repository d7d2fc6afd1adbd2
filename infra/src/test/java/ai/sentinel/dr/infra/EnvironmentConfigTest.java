package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.common.SettingsSections;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.ecs.VerifyTargets;
import ai.sentinel.dr.redis.RedisSettings;
import ai.sentinel.dr.trigger.AlarmResponder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.services.logs.RetentionDays;

/** cdk.json's environments load, and every bad field fails with a message naming the environment and the field. */
class EnvironmentConfigTest {

  private static JsonNode environments() throws IOException {
    return Synth.JSON.readTree(Files.readString(RepoPaths.cdkJson(RepoPaths.root()))).path("context")
        .path("environments");
  }

  /** A copy of cdk.json's environments with {@code edit} applied to dev. */
  private static JsonNode devWith(Consumer<ObjectNode> edit) throws IOException {
    JsonNode envs = environments().deepCopy();
    edit.accept((ObjectNode) envs.get("dev"));
    return envs;
  }

  private static String failure(Consumer<ObjectNode> edit) throws IOException {
    JsonNode envs = devWith(edit);
    return assertThrows(EnvironmentConfig.InvalidConfigException.class, () -> EnvironmentConfig.load(envs, "dev"))
        .getMessage();
  }

  @Test
  void repositoryEnvironmentsLoad() throws IOException {
    EnvironmentConfig dev = EnvironmentConfig.load(environments(), "dev");
    assertEquals("dev-sentinel-dr", dev.prefix());
    assertTrue(dev.dryRun());
    DatabaseSettings database = dev.require(DatabaseSettings.class);
    assertEquals("sentinel-db", database.instanceId());
    assertEquals("sentinel/database-url", database.secretId());
    assertEquals("db.t3.medium", database.instanceClass());
    assertEquals("sentinel-db-subnet", database.subnetGroup());
    EcsSettings ecs = dev.require(EcsSettings.class);
    assertEquals("sentinel-production", ecs.cluster());
    assertEquals(List.of("sentinel-api", "sentinel-celery"), ecs.services());
    // the celery worker is behind no load balancer: only the API has a target group
    assertEquals(Map.of("sentinel-api", "sentinel-api"), ecs.targetGroups());
    assertEquals(Map.of("sentinel-api", 3, "sentinel-celery", 2), ecs.desiredCounts());
    assertEquals(10, ecs.stablePolls());
    assertEquals("/ecs/sentinel-api", ecs.logGroup("sentinel-api"));
    assertEquals(new RedisSettings("sentinel-redis", "sentinel/redis-url", "cache.t3.medium",
        "sentinel-redis-subnet", List.of("sg-0123456789abcdef1"), false, null), dev.require(RedisSettings.class));
    assertEquals("sentinel-redis-recovery", dev.require(RedisSettings.class).recoveryClusterId());
    assertEquals("database-failure", dev.alarmRoutes().get("sentinel-rds-connections"));
    assertEquals(30, dev.pollSeconds());
    assertEquals(60, dev.maxPolls());
    assertNull(dev.account());
    assertNull(dev.vpc());

    EnvironmentConfig prod = EnvironmentConfig.load(environments(), "prod");
    assertEquals(false, prod.dryRun());
    assertEquals("us-east-1", prod.region());
    assertEquals("https://api.sentinel.ai/health", prod.healthUrl());
    assertTrue(prod.require(DatabaseSettings.class).verifyConnect());
    assertTrue(prod.require(RedisSettings.class).verifyConnect());
    assertEquals(RetentionDays.ONE_YEAR, prod.logRetention());
    assertEquals(3, EnvironmentConfig.load(environments(), "local").require(EcsSettings.class).stablePolls());
  }

  @Test
  void redisIsOptionalAndTheEcsAdditionsTakeTheFunctionsDefaults() throws IOException {
    EnvironmentConfig bare = EnvironmentConfig.load(devWith(e -> {
      e.remove("redis");
      e.remove("drills"); // the Redis test needs a cache
      ObjectNode ecs = (ObjectNode) e.get("ecs");
      ecs.remove(List.of("targetGroups", "desiredCounts", "stablePolls", "logGroupPrefix"));
    }), "dev");
    assertTrue(bare.settings(RedisSettings.class).isEmpty());
    EcsSettings ecs = bare.require(EcsSettings.class);
    assertEquals(Map.of(), ecs.targetGroups());
    assertEquals(Map.of(), ecs.desiredCounts());
    assertEquals(EcsSettings.DEFAULT_STABLE_POLLS, ecs.stablePolls());
    assertEquals("/ecs/", ecs.logGroupPrefix());
    // a responder reads every section the environment has: here there is none for Redis
    Map<String, String> env = bare.lambdaEnvironment(AlarmResponder.class);
    env.keySet().forEach(k -> assertTrue(!k.equals(RedisSettings.SECTION.variable()), k));
    Map<String, String> withRegion = new HashMap<>(env);
    withRegion.put(Vars.REGION, "us-east-1");
    withRegion.put(Vars.NOTIFY_TOPIC_ARN, "arn:aws:sns:us-east-1:123456789012:dev-sentinel-dr-notifications");
    DrConfig config = DrConfig.fromEnv(withRegion);
    assertTrue(config.settings(RedisSettings.class).isEmpty(), "the functions know there is no Scenario 2");
    assertEquals(10, EcsSettings.of(config).stablePolls());
    assertEquals("/ecs/", EcsSettings.of(config).logGroupPrefix());
    assertEquals(Map.of(), EcsSettings.of(config).targetGroups());
  }

  @Test
  void targetGroupsMayBeNamesOrArnsAndWithTargetGroupsReplacesThem() throws IOException {
    String arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/sentinel-api/0123456789abcdef";
    EnvironmentConfig fromJson = EnvironmentConfig.load(devWith(e -> ((ObjectNode) e.get("ecs"))
        .putObject("targetGroups").put("sentinel-api", arn)), "dev");
    assertEquals(Map.of("sentinel-api", arn), fromJson.require(EcsSettings.class).targetGroups());

    EnvironmentConfig dev = EnvironmentConfig.load(environments(), "dev");
    EcsSettings ecs = dev.require(EcsSettings.class);
    EnvironmentConfig local = dev.with(ecs.withTargetGroups(Map.of("sentinel-api", arn)));
    assertEquals(Map.of("sentinel-api", arn), local.require(EcsSettings.class).targetGroups());
    assertEquals(Map.of("sentinel-api", "sentinel-api"), dev.require(EcsSettings.class).targetGroups(),
        "the original is unchanged");
    assertEquals("{\"sentinel-api\":\"" + arn + "\"}", Json.tree(local.lambdaEnvironment(VerifyTargets.class)
        .get(EcsSettings.SECTION.variable())).get("targetGroups").toString());
    assertEquals(ecs.desiredCounts(), local.require(EcsSettings.class).desiredCounts());
    assertEquals(dev.safety(), local.safety());
    assertEquals(dev.require(DatabaseSettings.class), local.require(DatabaseSettings.class));
    assertEquals(Map.of(), dev.with(ecs.withTargetGroups(Map.of())).require(EcsSettings.class).targetGroups());
    for (Map<String, String> bad : List.of(Map.of("sentinel-web", "sentinel-web"), Map.of("sentinel-api",
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/sentinel-api/0123456789abcdef"))) {
      String message = assertThrows(EnvironmentConfig.InvalidConfigException.class,
          () -> dev.with(ecs.withTargetGroups(bad))).getMessage();
      assertTrue(message.contains("environment 'dev'") && message.contains("ecs.targetGroups."), message);
    }
  }

  @Test
  void repositoryEnvironmentsDeclareTheirSafety() throws IOException {
    EnvironmentConfig.Safety prod = EnvironmentConfig.load(environments(), "prod").safety();
    assertEquals(new EnvironmentConfig.Safety(List.of("UpdateSecret"), 60, new EnvironmentConfig.Budget(3, 24), 180)
        .withApprovalRepageMinutes(10), prod);
    assertTrue(prod.gates("UpdateSecret"));
    assertEquals(new EnvironmentConfig.Safety(List.of(), 60, new EnvironmentConfig.Budget(3, 24), 180),
        EnvironmentConfig.load(environments(), "dev").safety());
    assertEquals(new EnvironmentConfig.Safety(List.of(), 10, new EnvironmentConfig.Budget(3, 24), 30),
        EnvironmentConfig.load(environments(), "local").safety());
  }

  @Test
  void maxSignalAgeReachesTheFunctionsInSeconds() throws IOException {
    EnvironmentConfig dev = EnvironmentConfig.load(devWith(e -> safety(e).put("maxSignalAgeMinutes", 90)), "dev");
    assertEquals(90, dev.safety().maxSignalAgeMinutes());
    assertEquals("5400", dev.lambdaEnvironment().get("MAX_SIGNAL_AGE_SECONDS"));
    assertEquals(60, EnvironmentConfig.load(devWith(e -> safety(e).remove("maxSignalAgeMinutes")), "dev").safety()
        .maxSignalAgeMinutes(), "one hour when not set");
    assertEquals(90, dev.withApprovalSteps(List.of("UpdateSecret")).safety().maxSignalAgeMinutes(),
        "gating a step keeps the age");
  }

  @Test
  void anUnansweredGateIsRePagedBeforeItTimesOutOrNever() throws IOException {
    EnvironmentConfig dev = EnvironmentConfig.load(devWith(e -> safety(e).put("approvalRepageMinutes", 15)), "dev");
    assertEquals(15, dev.safety().approvalRepageMinutes());
    assertEquals(15, dev.withApprovalSteps(List.of("UpdateSecret")).safety().approvalRepageMinutes(),
        "gating a step keeps the re-page");
    assertEquals(0, EnvironmentConfig.load(environments(), "dev").safety().approvalRepageMinutes(), "none when unset");
    assertTrue(failure(e -> safety(e).put("approvalRepageMinutes", 60)).contains("safety.approvalRepageMinutes (60) "
        + "must be less than safety.approvalTimeoutMinutes (60)"));
    assertTrue(failure(e -> safety(e).put("approvalRepageMinutes", 0)).contains("safety.approvalRepageMinutes must "
        + "be an integer from 1"));
    assertTrue(failure(e -> safety(e).put("approvalRepageMinutes", "ten")).contains("safety.approvalRepageMinutes"));
  }

  @Test
  void safetyTakesItsDefaultsWhenAbsent() throws IOException {
    EnvironmentConfig.Safety none = EnvironmentConfig.load(devWith(e -> e.remove("safety")), "dev").safety();
    assertEquals(EnvironmentConfig.Safety.DEFAULTS, none);
    assertEquals(new EnvironmentConfig.Safety(List.of(), 60, new EnvironmentConfig.Budget(3, 24), 180), none);
    assertEquals(EnvironmentConfig.Safety.DEFAULTS,
        EnvironmentConfig.load(devWith(e -> e.putObject("safety")), "dev").safety());
    EnvironmentConfig.Safety partial = EnvironmentConfig.load(devWith(e -> {
      ObjectNode safety = e.putObject("safety");
      safety.putArray("approvalSteps").add("UpdateSecret");
      safety.putObject("budget").put("windowHours", 12);
    }), "dev").safety();
    assertEquals(new EnvironmentConfig.Safety(List.of("UpdateSecret"), 60, new EnvironmentConfig.Budget(3, 12), 180),
        partial);
  }

  @Test
  void withApprovalStepsReturnsAGatedCopy() throws IOException {
    EnvironmentConfig dev = EnvironmentConfig.load(environments(), "dev");
    EnvironmentConfig gated = dev.withApprovalSteps(List.of("UpdateSecret"));
    assertEquals(List.of("UpdateSecret"), gated.safety().approvalSteps());
    assertEquals(List.of(), dev.safety().approvalSteps(), "the original is unchanged");
    assertEquals(dev.safety().approvalTimeoutMinutes(), gated.safety().approvalTimeoutMinutes());
    assertEquals(dev.safety().budget(), gated.safety().budget());
    assertEquals(dev.safety().lockLeaseMinutes(), gated.safety().lockLeaseMinutes());
    assertEquals(dev.lambdaEnvironment(AlarmResponder.class), gated.lambdaEnvironment(AlarmResponder.class),
        "a gate is the state machine's, not a variable");
    assertEquals(dev, gated.withApprovalSteps(List.of()));
    EnvironmentConfig prod = EnvironmentConfig.load(environments(), "prod");
    assertEquals(List.of(), prod.withApprovalSteps(List.of()).safety().approvalSteps(), "and off again");
    assertTrue(dev.withApprovalSteps(List.of("DeployPreviousVersion")).safety().gates("DeployPreviousVersion"));

    for (List<String> bad : List.of(List.of("Verify"), List.of("UpdateSecret", "UpdateSecret"))) {
      String message = assertThrows(EnvironmentConfig.InvalidConfigException.class,
          () -> dev.withApprovalSteps(bad)).getMessage();
      assertTrue(message.contains("environment 'dev'") && message.contains("safety.approvalSteps"), message);
    }
  }

  @Test
  void lambdaEnvironmentIsWhatTheFunctionsRead() throws IOException {
    EnvironmentConfig dev = EnvironmentConfig.load(environments(), "dev");
    // a responder reads every section
    Map<String, String> env = new HashMap<>(dev.lambdaEnvironment(AlarmResponder.class));
    env.put(Vars.REGION, "us-east-1");
    env.put(Vars.NOTIFY_TOPIC_ARN, "arn:aws:sns:us-east-1:123456789012:dev-sentinel-dr-notifications");
    DrConfig config = DrConfig.fromEnv(env);
    assertEquals("dev", config.environment());
    assertTrue(config.dryRun());
    DatabaseSettings database = DatabaseSettings.of(config);
    assertEquals(dev.require(DatabaseSettings.class), database);
    assertEquals("sentinel-db", database.instanceId());
    assertEquals("sentinel/database-url", database.secretId());
    assertEquals("sentinel-db-subnet", database.subnetGroup());
    assertEquals(List.of("sg-0123456789abcdef0"), database.securityGroups());
    assertEquals("db.t3.medium", database.instanceClass());
    EcsSettings ecs = EcsSettings.of(config);
    assertEquals(dev.require(EcsSettings.class), ecs);
    assertEquals("sentinel-production", ecs.cluster());
    assertEquals(List.of("sentinel-api", "sentinel-celery"), ecs.services());
    assertEquals(Map.of("sentinel-api", "sentinel-api"), ecs.targetGroups());
    assertEquals(Map.of("sentinel-api", 3, "sentinel-celery", 2), ecs.desiredCounts());
    assertEquals(3, ecs.desiredCountOf("sentinel-api"));
    assertEquals(10, ecs.stablePolls());
    assertEquals("/ecs/", ecs.logGroupPrefix());
    RedisSettings redis = RedisSettings.of(config);
    assertEquals(dev.require(RedisSettings.class), redis);
    assertEquals("sentinel-redis", redis.clusterId());
    assertEquals("sentinel-redis-recovery", redis.recoveryClusterId());
    assertEquals("sentinel/redis-url", redis.secretId());
    assertEquals("cache.t3.medium", redis.nodeType());
    assertEquals("sentinel-redis-subnet", redis.subnetGroup());
    assertEquals(List.of("sg-0123456789abcdef1"), redis.securityGroups());
    assertEquals(false, redis.verifyConnect());
    assertNull(redis.connectHost());
    assertEquals(dev.alarmRoutes(), config.alarmRoutes());
    assertNull(config.healthUrl());
    assertEquals(false, database.verifyConnect());
    assertEquals(30, config.pollSeconds());
    assertEquals(60, config.maxPolls());
    assertEquals(180 * 60, config.lockLeaseSeconds());
    assertEquals((180 - 60 - 5) * 60, config.maxWaitSeconds(), "a manual wait fits the lease after the gate");
    assertEquals(3, config.budgetMaxAttempts());
    assertEquals(24 * 3600, config.budgetWindowSeconds());
    Set<String> deploymentTime = Set.of(Vars.NOTIFY_TOPIC_ARN, Vars.STATE_MACHINE_ARNS, Vars.REGION,
        Vars.LOCK_TABLE);
    dev.lambdaEnvironment(AlarmResponder.class).keySet().forEach(k -> assertTrue(!deploymentTime.contains(k), k));
    // local clouds only: how to reach a database or cache whose endpoint is not real
    for (SettingsSection<?> section : ai.sentinel.dr.scenario.ScenarioRegistry.settingsSections()) {
      assertFalse(Json.tree(env.get(section.variable())).has("connectHost"), section.name());
    }
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

  @Test
  void integersMayArriveAsDoubles() throws IOException {
    // the CDK CLI's context passes through JavaScript, where 30 and 30.0 are the same number
    JsonNode envs = devWith(e -> e.put("pollSeconds", 30.0));
    assertEquals(30, EnvironmentConfig.load(envs, "dev").pollSeconds());
  }

  @Test
  void badEnvironmentNameIsRejected() throws IOException {
    JsonNode envs = environments().deepCopy();
    ((ObjectNode) envs).set("Dev_1", envs.get("dev"));
    String message = assertThrows(EnvironmentConfig.InvalidConfigException.class,
        () -> EnvironmentConfig.load(envs, "Dev_1")).getMessage();
    assertTrue(message.contains("environment name"), message);
    // every function name is <env>-sentinel-dr-..., and Lambda allows 64 characters
    String longest = "e".repeat(EnvironmentConfig.ENV_NAME_MAX);
    ((ObjectNode) envs).set(longest, envs.get("dev"));
    assertEquals(longest, EnvironmentConfig.load(envs, longest).name());
    ((ObjectNode) envs).set(longest + "e", envs.get("dev"));
    String tooLong = assertThrows(EnvironmentConfig.InvalidConfigException.class,
        () -> EnvironmentConfig.load(envs, longest + "e")).getMessage();
    assertTrue(tooLong.contains("at most " + EnvironmentConfig.ENV_NAME_MAX + " characters"), tooLong);
  }

  @Test
  void unknownEnvironmentListsTheKnownOnes() throws IOException {
    String message = assertThrows(EnvironmentConfig.InvalidConfigException.class,
        () -> EnvironmentConfig.load(environments(), "staging")).getMessage();
    assertEquals("Unknown environment 'staging' (known: dev, local, prod)", message);
  }

  @Test
  void environmentIsSelectedFromTheContext() {
    App selected = new App(AppProps.builder().context(Map.of("env", "prod")).build());
    assertEquals("prod", EnvironmentConfig.fromContext(selected.getNode(),
        RepoPaths.cdkJson(RepoPaths.root())).name());
    App none = new App();
    String message = assertThrows(EnvironmentConfig.InvalidConfigException.class,
        () -> EnvironmentConfig.fromContext(none.getNode(), RepoPaths.cdkJson(RepoPaths.root()))).getMessage();
    assertEquals("No environment selected: pass -c env=NAME (known: dev, local, prod)", message);
  }

  @Test
  void retentionTableCoversEveryFiniteCdkValue() {
    Set<RetentionDays> offered = EnumSet.noneOf(RetentionDays.class);
    offered.addAll(EnvironmentConfig.RETENTION.values());
    Set<RetentionDays> all = EnumSet.allOf(RetentionDays.class);
    all.remove(RetentionDays.INFINITE);
    assertEquals(all, offered);
  }
}
