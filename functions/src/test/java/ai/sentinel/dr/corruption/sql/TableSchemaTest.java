package ai.sentinel.dr.corruption.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The row hash the compare and the repair share (the database runs it: CompareIT checks its results). */
class TableSchemaTest {
  private static TableSchema schema() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("id", "bigint");
    columns.put("created_at", "timestamp with time zone");
    columns.put("is_threat", "boolean");
    columns.put("threat_details", "jsonb");
    columns.put("payload", "json");
    columns.put("d", "date");
    columns.put("amount", "numeric");
    return new TableSchema(new TableSpec("audit_logs", "id", "created_at"), columns, true,
        List.copyOf(columns.keySet()), List.of());
  }

  /**
   * Not hash_record_extended(t), whose column hashes are the types' own (numeric's and jsonb's ignore signs) and
   * t::text depends on the session's time zone: each column by a rule for its type, chained by a 64-bit mix.
   */
  @Test
  void eachColumnIsHashedByARuleForItsTypeAndMixedIn() {
    String h = schema().rowHash("t");
    assertFalse(h.contains("(t,") || h.contains("(t)") || h.contains("t::text") || h.contains("ROW("), h);
    assertEquals(7, h.split("hashint8extended\\(0, ", -1).length - 1, "a 64-bit mix per column: " + h);
    assertTrue(h.startsWith("hashint8extended(0, "), h);
    assertTrue(h.contains("coalesce(hashint8extended(t.\"id\", 1), '"), h);
    assertTrue(h.contains("timestamp_hash_extended(t.\"created_at\" AT TIME ZONE 'UTC', 2)"), "no session time zone: "
        + h);
    assertTrue(h.contains("hashint4extended(t.\"is_threat\"::integer, 3)"), h);
    assertTrue(h.contains("hashtextextended(t.\"threat_details\"::text, 4)"), "jsonb's hash ignores signs: " + h);
    assertTrue(h.contains("hashtextextended(t.\"payload\"::text, 5)"), "a type without a hash, by its text: " + h);
    assertTrue(h.contains("hashtextextended(t.\"d\"::text, 6)"), "other types by their text: " + h);
    assertTrue(h.contains("hash_numeric_extended(t.\"amount\", CASE WHEN t.\"amount\" < 0 THEN -7 ELSE 7 END)"),
        "numeric's hash ignores the sign: " + h);
  }

  @Test
  void everyPositionHasItsOwnNullMark() {
    Set<Long> marks = new java.util.HashSet<>();
    for (int i = 1; i <= 1600; i++) {
      assertTrue(marks.add(TableSchema.nullMark(i)));
      assertFalse(TableSchema.nullMark(i) >= 0 && TableSchema.nullMark(i) <= 1600, "not a seed");
    }
    assertEquals(1600, marks.size());
  }
}
