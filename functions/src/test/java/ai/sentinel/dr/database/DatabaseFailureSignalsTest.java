package ai.sentinel.dr.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.support.Signals;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Database failure and the restore test: their signals and manual payloads. */
class DatabaseFailureSignalsTest {
  private final Signals signals = Signals.standard();

  private Classification classify(String file) {
    return signals.classify(file);
  }

  private Classification classifyText(String json) {
    return signals.classifyText(json);
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
    EventClassifier noRoutes = new EventClassifier(DrConfig.fromEnv(
        Signals.withEnv("ALARM_ROUTES", "{}")), Fixtures.CLOCK);
    Classification c = noRoutes.classify(Signals.read("alarm-eventbridge-rds-connections.json"));
    assertEquals("start", c.action(), c.reason());
    assertTrue(c.reason().contains("DBInstanceIdentifier=sentinel-db"), c.reason());
  }

  @Test
  void differentSignalsHaveDifferentDedupKeys() throws Exception {
    assertNotEquals(classify("rds-eventbridge-failover-started.json").dedupKey(),
        classify("rds-eventbridge-failover-completed.json").dedupKey());
  }

  @Test
  void rdsSourceIdentifierWithPrefixIsOurs() throws Exception {
    Classification c = classify("rds-eventbridge-failure-prefixed.json");
    assertEquals("start", c.action(), c.reason());
    assertEquals("sentinel-db", c.resource());
    Classification noId = classify("rds-eventbridge-failure-prefixed-no-event-id.json");
    assertEquals("sentinel-db", noId.dedupKey().split(":")[1], noId.dedupKey());
    assertTrue(noId.dedupKey().contains("no-event-id"), noId.dedupKey());
  }

  @Test
  void rdsNotificationViaSnsTakesEventIdFromTheUrl() throws Exception {
    // the failover-completed notification, made a failure (RDS-EVENT-0031) so that it starts
    Classification c = classifyText(Signals.text("rds-sns-failover-completed.json").replace("RDS-EVENT-0049",
        "RDS-EVENT-0031"));
    assertEquals("RDS-EVENT-0031", c.trigger().id());
    assertEquals("2026-01-17T10:03:02.870Z", c.trigger().time());
  }

  @Test
  void rdsMessageTextIsNeverUsedForMatching() {
    // a backup event whose message talks about failover is still a backup event
    String event = new String(Signals.read("rds-eventbridge-backup.json"), StandardCharsets.UTF_8)
        .replace("Finished DB Instance backup.", "failover failure shutdown");
    assertEquals("ignore", classifyText(event).action());
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
  void theSnapshotRestoreTestIsAlwaysADrillOnTheProtectedDatabase() {
    Classification c = classifyText("{\"runbook\":\"database-restore-test\",\"reason\":\"monthly 2026-02\"}");
    assertEquals(Classification.START, c.action(), c.reason());
    assertEquals("database-restore-test", c.scenario());
    assertEquals("sentinel-db", c.resource());
    assertEquals("drill", c.trigger().kind(), "a Testing Schedule test is a drill whoever starts it");
    assertEquals(Classification.REJECT, classifyText("{\"runbook\":\"database-restore-test\",\"option\":\"A\"}")
        .action());
    assertEquals(Classification.REJECT, classifyText("{\"runbook\":\"database-restore-test\","
        + "\"resource\":\"other-db\"}").action());
  }
}
