package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.support.Signals;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.event.ruler.Machine;

class EventClassifierTest {
  private final Signals signals = Signals.standard();

  private Classification classify(String file) {
    return signals.classify(file);
  }

  private Classification classifyText(String json) {
    return signals.classifyText(json);
  }

  /** Every sample in events/ gets the action and scenario its row in events/index.json promises. */
  @TestFactory
  Stream<DynamicTest> everySampleIsClassifiedAsDocumented() throws Exception {
    JsonNode index = Json.MAPPER.readTree(Fixtures.events().resolve("index.json").toFile());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode row : index) {
      String file = row.get("file").asText();
      tests.add(DynamicTest.dynamicTest(file, () -> {
        Classification c = classify(file);
        assertEquals(row.get("action").asText(), c.action(), file + ": " + c.reason());
        if (row.has("scenario")) {
          assertEquals(row.get("scenario").asText(), c.scenario(), file);
        }
        assertNotNull(c.reason(), file);
        if (row.has("reason")) {
          assertTrue(c.reason().contains(row.get("reason").asText()), file + ": " + c.reason());
        }
      }));
    }
    assertTrue(tests.size() >= 20, "events/index.json lists the samples");
    return tests.stream();
  }

  /**
   * Every EventBridge sample matches exactly the rules its row lists, with the patterns this environment deploys
   * (the CDK tests check the same against the synthesized template).
   */
  @TestFactory
  Stream<DynamicTest> everyEventBridgeSampleMatchesExactlyItsListedRules() throws Exception {
    Machine machine = new Machine();
    for (TriggerPatterns.Rule rule : TriggerPatterns.of(Fixtures.config())) {
      machine.addRule(rule.id(), rule.pattern());
    }
    JsonNode index = Json.MAPPER.readTree(Fixtures.events().resolve("index.json").toFile());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode row : index) {
      if (!"eventbridge".equals(row.get("envelope").asText())) {
        continue;
      }
      String file = row.get("file").asText();
      tests.add(DynamicTest.dynamicTest(file, () -> {
        Set<String> expected = new TreeSet<>();
        row.get("rules").forEach(r -> expected.add(r.asText()));
        String event = Files.readString(Fixtures.events().resolve(file));
        assertEquals(expected, new TreeSet<>(machine.rulesForJSONEvent(event)), file);
      }));
    }
    return tests.stream();
  }

  @Test
  void sameAlarmTransitionViaEventBridgeAndSnsHasOneDedupKey() throws Exception {
    Classification viaEventBridge = classify("alarm-eventbridge-rds-connections.json");
    Classification viaSns = classify("alarm-sns-rds-connections.json");
    assertEquals(viaEventBridge.dedupKey(), viaSns.dedupKey());
    assertEquals("sns", viaSns.trigger().source());
  }

  @Test
  void suppressedCompositeAlarmIsIgnoredWithTheReason() throws Exception {
    Classification c = classify("alarm-eventbridge-composite-suppressed.json");
    assertEquals("ignore", c.action());
    assertTrue(c.reason().contains("suppressed by WaitPeriod"), c.reason());
  }

  @Test
  void okAndInsufficientDataAreIgnored() throws Exception {
    assertTrue(classify("alarm-eventbridge-rds-connections-ok.json").reason().contains("is OK"));
    assertTrue(classify("alarm-eventbridge-rds-insufficient-data.json").reason().contains("INSUFFICIENT_DATA"));
    assertTrue(classify("alarm-sns-rds-connections-ok.json").reason().contains("is OK"));
  }

  @Test
  void manualDefaultsComeFromTheEnvironment() throws Exception {
    Classification c = classify("manual-database-failure.json");
    assertEquals(null, c.options().option());
    assertEquals(false, c.options().dryRun());
    assertEquals(30, c.options().pollSeconds());
    assertEquals(5, c.options().maxPolls());
  }

  @Test
  void manualFieldOrderDoesNotChangeIdentity() {
    assertEquals(classifyText("{\"runbook\":\"database-failure\",\"option\":\"B\",\"requestId\":\"r7\"}").dedupKey(),
        classifyText("{\"option\":\"B\",\"requestId\":\"r7\",\"runbook\":\"database-failure\"}").dedupKey());
  }

  @Test
  void badInputIsRejectedWithAClearReason() throws Exception {
    assertTrue(classify("invalid-malformed-json.json").reason().startsWith("malformed JSON"));
    assertTrue(classify("invalid-wrong-types.json").reason().contains("'dryRun' must be true or false"));
    assertTrue(classify("invalid-unknown-envelope.json").reason().startsWith("unknown envelope"));
    assertTrue(classify("invalid-unknown-runbook.json").reason().contains("unknown runbook 'printer-on-fire'"));
    assertTrue(classify("invalid-unprotected-resource.json").reason().contains("billing-db"));
    assertTrue(classifyText("[1,2]").reason().contains("JSON object"));
    assertTrue(classifyText("").reason().contains("empty"));
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"pollSeconds\":0}").reason()
        .contains("pollSeconds"));
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"option\":\"Z\"}").reason().contains("A, B or C"));
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"restoreTime\":\"yesterday\"}").reason()
        .contains("ISO-8601"));
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"extra\":1}").reason().contains("unknown field"));
    assertTrue(classifyText("{\"runbook\":5}").reason().contains("'runbook' must be a string"));
    assertTrue(classifyText("{\"source\":\"aws.rds\",\"detail-type\":\"RDS DB Instance Event\",\"detail\":[]}")
        .reason().contains("'detail' must be an object"));
    assertTrue(classifyText("{\"Records\":[]}").reason().contains("exactly one record"));
  }

  @Test
  void oversizePayloadIsRejectedBeforeParsing() {
    byte[] big = new byte[EventClassifier.MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    Classification c = signals.classifier().classify(big);
    assertEquals("reject", c.action());
    assertTrue(c.reason().contains("256 KB"), c.reason());
  }

  @Test
  void executionNamesAreValidAndStable() {
    String a = ExecutionNames.of("database-failure", "sentinel-db", "alarm:x:2026");
    assertEquals(a, ExecutionNames.of("database-failure", "sentinel-db", "alarm:x:2026"));
    assertTrue(a.matches("[A-Za-z0-9_-]{1,80}"), a);
    String long1 = ExecutionNames.of("database-failure", "x".repeat(200) + ":/weird", "k");
    assertTrue(long1.matches("[A-Za-z0-9_-]{1,80}"), long1);
  }

  @Test
  void aDrillIsItsOwnTriggerKindAndItsOwnSignal() throws Exception {
    Classification drill = classify("manual-drill-redis-failure.json");
    assertEquals("drill", drill.trigger().kind());
    assertEquals("manual", drill.trigger().source());
    assertEquals("drill:redis-failure:drill-2026-01-redis", drill.dedupKey());
    assertTrue(drill.reason().startsWith("drill of redis-failure"), drill.reason());
    Classification ecsDrill = classify("manual-drill-ecs-service-failure.json");
    assertEquals("sentinel-celery", ecsDrill.resource());
    assertTrue(ecsDrill.options().dryRun());
    // the same request as a drill and as a real invoke are two signals
    assertNotEquals(classifyText("{\"runbook\":\"database-failure\",\"requestId\":\"r1\"}").dedupKey(),
        classifyText("{\"runbook\":\"database-failure\",\"requestId\":\"r1\",\"drill\":true}").dedupKey());
    assertTrue(classifyText("{\"runbook\":\"database-failure\",\"drill\":\"yes\"}").reason()
        .contains("'drill' must be true or false"));
  }

  @Test
  void anEventNoDeployedRuleMatchesNeverStarts() {
    // a task STOPPED for a failure but without clusterArn: our analysis would accept the service, the rule does not
    String noCluster = new String(Signals.read("ecs-eventbridge-task-stopped-essential-exit.json"),
        StandardCharsets.UTF_8).replace("\"clusterArn\": \"arn:aws:ecs:us-east-1:123456789012:cluster/"
        + "sentinel-production\",", "");
    Classification c = classifyText(noCluster);
    assertEquals("ignore", c.action(), c.reason());
  }
}
