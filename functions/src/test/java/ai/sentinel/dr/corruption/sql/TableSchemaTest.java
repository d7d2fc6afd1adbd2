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
   * t::text depends on the session's time zone: each column by a rule for its type, XORed, the row mixed once.
   */
  @Test
  void eachColumnIsHashedByARuleForItsTypeAndTheRowMixedOnce() {
    String h = schema().rowHash("t");
    assertFalse(h.contains("(t,") || h.contains("(t)") || h.contains("t::text") || h.contains("ROW("), h);
    assertTrue(h.startsWith("hashint8extended(0, coalesce("), h);
    assertEquals(1, h.split("hashint8extended\\(0, ", -1).length - 1, "one 64-bit mix per row: " + h);
    assertEquals(6, h.split(" # ", -1).length - 1, "the 7 columns XORed: " + h);
    assertTrue(h.contains("coalesce(hashint8extended(1, t.\"id\"), '"), "a bigint is the seed (all 64 bits): " + h);
    assertTrue(h.contains("hashfloat8extended(date_part('epoch', t.\"created_at\"), '"), "no 32-bit fold, no time"
        + " zone: " + h);
    assertTrue(h.contains("CASE WHEN t.\"is_threat\" THEN '" + TableSchema.constant(3, 2) + "'::bigint WHEN NOT"
        + " t.\"is_threat\" THEN '" + TableSchema.constant(3, 3) + "'::bigint END"), "a boolean without a call: " + h);
    assertTrue(h.contains("hashtextextended(t.\"threat_details\"::text COLLATE \"C\", '" + TableSchema.constant(4, 0)
        + "'::bigint)"), "jsonb's hash ignores signs: " + h);
    assertTrue(h.contains("hashtextextended(t.\"payload\"::text COLLATE \"C\", '"), "a type without a hash: " + h);
    assertTrue(h.contains("hashtextextended(t.\"d\"::text COLLATE \"C\", '"), "other types by their text: " + h);
    assertTrue(h.contains("hashtextextended(t.\"amount\"::text COLLATE \"C\", '"), "numeric's hash ignores the sign"
        + " and the scale: " + h);
    assertTrue(h.endsWith(", '" + TableSchema.nullMark(7) + "'::bigint))"), h);
  }

  @Test
  void everyPositionHasItsOwnConstants() {
    Set<Long> constants = new java.util.HashSet<>();
    for (int i = 1; i <= 1600; i++) {
      assertEquals(TableSchema.constant(i, 1), TableSchema.nullMark(i));
      for (int salt = 0; salt < 4; salt++) {
        assertTrue(constants.add(TableSchema.constant(i, salt)));
        assertTrue(Long.bitCount(TableSchema.constant(i, salt)) > 8, "not a small number");
      }
    }
    assertEquals(6400, constants.size());
  }
}
