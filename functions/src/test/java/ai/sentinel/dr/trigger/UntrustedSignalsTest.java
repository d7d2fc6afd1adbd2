package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseFailureSignals;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.support.Signals;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Input that must not start a recovery (issue 10): signals from another account, region or topic; stale and
 * future-dated signals; routine RDS events; contradictory manual options; drills that would change production; and
 * reasons that would echo a huge value. Each is judged next to a control that does start, so an ignore is never a
 * classifier that ignores everything.
 */
class UntrustedSignalsTest {
  private final Signals signals = Signals.standard();

  private Classification classify(String file) {
    return signals.classify(file);
  }

  private Classification classifyText(String json) {
    return signals.classifyText(json);
  }

  private static ObjectNode sample(String file) {
    return (ObjectNode) Json.tree(Signals.text(file));
  }

  private static void assertIgnored(Classification c, String... fragments) {
    assertEquals("ignore", c.action(), c.reason());
    for (String f : fragments) {
      assertTrue(c.reason().contains(f), "'" + f + "' in: " + c.reason());
    }
  }

  private static void assertRejected(Classification c, String... fragments) {
    assertEquals("reject", c.action(), c.reason());
    for (String f : fragments) {
      assertTrue(c.reason().contains(f), "'" + f + "' in: " + c.reason());
    }
  }

  // ---- foreign account, region, topic --------------------------------------------------------------------------

  @Test
  void anAlarmFromAnotherAccountOrRegionIsIgnoredWithTheReason() {
    assertEquals("start", classify("alarm-eventbridge-rds-connections.json").action(), "the control");
    assertIgnored(classify("alarm-eventbridge-foreign-account.json"), "account 999999999999",
        "not this stack's account 123456789012");
    assertIgnored(classify("alarm-eventbridge-foreign-region.json"), "region eu-west-1",
        "not this stack's region us-east-1");
    // the envelope says ours, the alarm ARN does not
    ObjectNode alarm = sample("alarm-eventbridge-rds-connections.json");
    alarm.putArray("resources").add("arn:aws:cloudwatch:us-east-1:210987654321:alarm:sentinel-rds-connections");
    assertIgnored(classifyText(alarm.toString()), "resources[0]", "account 210987654321");
  }

  @Test
  void rdsAndEcsEventsNamingAnotherAccountsResourceAreIgnored() {
    ObjectNode rds = sample("rds-eventbridge-failover-started.json");
    assertEquals("start", classifyText(rds.toString()).action(), "the control");
    ((ObjectNode) rds.get("detail")).put("SourceArn", "arn:aws:rds:us-east-1:999999999999:db:sentinel-db");
    assertIgnored(classifyText(rds.toString()), "detail.SourceArn", "account 999999999999");
    ObjectNode otherRegion = sample("rds-eventbridge-failover-started.json");
    otherRegion.putArray("resources").add("arn:aws:rds:eu-west-1:123456789012:db:sentinel-db");
    assertIgnored(classifyText(otherRegion.toString()), "region eu-west-1");
    assertIgnored(classify("ecs-eventbridge-task-foreign-account.json"), "detail.clusterArn", "999999999999");
  }

  @Test
  void anSnsRecordFromATopicThatIsNotOneOfTheStacksIsIgnored() {
    assertEquals("start", classify("alarm-sns-rds-connections.json").action(), "the control");
    assertIgnored(classify("alarm-sns-foreign-topic.json"), "sentinel-alarms",
        "not one of this stack's signal topics");
    String otherAccount = Signals.text("alarm-sns-rds-connections.json").replace(
        "arn:aws:sns:us-east-1:123456789012:dev-sentinel-dr-alarms",
        "arn:aws:sns:us-east-1:999999999999:dev-sentinel-dr-alarms");
    assertIgnored(classifyText(otherAccount), "TopicArn", "account 999999999999");
    // the on-call topic carries our own notifications, never signals
    String notifications = Signals.text("alarm-sns-rds-connections.json").replace(
        "arn:aws:sns:us-east-1:123456789012:dev-sentinel-dr-alarms", Fixtures.TOPIC);
    assertIgnored(classifyText(notifications), "not one of this stack's signal topics");
    ObjectNode noTopic = sample("alarm-sns-rds-connections.json");
    ((ObjectNode) noTopic.get("Records").get(0).get("Sns")).remove("TopicArn");
    assertIgnored(classifyText(noTopic.toString()), "names no TopicArn");
    assertIgnored(classify("rds-sns-foreign-account.json"), "Source ARN", "999999999999");
  }

