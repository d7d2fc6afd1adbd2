package ai.sentinel.dr.corruption.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The runbook's verification query, {@code SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM table}, recorded
 * before and after a repair. Times are ISO-8601 instants in UTC (a timestamp without time zone is read as UTC),
 * null for an empty table.
 */
public record TableChecks(String table, long rows, String minTimestamp, String maxTimestamp) {
  public static TableChecks of(Connection c, TableSpec spec) throws SQLException {
    TableSchema schema = TableSchema.load(c, spec);
    String ts = "t." + Sql.quote(spec.timestamp());
    String sql = "SELECT count(*), " + iso(schema, "min(" + ts + ")") + ", " + iso(schema, "max(" + ts + ")")
        + " FROM " + schema.table() + " t";
    try (PreparedStatement ps = Sql.prepare(c, sql, List.of()); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new TableChecks(spec.table(), rs.getLong(1), rs.getString(2), rs.getString(3));
    }
  }

  /** ISO-8601 UTC text of a timestamp expression of the spec's timestamp column type. */
  static String iso(TableSchema schema, String expression) {
    String type = schema.columns().get(schema.spec().timestamp());
    String utc = switch (type) {
      case "timestamp with time zone" -> "(" + expression + ") AT TIME ZONE 'UTC'";
      case "date" -> "(" + expression + ")::timestamp";
      default -> "(" + expression + ")";
    };
    return "to_char(" + utc + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
  }
}
