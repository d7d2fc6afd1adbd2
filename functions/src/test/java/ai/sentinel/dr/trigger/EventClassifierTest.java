package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class EventClassifierTest {
  private final EventClassifier classifier = new EventClassifier(Fixtures.config(), Fixtures.CLOCK);

  private Classification classify(String file) throws Exception {
    return classifier.classify(Files.readAllBytes(Fixtures.events().resolve(file)));
  }

  private Classification classifyText(String json) {
    return classifier.classify(json.getBytes(StandardCharsets.UTF_8));
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
      }));
    }
    assertTrue(tests.size() >= 20, "events/index.json lists the samples");
    return tests.stream();
  }

  @Test
  void runbookAlarmRoutesToScenarioOneOnTheInstance() throws Exception {
    Classification c = classify("alarm-eventbridge-rds-connections.json");
    assertEquals("start", c.action());
    assertEquals("database-failure", c.scenario());
    assertEquals("sentinel-db", c.resource());
    assertEquals("alarm", c.trigger().kind());
    assertEquals("2026-01-17T10:02:11.482Z", c.trigger().time());
  }

  @Test
  void alarmWithoutNameRouteStillRoutesByTheMetricItWatches() {
    EventClassifier noRoutes = new EventClassifier(ai.sentinel.dr.common.DrConfig.fromEnv(
        withEnv("ALARM_ROUTES", "{}")), Fixtures.CLOCK);
    Classification c = noRoutes.classify(readUnchecked("alarm-eventbridge-rds-connections.json"));
    assertEquals("start", c.action(), c.reason());
    assertTrue(c.reason().contains("DBInstanceIdentifier=sentinel-db"), c.reason());
  }

  @Test
  void sameAlarmTransitionViaEventBridgeAndSnsHasOneDedupKey() throws Exception {
    Classification viaEventBridge = classify("alarm-eventbridge-rds-connections.json");
    Classification viaSns = classify("alarm-sns-rds-connections.json");
    assertEquals(viaEventBridge.dedupKey(), viaSns.dedupKey());
    assertEquals("sns", viaSns.trigger().source());
  }

  @Test
  void differentSignalsHaveDifferentDedupKeys() throws Exception {
    assertNotEquals(classify("rds-eventbridge-failover-started.json").dedupKey(),
        classify("rds-eventbridge-failover-completed.json").dedupKey());
  }

  @Test
  void rdsSourceIdentifierWithPrefixAndNoEventIdIsOurs() throws Exception {
    Classification c = classify("rds-eventbridge-failure-prefixed-no-event-id.json");
    assertEquals("start", c.action(), c.reason());
    assertEquals("sentinel-db", c.resource());
    assertTrue(c.dedupKey().contains("no-event-id"), c.dedupKey());
  }

  @Test
  void rdsNotificationViaSnsTakesEventIdFromTheUrl() throws Exception {
    Classification c = classify("rds-sns-failover-completed.json");
    assertEquals("RDS-EVENT-0049", c.trigger().id());
    assertEquals("2026-01-17T10:03:02.870Z", c.trigger().time());
  }

  @Test
  void rdsMessageTextIsNeverUsedForMatching() {
    // a backup event whose message talks about failover is still a backup event
    String event = new String(readUnchecked("rds-eventbridge-backup.json"), StandardCharsets.UTF_8)
        .replace("Finished DB Instance backup.", "failover failure shutdown");
    assertEquals("ignore", classifyText(event).action());
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
  void manualPayloadCarriesItsOptions() throws Exception {
    Classification c = classify("manual-database-restore-snapshot-dry-run.json");
    assertEquals("B", c.options().option());
    assertEquals("latest", c.options().snapshotId());
    assertTrue(c.options().dryRun());
    assertEquals("manual:database-failure:INC-1234-restore-plan", c.dedupKey());
    Classification pitr = classify("manual-database-point-in-time.json");
    assertEquals("C", pitr.options().option());
    assertEquals("2026-01-17T10:00:00Z", pitr.options().restoreTime());
    assertEquals(60, pitr.options().pollSeconds());
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
    assertEquals(classifyText("{\"runbook\":\"database-failure\",\"option\":\"B\"}").dedupKey(),
        classifyText("{\"option\":\"B\",\"runbook\":\"database-failure\"}").dedupKey());
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
    Classification c = classifier.classify(big);
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

  private static byte[] readUnchecked(String file) {
    try {
      return Files.readAllBytes(Fixtures.events().resolve(file));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.util.Map<String, String> withEnv(String key, String value) {
    java.util.Map<String, String> env = Fixtures.env();
    env.put(key, value);
    return env;
  }
}
