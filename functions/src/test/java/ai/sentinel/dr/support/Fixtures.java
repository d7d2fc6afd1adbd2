package ai.sentinel.dr.support;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mockito.Answers;
import org.mockito.Mockito;
import software.amazon.awssdk.regions.Region;

/** Shared test setup: the dev-like environment, SDK mocks, recovery documents, the events/ folder. */
public final class Fixtures {
  public static final Instant NOW = Instant.parse("2026-01-17T10:05:00Z");
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  public static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:dev-sentinel-dr-notifications";
  public static final String STATE_MACHINE =
      "arn:aws:states:us-east-1:123456789012:stateMachine:dev-sentinel-dr-database-failure";

  /** Scenario 6's section as cdk.json's dev environment has it (allow-listed: 198.51.100.0/28, 192.0.2.0/29). */
  public static final String SECURITY = "{\"ipSet\":{\"name\":\"sentinel-blocklist\",\"id\":\"a1b2c3d4-5678-90ab-"
      + "cdef-111111111111\",\"scope\":\"REGIONAL\"},\"webAcl\":\"sentinel-waf\",\"allowList\":[\"198.51.100.0/28\","
      + "\"192.0.2.0/29\"],\"blockHours\":24,\"minSeverity\":7.0,\"securityHubProducts\":[\"GuardDuty\"],"
      + "\"piiMetric\":{\"namespace\":\"Sentinel/Security\",\"name\":\"PiiRecordsRead\"},\"apiKeys\":{\"secretId\":"
      + "\"sentinel/database-url\",\"table\":\"api_keys\",\"idColumn\":\"id\",\"revokedColumn\":\"revoked_at\"},"
      + "\"isolation\":{\"service\":\"sentinel-api\",\"restoreSteps\":[\"1\",\"50%\",\"100%\"]},"
      + "\"groupingWindowMinutes\":60}";

  /** Scenario 5's section as cdk.json's dev environment has it. */
  public static final String DATA_CORRUPTION = "{\"tables\":[{\"table\":\"audit_logs\",\"key\":\"id\",\"timestamp\":"
      + "\"created_at\",\"sensitive\":[\"threat_details\"]}],\"maintenance\":{\"listener\":\"sentinel-alb:443\",\"parameter\":"
      + "\"/sentinel/maintenance-mode\"}}";

  private Fixtures() {}

  public static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("SENTINEL_ENV", "dev");
    env.put("AWS_REGION", "us-east-1");
    env.put("SETTINGS_DATABASE", "{\"instanceId\":\"sentinel-db\",\"secretId\":\"sentinel/database-url\","
        + "\"subnetGroup\":\"sentinel-db-subnet\",\"securityGroups\":[\"sg-0fallback\"],"
        + "\"instanceClass\":\"db.t3.medium\",\"verifyConnect\":false}");
    env.put("SETTINGS_ECS", "{\"cluster\":\"sentinel-production\",\"services\":[\"sentinel-api\",\"sentinel-celery\"],"
        + "\"targetGroups\":{\"sentinel-api\":\"sentinel-api\"}}");
    env.put("NOTIFY_TOPIC_ARN", TOPIC);
    env.put("STATE_MACHINE_ARNS", "{\"database-failure\":\"" + STATE_MACHINE + "\"}");
    env.put("ALARM_ROUTES", "{\"sentinel-rds-connections\":\"database-failure\","
        + "\"sentinel-database-composite\":\"database-failure\"}");
    env.put("POLL_SECONDS", "30");
    env.put("MAX_POLLS", "5");
    env.put("LOCK_TABLE", "dev-sentinel-dr-locks");
    env.put("BUDGET_MAX_ATTEMPTS", "2");
    env.put("BUDGET_WINDOW_SECONDS", "86400");
    env.put("SETTINGS_REDIS", "{\"clusterId\":\"sentinel-redis\",\"secretId\":\"sentinel/redis-url\","
        + "\"verifyConnect\":true}");
    env.put("SETTINGS_SECURITY", SECURITY);
    env.put("SETTINGS_DATACORRUPTION", DATA_CORRUPTION);
    return env;
  }

  /**
   * {@code env} with the settings section {@code name} (database, redis, ecs) edited as JSON, e.g. a field removed;
   * the section variable is set when the environment had none.
   */
  public static Map<String, String> withSection(Map<String, String> env, String name, Consumer<ObjectNode> edit) {
    String variable = SettingsSection.variable(name);
    ObjectNode section = env.containsKey(variable) ? (ObjectNode) Json.tree(env.get(variable)) : Json.object();
    edit.accept(section);
    env.put(variable, section.toString());
    return env;
  }

  public static DrConfig config() {
    return DrConfig.fromEnv(env());
  }

  public static Deps deps(Object... clients) {
    return deps(config(), clients);
  }

  public static Deps deps(DrConfig config, Object... clients) {
    Map<Class<?>, Object> preset = new HashMap<>();
    for (Object client : clients) {
      for (Class<?> type : client.getClass().getInterfaces()) {
        if (type.getName().startsWith("software.amazon.awssdk.services.")) {
          preset.put(type, client);
        }
      }
    }
    return new Deps(config, Clients.preset(Region.US_EAST_1, preset), CLOCK);
  }

  /**
   * A Mockito mock of an SDK client interface whose consumer-builder overloads build the request and call the
   * request overload, so tests stub and capture one method per API whichever overload the code uses.
   */
  public static <T> T sdkMock(Class<T> type) {
    return Mockito.mock(type, invocation -> {
      Method m = invocation.getMethod();
      if (m.isDefault() && m.getParameterCount() == 1
          && (Consumer.class.isAssignableFrom(m.getParameterTypes()[0]) || m.getName().endsWith("Paginator"))) {
        return invocation.callRealMethod();
      }
      return Answers.RETURNS_DEFAULTS.answer(invocation);
    });
  }

  public static Recovery recovery(boolean dryRun) {
    return Recovery.start("database-failure", "sentinel-db", "database-failure-sentinel-db-0123456789abcdef", "dev",
        new Trigger("alarm", "eventbridge", "sentinel-rds-connections", "2026-01-17T10:02:11.482Z", "test"),
        new Options(null, "latest", null, dryRun, 30, 5));
  }

  public static DatabaseState.Diagnosis diagnosis(boolean found, String status, boolean multiAz) {
    return new DatabaseState.Diagnosis(found, status, found ? "us-east-1a" : null, found ? "us-east-1b" : null,
        multiAz, found ? "db.r6g.large" : null, found ? "sentinel-db-subnet" : null,
        found ? List.of("sg-0aaa", "sg-0bbb") : List.of(), found ? "sentinel-db.abc.us-east-1.rds.amazonaws.com" : null,
        found ? 5432 : null, List.of(), null, "test");
  }

  /** The repository's events/ folder (tests run from the module directory). */
  public static Path events() {
    Path p = Path.of("..", "events");
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("events/ not found from " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
