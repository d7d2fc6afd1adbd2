package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.corruption.CorruptionState.CleanInstance;
import ai.sentinel.dr.corruption.CorruptionState.MaintenanceState;
import ai.sentinel.dr.corruption.sql.Condition;
import ai.sentinel.dr.corruption.sql.TwoPostgres;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Issue 11: "on any failure after EnterMaintenance, maintenance stays on and the on-call is told exactly which state
 * each table is in", for the mixed case on two real PostgreSQL servers: two tables, one repaired and the other not
 * (its repair fails), or both repaired and only one verified. The steps run as the state machine runs them: a step
 * that throws leaves the document as it was before that invocation (the Catch keeps the input and adds $.error), and
 * HoldMaintenance then reads it. What it says is checked against live itself.
 */
class HoldMaintenanceIT {
  private static final List<String> TABLES = List.of("audit_logs", "threat_reports");
  private static final String SINCE = "2026-01-16T12:00:00Z";
  private static final String RECENT = "created_at >= timestamptz '" + SINCE + "'";
  private static TwoPostgres servers;
  private static Connection clean;
  private static Connection live;

  @BeforeAll
  static void servers() throws Exception {
    servers = TwoPostgres.start();
    clean = servers.clean();
    live = servers.live();
  }

  /** Both tables seeded on both servers, then corrupted in live since SINCE: fresh for each test. */
  @BeforeEach
  void tables() throws Exception {
    exec(live, "DROP FUNCTION IF EXISTS refuse() CASCADE");
    for (Connection c : List.of(clean, live)) {
      for (String table : TABLES) {
        exec(c, "DROP TABLE IF EXISTS " + table);
        // threat_details: the configured sensitive column of audit_logs
        exec(c, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text,"
            + " threat_details jsonb)");
        exec(c, "INSERT INTO " + table + " SELECT g, timestamptz '2026-01-10T10:00:00Z' + g * interval '10 minutes',"
            + " 'row ' || g FROM generate_series(1, 2000) g");
      }
    }
    for (String table : TABLES) {
      exec(live, "UPDATE " + table + " SET note = 'corrupted' WHERE id % 3 = 0 AND " + RECENT);
      exec(live, "DELETE FROM " + table + " WHERE id % 7 = 0 AND " + RECENT);
      exec(live, "INSERT INTO " + table + " SELECT 100000 + g, timestamptz '2026-01-17T09:00:00Z', 'junk'"
          + " FROM generate_series(1, 5) g");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    servers.close();
  }

  @Test
  void aRepairThatFailsOnTheSecondTableLeavesTheFirstReportedRepairedAndTheSecondNot() throws Exception {
    Recovery compared = compared();
    Map<Long, String> auditBefore = rows(live, "audit_logs");
    Map<Long, String> reportsBefore = rows(live, "threat_reports");
    // the second table's repair fails inside its transaction (as a constraint or a lost lock would)
    exec(live, "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION"
        + " 'threat_reports is read-only'; END $$");
    exec(live, "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE ON threat_reports FOR EACH STATEMENT"
        + " EXECUTE FUNCTION refuse()");

    Recovery failed = restoreAsTheStateMachineDoes(compared);
    assertTrue(failed.error() != null, "the repair of threat_reports failed");
    assertEquals(rows(clean, "audit_logs"), rows(live, "audit_logs"), "audit_logs was repaired in live");
    assertNotEquals(auditBefore, rows(live, "audit_logs"));
    assertEquals(reportsBefore, rows(live, "threat_reports"), "threat_reports unchanged (rolled back)");

    Recovery held = StepHarness.invoke(new HoldMaintenance(deps()), failed);
    List<String> lines = held.timeline().stream().filter(e -> e.event().equals("table-state"))
        .map(TimelineEntry::detail).toList();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("audit_logs: REPAIRED in live") && lines.get(0).contains("not verified"),
        "the committed repair is told as it is in live: " + lines);
    assertTrue(lines.get(1).startsWith("threat_reports: ") && lines.get(1).contains("NOT repaired (live unchanged)"),
        lines.toString());
    assertTrue(held.part(CorruptionState.PART).maintenance().held() != null, "maintenance stays on");
    assertTrue(StepHarness.only(held, "HoldMaintenance", "maintenance-held").detail().contains("threat_reports"),
        "the cause names the table whose repair failed: " + held.timeline());
  }

