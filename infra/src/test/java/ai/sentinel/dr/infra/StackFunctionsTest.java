package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.common.SettingsSections;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.corruption.CorruptionRecoveryStackTest;
import ai.sentinel.dr.recovery.AcquireLock;
import ai.sentinel.dr.recovery.Notify;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dev stack's functions: names, SnapStart, aliases, logs, and the environment each one is given. */
class StackFunctionsTest {
  private static Synth dev;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
  }

  @Test
  void stackAndEveryNameArePrefixedWithTheEnvironment() {
    assertEquals("dev-sentinel-dr", dev.stack.getStackName());
    dev.properties("AWS::Lambda::Function").forEach(f ->
        assertTrue(f.path("FunctionName").asText().startsWith("dev-sentinel-dr-"), f.toString()));
    dev.properties("AWS::SNS::Topic").forEach(t ->
        assertTrue(t.path("TopicName").asText().startsWith("dev-sentinel-dr-"), t.path("TopicName").asText()));
  }

  @Test
  void oneJava21SnapStartFunctionPerHandler() {
    dev.template.resourceCountIs("AWS::Lambda::Function", SentinelDrStackTest.allHandlers().size());
    for (Class<?> handler : SentinelDrStackTest.allHandlers()) {
      JsonNode fn = dev.function(Names.function("dev-sentinel-dr", handler));
      assertEquals(handler.getName() + "::handleRequest", fn.path("Handler").asText());
      assertEquals("java21", fn.path("Runtime").asText());
      assertEquals("PublishedVersions", fn.path("SnapStart").path("ApplyOn").asText());
      assertEquals(1024, fn.path("MemorySize").asInt());
      // the data-corruption steps that compare or repair tables get Lambda's longest timeout
      assertEquals(CorruptionRecoveryStackTest.DATABASE_STEPS.contains(handler) ? 900 : 60,
          fn.path("Timeout").asInt(), handler.getName());
    }
    // a scenario's steps carry its package, shared handlers do not
    assertNotNull(dev.function("dev-sentinel-dr-database-restore-from-snapshot"));
    assertNotNull(dev.function("dev-sentinel-dr-database-diagnose"));
    assertNotNull(dev.function("dev-sentinel-dr-redis-diagnose"));
    assertNotNull(dev.function("dev-sentinel-dr-ecs-diagnose"));
    assertNotNull(dev.function("dev-sentinel-dr-notify"));
    assertNotNull(dev.function("dev-sentinel-dr-alarm-responder"));
    assertNotNull(dev.function("dev-sentinel-dr-ecs-event-responder"));
    assertNotNull(dev.function("dev-sentinel-dr-elasticache-event-responder"), "ElastiCache is one word");
    Set<String> names = new HashSet<>();
    dev.properties("AWS::Lambda::Function").forEach(f -> assertTrue(names.add(f.path("FunctionName").asText()),
        "function names are unique: " + f.path("FunctionName")));
  }

  @Test
  void functionNamesFitLambdasLimitForTheLongestEnvironmentName() throws Exception {
    String longest = "a".repeat(EnvironmentConfig.ENV_NAME_MAX) + "-sentinel-dr";
    // every handler of the functions jar, deployed today or not: a new step must not be undeployable
    List<Class<?>> handlers = new ArrayList<>();
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(RepoPaths.lambdaJar(RepoPaths.root()).toFile())) {
      for (java.util.jar.JarEntry entry : java.util.Collections.list(jar.entries())) {
        String name = entry.getName();
        if (name.startsWith("ai/sentinel/dr/") && name.endsWith(".class") && !name.contains("$")) {
          Class<?> c = handlerClass(name.replace('/', '.').replace(".class", ""));
          if (com.amazonaws.services.lambda.runtime.RequestStreamHandler.class.isAssignableFrom(c)
              && !java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
            handlers.add(c);
          }
        }
      }
    }
    assertTrue(handlers.containsAll(SentinelDrStackTest.allHandlers()), "the scan finds the deployed handlers");
    List<String> tooLong = handlers.stream().map(h -> Names.function(longest, h))
        .filter(n -> n.length() > Names.FUNCTION_NAME_MAX).toList();
    assertEquals(List.of(), tooLong, "at most " + Names.FUNCTION_NAME_MAX + " characters with a "
        + EnvironmentConfig.ENV_NAME_MAX + "-character environment name");
    Set<String> names = new HashSet<>();
    handlers.forEach(h -> assertTrue(names.add(Names.function(longest, h)), "unique: " + h));
  }

  @Test
  void everyFunctionHasAliasLiveOnAPublishedVersion() {
    Map<String, JsonNode> aliases = dev.resources("AWS::Lambda::Alias");
    assertEquals(SentinelDrStackTest.allHandlers().size(), aliases.size());
    Set<String> versions = dev.resources("AWS::Lambda::Version").keySet();
    aliases.values().forEach(a -> {
      assertEquals("live", a.path("Properties").path("Name").asText());
      String version = a.path("Properties").path("FunctionVersion").path("Fn::GetAtt").path(0).asText();
      assertTrue(versions.contains(version), "alias on a published version: " + a);
    });
  }

  @Test
  void everyFunctionLogsToItsOwnGroupWithTheConfiguredRetention() {
    Map<String, JsonNode> groups = dev.resources("AWS::Logs::LogGroup");
    for (Class<?> handler : SentinelDrStackTest.allHandlers()) {
      String name = Names.function("dev-sentinel-dr", handler);
      String group = dev.function(name).path("LoggingConfig").path("LogGroup").path("Ref").asText();
      JsonNode props = groups.get(group).path("Properties");
      assertEquals("/aws/lambda/" + name, props.path("LogGroupName").asText());
      assertEquals(30, props.path("RetentionInDays").asInt());
    }
  }

  @Test
  void functionsGetTheDrConfigVariables() {
    // the stack's functions never get a section only another stack reads (Scenario 4's dr)
    EnvironmentConfig functionsConfig = SentinelDrStack.functionsConfig(dev.config);
    for (Class<?> handler : SentinelDrStackTest.allHandlers()) {
      Map<String, String> expected = functionsConfig.lambdaEnvironment(handler);
      JsonNode vars = dev.function(Names.function("dev-sentinel-dr", handler)).path("Environment").path("Variables");
      expected.forEach((k, v) -> assertEquals(v, vars.path(k).asText(), handler.getSimpleName() + " " + k));
      assertTrue(vars.path(Vars.NOTIFY_TOPIC_ARN).has("Ref"), "topic ARN from the stack");
      assertTrue(vars.path(Vars.LOCK_TABLE).has("Ref"), "lock table name from the stack");
      assertFalse(vars.has(Vars.REGION), "Lambda sets AWS_REGION itself");
      for (SettingsSection<?> section : SettingsSections.ALL) {
        // only the sections the handler reads (Lambda's 4 KB), and never a local cloud's connectHost
        assertEquals(SettingsSections.readBy(handler).contains(section)
            && functionsConfig.settings(section.type()).isPresent(), vars.has(section.variable()),
            handler.getSimpleName() + " " + section.variable());
        assertFalse(Synth.section(vars, section.type()).has("connectHost"), "local clouds only");
      }
      assertEquals(SentinelDrStackTest.RESPONDERS.contains(handler), vars.has(Vars.STATE_MACHINE_ARNS),
          handler.getSimpleName());
    }
    JsonNode vars = dev.function("dev-sentinel-dr-alarm-responder").path("Environment").path("Variables");
    assertEquals(dev.config.deployedScenarios(), dev.stack.recoveries().stream()
        .map(RecoveryStateMachine::scenario).toList(), "what the CLI assumes is deployed");
    String recoveries = "\\{\"database-failure\":\"<Ref:DatabaseRecoveryStateMachine[0-9A-F]+>\","
        + "\"redis-failure\":\"<Ref:RedisRecoveryStateMachine[0-9A-F]+>\","
        + "\"ecs-service-failure\":\"<Ref:EcsRecoveryStateMachine[0-9A-F]+>\","
        + "\"data-corruption\":\"<Ref:DataCorruptionRecoveryStateMachine[0-9A-F]+>\","
        + "\"security-incident\":\"<Ref:SecurityRecoveryStateMachine[0-9A-F]+>\"";
    String arns = Synth.render(vars.path(Vars.STATE_MACHINE_ARNS));
    assertTrue(arns.matches(recoveries + "}"), "alarms start recoveries, never a test: " + arns);
    String manual = Synth.render(dev.function("dev-sentinel-dr-manual-responder").path("Environment")
        .path("Variables").path(Vars.STATE_MACHINE_ARNS));
    assertTrue(manual.matches(recoveries + ",\"database-restore-test\":\"<Ref:DatabaseRestoreTestStateMachine"
        + "[0-9A-F]+>\"}"), manual);
    assertEquals("true", vars.path(Vars.DRY_RUN).asText());
    assertEquals("[\"sentinel-api\",\"sentinel-celery\"]", Synth.section(vars, EcsSettings.class).path("services")
        .toString());
  }

  @Test
  void eachFunctionGetsOnlyTheSettingsSectionsItReads() {
    Map<String, Set<String>> expected = Map.of(
        "dev-sentinel-dr-alarm-responder", Set.of("SETTINGS_DATABASE", "SETTINGS_REDIS", "SETTINGS_ECS",
            "SETTINGS_SECURITY", "SETTINGS_DATACORRUPTION"),
        "dev-sentinel-dr-corruption-compare-tables", Set.of("SETTINGS_DATACORRUPTION", "SETTINGS_DATABASE"),
        "dev-sentinel-dr-corruption-enter-maintenance", Set.of("SETTINGS_DATACORRUPTION"),
        "dev-sentinel-dr-security-block-ips", Set.of("SETTINGS_SECURITY"),
        "dev-sentinel-dr-database-verify", Set.of("SETTINGS_DATABASE"),
        "dev-sentinel-dr-redis-diagnose", Set.of("SETTINGS_REDIS"),
        "dev-sentinel-dr-ecs-scale-up", Set.of("SETTINGS_ECS"),
        "dev-sentinel-dr-restart-services", Set.of("SETTINGS_ECS"),
        // the lock claim (taken by AcquireLock, released by Notify) names what each scenario mutates
        "dev-sentinel-dr-notify", Set.of("SETTINGS_DATABASE", "SETTINGS_REDIS", "SETTINGS_ECS",
            "SETTINGS_SECURITY", "SETTINGS_DATACORRUPTION"),
        "dev-sentinel-dr-acquire-lock", Set.of("SETTINGS_DATABASE", "SETTINGS_REDIS", "SETTINGS_ECS",
            "SETTINGS_SECURITY", "SETTINGS_DATACORRUPTION"));
    expected.forEach((function, sections) -> {
      Set<String> actual = new TreeSet<>();
      dev.function(function).path("Environment").path("Variables").fieldNames().forEachRemaining(v -> {
        if (v.startsWith("SETTINGS_")) {
          actual.add(v);
        }
      });
      assertEquals(new TreeSet<>(sections), actual, function);
    });
  }

  private static Class<?> handlerClass(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("handler class " + name + " not on the classpath", e);
    }
  }
}
