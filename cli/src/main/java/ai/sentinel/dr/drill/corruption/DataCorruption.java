package ai.sentinel.dr.drill.corruption;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.corruption.CorruptionState;
import ai.sentinel.dr.corruption.DataCorruptionSettings;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.trigger.ManualResponder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Scenario 5: a bad deployment corrupts the rows created in the last half hour of two tables (threats marked benign,
 * rows deleted, junk inserted, reports downgraded) on 120,000 + 2,000 rows; a person invokes the runbook by hand with
 * the tables and the time window; the recovery stops writes (the maintenance parameter), restores the clean copy,
 * compares, waits for approval (always: the drill answers as "drill" unless told otherwise), repairs only the differing
 * rows in the window, verifies, resumes writes and deletes the clean copy. Passed when live equals the clean copy in
 * the window, every other row is as the corruption left it (a legitimate write on an older row is kept), maintenance
 * is off and the clean instance is gone.
 */
public final class DataCorruption implements DrillScenario {
  static final List<String> TABLES = List.of("audit_logs", "threat_reports");
  /** When the bad deployment started writing: 30 minutes before the newest seeded row. */
  private Instant from;
  private final Map<String, String> outsideAfterInjection = new TreeMap<>();
  private final Map<String, String> afterInjection = new TreeMap<>();
  private List<String> rulesBefore = List.of();

  @Override
  public String id() {
    return ai.sentinel.dr.corruption.DataCorruption.ID;
  }

  private static CorruptionSeed seed(LocalSentinel sentinel) {
    CorruptionSeed seed = sentinel.part(CorruptionSeed.class);
    if (!seed.reachable()) {
      throw new IllegalStateException("the data-corruption drill needs PostgreSQL (apt-get install -y postgresql)");
    }
    return seed;
  }

  @Override
  public void describe(LocalSentinel sentinel, PrintStream out) {
    CorruptionSeed seed = seed(sentinel);
    out.println("seeded: audit_logs " + CorruptionSeed.AUDIT_ROWS + " rows -> threat_reports "
        + CorruptionSeed.REPORT_ROWS + " rows (foreign key), created over the 48 h up to " + seed.newest()
        + "; live at " + seed.liveAddress() + " (behind " + DatabaseSettings.of(sentinel.config).instanceId()
        + "), the clean copy at " + seed.cleanAddress() + " (behind " + DatabaseSettings.of(sentinel.config)
        .cleanInstanceId() + ": moto's point-in-time restore ignores RestoreTime)");
    out.println("seeded: maintenance parameter " + seed.parameter() + " = " + CorruptionSeed.NORMAL);
  }

  /** The bad deployment: every kind of corruption, all in rows created since {@link #from}. */
  @Override
  public void inject(LocalSentinel sentinel, PrintStream out) throws Exception {
    CorruptionSeed seed = seed(sentinel);
    from = seed.newest().minus(Duration.ofMinutes(30));
    String recent = "created_at >= timestamptz '" + from + "'";
    long updated;
    long deleted;
    long junk;
    long reports;
    try (Connection c = seed.live(); Statement st = c.createStatement()) {
      updated = st.executeUpdate("UPDATE audit_logs SET is_threat = false, threat_details = NULL WHERE is_threat AND "
          + recent);
      deleted = st.executeUpdate("DELETE FROM audit_logs WHERE id % 50 = 0 AND " + recent);
      junk = st.executeUpdate("INSERT INTO audit_logs SELECT 1000000 + g, timestamptz '" + from + "' + g * interval"
          + " '20 seconds', NULL, 'junk', false, NULL, NULL FROM generate_series(1, 40) g");
      reports = st.executeUpdate("UPDATE threat_reports SET severity = 0 WHERE " + recent);
      // a legitimate write since the clean time, on an older row: not corruption, must be kept
      st.executeUpdate("UPDATE audit_logs SET action = 'reviewed' WHERE id = 10");
      for (String table : TABLES) {
        outsideAfterInjection.put(table, digest(c, table, "NOT (" + recent + ")"));
        afterInjection.put(table, digest(c, table, "true"));
      }
    }
    out.println("inject: bad deployment since " + from + ": audit_logs " + updated + " threats marked benign, "
        + deleted + " rows deleted, " + junk + " junk rows inserted; threat_reports " + reports + " downgraded to "
        + "severity 0; plus one legitimate write on an older row (audit_logs id 10)");
  }

  @Override
  public Signal signal(LocalSentinel sentinel) {
    String listener = seed(sentinel).listenerArn();
    rulesBefore = listener == null ? List.of() : CorruptionSeed.rules(sentinel, listener);
    ObjectNode payload = Json.object();
    payload.put("runbook", id());
    TABLES.forEach(payload.putArray("tables")::add);
    payload.putObject("condition").putObject("window").put("from", from.toString());
    payload.put("requestId", "drill-" + UUID.randomUUID().toString().substring(0, 8));
    payload.put("reason", "bad deployment: threats marked benign since " + from);
    return new Signal(sentinel.deployment.functionFor(ManualResponder.class), Json.bytes(payload),
        "manual invoke " + Json.write(payload));
  }