  @Test
  void aManualInvokeOnAnotherAccountsOrALookalikeResourceIsRejected() {
    assertRejected(classifyText("{\"runbook\":\"database-failure\",\"resource\":"
        + "\"arn:aws:rds:us-east-1:999999999999:db:sentinel-db\"}"), "account 999999999999");
    assertRejected(classifyText("{\"runbook\":\"database-failure\",\"resource\":\"sentinel-db-staging-1\"}"),
        "sentinel-db-staging-1", "not protected");
    assertRejected(classify("invalid-manual-foreign-account-snapshot.json"), "snapshotId", "999999999999");
    assertRejected(classify("invalid-manual-sibling-snapshot.json"), "rds:sentinel-db-staging-2026-01-17-03-00",
        "another instance");
    assertRejected(classifyText("{\"runbook\":\"redis-failure\",\"snapshotId\":"
        + "\"automatic.sentinel-redis-staging-2026-01-17-03-00\"}"), "another cluster");
    // the controls: the protected instance's own automated snapshot, the cluster's own automatic one
    assertEquals("start", classifyText("{\"runbook\":\"database-failure\",\"snapshotId\":"
        + "\"rds:sentinel-db-2026-01-17-03-00\"}").action());
    assertEquals("start", classifyText("{\"runbook\":\"redis-failure\",\"snapshotId\":"
        + "\"automatic.sentinel-redis-2026-01-17-03-00\"}").action());
  }

  // ---- stale and future signals --------------------------------------------------------------------------------

  @Test
  void aStaleOrFutureSignalIsIgnoredWithTheReason() {
    assertIgnored(classify("alarm-eventbridge-stale.json"), "3 days old", "maxSignalAgeMinutes");
    assertIgnored(classify("alarm-eventbridge-future.json"), "in the future");
    // one hour by default: 61 minutes is too old, 59 is not
    ObjectNode alarm = sample("alarm-eventbridge-rds-connections.json");
    setAlarmTime(alarm, Fixtures.NOW.minusSeconds(61 * 60).toString());
    assertIgnored(classifyText(alarm.toString()), "61 min old");
    setAlarmTime(alarm, Fixtures.NOW.minusSeconds(59 * 60).toString());
    assertEquals("start", classifyText(alarm.toString()).action());
    // a few minutes of clock skew are allowed, not more
    setAlarmTime(alarm, Fixtures.NOW.plusSeconds(4 * 60).toString());
    assertEquals("start", classifyText(alarm.toString()).action());
    setAlarmTime(alarm, Fixtures.NOW.plusSeconds(6 * 60).toString());
    assertIgnored(classifyText(alarm.toString()), "in the future");
    // an old envelope with a fresh detail is still a replay
    ObjectNode rds = sample("rds-eventbridge-failover-started.json");
    ((ObjectNode) rds.get("detail")).put("Date", Fixtures.NOW.toString());
    rds.put("time", "2025-01-17T10:00:00Z");
    assertIgnored(classifyText(rds.toString()), "days old");
  }

  @Test
  void theMaximumAgeIsTheEnvironmentsAndReachesSnsToo() {
    Signals week = Signals.with(Signals.withEnv("MAX_SIGNAL_AGE_SECONDS", Integer.toString(7 * 24 * 3600)));
    assertEquals("start", week.classify("alarm-eventbridge-stale.json").action(), "3 days < a week");
    String staleSns = Signals.text("alarm-sns-rds-connections.json").replace("2026-01-17T10:02:11",
        "2026-01-16T10:02:11");
    assertIgnored(classifyText(staleSns), "old");
  }

