package ai.sentinel.dr.corruption.sql;

import static ai.sentinel.dr.corruption.sql.CompareIT.auditLogs;
import static ai.sentinel.dr.corruption.sql.CompareIT.both;
import static ai.sentinel.dr.corruption.sql.CompareIT.corrupt;
import static ai.sentinel.dr.corruption.sql.CompareIT.exec;
import static ai.sentinel.dr.corruption.sql.CompareIT.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.errors.StepFailedError;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repairs on two real servers: only the rows that match the condition and differ are put back, untouched rows
 * (a legitimate write since the clean time) stay, a second run changes nothing, a full restore respects foreign
 * keys, and bad input is rejected before anything changes.
 */
class RepairIT {
  static Connection clean;
  static Connection live;

  @BeforeAll
  static void servers() throws Exception {
    CompareIT.servers();
    clean = CompareIT.clean;
    live = CompareIT.live;
  }

  @AfterAll
  static void stop() throws Exception {
    CompareIT.stop();
  }

  static final List<Condition> SINCE_CLEAN_TIME = List.of(Condition.window("2026-01-15T00:00:00Z", null));

  @Test
  void selectiveRepairPutsBackOnlyTheCorruptedRowsAndIsIdempotent() throws Exception {
    auditLogs("sel_logs", 30_000);
    corrupt("sel_logs");
    // three amounts negated: PostgreSQL's numeric hash ignores the sign, the row hash must not
    exec(live, "UPDATE sel_logs SET score = -score WHERE id IN (SELECT id FROM sel_logs WHERE created_at >="
        + " timestamptz '2026-01-15' AND score > 0 ORDER BY id OFFSET 5000 LIMIT 3)");
    // two user ids XORed with 2^32 + 1: equal under hashint8extended's 32-bit fold, the row hash must not be
    exec(live, "UPDATE sel_logs SET user_id = user_id # 4294967297 WHERE id IN (SELECT id FROM sel_logs WHERE"
        + " created_at >= timestamptz '2026-01-15' AND user_id IS NOT NULL ORDER BY id OFFSET 6000 LIMIT 2)");
    TableSpec spec = new TableSpec("sel_logs", "id", "created_at");
    Map<String, String> cleanRows = rows(clean, "sel_logs", "id");
    TableDiff diff = TableCompare.compare(clean, live, spec);

    TableRepair.Result plan = TableRepair.planSelective(clean, live, spec, SINCE_CLEAN_TIME, diff);
    assertEquals(new TableRepair.Result("sel_logs", 25, 40, 65), plan);
    assertEquals(diff.onlyInLive(), TableCompare.compare(clean, live, spec).onlyInLive(), "a plan changes nothing");

    TableRepair.Result done = TableRepair.selective(clean, live, spec, SINCE_CLEAN_TIME, diff);
    assertEquals(plan, done);
    Map<String, String> liveRows = rows(live, "sel_logs", "id");
    TableDiff after = TableCompare.compare(clean, live, spec);
    assertEquals(List.of(0L, 0L, 1L), List.of(after.onlyInClean(), after.onlyInLive(), after.changed()),
        "only the legitimate write still differs");
    assertTrue(liveRows.get("300").contains("reviewed"), "the legitimate write is kept");
    cleanRows.remove("300");
    liveRows.remove("300");
    assertEquals(cleanRows, liveRows);

    assertEquals(new TableRepair.Result("sel_logs", 0, 0, 0),
        TableRepair.selective(clean, live, spec, SINCE_CLEAN_TIME, diff), "a second run changes nothing");
  }

  @Test
  void fullRestoreReplacesTheContentAndKeepsForeignKeys() throws Exception {
    both("CREATE TABLE fk_keys (id integer PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL)");
    both("CREATE TABLE fk_logs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created_at timestamptz NOT NULL,"
        + " api_key_id integer NOT NULL REFERENCES fk_keys(id), detail jsonb,"
        + " day date GENERATED ALWAYS AS ((created_at AT TIME ZONE 'UTC')::date) STORED)");
    both("INSERT INTO fk_keys SELECT g, 'key-' || g, timestamptz '2026-01-01' + g * interval '1 hour'"
        + " FROM generate_series(1, 50) g");
    both("INSERT INTO fk_logs (created_at, api_key_id, detail) SELECT timestamptz '2026-01-01' + g * interval"
        + " '1 minute', 1 + g % 50, jsonb_build_object('n', g) FROM generate_series(1, 5000) g");
    exec(live, "UPDATE fk_keys SET name = 'stolen' WHERE id IN (3, 4)");
    exec(live, "INSERT INTO fk_keys VALUES (99, 'junk', now())");
    exec(live, "UPDATE fk_logs SET detail = '{}' WHERE id > 4900");
    exec(live, "DELETE FROM fk_logs WHERE id BETWEEN 100 AND 109");
    TableSpec keys = new TableSpec("fk_keys", "id", "created_at");
    TableSpec logs = new TableSpec("fk_logs", "id", "created_at");

    // referenced rows are updated in place, never deleted and re-inserted
    assertEquals(new TableRepair.Result("fk_keys", 1, 0, 2), TableRepair.full(clean, live, keys));
    assertEquals(new TableRepair.Result("fk_logs", 0, 10, 100), TableRepair.full(clean, live, logs));
    assertEquals(rows(clean, "fk_keys", "id"), rows(live, "fk_keys", "id"));
    assertEquals(rows(clean, "fk_logs", "id"), rows(live, "fk_logs", "id"));
    assertEquals(new TableRepair.Result("fk_logs", 0, 0, 0), TableRepair.full(clean, live, logs));

    // a row that live's children still reference cannot go: the whole repair is rolled back
    exec(live, "INSERT INTO fk_keys VALUES (98, 'junk', now())");
    exec(live, "UPDATE fk_keys SET name = 'changed' WHERE id = 5");
    exec(live, "INSERT INTO fk_logs (created_at, api_key_id) VALUES (now(), 98)");
    Map<String, String> before = rows(live, "fk_keys", "id");
    Exception e = assertThrows(Exception.class, () -> TableRepair.full(clean, live, keys));
    assertTrue(e.getMessage().contains("foreign key"), e.getMessage());
    assertEquals(before, rows(live, "fk_keys", "id"));
  }

