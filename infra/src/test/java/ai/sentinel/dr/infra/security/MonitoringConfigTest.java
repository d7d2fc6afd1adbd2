package ai.sentinel.dr.infra.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.CdkJson;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.security.MonitoringSettings;
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

/** cdk.json's security.monitoring loads, is validated, and without it no HeightenedMonitoring is deployed. */
class MonitoringConfigTest {
  @Test
  void theRepositorysSectionsLoad() throws IOException {
    for (String env : List.of("dev", "prod", "local")) {
      MonitoringSettings m = EnvironmentConfig.load(CdkJson.environments(), env).require(SecuritySettings.class)
          .monitoring();
      assertEquals(48, m.hours(), env);
      assertEquals("app/sentinel-alb/0123456789abcdef", m.loadBalancerMetric(), env);
      assertEquals(5, m.periodMinutes(), env);
      SecuritySettings s = EnvironmentConfig.load(CdkJson.environments(), env).require(SecuritySettings.class);
      assertTrue(s.allows("cloudwatch", env + "-sentinel-dr-heightened-0123456789ab-waf-blocked"));
      assertFalse(s.allows("cloudwatch", "sentinel-rds-connections"), "never an alarm it did not create");
      assertTrue(s.allows("scheduler", env + "-sentinel-dr-heightened-end-0123456789ab"));
      assertFalse(s.allows("scheduler", env + "-sentinel-dr-drill-security-incident"));
    }
  }

  static Stream<Arguments> badFields() {
    return Stream.of(
        bad(m -> m.put("hours", 0), "security.monitoring.hours must be an integer from 1 to 720"),
        bad(m -> m.put("hours", 24 * 31), "security.monitoring.hours must be an integer from 1 to 720"),
        bad(m -> m.put("periodMinutes", 7), "security.monitoring.periodMinutes must be 1 or a multiple of 5"),
        bad(m -> m.put("loadBalancerMetric", "sentinel-alb"),
            "security.monitoring.loadBalancerMetric must be the ALB's metric dimension app/NAME/ID"),
        bad(m -> m.put("http5xx", -1), "security.monitoring.http5xx must be an integer from 1"),
        bad(m -> m.put("wafBlocked", "many"), "security.monitoring.wafBlocked must be an integer from 1"),
        bad(m -> m.put("thresholds", 1), "unknown field 'security.monitoring.thresholds'"));
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void aBadFieldNamesTheEnvironmentAndTheField(Consumer<ObjectNode> edit, String expected) throws IOException {
    String message = CdkJson.failure("prod", e -> edit.accept((ObjectNode) e.get("security").get("monitoring")));
    assertTrue(message.contains("'prod'"), message);
    assertTrue(message.contains(expected), message);
  }

  @Test
  void withoutTheSectionNothingIsMonitoredAndNothingAllowed() throws IOException {
    JsonNode envs = CdkJson.with("dev", e -> ((ObjectNode) e.get("security")).remove("monitoring"));
    SecuritySettings s = EnvironmentConfig.load(envs, "dev").require(SecuritySettings.class);
    assertNull(s.monitoring());
    assertFalse(s.allows("cloudwatch", "dev-sentinel-dr-heightened-0123456789ab-waf-blocked"));
  }

  private static Arguments bad(Consumer<ObjectNode> edit, String expected) {
    return Arguments.of(edit, expected);
  }
}
