package ai.sentinel.dr.corruption.sql;

import ai.sentinel.dr.errors.StepFailedError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the database says about a configured table, read from the system catalog (pg_catalog):
 * checked against the spec before any statement names the table, so an unknown table, column or key is a clear
 * rejection rather than an SQL error half-way.
 */
record TableSchema(TableSpec spec, Map<String, String> columns, boolean integerKey, List<String> insertable,
    List<String> updatable) {
  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");
  /**
   * Column hashes by type, SQL templates over the column ({@code %1$s}), a seed ({@code %2$s}) and the column's
   * position ({@code %3$d}): a hash that is exact for the type's text (equal text, equal hash; the text is what the
   * compare's row-by-row reference, pg_dump and a person see) and takes all of the value's bits. bigint goes in as
   * the seed (hashint8extended folds its value argument to 32 bits: x and x ^ 0x100000001 would hash equal);
   * timestamps as their epoch in float8 (timestamp_hash_extended folds too; the float8 is exact to the microsecond
   * from year 1698 to 2242, and has no time zone). Every other type is hashed by its text: numeric (its own hash
   * ignores the sign and the scale, and hashes NaN and Infinity alike), floats (-0 and 0 hash equal), jsonb (its
   * hash ignores numbers' signs and tells [] from {} by nothing), dates, intervals, arrays; the compare's settings
   * fix the text (Parallel#tuned). Text in the C collation: a nondeterministic collation would hash unequal text equal.
   */
  private static final Map<String, String> COLUMN_HASHES = Map.ofEntries(
      Map.entry("smallint", "hashint2extended(%1$s, %2$s)"),
      Map.entry("integer", "hashint4extended(%1$s, %2$s)"),
      Map.entry("bigint", "hashint8extended(%3$d, %1$s)"),
      Map.entry("text", "hashtextextended(%1$s COLLATE \"C\", %2$s)"),
      Map.entry("inet", "hashinetextended(%1$s, %2$s)"),
      Map.entry("uuid", "uuid_hash_extended(%1$s, %2$s)"),
      Map.entry("timestamp without time zone", "hashfloat8extended(date_part('epoch', %1$s), %2$s)"),
      Map.entry("timestamp with time zone", "hashfloat8extended(date_part('epoch', %1$s), %2$s)"));
  private static final String BY_TEXT = "hashtextextended(%1$s::text COLLATE \"C\", %2$s)";
  private static final Set<String> TIME_TYPES = Set.of("timestamp with time zone", "timestamp without time zone",
      "date");

  static TableSchema load(Connection c, TableSpec spec) throws SQLException {
    Map<String, String> columns = new LinkedHashMap<>();
    List<String> insertable = new ArrayList<>();
    List<String> updatable = new ArrayList<>();
    Map<Integer, String> primaryKey = new TreeMap<>();
    // one catalog query (information_schema's views take tens of milliseconds each)
    try (PreparedStatement ps = Sql.prepare(c, "SELECT a.attname, format_type(a.atttypid, NULL),"
        + " a.attgenerated <> '', a.attidentity = 'a', array_position(i.indkey::int2[], a.attnum)"
        + " FROM pg_class r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped"
        + " LEFT JOIN pg_index i ON i.indrelid = r.oid AND i.indisprimary"
        + " WHERE r.relname = ? AND r.relnamespace = current_schema()::regnamespace AND r.relkind IN ('r', 'p')"
        + " ORDER BY a.attnum", List.of(spec.table()));
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String name = rs.getString(1);
        columns.put(name, rs.getString(2));
        if (!rs.getBoolean(3)) {
          insertable.add(name);
          // the key is what rows are matched on; an ALWAYS identity takes no UPDATE
          if (!name.equals(spec.key()) && !rs.getBoolean(4)) {
            updatable.add(name);
          }
        }
        int position = rs.getInt(5);
        if (!rs.wasNull()) {
          primaryKey.put(position, name);
        }
      }
    }
    if (columns.isEmpty()) {
      throw new StepFailedError("unknown table " + spec.table() + " (not in schema " + currentSchema(c) + ")");
    }
    for (String column : List.of(spec.key(), spec.timestamp())) {
      requireColumn(columns, spec, column);
    }
    for (String column : spec.sensitive()) {
      requireColumn(columns, spec, column);
    }
    if (!TIME_TYPES.contains(columns.get(spec.timestamp()))) {
      throw new StepFailedError("timestamp column " + spec.table() + "." + spec.timestamp() + " is "
          + columns.get(spec.timestamp()) + ", not a timestamp or date");
    }
    if (primaryKey.isEmpty()) {
      throw new StepFailedError("table " + spec.table() + " has no primary key: rows cannot be matched");
    }
    if (!List.copyOf(primaryKey.values()).equals(List.of(spec.key()))) {
      throw new StepFailedError("primary key of " + spec.table() + " is (" + String.join(", ", primaryKey.values())
          + "), not (" + spec.key() + ") as configured");
    }
    return new TableSchema(spec, columns, INTEGER_TYPES.contains(columns.get(spec.key())), insertable,
        updatable);
  }

  private static void requireColumn(Map<String, String> columns, TableSpec spec, String column) {
    if (!columns.containsKey(column)) {
      throw new StepFailedError("unknown column " + spec.table() + "." + column);
    }
  }

  private static String currentSchema(Connection c) throws SQLException {
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_schema()")) {
      return rs.next() ? rs.getString(1) : "?";
    }
  }

  String table() {
    return Sql.quote(spec.table());
  }

  String key() {
    return Sql.quote(spec.key());
  }

  /**
   * The row hash of alias's row, as a bigint: rows with equal text hash equal. Each column contributes its hash
   * ({@link #COLUMN_HASHES}, seeded per position: a value moved to another column hashes differently), a boolean
   * one of two constants of its position, NULL a third; the contributions are XORed and the row mixed once through a
   * 64-bit seeded hash (without the mix, a value swapped between two rows of a bucket would cancel out in the
   * bucket's XOR). An XOR of seeded hashes is safe where a seed-linear hash is not: numeric's and jsonb's return the
   * seed itself for some values (NaN, Infinity, '{}'), so two such columns swapping values would cancel out; both
   * are hashed by their text. One mix per row instead of one per column, and booleans without a call: the CPU the
   * chained mix per column cost, with the exact timestamps and numerics (the top query, 1M rows, PostgreSQL 15: 0.59 s
   * against 0.58-0.61 s of one backend's CPU; the 64-bit folds and scales it missed are in CompareIT).
   */
  String rowHash(String alias) {
    StringBuilder xor = new StringBuilder();
    int position = 0;
    for (Map.Entry<String, String> c : columns.entrySet()) {
      position++;
      String column = alias + "." + Sql.quote(c.getKey());
      String hash = "boolean".equals(c.getValue())
          ? "CASE WHEN " + column + " THEN " + literal(constant(position, 2)) + " WHEN NOT " + column + " THEN "
              + literal(constant(position, 3)) + " END"
          : COLUMN_HASHES.getOrDefault(c.getValue(), BY_TEXT).formatted(column, literal(constant(position, 0)),
              position);
      xor.append(xor.isEmpty() ? "" : " # ").append("coalesce(").append(hash).append(", ")
          .append(literal(nullMark(position))).append(')');
    }
    return "hashint8extended(0, " + xor + ")";
  }

  /** A column's contribution when it is NULL: a constant of its own per position. */
  static long nullMark(int position) {
    return constant(position, 1);
  }

  /**
   * The constants of a position (its seed, its NULL, a boolean's true and false): SplitMix64 of (position, salt), so
   * that no XOR of a few of them is zero or equal to another's by construction.
   */
  static long constant(int position, int salt) {
    long z = 4L * position + salt + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static String literal(long value) {
    return "'" + value + "'::bigint";
  }
}