  @Test
  void aVerificationThatFailsOnOneTableTellsWhichTableIsVerified() throws Exception {
    Recovery repaired = restoreAsTheStateMachineDoes(compared());
    assertEquals(null, repaired.error(), "both tables repaired");
    // a write into threat_reports' repaired window after the repair: its verification must fail, audit_logs' pass
    exec(live, "UPDATE threat_reports SET note = 'late write' WHERE id = (SELECT max(id) FROM threat_reports WHERE "
        + RECENT + " AND id < 100000)");

    Recovery verified = repaired;
    for (int run = 0; run < 20; run++) {
      try {
        verified = StepHarness.invoke(new VerifyData(deps()), verified);
      } catch (RuntimeException e) {
        verified = caught(verified, e);
        break;
      }
      CorruptionState.Verify v = verified.part(CorruptionState.PART).verify();
      if (v.done()) {
        break;
      }
    }
    assertFalse(verified.verification() == null ? false : verified.verification().verified());
    Recovery held = StepHarness.invoke(new HoldMaintenance(deps()), verified);
    List<String> lines = held.timeline().stream().filter(e -> e.event().equals("table-state"))
        .map(TimelineEntry::detail).toList();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("audit_logs: REPAIRED in live") && lines.get(0).endsWith(", verified"),
        "audit_logs passed its verification: " + lines);
    assertTrue(lines.get(1).startsWith("threat_reports: REPAIRED in live")
        && lines.get(1).contains("verification FAILED") && lines.get(1).contains("1 row(s)"),
        "threat_reports failed its verification, and why: " + lines);
    assertTrue(held.part(CorruptionState.PART).maintenance().held() != null, "maintenance stays on");
  }

  /** Maintenance on, the clean copy available, both tables compared and planned. */
  private Recovery compared() {
    CorruptionRequest request = new CorruptionRequest(TABLES, List.of(new Condition(null, "WINDOW",
        Arrays.asList(SINCE, null))), null, "selective");
    MaintenanceState on = new MaintenanceState(null, null, "non-get", "/sentinel/maintenance-mode", "read-only",
        "normal", true, "2026-01-17T10:02:00Z", null, null);
    Recovery in = Cases.with(Cases.recovery(false, request), new CorruptionState(request, null, on,
        new CleanInstance("sentinel-db-clean", "2026-01-16T11:55:00Z", "t", "available", "local", 5432, true, 1,
            false), null, null));
    Recovery r = in;
    for (int run = 0; run < 20 && (r.part(CorruptionState.PART).compare() == null
        || !r.part(CorruptionState.PART).compare().done()); run++) {
      r = StepHarness.invoke(new CompareTables(deps()), r);
    }
    assertTrue(r.part(CorruptionState.PART).compare().differs(), "both tables differ");
    return r;
  }

  /**
   * RestoreTables as the state machine runs it: again while a requested table is not yet repaired; a throw is caught
   * into $.error of the document the failing invocation was given.
   */
  private Recovery restoreAsTheStateMachineDoes(Recovery in) {
    Recovery r = in;
    for (int run = 0; run < 10; run++) {
      try {
        r = StepHarness.invoke(new RestoreTables(deps()), r);
      } catch (RuntimeException e) {
        return caught(r, e);
      }
      if (r.part(CorruptionState.PART).repairs().keySet().containsAll(TABLES)) {
        return r;
      }
    }
    throw new AssertionError("RestoreTables never finished: " + r.timeline());
  }

  /** A Catch with resultPath $.error: Lambda's error JSON as the Cause, on the failing state's input. */
  private static Recovery caught(Recovery input, RuntimeException e) {
    ObjectNode cause = Json.MAPPER.createObjectNode().put("errorMessage", e.getMessage())
        .put("errorType", e.getClass().getName());
    return input.withError(Json.MAPPER.createObjectNode().put("Error", e.getClass().getName())
        .put("Cause", cause.toString()));
  }

  private Deps deps() {
    Map<String, String> env = Cases.env(s -> {
      s.put("connectHost", "127.0.0.1:" + servers.liveServer().port()).put("cleanConnectHost", "127.0.0.1:"
          + servers.cleanServer().port());
      ((com.fasterxml.jackson.databind.node.ArrayNode) s.get("tables")).addObject().put("table", "threat_reports")
          .put("key", "id").put("timestamp", "created_at");
    });
    SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("postgresql://postgres@sentinel-db.abc.us-east-1.rds.amazonaws.com:5432/sentinel").build());
    return Cases.deps(env, secrets);
  }

  private static void exec(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static Map<Long, String> rows(Connection c, String table) throws Exception {
    Map<Long, String> out = new TreeMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, t::text FROM " + table
        + " t")) {
      while (rs.next()) {
        out.put(rs.getLong(1), rs.getString(2));
      }
    }
    return out;
  }
}
