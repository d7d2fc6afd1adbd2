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
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.ecs.VerifyTargets;
import ai.sentinel.dr.redis.RedisSettings;
import ai.sentinel.dr.trigger.AlarmResponder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.services.logs.RetentionDays;

/** cdk.json's environments load, take their defaults and reach the functions as the environment they read. */
class EnvironmentConfigTest {
  private static JsonNode environments() throws IOException {
    return CdkJson.environments();
  }

  private static JsonNode devWith(Consumer<ObjectNode> edit) throws IOException {
    return CdkJson.with("dev", edit);
  }

  private static String failure(Consumer<ObjectNode> edit) throws IOException {
    return CdkJson.failure("dev", edit);
  }

  private static ObjectNode safety(ObjectNode env) {
    return (ObjectNode) env.get("safety");
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
