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
   * Column hashes by type, SQL templates over the column ({@code %1$s}) and a seed ({@code %2$d}): the extended hash
   * of the type's default hash operator class (pg_amproc 2) called on the column directly, after a lossless
   * conversion where the function is declared on another type (boolean to integer, timestamptz to its UTC
   * timestamp: no session time zone). numeric's hash ignores the sign (hash(-5) = hash(5)), so a negative value
   * takes the negated seed; jsonb's hash ignores its numbers' signs too, so jsonb is hashed by its canonical text, as
   * is every other type (its text is what the compare's reference and a person see).
   */
  private static final Map<String, String> COLUMN_HASHES = Map.ofEntries(
      Map.entry("smallint", "hashint2extended(%1$s, %2$d)"),
      Map.entry("integer", "hashint4extended(%1$s, %2$d)"),
      Map.entry("bigint", "hashint8extended(%1$s, %2$d)"),
      Map.entry("boolean", "hashint4extended(%1$s::integer, %2$d)"),
      Map.entry("text", "hashtextextended(%1$s, %2$d)"),
      Map.entry("numeric", "hash_numeric_extended(%1$s, CASE WHEN %1$s < 0 THEN -%2$d ELSE %2$d END)"),
      Map.entry("inet", "hashinetextended(%1$s, %2$d)"),
      Map.entry("uuid", "uuid_hash_extended(%1$s, %2$d)"),
      Map.entry("double precision", "hashfloat8extended(%1$s, %2$d)"),
      Map.entry("real", "hashfloat4extended(%1$s, %2$d)"),
      Map.entry("timestamp without time zone", "timestamp_hash_extended(%1$s, %2$d)"),
      Map.entry("timestamp with time zone", "timestamp_hash_extended(%1$s AT TIME ZONE 'UTC', %2$d)"));
  private static final String BY_TEXT = "hashtextextended(%1$s::text, %2$d)";
  /**
   * A 64-bit mix of a bigint: the value goes in as hashint8extended's seed, all 64 bits of which it mixes (the value
   * argument would be folded to 32 bits first).
   */
  private static final String MIX = "hashint8extended(0, %s)";
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
   * The row hash of alias's row, as a bigint: equal rows hash equal (column by column: equal by the type's equality
   * or, for types hashed by their text, equal text). Each column is hashed by its type's hash or its text (seeded with
   * its position, {@link #COLUMN_HASHES}),
   * NULL is a constant of its own per position, and the column hashes are chained through a 64-bit seeded hash, one
   * mix per column: h = mix(h # column). A plain XOR of the column hashes is not enough: jsonb's hash XORs in its
   * seed, so two jsonb values swapped between two columns of a row would cancel out; and without a mix after the last
   * column a value swapped between two rows would cancel out in the bucket's XOR of row hashes. Replaces
   * hash_record_extended(t), which uses the types' hashes as they are (a negated number hashed equal) and costs about
   * the same (1M rows, PostgreSQL 15, the compare's top query: 0.71 s against 0.74 s).
   */
  String rowHash(String alias) {
    String chained = null;
    int position = 0;
    for (Map.Entry<String, String> c : columns.entrySet()) {
      position++;
      String column = alias + "." + Sql.quote(c.getKey());
      String hash = COLUMN_HASHES.getOrDefault(c.getValue(), BY_TEXT);
      String value = "coalesce(" + hash.formatted(column, position) + ", '" + nullMark(position) + "'::bigint)";
      chained = MIX.formatted(chained == null ? value : chained + " # " + value);
    }
    return chained;
  }

  /** A column's hash when it is NULL: a constant of its own per position. */
  static long nullMark(int position) {
    return 0x9E3779B97F4A7C15L * position ^ 0x5851F42D4C957F2DL;
  }
}