  private static void setAlarmTime(ObjectNode alarm, String time) {
    alarm.put("time", time);
    ((ObjectNode) alarm.get("detail").get("state")).put("timestamp", time);
  }

  // ---- RDS event ids -------------------------------------------------------------------------------------------

  @Test
  void onlyTheFailureEventIdsStartTheDatabaseRecoveryOverEventBridgeAndSns() {
    for (String id : DatabaseFailureSignals.FAILURE_EVENTS.keySet()) {
      assertEquals("start", classifyText(rdsEvent(id)).action(), id);
      assertEquals("start", classifyText(rdsNotification(id)).action(), id + " via SNS");
    }
    for (String id : List.of("RDS-EVENT-0006", "RDS-EVENT-0049", "RDS-EVENT-0015", "RDS-EVENT-0001",
        "RDS-EVENT-0002", "RDS-EVENT-0065", "RDS-EVENT-0051", "RDS-EVENT-0079")) {
      assertIgnored(classifyText(rdsEvent(id)), id);
      assertIgnored(classifyText(rdsNotification(id)), id);
    }
    assertIgnored(classify("rds-eventbridge-restarted.json"), "restarted");
    assertIgnored(classify("rds-sns-backup-started.json"), "RDS-EVENT-0001", "not one of the failure events");
    assertIgnored(classify("rds-eventbridge-failover-completed.json"), "failover completed");
  }

  private static String rdsEvent(String id) {
    ObjectNode event = sample("rds-eventbridge-failover-started.json");
    ((ObjectNode) event.get("detail")).put("EventID", id);
    return event.toString();
  }

  private static String rdsNotification(String id) {
    return Signals.text("rds-sns-failover-completed.json").replace("RDS-EVENT-0049", id);
  }

  // ---- contradictory manual options ----------------------------------------------------------------------------

  @Test
  void contradictoryManualOptionsAreRejectedNotResolved() {
    assertRejected(classify("invalid-manual-option-b-restore-time.json"), "option B", "restoreTime would be ignored");
    assertRejected(classify("invalid-manual-option-a-snapshot.json"), "option A", "snapshotId would be ignored");
    assertRejected(classifyText("{\"runbook\":\"database-failure\",\"option\":\"A\",\"restoreTime\":\"latest\"}"),
        "restoreTime would be ignored");
    assertRejected(classifyText("{\"runbook\":\"database-failure\",\"option\":\"C\",\"snapshotId\":\"latest\"}"),
        "option C", "snapshotId would be ignored");
    assertRejected(classifyText("{\"runbook\":\"database-failure\",\"snapshotId\":\"latest\","
        + "\"restoreTime\":\"latest\"}"), "contradict");
    assertRejected(classify("invalid-manual-restore-time-future.json"), "2030-01-01T00:00:00Z", "in the future");
    // the consistent ones start
    assertEquals("B", classifyText("{\"runbook\":\"database-failure\",\"option\":\"B\",\"snapshotId\":\"latest\"}")
        .options().option());
    assertEquals("C", classifyText("{\"runbook\":\"database-failure\",\"option\":\"C\","
        + "\"restoreTime\":\"2026-01-17T09:00:00Z\"}").options().option());
  }

  // ---- drills --------------------------------------------------------------------------------------------------

  @Test
  void aDrillOfARecoveryNeverChangesProduction() {
    assertRejected(classify("invalid-drill-real-run.json"), "drill", "dry-run");
    assertRejected(classifyText("{\"runbook\":\"redis-failure\",\"drill\":true}"), "dry-run");
    Classification plan = classifyText("{\"runbook\":\"database-failure\",\"drill\":true,\"dryRun\":true}");
    assertEquals("drill", plan.trigger().kind());
    assertTrue(plan.options().dryRun());
    // the restore test touches only its scratch instance: a drill by nature, for real
    Classification test = classify("manual-database-restore-test.json");
    assertEquals("drill", test.trigger().kind());
    assertFalse(test.options().dryRun());
    // where the environment's default is a dry-run, a drill without dryRun is a plan
    Signals dryEnv = Signals.with(Signals.withEnv("DRY_RUN", "true"));
    assertTrue(dryEnv.classifyText("{\"runbook\":\"redis-failure\",\"drill\":true}").options().dryRun());
  }

