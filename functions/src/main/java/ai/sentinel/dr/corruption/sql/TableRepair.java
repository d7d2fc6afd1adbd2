package ai.sentinel.dr.corruption.sql;

import ai.sentinel.dr.errors.StepFailedError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Repairs a live table from the clean copy in one transaction: the clean rows of the scope are streamed with COPY
 * into a temporary table on live, then three statements put live right — delete rows that clean does not have,
 * update rows whose content differs (an update, not delete and insert, so rows that others reference through a
 * foreign key stay put), insert rows that live lacks. Foreign keys are checked as declared (deferrable ones at
 * commit). Running it again changes nothing: it only touches rows that still differ.
 */
public final class TableRepair {
  private static final String TEMP = "sentinel_repair_clean";

  private TableRepair() {}

  /** Rows changed (or, for a plan, that would change) in live. */
  public record Result(String table, long deleted, long inserted, long updated) {}

  /**
   * Only the rows the diff found differing (its scope) that match the condition, on live's row or on clean's: rows
   * only in live are deleted, rows only in clean inserted, changed rows updated. Rows that differ but match no
   * condition (legitimate writes since the clean time) are left as they are.
   */
  public static Result selective(Connection clean, Connection live, TableSpec spec, List<Condition> conditions,
      TableDiff diff) throws SQLException {
    return run(clean, live, spec, conditions, scopeOf(spec, diff), false);
  }

  /** The table's whole content replaced from clean (rows equal in both are not touched). */
  public static Result full(Connection clean, Connection live, TableSpec spec) throws SQLException {
    return run(clean, live, spec, List.of(), null, false);
  }

  /** What {@link #selective} would do, without changing anything (the work is done and rolled back). */
  public static Result planSelective(Connection clean, Connection live, TableSpec spec, List<Condition> conditions,
      TableDiff diff) throws SQLException {
    return run(clean, live, spec, conditions, scopeOf(spec, diff), true);
  }

  /** What {@link #full} would do, without changing anything. */
  public static Result planFull(Connection clean, Connection live, TableSpec spec) throws SQLException {
    return run(clean, live, spec, List.of(), null, true);
  }

  private static KeyScope scopeOf(TableSpec spec, TableDiff diff) {
    if (!spec.table().equals(diff.table())) {
      throw new StepFailedError("the diff given to repair " + spec.table() + " is of table " + diff.table());
    }
    return diff.scope();
  }

