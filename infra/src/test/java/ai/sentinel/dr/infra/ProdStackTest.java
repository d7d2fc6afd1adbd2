package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig.Vars;
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
    assertEquals("prod-sentinel-dr-database-failure",
        prod.properties("AWS::StepFunctions::StateMachine").get(0).path("StateMachineName").asText());
  }

  @Test
  void prodRecoversForRealAndChecksHealth() {
    JsonNode vars = prod.function("prod-sentinel-dr-verify").path("Environment").path("Variables");
    assertEquals("false", vars.path(Vars.DRY_RUN).asText());
    assertEquals("true", vars.path(Vars.VERIFY_DB_CONNECT).asText());
    assertEquals("https://api.sentinel.ai/health", vars.path(Vars.HEALTH_URL).asText());
    prod.properties("AWS::Logs::LogGroup").forEach(g -> assertEquals(365, g.path("RetentionInDays").asInt()));
  }

  @Test
  void onlyVerifyRunsInTheVpc() {
    prod.properties("AWS::Lambda::Function").forEach(f -> {
      boolean verify = f.path("FunctionName").asText().equals("prod-sentinel-dr-verify");
      assertEquals(verify, f.has("VpcConfig"), f.path("FunctionName").asText());
    });
    JsonNode vpc = prod.function("prod-sentinel-dr-verify").path("VpcConfig");
    assertEquals(Synth.JSON.valueToTree(prod.config.vpc().subnetIds()), vpc.path("SubnetIds"));
    assertEquals(Synth.JSON.valueToTree(prod.config.vpc().securityGroupIds()), vpc.path("SecurityGroupIds"));
    // Lambda checks the ENI permissions at creation: the function waits for its policy
    prod.resources("AWS::Lambda::Function").forEach((id, f) -> {
      if (id.startsWith("DatabaseRecoveryFunctionsVerifyFunction")) {
        assertTrue(f.path("DependsOn").toString().contains("DatabaseRecoveryFunctionsVerifyRoleDefaultPolicy"));
      }
    });
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
