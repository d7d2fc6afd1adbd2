package ai.sentinel.dr.corruption.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The runbook's diagnosis, {@code SELECT MIN(created_at), MAX(created_at) FROM audit_logs WHERE
 * <corruption_condition>}, with the number of rows it matches. Times as in {@link TableChecks}; null when no row
 * matches.
 */
public record CorruptionTimeline(String table, long rows, String first, String last) {
  /** Checks the condition first ({@link Condition#check}): a bad one is rejected before any row is read. */
  public static CorruptionTimeline of(Connection c, TableSpec spec, List<Condition> conditions) throws SQLException {
    Condition.check(c, spec, conditions);
    TableSchema schema = TableSchema.load(c, spec);
    Sql.Fragment where = Condition.render(spec, conditions, "t");
    String ts = "t." + Sql.quote(spec.timestamp());
    String sql = "SELECT count(*), " + TableChecks.iso(schema, "min(" + ts + ")") + ", "
        + TableChecks.iso(schema, "max(" + ts + ")") + " FROM " + schema.table() + " t WHERE " + where.sql();
    try (PreparedStatement ps = Sql.prepare(c, sql, where.params()); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new CorruptionTimeline(spec.table(), rs.getLong(1), rs.getString(2), rs.getString(3));
    }
  }
}