  @Test
  void badInputIsRejectedBeforeAnythingChanges() throws Exception {
    auditLogs("bad_logs", 2_000);
    exec(live, "UPDATE bad_logs SET action = 'forged' WHERE id > 5000");
    both("CREATE TABLE bad_nokey (id bigint, created_at timestamptz)");
    TableSpec spec = new TableSpec("bad_logs", "id", "created_at");
    TableDiff diff = TableCompare.compare(clean, live, spec);
    Map<String, String> before = rows(live, "bad_logs", "id");
    Map<String, List<Condition>> cases = Map.of(
        "unknown column bad_logs.nope", List.of(Condition.of("nope", "=", "1")),
        "operator ; DROP TABLE bad_logs is not one of", List.of(Condition.of("id", "; DROP TABLE bad_logs", "1")),
        "does not fit the columns' types (user_id is bigint)", List.of(Condition.of("user_id", "=", "abc")),
        "does not fit the columns' types (created_at is timestamp with time zone)",
        List.of(Condition.window("yesterday-ish", null)),
        "operator IS NULL takes 0 non-null value(s), got 1", List.of(Condition.of("note", "IS NULL", "x")),
        "operator = takes 1 non-null value(s), got 0", List.of(Condition.of("note", "=")));
    for (Map.Entry<String, List<Condition>> c : cases.entrySet()) {
      StepFailedError e = assertThrows(StepFailedError.class,
          () -> TableRepair.selective(clean, live, spec, c.getValue(), diff));
      assertTrue(e.getMessage().contains(c.getKey()), e.getMessage());
      assertThrows(StepFailedError.class, () -> CorruptionTimeline.of(live, spec, c.getValue()));
    }
    StepFailedError unknown = assertThrows(StepFailedError.class, () -> TableRepair.full(clean, live,
        new TableSpec("nope_logs", "id", "created_at")));
    assertTrue(unknown.getMessage().startsWith("unknown table nope_logs"), unknown.getMessage());
    StepFailedError noKey = assertThrows(StepFailedError.class, () -> TableCompare.start(clean, live,
        new TableSpec("bad_nokey", "id", "created_at")));
    assertTrue(noKey.getMessage().contains("has no primary key"), noKey.getMessage());
    StepFailedError otherKey = assertThrows(StepFailedError.class, () -> TableRepair.full(clean, live,
        new TableSpec("bad_logs", "user_id", "created_at")));
    assertTrue(otherKey.getMessage().contains("primary key of bad_logs is (id), not (user_id)"),
        otherKey.getMessage());
    assertEquals(before, rows(live, "bad_logs", "id"));
  }

  @Test
  void timelineAndChecksAreTheRunbooksQueries() throws Exception {
    auditLogs("tl_logs", 3_000);
    TableSpec spec = new TableSpec("tl_logs", "id", "created_at");
    CorruptionTimeline t = CorruptionTimeline.of(live, spec, List.of(Condition.of("action", "=", "export"),
        Condition.window("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z")));
    assertEquals(new CorruptionTimeline("tl_logs", 480, "2026-01-02T00:02:00.000000Z",
        "2026-01-02T23:59:00.000000Z"), t);
    assertEquals(new TableChecks("tl_logs", 3000, "2026-01-01T00:01:00.000000Z", "2026-01-03T02:00:00.000000Z"),
        TableChecks.of(live, spec));
    assertEquals(new CorruptionTimeline("tl_logs", 0, null, null),
        CorruptionTimeline.of(live, spec, List.of(Condition.of("user_id", "IN", "-1", "-2"))));
  }
}
