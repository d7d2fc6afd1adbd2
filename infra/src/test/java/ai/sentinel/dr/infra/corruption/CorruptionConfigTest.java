package ai.sentinel.dr.infra.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.corruption.DataCorruptionSettings;
import ai.sentinel.dr.corruption.sql.TableSpec;
import ai.sentinel.dr.infra.CdkJson;
import ai.sentinel.dr.infra.EnvironmentConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** cdk.json's dataCorruption sections load, and a bad field fails naming the environment and the field. */
class CorruptionConfigTest {

  @Test
  void theRepositorysSectionsLoad() throws IOException {
    for (String env : List.of("dev", "prod", "local")) {
      DataCorruptionSettings s = EnvironmentConfig.load(CdkJson.environments(), env)
          .require(DataCorruptionSettings.class);
      assertEquals(new TableSpec("audit_logs", "id", "created_at", Set.of("threat_details")), s.table("audit_logs"));
      assertEquals("sentinel-db-clean", EnvironmentConfig.load(CdkJson.environments(), env)
          .require(ai.sentinel.dr.database.DatabaseSettings.class).cleanInstanceId(), env);
      assertEquals("non-get", s.maintenance().modeName(), env + ": read-only mode by default");
      assertEquals("/sentinel/maintenance-mode", s.maintenance().parameter(), env);
      assertEquals("read-only", s.maintenance().value(), env);
      assertEquals(5, s.margin(), env);
      assertEquals("sentinel-api", s.service(), env);
      assertFalse(s.allows("rds", "sentinel-db"), env + ": never the protected instance itself");
      assertTrue(s.allows("postgres", "audit_logs"));
      assertFalse(s.allows("postgres", "users"));
    }
    DataCorruptionSettings prod = EnvironmentConfig.load(CdkJson.environments(), "prod")
        .require(DataCorruptionSettings.class);
    assertEquals("sentinel-alb", prod.maintenance().loadBalancer());
    assertEquals(443, prod.maintenance().port());
    assertTrue(prod.deletesCleanInstance(), "deleted after a verified repair unless configured otherwise");
  }

  static Stream<Arguments> badFields() {
    return Stream.of(
        bad(e -> section(e).remove("tables"), "dataCorruption.tables must be an object of 1 to 20 tables"),
        bad(e -> tables(e).putObject("Audit-Logs").put("key", "id").put("timestamp", "created_at"),
            "dataCorruption.tables.Audit-Logs: a table name must be a lower-case SQL identifier"),
        bad(e -> ((ObjectNode) tables(e).get("audit_logs")).put("key", "id; drop"),
            "dataCorruption.tables.audit_logs.key must be a lower-case SQL identifier"),
        bad(e -> ((ObjectNode) tables(e).get("audit_logs")).remove("timestamp"),
            "dataCorruption.tables.audit_logs.timestamp is missing"),
        bad(e -> ((ObjectNode) tables(e).get("audit_logs")).put("primary", "id"),
            "unknown field 'dataCorruption.tables.audit_logs.primary'"),
        bad(e -> section(e).remove("maintenance"), "dataCorruption.maintenance is missing"),
        bad(e -> maintenance(e).removeAll(), "dataCorruption.maintenance needs a listener, a parameter or both"),
        bad(e -> maintenance(e).put("listener", "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/x/1/2"),
            "dataCorruption.maintenance.listener must be an ALB listener as <load balancer name>:<port>"),
        bad(e -> maintenance(e).put("listener", "sentinel-alb:70000"),
            "dataCorruption.maintenance.listener: port must be 1-65535"),
        bad(e -> maintenance(e).put("mode", "writes"), "dataCorruption.maintenance.mode must be non-get"),
        bad(e -> maintenance(e).put("rulePriority", 0), "dataCorruption.maintenance.rulePriority"),
        bad(e -> section(e).put("marginMinutes", -5), "dataCorruption.marginMinutes"),
        bad(e -> section(e).put("apiService", "sentinel-web"),
            "dataCorruption.apiService 'sentinel-web' is not one of ecs.services"),
        bad(e -> section(e).put("deleteCleanInstance", "yes"), "dataCorruption.deleteCleanInstance"),
        bad(e -> section(e).put("keepCleanInstanceHours", 0),
            "dataCorruption.keepCleanInstanceHours must be an integer from 1 to 744"),
        bad(e -> section(e).put("keepCleanInstanceHours", 24).put("deleteCleanInstance", false),
            "dataCorruption.keepCleanInstanceHours is a retention before the deletion, but deleteCleanInstance is "
                + "false"),
        bad(e -> section(e).put("tablez", 1), "unknown field 'dataCorruption.tablez'"));
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void aBadFieldNamesTheEnvironmentAndTheField(Consumer<ObjectNode> edit, String expected) throws IOException {
    String message = CdkJson.failure("prod", edit);
    assertTrue(message.contains("'prod'"), message);
    assertTrue(message.contains(expected), message);
  }

  @Test
  void withoutTheSectionNoScenario5IsDeployed() throws IOException {
    JsonNode envs = CdkJson.with("dev", e -> e.remove("dataCorruption"));
    EnvironmentConfig dev = EnvironmentConfig.load(envs, "dev");
    assertFalse(new CorruptionInfraScenario().deployedIn(dev));
    assertFalse(dev.deployedScenarios().contains("data-corruption"));
  }

  private static ObjectNode section(ObjectNode env) {
    return (ObjectNode) env.get("dataCorruption");
  }

  private static ObjectNode tables(ObjectNode env) {
    return (ObjectNode) section(env).get("tables");
  }

  private static ObjectNode maintenance(ObjectNode env) {
    return (ObjectNode) section(env).get("maintenance");
  }

  private static Arguments bad(Consumer<ObjectNode> edit, String expected) {
    return Arguments.of(edit, expected);
  }
}
