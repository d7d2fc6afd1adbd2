package ai.sentinel.dr.corruption.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** SQL text with quoted identifiers only; every value travels as a bound parameter. */
final class Sql {
  private Sql() {}

  /** A double-quoted identifier: whatever the name contains, it stays one identifier. */
  static String quote(String identifier) {
    if (identifier == null || identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not an identifier: " + identifier);
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** A text fragment and its parameters, in order. */
  record Fragment(String sql, List<Object> params) {
    Fragment {
      params = List.copyOf(params);
    }
  }

  static PreparedStatement prepare(Connection c, String sql, List<?> params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      bind(ps, params);
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  /**
   * Strings go as untyped parameters (the server parses them as the column's type, as psql would a literal), so
   * "2026-01-17T09:00:00Z" compares with a timestamptz and "42" with a bigint; long[] as bigint[].
   */
  static void bind(PreparedStatement ps, List<?> params) throws SQLException {
    int i = 1;
    for (Object p : params) {
      if (p == null) {
        ps.setNull(i, Types.OTHER);
      } else if (p instanceof String s) {
        ps.setObject(i, s, Types.OTHER);
      } else if (p instanceof Long l) {
        ps.setLong(i, l);
      } else if (p instanceof Integer n) {
        ps.setInt(i, n);
      } else if (p instanceof long[] a) {
        Long[] boxed = new Long[a.length];
        for (int j = 0; j < a.length; j++) {
          boxed[j] = a[j];
        }
        ps.setArray(i, ps.getConnection().createArrayOf("bigint", boxed));
      } else {
        throw new IllegalArgumentException("unsupported parameter type " + p.getClass().getSimpleName());
      }
      i++;
    }
  }
}