  private static Result run(Connection clean, Connection live, TableSpec spec, List<Condition> conditions,
      KeyScope scope, boolean rollback) throws SQLException {
    Condition.check(live, spec, conditions);
    TableSchema schema = TableSchema.load(live, spec);
    TableSchema cleanSchema = TableSchema.load(clean, spec);
    if (!schema.columns().equals(cleanSchema.columns())) {
      throw new StepFailedError("table " + spec.table() + " has different columns in the clean copy and in live");
    }
    if (scope != null && scope.isEmpty()) {
      return new Result(spec.table(), 0, 0, 0);
    }
    boolean autoCommit = live.getAutoCommit();
    live.setAutoCommit(false);
    try {
      try (Statement st = live.createStatement()) {
        st.execute("SET CONSTRAINTS ALL DEFERRED");
        st.execute("CREATE TEMP TABLE " + TEMP + " (LIKE " + schema.table() + ") ON COMMIT DROP");
      }
      String columns = columnList(schema, "");
      copy(clean, live, "COPY (SELECT " + columnList(schema, "t.") + " FROM " + scopedRows(schema, scope)
          + ") TO STDOUT", "COPY " + TEMP + " (" + columns + ") FROM STDIN");
      try (Statement st = live.createStatement()) {
        st.execute("ANALYZE " + TEMP);
      }
      Result result = apply(live, schema, conditions, scope);
      if (rollback) {
        live.rollback();
      } else {
        live.commit();
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      live.rollback();
      throw e;
    } finally {
      live.setAutoCommit(autoCommit);
    }
  }

  private static Result apply(Connection live, TableSchema schema, List<Condition> conditions, KeyScope scope)
      throws SQLException {
    String k = schema.key();
    Sql.Fragment onLive = Condition.render(schema.spec(), conditions, "t");
    Sql.Fragment onClean = Condition.render(schema.spec(), conditions, "c");
    String differ = schema.rowHash("t") + " <> " + schema.rowHash("c");
    long deleted = update(live, "DELETE FROM " + schema.table() + " t USING (SELECT t." + k + " AS key FROM "
        + scopedRows(schema, scope) + ") s WHERE t." + k + " = s.key AND " + onLive.sql()
        + " AND NOT EXISTS (SELECT 1 FROM " + TEMP + " c WHERE c." + k + " = t." + k + ")", onLive.params());
    List<Object> both = new ArrayList<>(onLive.params());
    both.addAll(onClean.params());
    StringJoiner set = new StringJoiner(", ");
    for (String column : schema.updatable()) {
      set.add(Sql.quote(column) + " = c." + Sql.quote(column));
    }
    long updated = schema.updatable().isEmpty() ? 0 : update(live, "UPDATE " + schema.table() + " t SET " + set
        + " FROM " + TEMP + " c WHERE c." + k + " = t." + k + " AND " + differ + " AND (" + onLive.sql() + " OR "
        + onClean.sql() + ")", both);
    String insertable = insertableList(schema, "");
    long inserted = update(live, "INSERT INTO " + schema.table() + " (" + insertable + ") OVERRIDING SYSTEM VALUE"
        + " SELECT " + insertableList(schema, "c.") + " FROM " + TEMP + " c WHERE " + onClean.sql()
        + " AND NOT EXISTS (SELECT 1 FROM " + schema.table() + " t WHERE t." + k + " = c." + k + ")",
        onClean.params());
    return new Result(schema.spec().table(), deleted, inserted, updated);
  }

  private static long update(Connection c, String sql, List<Object> params) throws SQLException {
    try (PreparedStatement ps = Sql.prepare(c, sql, params)) {
      return ps.executeLargeUpdate();
    }
  }

  /**
   * The table's rows in the scope, as a FROM item aliased t; literal bounds (COPY takes no parameters), rendered
   * from longs only. Integer keys: an index range scan per range.
   */
  static String scopedRows(TableSchema schema, KeyScope scope) {
    if (scope == null) {
      return schema.table() + " t";
    }
    String coordinate = KeyScope.coordinate(schema, scope.hashBits(), "t");
    return "unnest('" + array(scope.los()) + "'::bigint[], '" + array(scope.his()) + "'::bigint[]) r(lo, hi) JOIN "
        + schema.table() + " t ON " + coordinate + " >= r.lo AND " + coordinate + " < r.hi";
  }

  private static String array(long[] values) {
    StringJoiner j = new StringJoiner(",", "{", "}");
    for (long v : values) {
      j.add(Long.toString(v));
    }
    return j.toString();
  }

  private static String columnList(TableSchema schema, String prefix) {
    StringJoiner j = new StringJoiner(", ");
    schema.columns().keySet().forEach(col -> j.add(prefix + Sql.quote(col)));
    return j.toString();
  }

  private static String insertableList(TableSchema schema, String prefix) {
    StringJoiner j = new StringJoiner(", ");
    schema.insertable().forEach(col -> j.add(prefix + Sql.quote(col)));
    return j.toString();
  }

  /** Streams a COPY out of one server into a COPY in on another, a buffer at a time (heap stays small). */
  static long copy(Connection from, Connection to, String copyOut, String copyIn) throws SQLException {
    CopyOut out = from.unwrap(PGConnection.class).getCopyAPI().copyOut(copyOut);
    CopyIn in;
    try {
      in = to.unwrap(PGConnection.class).getCopyAPI().copyIn(copyIn);
    } catch (SQLException e) {
      out.cancelCopy();
      throw e;
    }
    try {
      byte[] buf;
      while ((buf = out.readFromCopy()) != null) {
        in.writeToCopy(buf, 0, buf.length);
      }
      return in.endCopy();
    } catch (SQLException e) {
      if (out.isActive()) {
        out.cancelCopy();
      }
      if (in.isActive()) {
        in.cancelCopy();
      }
      throw e;
    }
  }
}
