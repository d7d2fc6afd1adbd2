package ai.sentinel.dr.infra.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.infra.StateMachineAssert;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.redis.CreateRecoveryCluster;
import ai.sentinel.dr.redis.Diagnose;
import ai.sentinel.dr.redis.FindSnapshot;
import ai.sentinel.dr.redis.RedisSettings;
import ai.sentinel.dr.redis.UpdateSecret;
import ai.sentinel.dr.redis.Verify;
import ai.sentinel.dr.redis.WaitForCluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;

/** Scenario 2: the Redis state machine, its functions and what they may touch; absent without a redis section. */
public class RedisRecoveryStackTest {
  /** The redis package's steps, each its own function. */
  public static final List<Class<?>> STEPS = List.of(Diagnose.class, FindSnapshot.class, CreateRecoveryCluster.class,
      WaitForCluster.class, UpdateSecret.class, Verify.class);
  private static final String F = "RedisRecoveryFunctions";
  private static final String ARN = "arn:<Ref:AWS::Partition>:elasticache:us-east-1:<Ref:AWS::AccountId>:";

  private static Synth dev;
  private static Synth prod;
  private static JsonNode states;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
    prod = Synth.of("prod");
    states = dev.definition("redis-failure").path("States");
  }

  @Test
  void stateMachineIsTheRunbooksScenario2() {
    JsonNode sm = dev.stateMachine("redis-failure");
    assertEquals("dev-sentinel-dr-redis-failure", sm.path("StateMachineName").asText());
    assertEquals("ALL", sm.path("LoggingConfiguration").path("Level").asText());
    assertEquals("AcquireLock", dev.definition("redis-failure").path("StartAt").asText());
    assertEquals(new TreeSet<>(List.of("AcquireLock", "Diagnose", "FindSnapshot", "CreateRecoveryCluster",
        "WaitForCluster", "Cluster available?", "Wait for cluster", "Wait for cluster (polling)", "UpdateSecret",
        "RestartServices", "WaitForServices", "Services stable?", "Wait for services", "Wait for services (polling)",
        "Verify", "Notify", "Report", "Recovered",
        "NotifyFailure", "ReportFailure", "RecoveryFailed", "Act on diagnosis?", "NotifyNoAction", "ReportNoAction",
        "NoAction")), names(states));

    assertEquals("Diagnose", next("AcquireLock"));
    assertEquals(RecoveryStateMachine.ACT_CHOICE, next("Diagnose"));
    assertEquals("FindSnapshot", states.path(RecoveryStateMachine.ACT_CHOICE).path("Choices").path(0).path("Next")
        .asText());
    assertEquals("CreateRecoveryCluster", next("FindSnapshot"));
    assertEquals("WaitForCluster", next("CreateRecoveryCluster"));
    StateMachineAssert.eventLoop(states, "WaitForCluster", "Cluster available?", "$.cache.cluster.available",
        "UpdateSecret", "Wait for cluster");
    assertEquals("RestartServices", next("UpdateSecret"));
    assertEquals("WaitForServices", next("RestartServices"));
    StateMachineAssert.eventLoop(states, "WaitForServices", "Services stable?", "$.services.stable", "Verify",
        "Wait for services");
    assertEquals("Notify", next("Verify"));
    assertEquals("Report", next("Notify"));
    assertEquals("Recovered", next("Report"));
    // the step functions are the redis package's
    assertTrue(Synth.render(states.path("Diagnose").path("Resource")).startsWith("<Ref:" + F + "DiagnoseLive"));
    assertTrue(Synth.render(states.path("Verify").path("Resource")).startsWith("<Ref:" + F + "VerifyLive"));
  }

  @Test
  void functionsAreNamedAfterTheRedisPackage() {
    for (Class<?> step : STEPS) {
      JsonNode fn = dev.function("dev-sentinel-dr-redis-" + Names.kebab(step.getSimpleName()));
      assertEquals(step.getName() + "::handleRequest", fn.path("Handler").asText());
      JsonNode redis = Synth.section(fn.path("Environment").path("Variables"), RedisSettings.class);
      assertEquals("sentinel-redis", redis.path("clusterId").asText());
      assertEquals("sentinel/redis-url", redis.path("secretId").asText());
      assertEquals("cache.t3.medium", redis.path("nodeType").asText());
      assertEquals("sentinel-redis-subnet", redis.path("subnetGroup").asText());
      assertEquals("[\"sg-0123456789abcdef1\"]", redis.path("securityGroups").toString());
      assertEquals("false", redis.path("verifyConnect").asText());
    }
    assertFalse(dev.function("dev-sentinel-dr-redis-verify").has("VpcConfig"), "dev has no vpc");
    assertTrue(prod.function("prod-sentinel-dr-redis-verify").has("VpcConfig"), "PING needs the cache's network");
  }

  @Test
  void onlyTheRecoveryClusterCanBeCreatedAndTagged() {
    for (String action : List.of("elasticache:CreateCacheCluster", "elasticache:AddTagsToResource")) {
      List<String> resources = dev.resourcesOf(F + "CreateRecoveryCluster", action);
      List<String> clusters = resources.stream().filter(r -> r.startsWith(ARN + "cluster:")).toList();
      assertEquals(List.of(ARN + "cluster:sentinel-redis-recovery"), clusters, action + " never on the original");
      assertTrue(resources.containsAll(List.of(ARN + "subnetgroup:sentinel-redis-subnet",
          ARN + "snapshot:automatic.sentinel-redis-*", ARN + "snapshot:sentinel-redis-*",
          ARN + "parametergroup:default.redis*", ARN + "securitygroup:sg-0123456789abcdef1")), resources.toString());
      resources.forEach(r -> assertFalse(r.equals("*") || r.endsWith(":cluster:*") || r.endsWith(":snapshot:*"),
          action + " on " + r));
    }
    // no other role may create or tag a cache cluster
    dev.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      if (Synth.list(st, "Action").contains("elasticache:CreateCacheCluster")) {
        assertTrue(policy.startsWith(F + "CreateRecoveryClusterRole"), policy);
      }
    }));
  }

  @Test
  void readsAreScopedToTheProtectedAndTheRecoveryCluster() {
    assertEquals(List.of(ARN + "cluster:sentinel-redis"),
        dev.resourcesOf(F + "Diagnose", "elasticache:DescribeCacheClusters"));
    assertEquals(List.of(ARN + "cluster:sentinel-redis-recovery"),
        dev.resourcesOf(F + "WaitForCluster", "elasticache:DescribeCacheClusters"));
    // a deleted cluster's snapshots can only be listed all at once; restoring is limited (see above)
    assertEquals(List.of(ARN + "cluster:sentinel-redis", ARN + "snapshot:*"),
        dev.resourcesOf(F + "FindSnapshot", "elasticache:DescribeSnapshots"));
    assertEquals(List.of(ARN + "cluster:sentinel-redis-recovery"),
        dev.resourcesOf(F + "CreateRecoveryCluster", "elasticache:ListTagsForResource"));
    assertEquals(List.of(ARN + "cluster:sentinel-redis-recovery"),
        dev.resourcesOf(F + "Verify", "elasticache:DescribeCacheClusters"));
    // nothing but the step that creates clusters reads tags, nothing but FindSnapshot lists snapshots
    dev.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      if (Synth.list(st, "Action").contains("elasticache:ListTagsForResource")) {
        assertTrue(policy.startsWith(F + "CreateRecoveryClusterRole"), policy);
      }
      if (Synth.list(st, "Action").contains("elasticache:DescribeSnapshots")) {
        assertTrue(policy.startsWith(F + "FindSnapshotRole"), policy);
      }
    }));
  }

  @Test
  void onlyUpdateSecretWritesAndOnlyTheRedisSecret() {
    String secret = "arn:<Ref:AWS::Partition>:secretsmanager:us-east-1:<Ref:AWS::AccountId>:secret:"
        + "sentinel/redis-url-??????";
    assertEquals(List.of(secret), dev.resourcesOf(F + "UpdateSecret",
        "secretsmanager:PutSecretValue"));
    assertEquals(List.of(secret), dev.resourcesOf(F + "UpdateSecret",
        "secretsmanager:GetSecretValue"));
    assertEquals(List.of(secret), dev.resourcesOf(F + "Verify",
        "secretsmanager:GetSecretValue"));
    List<String> writers = new ArrayList<>();
    dev.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      // the redis secret's writers (Scenario 6's rotation functions write their own secrets)
      if (Synth.list(st, "Action").contains("secretsmanager:PutSecretValue")
          && Synth.list(st, "Resource").stream().anyMatch(r -> r.contains("redis-url"))) {
        writers.add(policy.replaceAll("RoleDefaultPolicy[0-9A-F]+$", ""));
      }
    }));
    assertEquals(List.of(F + "UpdateSecret"), writers);
  }

  @Test
  void prodGatesTheRepointLikeTheDatabasesDryRunsSkipIt() {
    JsonNode prodStates = prod.definition("redis-failure").path("States");
    assertEquals("Dry-run?", prodStates.path("Cluster available?").path("Choices").path(0).path("Next").asText());
    StateMachineAssert.gate(prodStates, "UpdateSecret", 3600, 600);
    assertFalse(states.has("Approve UpdateSecret"), "dev gates nothing");
    assertEquals("UpdateSecret", states.path("Cluster available?").path("Choices").path(0).path("Next").asText());
  }

  @Test
  void anEnvironmentWithoutRedisHasNoScenario2() {
    Synth none = Synth.of("dev without redis", () -> EnvironmentConfig.load(withoutRedis(), "dev"));
    assertTrue(none.stack.stateMachine(RedisInfraScenario.ID).isEmpty());
    assertEquals(List.of("database-failure", "ecs-service-failure", "data-corruption", "security-incident"),
        none.config.deployedScenarios());
    List<String> machines = none.properties("AWS::StepFunctions::StateMachine").stream()
        .map(p -> p.path("StateMachineName").asText()).toList();
    assertEquals(List.of("dev-sentinel-dr-database-failure", "dev-sentinel-dr-ecs-service-failure",
        "dev-sentinel-dr-data-corruption", "dev-sentinel-dr-security-incident",
        "dev-sentinel-dr-database-restore-test"), machines);
    none.properties("AWS::Lambda::Function").forEach(f -> {
      assertFalse(f.path("FunctionName").asText().startsWith("dev-sentinel-dr-redis-"), f.path("FunctionName")
          .asText());
      f.path("Environment").path("Variables").fieldNames().forEachRemaining(v ->
          assertFalse(v.equals(RedisSettings.SECTION.variable()), v));
    });
    assertFalse(none.json.toString().contains("elasticache:"), "no ElastiCache permission at all");
    assertFalse(none.json.path("Outputs").has("RedisFailureStateMachineArn"));
    assertFalse(none.json.path("Outputs").has("ElastiCacheEventTopicArn"));
    assertFalse(none.stack.triggers().topics().containsKey(RedisInfraScenario.EVENT_TOPIC));
    assertFalse(none.stack.triggers().responders().containsKey("ElastiCacheEventResponder"));
    JsonNode vars = none.function("dev-sentinel-dr-alarm-responder").path("Environment").path("Variables");
    assertFalse(Synth.render(vars.path(Vars.STATE_MACHINE_ARNS)).contains("redis-failure"));
    List<String> errors = Annotations.fromStack(none.stack)
        .findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
        .map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    assertEquals(List.of(), errors);
  }

  @Test
  void outputNamesTheStateMachine() {
    assertTrue(Synth.render(dev.json.path("Outputs").path("RedisFailureStateMachineArn").path("Value"))
        .startsWith("<Ref:RedisRecoveryStateMachine"));
  }

  private static JsonNode withoutRedis() {
    try {
      JsonNode envs = Synth.JSON.readTree(java.nio.file.Files.readString(RepoPaths.cdkJson(RepoPaths.root())))
          .path("context").path("environments").deepCopy();
      ((ObjectNode) envs.get("dev")).remove("redis");
      ((ObjectNode) envs.get("dev").get("drills")).remove("redisRecoveryTest");
      return envs;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String next(String state) {
    return states.path(state).path("Next").asText();
  }

  private static Set<String> names(JsonNode states) {
    Set<String> out = new TreeSet<>();
    states.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