  // ---- identity of a manual invoke -----------------------------------------------------------------------------

  @Test
  void aManualInvokeWithoutRequestIdIsItsOwnRequest() {
    byte[] sample = Signals.read("manual-database-failure.json");
    EventClassifier classifier = signals.classifier();
    String first = classifier.classify(sample, "11111111-aaaa").dedupKey();
    assertEquals(first, classifier.classify(sample, "11111111-aaaa").dedupKey(), "a retry of one invocation");
    assertNotEquals(first, classifier.classify(sample, "22222222-bbbb").dedupKey(), "the sample sent again");
    assertNotEquals(classifier.classify(sample).dedupKey(), classifier.classify(sample).dedupKey());
    byte[] withId = "{\"runbook\":\"database-failure\",\"requestId\":\"INC-1\"}".getBytes();
    assertEquals(classifier.classify(withId, "11111111-aaaa").dedupKey(),
        classifier.classify(withId, "22222222-bbbb").dedupKey(), "the same requestId never starts twice");
  }

  // ---- echoed input --------------------------------------------------------------------------------------------

  @Test
  void reasonsQuoteAShortPrefixOfAHugeValueNeverTheWholeValue() {
    // large enough to be unreadable in a log line, small enough to fit a payload where a sample repeats it
    String huge = "A".repeat(50 * 1024);
    List<String> payloads = List.of(
        "{\"runbook\":\"" + huge + "\"}",
        "{\"runbook\":\"database-failure\",\"resource\":\"" + huge + "\"}",
        "{\"runbook\":\"database-failure\",\"option\":\"" + huge + "\"}",
        "{\"runbook\":\"ecs-service-failure\",\"resource\":\"" + huge + "\"}",
        "{\"runbook\":\"redis-failure\",\"resource\":\"" + huge + "\"}",
        // (a key is at most 50,000 characters for the JSON reader: a longer one is malformed JSON, also bounded)
        "{\"runbook\":\"database-failure\",\"" + huge.substring(0, 40 * 1024) + "\":1}",
        "{\"runbook\":\"database-failure\",\"pollSeconds\":\"" + huge + "\"}",
        "{\"runbook\":\"database-failure\",\"dryRun\":\"" + huge + "\"}",
        Signals.text("alarm-eventbridge-rds-connections-ok.json").replace("\"sentinel-rds-connections\"",
            "\"" + huge + "\""),
        Signals.text("rds-eventbridge-other-instance.json").replace("billing-db", huge),
        Signals.text("ecs-eventbridge-task-other-service.json").replace("billing-api", huge),
        Signals.snsWith("{\"ElastiCache:CacheClusterProvisioningFailed\":\"" + huge + "\"}"));
    for (String payload : payloads) {
      Classification c = classifyText(payload);
      assertTrue(c.reason().length() < Fields.MAX_REASON_CHARS, c.reason().length() + " characters: "
          + head(c.reason()));
      assertFalse(c.reason().contains("A".repeat(Fields.QUOTE_CHARS + 1)), "more than a prefix quoted: "
          + head(c.reason()));
      assertTrue(c.reason().matches("(?s).*\u2026 \\((51200|40960) bytes\\).*"), head(c.reason()));
    }
    Classification sample = classify("invalid-oversize-echo.json");
    assertRejected(sample, "unknown runbook", "(204800 bytes)");
  }

  private static String head(String reason) {
    return reason.length() <= 300 ? reason : reason.substring(0, 300);
  }

