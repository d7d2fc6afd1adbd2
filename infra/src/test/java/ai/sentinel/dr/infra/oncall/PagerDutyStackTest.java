package ai.sentinel.dr.infra.oncall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Synth;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An environment with a {@code pagerDuty} section: the functions that reach the on-call (Notify, RequestApproval,
 * the responders) get the section and may read the routing key's secret, and nothing else gets either.
 */
class PagerDutyStackTest {

  private static EnvironmentConfig withPagerDuty() throws Exception {
    ObjectNode environments = (ObjectNode) Json.tree(java.nio.file.Files.readString(
        ai.sentinel.dr.infra.RepoPaths.cdkJson(ai.sentinel.dr.infra.RepoPaths.root()))).path("context")
        .path("environments");
    ((ObjectNode) environments.get("dev")).putObject("pagerDuty")
        .put("routingKeySecretId", "sentinel/pagerduty-routing-key");
    return EnvironmentConfig.load(environments, "dev");
  }

  @Test
  void theOnCallsFunctionsGetTheSectionAndReadOnlyTheRoutingKeySecret() throws Exception {
    EnvironmentConfig config = withPagerDuty();
    Synth synth = Synth.of("dev with pagerDuty", () -> config);
    for (String name : List.of("dev-sentinel-dr-notify", "dev-sentinel-dr-request-approval",
        "dev-sentinel-dr-acknowledge-approval",
        "dev-sentinel-dr-alarm-responder", "dev-sentinel-dr-manual-responder")) {
      JsonNode section = Synth.section(synth.function(name).path("Environment").path("Variables"),
          ai.sentinel.dr.oncall.PagerDutySettings.class);
      assertEquals("sentinel/pagerduty-routing-key", section.path("routingKeySecretId").asText(), name);
      assertEquals("https://events.pagerduty.com", section.path("eventsUrl").asText(), name);
    }
    JsonNode diagnose = synth.function("dev-sentinel-dr-database-diagnose").path("Environment").path("Variables");
    assertFalse(diagnose.has("SETTINGS_PAGERDUTY"), "a step that pages nobody does not get it");
    String policies = synth.properties("AWS::IAM::Policy").toString();
    assertTrue(policies.contains("secret:sentinel/pagerduty-routing-key-??????"), policies.substring(0, 200));
    long grants = synth.properties("AWS::IAM::Policy").stream()
        .filter(p -> p.toString().contains("sentinel/pagerduty-routing-key")).count();
    long withSection = synth.properties("AWS::Lambda::Function").stream()
        .filter(f -> f.path("Environment").path("Variables").has("SETTINGS_PAGERDUTY")).count();
    assertEquals(withSection, grants, "exactly the functions with the section may read the key");
  }

  @Test
  void aSecretArnOrABadUrlIsRefusedNamingTheField() throws Exception {
    ObjectNode environments = (ObjectNode) Json.tree(java.nio.file.Files.readString(
        ai.sentinel.dr.infra.RepoPaths.cdkJson(ai.sentinel.dr.infra.RepoPaths.root()))).path("context")
        .path("environments");
    ((ObjectNode) environments.get("dev")).putObject("pagerDuty")
        .put("routingKeySecretId", "arn:aws:secretsmanager:us-east-1:123456789012:secret:pd")
        .put("eventsUrl", "ftp://x");
    var e = org.junit.jupiter.api.Assertions.assertThrows(EnvironmentConfig.InvalidConfigException.class,
        () -> EnvironmentConfig.load(environments, "dev"));
    assertTrue(e.getMessage().contains("pagerDuty.routingKeySecretId must be the secret's name"), e.getMessage());
    assertTrue(e.getMessage().contains("pagerDuty.eventsUrl"), e.getMessage());
  }
}
