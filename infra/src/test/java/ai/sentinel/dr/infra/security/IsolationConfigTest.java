package ai.sentinel.dr.infra.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.CdkJson;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.security.SecuritySettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** cdk.json's security.isolation: the load balancer RestoreGradually judges each step's error rate on, its ceiling. */
class IsolationConfigTest {
  @Test
  void theRepositorysSectionsJudgeTheErrorRate() throws IOException {
    for (String env : List.of("dev", "prod", "local")) {
      SecuritySettings.Isolation i = EnvironmentConfig.load(CdkJson.environments(), env).require(SecuritySettings.class)
          .isolation();
      assertEquals("sentinel-alb", i.loadBalancer(), env);
      assertEquals(1.0, i.maxErrorRatePercent(), env);
    }
  }

  @Test
  void withoutTheFieldsTheCeilingIsOnePercentAndNoLoadBalancerIsJudged() throws IOException {
    JsonNode envs = CdkJson.with("dev", e -> ((ObjectNode) e.get("security").get("isolation"))
        .remove(List.of("loadBalancer", "maxErrorRatePercent")));
    SecuritySettings.Isolation i = EnvironmentConfig.load(envs, "dev").require(SecuritySettings.class).isolation();
    assertNull(i.loadBalancer());
    assertEquals(SecuritySettings.DEFAULT_MAX_ERROR_RATE_PERCENT, i.maxErrorRatePercent());
    assertEquals(1.0, SecuritySettings.DEFAULT_MAX_ERROR_RATE_PERCENT);
  }

  static Stream<Arguments> badFields() {
    String rate = "security.isolation.maxErrorRatePercent must be a number from 0 to 100";
    return Stream.of(
        Arguments.of((Consumer<ObjectNode>) i -> i.put("maxErrorRatePercent", 101), rate),
        Arguments.of((Consumer<ObjectNode>) i -> i.put("maxErrorRatePercent", -1), rate),
        Arguments.of((Consumer<ObjectNode>) i -> i.put("maxErrorRatePercent", "1%"), rate),
        Arguments.of((Consumer<ObjectNode>) i -> i.put("loadBalancer", "arn:aws:elasticloadbalancing:x"),
            "security.isolation.loadBalancer"));
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void aBadFieldNamesTheEnvironmentAndTheField(Consumer<ObjectNode> edit, String expected) throws IOException {
    String message = CdkJson.failure("prod", e -> edit.accept((ObjectNode) e.get("security").get("isolation")));
    assertTrue(message.contains("'prod'"), message);
    assertTrue(message.contains(expected), message);
  }
}