  @Test
  void anyReasonIsCappedWhateverBuiltIt() {
    String capped = Fields.capReason("x".repeat(5000));
    assertTrue(capped.length() < Fields.MAX_REASON_CHARS + 60, capped);
    assertTrue(capped.endsWith("(reason cut: 5000 characters)"), capped);
    assertEquals("short", Fields.capReason("short"));
    assertEquals("abc", Fields.quote("abc"));
    assertEquals("\u00e9".repeat(64) + "\u2026 (200 bytes)", Fields.quote("\u00e9".repeat(100)));
  }

  @Test
  void theResponderLogsTheBoundedReason() throws Exception {
    StringBuilder logged = new StringBuilder();
    ai.sentinel.dr.common.Log.setSink(logged::append);
    try {
      Responder responder = new Responder(Fixtures.config(), Fixtures.sdkMock(
          software.amazon.awssdk.services.sfn.SfnClient.class), null, (ai.sentinel.dr.oncall.OnCall) null,
          Fixtures.CLOCK);
      String huge = "B".repeat(200 * 1024);
      Responder.Response r = responder.handle(("{\"runbook\":\"" + huge + "\"}").getBytes(), java.util.Set.of(
          "manual"), "ManualResponder");
      assertEquals("reject", r.action());
      assertTrue(logged.length() < 2000, logged.length() + " characters logged");
      assertTrue(logged.toString().contains("(" + huge.length() + " bytes)"), logged.toString());
      // an ignored signal is logged with its dedup key, built from input too: bounded, still an identity
      logged.setLength(0);
      String okAlarm = Signals.text("alarm-eventbridge-rds-connections-ok.json").replace(
          "\"sentinel-rds-connections\"", "\"" + huge.substring(0, 50 * 1024) + "\"");
      Responder.Response ignored = responder.handle(okAlarm.getBytes(), java.util.Set.of("alarm"), "AlarmResponder");
      assertEquals("ignore", ignored.action());
      assertTrue(logged.length() < 2000, logged.length() + " characters logged");
      assertTrue(ignored.dedupKey().length() < 200, ignored.dedupKey());
      String otherAlarm = okAlarm.replace(huge.substring(0, 50 * 1024), huge.substring(0, 50 * 1024 - 1) + "C");
      assertNotEquals(ignored.dedupKey(), responder.handle(otherAlarm.getBytes(), java.util.Set.of("alarm"),
          "AlarmResponder").dedupKey(), "two long keys with one start remain two signals");
    } finally {
      ai.sentinel.dr.common.Log.setSink(System.out::println);
    }
  }

  /** The ignore/reject samples are listed, each with the reason it gets (EventClassifierTest checks it). */
  @Test
  void everyNewIgnoreAndRejectSampleIsInTheIndexWithItsReason() throws Exception {
    JsonNode index = Json.MAPPER.readTree(Fixtures.events().resolve("index.json").toFile());
    Map<String, JsonNode> rows = new java.util.HashMap<>();
    index.forEach(row -> rows.put(row.get("file").asText(), row));
    for (String f : List.of("alarm-eventbridge-foreign-account.json", "alarm-eventbridge-foreign-region.json",
        "alarm-sns-foreign-topic.json", "rds-sns-foreign-account.json", "ecs-eventbridge-task-foreign-account.json",
        "alarm-eventbridge-stale.json", "alarm-eventbridge-future.json",
        "invalid-duplicate-dry-run.json", "invalid-duplicate-runbook.json", "invalid-duplicate-resource.json",
        "invalid-sns-message-duplicate-key.json", "invalid-trailing-document.json", "invalid-trailing-garbage.json",
        "rds-eventbridge-restarted.json", "rds-eventbridge-failover-completed.json", "rds-sns-failover-completed.json",
        "rds-eventbridge-backup.json", "rds-sns-backup-started.json", "invalid-manual-option-b-restore-time.json",
        "invalid-drill-real-run.json", "invalid-oversize-echo.json")) {
      JsonNode row = rows.get(f);
      assertTrue(row != null, f + " is in the index");
      assertTrue(List.of("ignore", "reject").contains(row.path("action").asText()), f + ": " + row);
      assertFalse(row.path("reason").asText().isBlank(), f + " lists its reason: " + row);
    }
  }

}
