package ai.sentinel.dr.corruption.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The same query on the clean copy and on live at once: the two servers work in parallel. */
final class Parallel {
  private static final ExecutorService CLEAN_SIDE = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "compare-clean");
    t.setDaemon(true);
    return t;
  });

  private Parallel() {}

  interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs q on clean in a second thread and on live in this one; returns {clean, live}. */
  static <T> Object[] both(Connection clean, Connection live, Query<T> q) throws SQLException {
    Future<T> onClean = CLEAN_SIDE.submit(() -> q.run(clean));
    T onLive;
    try {
      onLive = q.run(live);
    } catch (SQLException | RuntimeException e) {
      onClean.cancel(true);
      throw e;
    }
    try {
      return new Object[] {onClean.get(), onLive};
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while comparing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException s) {
        throw s;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new SQLException(e.getCause());
    }
  }

  /** Bucket summaries of both sides: bucket → {cleanCount, cleanXor, liveCount, liveXor}. */
  @SuppressWarnings("unchecked")
  static Map<Long, long[]> summaries(Connection clean, Connection live, Sql.Fragment q) throws SQLException {
    Object[] sides = both(clean, live, c -> {
      Map<Long, long[]> out = new HashMap<>();
      try (PreparedStatement ps = Sql.prepare(c, q.sql(), q.params()); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
      return out;
    });
    Map<Long, long[]> merged = new HashMap<>();
    ((Map<Long, long[]>) sides[0]).forEach((b, s) -> merged.put(b, new long[] {s[0], s[1], 0, 0}));
    ((Map<Long, long[]>) sides[1]).forEach((b, s) -> {
      long[] m = merged.computeIfAbsent(b, x -> new long[4]);
      m[2] = s[0];
      m[3] = s[1];
    });
    return merged;
  }

  /** Rows of both sides: key text → {row hash, scope coordinate}. */
  @SuppressWarnings("unchecked")
  static Map<String, long[]>[] rows(Connection clean, Connection live, Sql.Fragment q) throws SQLException {
    Object[] sides = both(clean, live, c -> {
      Map<String, long[]> out = new HashMap<>();
      try (PreparedStatement ps = Sql.prepare(c, q.sql(), q.params()); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
      return out;
    });
    return new Map[] {(Map<String, long[]>) sides[0], (Map<String, long[]>) sides[1]};
  }
}
