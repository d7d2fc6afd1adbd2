package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.corruption.sql.Condition;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.support.Signals;
import ai.sentinel.dr.trigger.Classification;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scenario 5's manual invoke: what starts a repair, and every shape of bad input refused before anything runs. */
class DataCorruptionSignalsTest {
  private final Signals signals = Signals.standard();

  private Classification manual(String json) {
    return signals.classifyText(json);
  }

  private static String payload(String fields) {
    return "{\"runbook\":\"data-corruption\",\"requestId\":\"INC-1\"," + fields + "}";
  }

  @Test
  void aManualInvokeCarriesTheStructuredRequestToDiagnose() {
    Classification c = signals.classify("manual-data-corruption.json");
    assertTrue(c.starts(), c.reason());
    assertEquals("data-corruption", c.scenario());
    assertEquals("sentinel-db", c.resource(), "the recovery locks the protected database");
    CorruptionRequest r = Json.convert(c.trigger().detail(), CorruptionRequest.class);
    assertEquals(List.of("audit_logs"), r.tables());
    assertEquals(List.of(new Condition(null, "WINDOW", Arrays.asList("2026-01-17T08:40:00Z", null)),
        new Condition("is_threat", "=", List.of("false"))), r.conditions());
    assertEquals("2026-01-17T08:30:00Z", r.cleanTime());
    assertEquals("2026-01-17T08:30:00Z", c.options().restoreTime(), "the clean time is the restore time");
    assertEquals("selective", r.mode());
  }

  @Test
  void aDryRunPlanLeavesTheCleanTimeToDiagnose() {
    Classification c = signals.classify("manual-data-corruption-dry-run.json");
    assertTrue(c.starts(), c.reason());
    assertTrue(c.options().dryRun());
    CorruptionRequest r = Json.convert(c.trigger().detail(), CorruptionRequest.class);
    assertNull(r.cleanTime());
    assertTrue(r.full());
    assertEquals(List.of("key-7f3a91", "key-19c2e0"), r.conditions().get(0).values());
  }

  @Test
  void badInputIsRefusedWithItsReason() {
    Map<String, String> cases = Map.ofEntries(
        Map.entry("\"tables\":[\"users\"],\"condition\":{\"window\":{\"from\":\"2026-01-17T08:00:00Z\"}}",
            "unknown table"),
        Map.entry("\"condition\":{\"window\":{\"from\":\"2026-01-17T08:00:00Z\"}}", "tables is missing"),
        Map.entry("\"tables\":[\"audit_logs\"]", "condition is missing"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":\"id > 5\"", "never SQL"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":[\"id > 5\"]", "never SQL"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"column\":\"id\",\"operator\":\"BETWEEN\","
            + "\"values\":[\"1\",\"2\"]}", "operator must be one of"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"column\":\"id\",\"operator\":\"WINDOW\","
            + "\"values\":[\"1\",\"2\"]}", "operator must be one of"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"column\":\"Id; --\",\"operator\":\"=\","
            + "\"value\":\"1\"}", "column must be a column name"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"column\":\"id\",\"operator\":\"=\"}",
            "exactly one value"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"column\":\"id\",\"operator\":\"IS NULL\","
            + "\"value\":\"1\"}", "no value"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"column\":\"id\",\"operator\":\"=\","
            + "\"value\":{\"a\":1}}", "strings, numbers or booleans"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"window\":{\"from\":\"yesterday\"}}",
            "ISO-8601"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"window\":{\"from\":\"2026-01-17T09:00:00Z\","
            + "\"to\":\"2026-01-17T08:00:00Z\"}}", "is not before"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"window\":{}}", "from, to or both"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"window\":{\"from\":\"2026-01-17T08:00:00Z\"}},"
            + "\"cleanTime\":\"2026-01-17T11:00:00Z\"", "in the future"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"window\":{\"from\":\"2026-01-17T08:00:00Z\"}},"
            + "\"mode\":\"partial\"", "mode must be selective"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"window\":{\"from\":\"2026-01-17T08:00:00Z\"}},"
            + "\"resource\":\"sentinel-db-staging\"", "not the protected database"),
        Map.entry("\"tables\":[\"audit_logs\"],\"condition\":{\"window\":{\"from\":\"2026-01-17T08:00:00Z\"}},"
            + "\"option\":\"B\"", "does not apply"));
    cases.forEach((fields, reason) -> {
      Classification c = manual(payload(fields));
      assertEquals(Classification.REJECT, c.action(), fields);
      assertTrue(c.reason().contains(reason), fields + " -> " + c.reason());
    });
  }

  @Test
  void anotherRunbookCannotBeGivenTheseFields() {
    Classification c = manual("{\"runbook\":\"database-failure\",\"tables\":[\"audit_logs\"]}");
    assertEquals(Classification.REJECT, c.action());
    assertTrue(c.reason().contains("tables does not apply"), c.reason());
  }

  @Test
  void anEnvironmentWithoutTheSectionDeploysNoScenario5() {
    Map<String, String> env = Fixtures.env();
    env.remove("SETTINGS_DATACORRUPTION");
    Classification c = Signals.with(env).classify("manual-data-corruption.json");
    assertEquals(Classification.REJECT, c.action());
    assertTrue(c.reason().contains("no dataCorruption section"), c.reason());
  }

  @Test
  void anIntegrityAlarmRoutedHereActsOnTheDatabaseButNamesNoRows() {
    Map<String, String> env = Signals.withEnv("ALARM_ROUTES", "{\"sentinel-data-integrity\":\"data-corruption\"}");
    ObjectNode alarm = (ObjectNode) Json.tree(Signals.text("alarm-eventbridge-rds-connections.json"));
    ((ObjectNode) alarm.get("detail")).put("alarmName", "sentinel-data-integrity");
    Classification c = Signals.with(env).classifyText(alarm.toString());
    assertTrue(c.starts(), c.reason());
    assertEquals("data-corruption", c.scenario());
    assertEquals("sentinel-db", c.resource());
    assertTrue(c.reason().contains("a person names the tables"), c.reason());
    assertNull(Diagnose.request(ai.sentinel.dr.recovery.Recovery.start(c.scenario(), c.resource(), "x", "dev",
        c.trigger(), c.options())), "an alarm carries no tables or condition: Diagnose will not guess them");
  }
}
