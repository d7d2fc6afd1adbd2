package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.PagerDutyStandIn;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.Severity;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The on-call of a function whose environment has a {@code pagerDuty} section, on the local cloud: the routing key
 * read from Secrets Manager (moto), the events sent over HTTP to the local PagerDuty stand-in, checked as PagerDuty
 * checks them; one recovery's trigger, acknowledge and resolve under its execution name; 429/503 retried; an
 * unreachable PagerDuty falling back to the SNS topic; the key in no log line.
 */
class PagerDutyIT {
  private static final String KEY = "PDK3Y0123456789abcdef0123456789a";
  private static final String SECRET = "sentinel/pagerduty-routing-key";
  private static final String EXECUTION = "database-failure-sentinel-db-0123456789abcdef";
  private static LocalSentinel sentinel;
  private static PagerDutyStandIn pagerDuty;
  private static OnCall onCall;

  @BeforeAll
  static void start() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("pagerduty-it-"));
    pagerDuty = PagerDutyStandIn.start();
    sentinel.aws.secrets.createSecret(b -> b.name(SECRET).secretString(KEY));
    Map<String, String> env = new LinkedHashMap<>(sentinel.aws.functionEnvironment());
    env.put("SENTINEL_ENV", "local");
    env.put("AWS_REGION", "us-east-1");
    env.put("NOTIFY_TOPIC_ARN", sentinel.config.topicArn());
    env.put(SettingsSection.variable("pagerDuty"), Json.object().put("routingKeySecretId", SECRET)
        .put("eventsUrl", pagerDuty.baseUrl().toString()).toString());
    onCall = OnCall.of(Deps.fromEnv(env));
  }

  @AfterAll
  static void stop() {
    if (pagerDuty != null) {
      pagerDuty.close();
    }
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static Alert alert(String happened, Severity severity) {
    return Alert.about("local", "database-failure", "sentinel-db", happened, "details", EXECUTION, severity);
  }

  @Test
  void oneRecoveryIsTriggeredAcknowledgedAndResolvedRetriedOn429And5xxAndFallsBackToSns() throws Exception {
    assertEquals("PagerDuty trigger " + EXECUTION, onCall.page(alert("APPROVAL needed before UpdateSecret",
        Severity.ERROR)));
    assertEquals("PagerDuty acknowledge " + EXECUTION, onCall.acknowledge(alert("approved by alice",
        Severity.ERROR)));
    assertEquals("PagerDuty resolve " + EXECUTION, onCall.resolve(alert("RECOVERED (verified)", Severity.INFO)));

    List<JsonNode> events = pagerDuty.events();
    assertEquals(List.of("trigger", "acknowledge", "resolve"), events.stream()
        .map(e -> e.get("event_action").asText()).toList());
    events.forEach(e -> assertEquals(EXECUTION, e.get("dedup_key").asText()));
    events.forEach(e -> assertEquals(KEY, e.get("routing_key").asText(), "the key from Secrets Manager"));
    JsonNode trigger = events.get(0);
    assertEquals(Json.tree("{\"summary\":\"[Sentinel DR][local] database-failure on sentinel-db: APPROVAL needed "
        + "before UpdateSecret\",\"source\":\"sentinel-db\",\"severity\":\"error\",\"component\":\"sentinel-dr\","
        + "\"group\":\"local\",\"custom_details\":{\"environment\":\"local\",\"details\":\"details\"}}"),
        trigger.get("payload"));
    assertEquals(List.of(202, 202, 202), pagerDuty.answered());

    pagerDuty.failNext(429, 503);
    assertEquals("PagerDuty trigger " + EXECUTION, onCall.page(alert("FAILED - human needed", Severity.CRITICAL)));
    assertEquals(List.of(202, 202, 202, 429, 503, 202), pagerDuty.answered());

    pagerDuty.close();
    String sent = onCall.page(alert("FAILED - human needed", Severity.CRITICAL));
    assertTrue(sent.startsWith("PagerDuty trigger failed: no answer ("), sent);
    assertTrue(sent.contains("after 3 attempts; fallback SNS message "), sent);

    String logs = Files.readString(sentinel.functionLog());
    assertTrue(logs.contains("oncall.pagerduty"), "the events are logged");
    assertFalse(logs.contains(KEY), "the routing key is in no log line");
  }
}
