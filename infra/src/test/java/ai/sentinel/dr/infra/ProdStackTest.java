package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.redis.RedisSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;

/** What differs in prod: real mutations, a health URL, Verify inside the VPC, longer retention. */
class ProdStackTest {
  private static Synth prod;

  @BeforeAll
  static void synth() {
    prod = Synth.of("prod");
  }

  @Test
  void prodStackIsSeparateFromDev() {
    assertEquals("prod-sentinel-dr", prod.stack.getStackName());
    List<String> names = prod.properties("AWS::StepFunctions::StateMachine").stream()
        .map(p -> p.path("StateMachineName").asText()).toList();
    assertEquals(List.of("prod-sentinel-dr-database-failure", "prod-sentinel-dr-redis-failure",
        "prod-sentinel-dr-ecs-service-failure", "prod-sentinel-dr-data-corruption",
        "prod-sentinel-dr-security-incident", "prod-sentinel-dr-database-restore-test"), names);
  }

  @Test
  void prodRecoversForRealAndChecksHealth() {
    JsonNode vars = prod.function("prod-sentinel-dr-database-verify").path("Environment").path("Variables");
    assertEquals("false", vars.path(Vars.DRY_RUN).asText());
    assertTrue(Synth.section(vars, DatabaseSettings.class).path("verifyConnect").asBoolean());
    JsonNode redisVerify = prod.function("prod-sentinel-dr-redis-verify").path("Environment").path("Variables");
    assertTrue(Synth.section(redisVerify, RedisSettings.class).path("verifyConnect").asBoolean());
    assertEquals("https://api.sentinel.ai/health", vars.path(Vars.HEALTH_URL).asText());
    prod.properties("AWS::Logs::LogGroup").forEach(g -> assertEquals(365, g.path("RetentionInDays").asInt()));
  }

  @Test
  void onlyTheVerifyStepsRunInTheVpc() {
    // SELECT 1 and PING need the database's and the cache's network, RevokeApiKeys, Investigate (audit_logs) and the
    // database secret's rotation (ALTER ROLE) the database's; nothing else does
    List<String> inVpc = List.of("prod-sentinel-dr-database-verify", "prod-sentinel-dr-redis-verify",
        "prod-sentinel-dr-database-verify-scratch-instance",
        "prod-sentinel-dr-security-revoke-api-keys", "prod-sentinel-dr-security-database-secret-rotator",
        "prod-sentinel-dr-security-investigate",
        // Diagnose: is the database or the cache healthy (SELECT 1, PING) before anything is replaced
        "prod-sentinel-dr-database-diagnose", "prod-sentinel-dr-redis-diagnose",
        // Scenario 5 reads and repairs the database's tables
        "prod-sentinel-dr-corruption-diagnose", "prod-sentinel-dr-corruption-compare-tables",
        "prod-sentinel-dr-corruption-restore-tables", "prod-sentinel-dr-corruption-verify-data");
    prod.properties("AWS::Lambda::Function").forEach(f -> {
      boolean verify = inVpc.contains(f.path("FunctionName").asText());
      assertEquals(verify, f.has("VpcConfig"), f.path("FunctionName").asText());
    });
    for (String name : inVpc) {
      JsonNode vpc = prod.function(name).path("VpcConfig");
      assertEquals(Synth.JSON.valueToTree(prod.config.vpc().subnetIds()), vpc.path("SubnetIds"), name);
      assertEquals(Synth.JSON.valueToTree(prod.config.vpc().securityGroupIds()), vpc.path("SecurityGroupIds"), name);
    }
    // Lambda checks the ENI permissions at creation: the function waits for its policy
    int checked = 0;
    for (var e : prod.resources("AWS::Lambda::Function").entrySet()) {
      for (String scope : List.of("DatabaseRecovery", "RedisRecovery")) {
        if (e.getKey().startsWith(scope + "FunctionsVerifyFunction")) {
          assertTrue(e.getValue().path("DependsOn").toString().contains(scope + "FunctionsVerifyRoleDefaultPolicy"),
              e.getKey());
          checked++;
        }
      }
    }
    assertEquals(2, checked);
  }

  @Test
  void cdkNagReportsNoUnsuppressedError() {
    List<String> errors = Annotations.fromStack(prod.stack)
        .findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
        .map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    assertEquals(List.of(), errors);
    assertFalse(prod.json.toString().contains("AWSLambdaBasicExecutionRole"), "no managed policies");
  }
}
