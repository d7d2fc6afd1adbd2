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

/**
 * What the database says about a configured table, read from information_schema (and pg_catalog for hashing):
 * checked against the spec before any statement names the table, so an unknown table, column or key is a clear
 * rejection rather than an SQL error half-way.
 */
record TableSchema(TableSpec spec, Map<String, String> columns, boolean integerKey, boolean hashable,
    List<String> insertable, List<String> updatable) {
  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");
  private static final Set<String> TIME_TYPES = Set.of("timestamp with time zone", "timestamp without time zone",
      "date");

  static TableSchema load(Connection c, TableSpec spec) throws SQLException {
    Map<String, String> columns = new LinkedHashMap<>();
    List<String> insertable = new ArrayList<>();
    List<String> updatable = new ArrayList<>();
    try (PreparedStatement ps = Sql.prepare(c, "SELECT column_name, data_type, is_generated, generation_expression,"
        + " identity_generation"
        + " FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
        + " ORDER BY ordinal_position", List.of(spec.table()));
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        columns.put(rs.getString(1), rs.getString(2));
        if (!"ALWAYS".equals(rs.getString(3)) && rs.getString(4) == null) {
          insertable.add(rs.getString(1));
          // the key is what rows are matched on; an ALWAYS identity takes no UPDATE
          if (!rs.getString(1).equals(spec.key()) && !"ALWAYS".equals(rs.getString(5))) {
            updatable.add(rs.getString(1));
          }
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
    List<String> primaryKey = primaryKey(c, spec.table());
    if (primaryKey.isEmpty()) {
      throw new StepFailedError("table " + spec.table() + " has no primary key: rows cannot be matched");
    }
    if (!primaryKey.equals(List.of(spec.key()))) {
      throw new StepFailedError("primary key of " + spec.table() + " is (" + String.join(", ", primaryKey)
          + "), not (" + spec.key() + ") as configured");
    }
    return new TableSchema(spec, columns, INTEGER_TYPES.contains(columns.get(spec.key())), hashable(c, spec.table()),
        insertable, updatable);
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

  private static List<String> primaryKey(Connection c, String table) throws SQLException {
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps = Sql.prepare(c, "SELECT k.column_name FROM information_schema.table_constraints t"
        + " JOIN information_schema.key_column_usage k ON k.constraint_schema = t.constraint_schema"
        + " AND k.constraint_name = t.constraint_name AND k.table_name = t.table_name"
        + " WHERE t.table_schema = current_schema() AND t.table_name = ? AND t.constraint_type = 'PRIMARY KEY'"
        + " ORDER BY k.ordinal_position", List.of(table));
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        key.add(rs.getString(1));
      }
    }
    return key;
  }

  /**
   * Whether every column's type has a default hash opclass (directly, as an array of one, or an enum), so
   * hash_record_extended works; otherwise rows are hashed by their text (json, xml, point have no hash).
   */
  private static boolean hashable(Connection c, String table) throws SQLException {
    String hashOf = "EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod"
        + " WHERE am.amname = 'hash' AND oc.opcdefault AND oc.opcintype = %s)";
    try (PreparedStatement ps = Sql.prepare(c, "SELECT bool_and(CASE WHEN t.typtype = 'e' THEN true"
        + " WHEN t.typcategory = 'A' THEN " + hashOf.formatted("t.typelem") + " ELSE " + hashOf.formatted("t.oid")
        + " END) FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid"
        + " WHERE r.relname = ? AND r.relnamespace = current_schema()::regnamespace AND a.attnum > 0"
        + " AND NOT a.attisdropped", List.of(table));
        ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  String table() {
    return Sql.quote(spec.table());
  }

  String key() {
    return Sql.quote(spec.key());
  }

  /** The row hash of alias's row, as a bigint: equal rows (by their types' equality) hash equal. */
  String rowHash(String alias) {
    return hashable ? "hash_record_extended(" + alias + ", 0)" : "hashtextextended(" + alias + "::text, 0)";
  }
}