  @Override
  public String gatedStep() {
    return ai.sentinel.dr.corruption.DataCorruption.GATED_STEP;
  }

  @Override
  public boolean gateAlwaysOn() {
    return true;
  }

  /** A rejected repair must leave live exactly as the corruption left it. */
  @Override
  public Guard guard(LocalSentinel sentinel) {
    return new Guard("live tables " + TABLES, () -> {
      try (Connection c = seed(sentinel).live()) {
        List<String> all = new ArrayList<>();
        for (String table : TABLES) {
          all.add(digest(c, table, "true"));
        }
        return all.toString();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Override
  public boolean confirm(LocalSentinel sentinel, Recovery recovery, PrintStream out) {
    CorruptionSeed seed = seed(sentinel);
    String recent = "created_at >= timestamptz '" + from + "'";
    boolean ok = true;
    try (Connection live = seed.live(); Connection clean = seed.clean()) {
      for (String table : TABLES) {
        boolean window = digest(live, table, recent).equals(digest(clean, table, recent));
        boolean untouched = digest(live, table, "NOT (" + recent + ")").equals(outsideAfterInjection.get(table));
        out.println(table + ": rows since " + from + (window ? " equal the clean copy" : " DIFFER from the clean copy")
            + "; older rows " + (untouched ? "untouched" : "CHANGED by the repair"));
        ok &= window && untouched;
      }
      try (Statement st = live.createStatement();
          ResultSet rs = st.executeQuery("SELECT action FROM audit_logs WHERE id = 10")) {
        boolean kept = rs.next() && "reviewed".equals(rs.getString(1));
        out.println("the legitimate write on audit_logs id 10 " + (kept ? "is kept" : "was LOST"));
        ok &= kept;
      }
    } catch (SQLException e) {
      out.println("FAILED to read the databases: " + e.getMessage());
      return false;
    }
    if (seed.listenerArn() != null) {
      // the 503 rule is gone and nothing else changed on the listener
      List<String> rules = CorruptionSeed.rules(sentinel, seed.listenerArn());
      boolean restored = rules.equals(rulesBefore);
      out.println("maintenance: listener rules " + (restored ? "as before the recovery (" + rules.size()
          + ", the default only)" : "CHANGED: " + rules + " (before: " + rulesBefore + ")"));
      ok &= restored;
    }
    try (SsmClient ssm = CorruptionSeed.ssm(sentinel.cloud.endpoint())) {
      String value = ssm.getParameter(b -> b.name(seed.parameter())).parameter().value();
      boolean off = CorruptionSeed.NORMAL.equals(value);
      out.println("maintenance: " + seed.parameter() + " = " + value + (off ? " (writes resumed)" : " (STILL ON)"));
      ok &= off;
    }
    String cleanId = DatabaseSettings.of(sentinel.config).cleanInstanceId();
    String status;
    try {
      status = sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier(cleanId)).dbInstances().get(0)
          .dbInstanceStatus();
    } catch (DbInstanceNotFoundException e) {
      status = "deleted";
    }
    // handled as configured: deleted after the verified repair, or kept when the environment says so
    boolean deletes = DataCorruptionSettings.of(sentinel.config).deletesCleanInstance();
    boolean gone = status.equals("deleted") || status.equals("deleting");
    boolean handled = deletes == gone;
    out.println("clean instance " + cleanId + ": " + status + " (dataCorruption.deleteCleanInstance " + deletes
        + (handled ? ")" : ": NOT handled as configured)"));
    CorruptionState state = recovery.part(CorruptionState.PART);
    if (state != null) {
      state.repairs().forEach((table, r) -> out.println("repaired " + table + ": " + r.result().deleted()
          + " deleted, " + r.result().inserted() + " inserted, " + r.result().updated() + " updated; COUNT(*) "
          + r.before().rows() + " -> " + (r.after() == null ? "not read again" : r.after().rows())));
    }
    return ok && handled;
  }

  /** Each live table's digest as the corruption left it (a dry-run or a rejection must not change it). */
  public Map<String, String> liveAfterInjection() {
    return Map.copyOf(afterInjection);
  }

  /** Each live table's digest now. */
  public Map<String, String> liveNow(LocalSentinel sentinel) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = seed(sentinel).live()) {
      for (String table : TABLES) {
        out.put(table, digest(c, table, "true"));
      }
    }
    return out;
  }

  /** md5 of the rows matching {@code where}, in key order: equal digests mean equal rows. */
  static String digest(Connection c, String table, String where) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) || ':' || "
        + "coalesce(md5(string_agg(t::text, '|' ORDER BY id)), '') FROM " + table + " t WHERE " + where)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
