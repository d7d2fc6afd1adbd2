package ai.sentinel.dr.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.recovery.Notify;
import ai.sentinel.dr.recovery.RestartServices;
import ai.sentinel.dr.recovery.WaitForServices;
import ai.sentinel.dr.redis.RedisSettings;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.ManualResponder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The common configuration and the scenarios' settings sections, each in only the functions that read it. */
class DrConfigTest {

  @Test
  void aFunctionWithoutTheDatabaseAndEcsSectionsStartsAndFailsFastOnlyWhenItNeedsOne() {
    Map<String, String> env = Fixtures.env();
    env.remove("SETTINGS_DATABASE");
    env.remove("SETTINGS_ECS");
    DrConfig config = DrConfig.fromEnv(env);
    assertTrue(config.settings(DatabaseSettings.class).isEmpty());
    assertEquals("sentinel-redis", RedisSettings.of(config).clusterId());
    DrConfig.ConfigException e = assertThrows(DrConfig.ConfigException.class, () -> DatabaseSettings.of(config));
    assertTrue(e.getMessage().contains("SETTINGS_DATABASE") && e.getMessage().contains("database settings of the "
        + "dev environment"), e.getMessage());
    assertTrue(assertThrows(DrConfig.ConfigException.class, () -> EcsSettings.of(config)).getMessage()
        .contains("SETTINGS_ECS"));
  }

  @Test
  void aSectionThatIsNotItsRecordsJsonFailsAtInitNamingItsVariable() {
    Map<String, String> env = Fixtures.env();
    env.put("SETTINGS_ECS", "{\"cluster\":[1,2]");
    DrConfig.ConfigException e = assertThrows(DrConfig.ConfigException.class, () -> DrConfig.fromEnv(env));
    assertTrue(e.getMessage().contains("SETTINGS_ECS"), e.getMessage());
  }

  @Test
  void theBlastRadiusIsWhatThisFunctionsSectionsAllow() {
    DrConfig all = Fixtures.config();
    assertTrue(all.allows("secretsmanager", "sentinel/database-url"));
    assertTrue(all.allows("secretsmanager", "sentinel/redis-url"));
    assertTrue(all.allows("rds", "sentinel-db-drill"));
    assertTrue(all.allows("elasticache", "sentinel-redis-recovery"));
    assertTrue(all.allows("sns", Fixtures.TOPIC));
    assertFalse(all.allows("elasticache", "sentinel-redis"), "never the original cache");
    assertFalse(all.allows("rds", null));

    Map<String, String> env = Fixtures.env();
    env.remove("SETTINGS_DATABASE");
    DrConfig redisOnly = DrConfig.fromEnv(env);
    assertFalse(redisOnly.allows("secretsmanager", "sentinel/database-url"), "not a section this function has");
    assertTrue(redisOnly.allows("secretsmanager", "sentinel/redis-url"));
    assertTrue(redisOnly.allows("sns", Fixtures.TOPIC));
  }

  @Test
  void eachHandlerReadsItsScenariosSectionOrWhatItDeclares() {
    assertEquals(List.of(DatabaseSettings.SECTION), SettingsSections.readBy(ai.sentinel.dr.database.Verify.class));
    assertEquals(List.of(RedisSettings.SECTION), SettingsSections.readBy(ai.sentinel.dr.redis.Diagnose.class));
    assertEquals(List.of(EcsSettings.SECTION), SettingsSections.readBy(ai.sentinel.dr.ecs.ScaleUp.class));
    assertEquals(List.of(EcsSettings.SECTION), SettingsSections.readBy(RestartServices.class));
    assertEquals(List.of(EcsSettings.SECTION), SettingsSections.readBy(WaitForServices.class));
    // the lock claim (AcquireLock takes it, Notify releases it) names what each scenario mutates, from its section
    // every scenario's section and the on-call's; the health check's is read by the health check only
    List<Object> scenarios = new java.util.ArrayList<>(ai.sentinel.dr.scenario.ScenarioRegistry.settingsSections());
    scenarios.add(ai.sentinel.dr.oncall.PagerDutySettings.SECTION);
    assertEquals(scenarios, SettingsSections.readBy(Notify.class));
    assertEquals(scenarios, SettingsSections.readBy(ai.sentinel.dr.recovery.AcquireLock.class));
    assertEquals(scenarios, SettingsSections.readBy(AlarmResponder.class));
    assertEquals(scenarios, SettingsSections.readBy(ManualResponder.class));
    assertEquals(List.of(DatabaseSettings.SECTION, RedisSettings.SECTION, EcsSettings.SECTION,
        ai.sentinel.dr.health.HealthSettings.SECTION),
        SettingsSections.readBy(ai.sentinel.dr.health.PlatformHealthCheck.class));
  }

  @Test
  void aLocalOverrideMergesIntoTheSectionsAFunctionHasAndNoOther() {
    Map<String, String> env = Fixtures.env();
    env.remove("SETTINGS_REDIS");
    Map<String, String> out = SettingsSections.override(env, Map.of("DRY_RUN", "true",
        "SETTINGS_DATABASE", "{\"connectHost\":\"127.0.0.1:5432\",\"verifyConnect\":true}",
        "SETTINGS_REDIS", "{\"connectHost\":\"127.0.0.1:6379\"}"));
    assertEquals("true", out.get("DRY_RUN"));
    assertFalse(out.containsKey("SETTINGS_REDIS"), "a function without the section does not get it");
    DatabaseSettings database = DatabaseSettings.of(DrConfig.fromEnv(out));
    assertEquals("127.0.0.1:5432", database.connectHost());
    assertTrue(database.verifyConnect());
    assertEquals("sentinel-db", database.instanceId(), "the other fields are kept");
  }

  @Test
  void settingsSurviveTheirJsonRoundTrip() {
    List<Settings> sections = List.of(
        new DatabaseSettings("sentinel-db", "sentinel/database-url", "db.t3.medium", "sentinel-db-subnet",
            List.of("sg-0123456789abcdef0"), true, null),
        new RedisSettings("sentinel-redis", "sentinel/redis-url", "cache.t3.medium", "sentinel-redis-subnet",
            List.of("sg-0123456789abcdef1"), false, "127.0.0.1:6379"),
        new EcsSettings("sentinel-production", List.of("sentinel-api"), Map.of("sentinel-api", "sentinel-api"),
            Map.of("sentinel-api", 3), 7, "/aws/ecs/"));
    for (Settings s : sections) {
      assertEquals(s, Json.convert(Json.tree(Json.write(s)), s.getClass()));
    }
    assertFalse(Json.write(sections.get(0)).contains("connectHost"), "never written when not set");
    EcsSettings defaults = Json.convert(Json.tree("{\"cluster\":\"c\",\"services\":[\"s\"]}"), EcsSettings.class);
    assertEquals(EcsSettings.DEFAULT_STABLE_POLLS, defaults.stablePolls());
    assertEquals(EcsSettings.DEFAULT_LOG_GROUP_PREFIX, defaults.logGroupPrefix());
  }
}
