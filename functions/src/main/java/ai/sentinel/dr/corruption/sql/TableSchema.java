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
record TableSchema(TableSpec spec, Map<String, String> columns, boolean integerKey, boolean hashable,
    List<String> insertable, List<String> updatable) {
  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");
  private static final Set<String> TIME_TYPES = Set.of("timestamp with time zone", "timestamp without time zone",
      "date");

  static TableSchema load(Connection c, TableSpec spec) throws SQLException {
    Map<String, String> columns = new LinkedHashMap<>();
    List<String> insertable = new ArrayList<>();
    List<String> updatable = new ArrayList<>();
    Map<Integer, String> primaryKey = new TreeMap<>();
    boolean hashable = true;
    // one catalog query (information_schema's views take tens of milliseconds each)
    String hashOf = "EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod"
        + " WHERE am.amname = 'hash' AND oc.opcdefault AND oc.opcintype = %s)";
    try (PreparedStatement ps = Sql.prepare(c, "SELECT a.attname, format_type(a.atttypid, NULL),"
        + " a.attgenerated <> '', a.attidentity = 'a', array_position(i.indkey::int2[], a.attnum),"
        + " CASE WHEN t.typtype = 'e' THEN true WHEN t.typcategory = 'A' THEN " + hashOf.formatted("t.typelem")
        + " ELSE " + hashOf.formatted("t.oid") + " END"
        + " FROM pg_class r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped"
        + " JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_index i ON i.indrelid = r.oid AND i.indisprimary"
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
        hashable &= rs.getBoolean(6);
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
    return new TableSchema(spec, columns, INTEGER_TYPES.contains(columns.get(spec.key())), hashable, insertable,
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

  /** The row hash of alias's row, as a bigint: equal rows (by their types' equality) hash equal. */
  String rowHash(String alias) {
    return hashable ? "hash_record_extended(" + alias + ", 0)" : "hashtextextended(" + alias + "::text, 0)";
  }
}
