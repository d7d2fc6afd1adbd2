package ai.sentinel.dr.corruption.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.corruption.sql.TableDiff.DiffKey;
import ai.sentinel.dr.corruption.sql.TableDiff.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compare on two real PostgreSQL servers, checked against a full row-by-row comparison of the rows' text: no
 * false difference for equal data (NULLs, jsonb, numeric, timestamps, text with quotes), every updated, deleted and
 * inserted row found, for integer keys (key ranges) and other keys (hash buckets), in one call or resumed.
 */
class CompareIT {
  static TestPostgres cleanServer;
  static TestPostgres liveServer;
  static Connection clean;
  static Connection live;

  @BeforeAll
  static void servers() throws Exception {
    var a = CompletableFuture.supplyAsync(CompareIT::startServer);
    var b = CompletableFuture.supplyAsync(CompareIT::startServer);
    cleanServer = a.join();
    liveServer = b.join();
    clean = cleanServer.connect();
    live = liveServer.connect();
  }

  private static TestPostgres startServer() {
    try {
      return TestPostgres.start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {clean, live, cleanServer, liveServer}) {
      if (c != null) {
        c.close();
      }
    }
  }

  static void both(String sql) throws SQLException {
    exec(clean, sql);
    exec(live, sql);
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** audit_logs-like: bigint key, timestamps, NULLs, jsonb, numeric, text with quotes and newlines. */
  static void auditLogs(String table, int rows) throws SQLException {
    both("CREATE TABLE " + table + " (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, user_id bigint,"
        + " action text, is_threat boolean NOT NULL, threat_details jsonb, score numeric(10,3), note text,"
        + " seen timestamp)");
    both("INSERT INTO " + table + " SELECT g * 3, timestamptz '2026-01-01' + g * interval '1 minute',"
        + " CASE WHEN g % 11 = 0 THEN NULL ELSE g % 500 END, (array['login','query','export'])[1 + g % 3],"
        + " g % 17 = 0, CASE WHEN g % 17 = 0 THEN jsonb_build_object('rule', 'r' || g % 5, 'score', g % 100)"
        + " WHEN g % 5 = 0 THEN 'null'::jsonb END, CASE WHEN g % 7 = 0 THEN NULL ELSE g / 8.0 END,"
        + " CASE WHEN g % 13 = 0 THEN E'it''s\\n\"quoted\"' END, timestamp '2026-01-01' + g * interval '1 second'"
        + " FROM generate_series(1, " + rows + ") g");
  }

  /** Every row of both sides as text, compared in Java: the reference the compare must agree with. */
  static long[] reference(String table, String key, String where) throws SQLException {
    Map<String, String> c = rows(clean, table, key, where);
    Map<String, String> l = rows(live, table, key, where);
    long onlyClean = c.keySet().stream().filter(k -> !l.containsKey(k)).count();
    long onlyLive = l.keySet().stream().filter(k -> !c.containsKey(k)).count();
    long changed = c.entrySet().stream().filter(e -> l.containsKey(e.getKey())
        && !l.get(e.getKey()).equals(e.getValue())).count();
    return new long[] {onlyClean, onlyLive, changed};
  }

  static Map<String, String> rows(Connection c, String table, String key) throws SQLException {
    return rows(c, table, key, "true");
  }

  static Map<String, String> rows(Connection c, String table, String key, String where) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + key + "::text, t::text FROM " + table + " t WHERE " + where)) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  static void assertMatchesReference(TableDiff diff, String table, String key) throws SQLException {
    assertMatchesReference(diff, table, key, "true");
  }

  /** Against the reference over each side's rows matching {@code where}. */
  static void assertMatchesReference(TableDiff diff, String table, String key, String where) throws SQLException {
    long[] ref = reference(table, key, where);
    assertEquals(ref[0], diff.onlyInClean(), "rows only in clean");
    assertEquals(ref[1], diff.onlyInLive(), "rows only in live");
    assertEquals(ref[2], diff.changed(), "changed rows");
    assertEquals(rows(clean, table, key, where).size(), diff.rowsClean());
    assertEquals(rows(live, table, key, where).size(), diff.rowsLive());
    Map<String, String> c = rows(clean, table, key, where);
    Map<String, String> l = rows(live, table, key, where);
    for (DiffKey k : diff.sample()) {
      switch (k.kind()) {
        case ONLY_IN_CLEAN -> assertTrue(c.containsKey(k.key()) && !l.containsKey(k.key()), k.toString());
        case ONLY_IN_LIVE -> assertTrue(l.containsKey(k.key()) && !c.containsKey(k.key()), k.toString());
        case CHANGED -> assertFalse(c.get(k.key()).equals(l.get(k.key())), k.toString());
        default -> throw new AssertionError(k);
      }
    }
  }

  @Test
  void equalDataInAnotherPhysicalOrderHasNoDifference() throws Exception {
    auditLogs("eq_logs", 20_000);
    // live's rows rewritten in reverse order: other pages, same content
    exec(live, "CREATE TABLE eq_tmp AS SELECT * FROM eq_logs ORDER BY id DESC");
    exec(live, "DELETE FROM eq_logs");
    exec(live, "INSERT INTO eq_logs SELECT * FROM eq_tmp");
    TableDiff diff = TableCompare.compare(clean, live, new TableSpec("eq_logs", "id", "created_at"));
    assertTrue(diff.equal(), diff.toString());
    assertEquals(20_000, diff.rowsClean());
    assertEquals(20_000, diff.rowsLive());
    assertTrue(diff.scope().isEmpty());
  }

  @Test
  void findsEveryUpdatedDeletedAndInsertedRow() throws Exception {
    auditLogs("cx_logs", 30_000);
    corrupt("cx_logs");
    TableSpec spec = new TableSpec("cx_logs", "id", "created_at", Set.of("note"));
    TableDiff diff = TableCompare.compare(clean, live, spec);
    assertMatchesReference(diff, "cx_logs", "id");
    assertEquals(40, diff.onlyInClean());
    assertEquals(25, diff.onlyInLive());
    assertEquals(60 + 1, diff.changed());
    // the sample names columns, never values
    DiffKey changed = diff.sample().stream().filter(k -> k.kind() == Kind.CHANGED).findFirst().orElseThrow();
    assertFalse(changed.columns().isEmpty());
    assertTrue(Set.of("id", "created_at", "user_id", "action", "is_threat", "threat_details", "score", "note", "seen")
        .containsAll(changed.columns()), changed.toString());
    assertTrue(Json.MAPPER.writeValueAsString(diff).length() < 16_000);
  }

  /** After 2026-01-15 (the last ~25% of rows): 60 updated, 40 deleted, 25 inserted; one legitimate older update. */
  static void corrupt(String table) throws SQLException {
    String recent = "created_at >= timestamptz '2026-01-15'";
    exec(live, "UPDATE " + table + " SET threat_details = '{\"rule\": \"forged\"}', user_id = NULL WHERE id IN"
        + " (SELECT id FROM " + table + " WHERE " + recent + " ORDER BY id LIMIT 20)");
    exec(live, "UPDATE " + table + " SET score = score + 1 WHERE id IN (SELECT id FROM " + table + " WHERE " + recent
        + " AND score IS NOT NULL ORDER BY id DESC LIMIT 20)");
    exec(live, "UPDATE " + table + " SET is_threat = NOT is_threat, note = NULL WHERE id IN (SELECT id FROM " + table
        + " WHERE " + recent + " ORDER BY id OFFSET 3000 LIMIT 20)");
    exec(live, "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE " + recent
        + " ORDER BY id OFFSET 1000 LIMIT 40)");
    // junk: in the gaps between keys (3, 6, 9...) and past the end
    exec(live, "INSERT INTO " + table + " (id, created_at, action, is_threat) SELECT g, timestamptz '2026-01-16'"
        + " + g * interval '1 ms', 'junk', true FROM (SELECT max(id) - 3 * 30 + 1 + 3 * k AS g FROM " + table
        + ", generate_series(0, 14) k GROUP BY k) s");
    exec(live, "INSERT INTO " + table + " (id, created_at, action, is_threat) SELECT 1000000 + g,"
        + " timestamptz '2026-01-17', 'junk', false FROM generate_series(1, 10) g");
    // a legitimate write since the clean time on an older row: not corruption
    exec(live, "UPDATE " + table + " SET note = 'reviewed' WHERE id = 300");
  }

  @Test
  void resumesAcrossInvocationsThroughTheDocument() throws Exception {
    auditLogs("rs_logs", 30_000);
    corrupt("rs_logs");
    TableSpec spec = new TableSpec("rs_logs", "id", "created_at");
    TableDiff whole = TableCompare.compare(clean, live, spec);
    CompareProgress p = TableCompare.start(clean, live, spec);
    int invocations = 0;
    while (!p.done()) {
      String json = Json.MAPPER.writeValueAsString(p);
      assertTrue(json.length() < 64_000, "progress stays small: " + json.length());
      p = Json.MAPPER.readValue(json, CompareProgress.class);
      p = TableCompare.advance(clean, live, spec, p, Instant.now());
      invocations++;
    }
    assertTrue(invocations > 2, "one unit per call: " + invocations);
    TableDiff resumed = p.diff();
    assertEquals(List.of(whole.onlyInClean(), whole.onlyInLive(), whole.changed(), whole.rowsClean()),
        List.of(resumed.onlyInClean(), resumed.onlyInLive(), resumed.changed(), resumed.rowsClean()));
    assertMatchesReference(resumed, "rs_logs", "id");
  }

  /**
   * A compare bounded by the condition's time window: exact against the row-by-row reference over each side's rows
   * in the window (the legitimate write on an older row is outside it; a row moved into the window counts as only in
   * live), resumed through the document too, for integer keys and for hash buckets.
   */
  @Test
  void aWindowedCompareIsExactForTheRowsInTheWindow() throws Exception {
    auditLogs("wn_logs", 30_000);
    corrupt("wn_logs");
    exec(live, "UPDATE wn_logs SET created_at = timestamptz '2026-01-16' WHERE id = 600");
    List<String> window = java.util.Arrays.asList("2026-01-15T00:00:00Z", null);
    String in = "created_at >= timestamptz '2026-01-15'";
    TableSpec spec = new TableSpec("wn_logs", "id", "created_at");
    CompareProgress p = TableCompare.start(clean, live, spec, window);
    TableDiff whole = TableCompare.advance(clean, live, spec, p, Instant.MAX).diff();
    assertMatchesReference(whole, "wn_logs", "id", in);
    assertEquals(List.of(40L, 25L + 1, 60L), List.of(whole.onlyInClean(), whole.onlyInLive(), whole.changed()));
    int invocations = 0;
    while (!p.done()) {
      p = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(p), CompareProgress.class);
      p = TableCompare.advance(clean, live, spec, p, Instant.now());
      invocations++;
    }
    assertTrue(invocations > 1, "resumed: " + invocations);
    assertEquals(window, p.window());
    assertMatchesReference(p.diff(), "wn_logs", "id", in);

    both("CREATE TABLE wu_logs AS SELECT md5(id::text) AS k, * FROM wn_logs");
    both("ALTER TABLE wu_logs ADD PRIMARY KEY (k)");
    TableSpec hashed = new TableSpec("wu_logs", "k", "created_at");
    assertMatchesReference(TableCompare.advance(clean, live, hashed, TableCompare.start(clean, live, hashed,
        window), Instant.MAX).diff(), "wu_logs", "k", in);
  }

  @Test
  void otherKeyTypesAndUnhashableColumnsCompareByHashBuckets() throws Exception {
    both("CREATE TABLE uu_events (id uuid PRIMARY KEY, created_at timestamptz NOT NULL, payload json,"
        + " tags text[], amount double precision)");
    both("INSERT INTO uu_events SELECT md5('k' || g)::uuid, timestamptz '2026-01-01' + g * interval '1 minute',"
        + " CASE WHEN g % 3 = 0 THEN json_build_object('a', g) END, CASE WHEN g % 4 = 0 THEN array['x', g::text] END,"
        + " CASE WHEN g % 6 = 0 THEN NULL ELSE g / 3.0 END FROM generate_series(1, 8000) g");
    TableSpec spec = new TableSpec("uu_events", "id", "created_at");
    assertTrue(TableCompare.compare(clean, live, spec).equal());
    exec(live, "UPDATE uu_events SET payload = '{\"a\": -1}' WHERE created_at > '2026-01-06' AND amount < 2000");
    exec(live, "UPDATE uu_events SET tags = NULL WHERE tags IS NOT NULL AND amount > 2600");
    exec(live, "DELETE FROM uu_events WHERE amount BETWEEN 1000 AND 1005");
    exec(live, "INSERT INTO uu_events (id, created_at) SELECT md5('junk' || g)::uuid, now()"
        + " FROM generate_series(1, 7) g");
    TableDiff diff = TableCompare.compare(clean, live, spec);
    assertFalse(diff.equal());
    assertMatchesReference(diff, "uu_events", "id");
  }

  /**
   * The row hash is built column by column (TableSchema#rowHash): equal data is equal whatever the session's time
   * zone, and none of the ways a per-column hash goes wrong hides a difference: a value swapped between two rows of
   * one bucket (cancels out in the bucket's XOR without the final mix), values swapped between two columns of a row,
   * NULL against a value hashing to the seed (jsonb '{}'), a column of a type without a hash (json, by its text), a
   * number's sign.
   */
  @Test
  void everyColumnTypeIsHashedByItselfAndSwapsAreFound() throws Exception {
    both("CREATE TABLE ty_logs (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, a smallint, b integer,"
        + " flag boolean, doc jsonb, doc2 jsonb, amount numeric, f double precision, r real, u uuid, iv interval,"
        + " d date, arr text[], vc varchar(20), ip inet, ts timestamp, js json)");
    both("INSERT INTO ty_logs SELECT g, timestamptz '2026-01-01 12:00+00' + g * interval '1 minute', g % 300, g * 7,"
        + " g % 2 = 0, CASE WHEN g % 4 <> 0 THEN jsonb_build_object('k', g) END, jsonb_build_object('k', -g),"
        + " g / 7.0, g / 3.0, g / 9.0, md5('u' || g)::uuid, g * interval '1 second', date '2026-01-01' + g,"
        + " array['x', g::text], 'v' || g, ('10.1.' || g % 256 || '.1')::inet, timestamp '2026-01-01' + g"
        + " * interval '1 hour', json_build_object('j', g) FROM generate_series(1, 2000) g");
    TableSpec spec = new TableSpec("ty_logs", "id", "created_at");
    exec(live, "SET TimeZone = 'Asia/Kolkata'");
    exec(clean, "SET TimeZone = 'America/New_York'");
    try {
      TableDiff equal = TableCompare.compare(clean, live, spec);
      assertTrue(equal.equal(), equal.toString());
      assertEquals(2000, equal.rowsLive());
    } finally {
      both("SET TimeZone = 'UTC'");
    }
    // rows 34 and 35 share a leaf bucket: their flags (true, false) swapped; json compared by its text
    exec(live, "UPDATE ty_logs SET flag = NOT flag WHERE id IN (34, 35)");
    exec(live, "UPDATE ty_logs SET doc = doc2, doc2 = doc WHERE id = 101");
    exec(live, "UPDATE ty_logs SET doc = '{}' WHERE id = 200");
    exec(live, "UPDATE ty_logs SET js = '{\"j\": 500}' WHERE id = 500");
    exec(live, "UPDATE ty_logs SET a = b, b = a WHERE id = 7");
    // PostgreSQL's numeric hash ignores the sign, also of numbers in jsonb: a negated amount, jsonb {"k": 101} and
    // {"k": -101} swapped between two columns (both missed by a compare of hash_record_extended(t))
    exec(live, "UPDATE ty_logs SET amount = -amount WHERE id = 1500");
    exec(live, "UPDATE ty_logs SET created_at = created_at + interval '1 microsecond' WHERE id = 900");
    exec(live, "UPDATE ty_logs SET u = md5('u' || 1001)::uuid, arr = array['x', '1001'] WHERE id = 1002");
    TableDiff diff = TableCompare.compare(clean, live, spec);
    assertMatchesReference(diff, "ty_logs", "id");
    assertEquals(9, diff.changed(), diff.toString());
  }

  /**
   * Rows are equal when their text is (what the reference, pg_dump and a person see): equal text written differently
   * (jsonb keys in another order, a timestamptz in another time zone, compared from sessions in two more) is equal;
   * and each difference a type's own hash cannot see is found: numeric NaN against Infinity, scale (1.0, 1.00) and
   * zero and NaN swapped between two columns, float -0, NULL against '', text with delimiters moved between columns,
   * an array element with a comma, bigint and timestamp values whose 32-bit folds are equal (x and x ^ 0x100000001),
   * jsonb {} against [] and 1.0 against 1.00.
   */
  @Test
  void differencesOnlyTheTextShowsAreFound() throws Exception {
    both("CREATE TABLE ed_logs (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, n1 numeric, n2 numeric,"
        + " f double precision, j jsonb, s1 text, s2 text, arr text[], big bigint, ts timestamp)");
    both("INSERT INTO ed_logs SELECT g, timestamptz '2026-01-01 00:00+00' + g * interval '1 minute', g / 4.0, g,"
        + " g / 3.0, jsonb_build_object('b', g, 'a', -g), 'v' || g, NULL, array['x', g::text], g * 1000003,"
        + " timestamp '2026-01-01' + g * interval '1 second' FROM generate_series(1, 300) g");
    exec(clean, "UPDATE ed_logs SET j = '{\"b\": 1, \"a\": 2}', created_at = '2026-02-01 09:00+09' WHERE id = 10");
    exec(live, "UPDATE ed_logs SET j = '{\"a\": 2, \"b\": 1}', created_at = '2026-02-01 00:00+00' WHERE id = 10");
    both("UPDATE ed_logs SET n1 = 'NaN' WHERE id = 19; UPDATE ed_logs SET n1 = 0, n2 = 'NaN' WHERE id = 20;"
        + " UPDATE ed_logs SET n1 = 1.0 WHERE id = 21; UPDATE ed_logs SET f = 0 WHERE id = 22;"
        + " UPDATE ed_logs SET s1 = NULL WHERE id = 23; UPDATE ed_logs SET s1 = 'a,b', s2 = '' WHERE id = 24;"
        + " UPDATE ed_logs SET arr = '{a,b}' WHERE id = 25; UPDATE ed_logs SET big = 5 WHERE id = 26;"
        + " UPDATE ed_logs SET ts = '2000-01-01 00:00:00' WHERE id = 27; UPDATE ed_logs SET j = '{}' WHERE id = 28;"
        + " UPDATE ed_logs SET j = '{\"a\": 1.0}' WHERE id = 30");
    TableSpec spec = new TableSpec("ed_logs", "id", "created_at");
    exec(live, "SET TimeZone = 'Asia/Kolkata'");
    exec(clean, "SET TimeZone = 'America/New_York'");
    try {
      TableDiff equal = TableCompare.compare(clean, live, spec);
      assertTrue(equal.equal(), equal.toString());
    } finally {
      both("SET TimeZone = 'UTC'");
    }
    exec(live, "UPDATE ed_logs SET n1 = 'Infinity' WHERE id = 19; UPDATE ed_logs SET n1 = 'NaN', n2 = 0 WHERE id = 20;"
        + " UPDATE ed_logs SET n1 = 1.00 WHERE id = 21; UPDATE ed_logs SET f = '-0' WHERE id = 22;"
        + " UPDATE ed_logs SET s1 = '' WHERE id = 23; UPDATE ed_logs SET s1 = 'a', s2 = ',b' WHERE id = 24;"
        + " UPDATE ed_logs SET arr = '{\"a,b\"}' WHERE id = 25; UPDATE ed_logs SET big = 4294967300 WHERE id = 26;"
        + " UPDATE ed_logs SET ts = '2000-01-01 01:11:34.967297' WHERE id = 27;"
        + " UPDATE ed_logs SET j = '[]' WHERE id = 28; UPDATE ed_logs SET j = '{\"a\": 1.00}' WHERE id = 30");
    exec(live, "SET TimeZone = 'Asia/Kolkata'");
    exec(clean, "SET TimeZone = 'America/New_York'");
    TableDiff diff;
    try {
      diff = TableCompare.compare(clean, live, spec);
    } finally {
      both("SET TimeZone = 'UTC'");
    }
    assertMatchesReference(diff, "ed_logs", "id");
    assertEquals(11, diff.changed(), diff.toString());
    // the columns named for a changed row are the ones that differ, not the timestamptz the sessions print apart
    assertTrue(diff.sample().contains(new DiffKey("19", Kind.CHANGED, List.of("n1"))), diff.toString());
    assertTrue(diff.sample().contains(new DiffKey("24", Kind.CHANGED, List.of("s1", "s2"))), diff.toString());
  }

  @Test
  void emptyTablesAreEqual() throws Exception {
    both("CREATE TABLE empty_logs (id bigint PRIMARY KEY, created_at timestamptz)");
    TableDiff diff = TableCompare.compare(clean, live, new TableSpec("empty_logs", "id", "created_at"));
    assertTrue(diff.equal());
    exec(live, "INSERT INTO empty_logs VALUES (-5, now()), (7, now())");
    diff = TableCompare.compare(clean, live, new TableSpec("empty_logs", "id", "created_at"));
    assertEquals(2, diff.onlyInLive());
  }
}
