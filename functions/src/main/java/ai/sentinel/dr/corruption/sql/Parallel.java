package ai.sentinel.dr.corruption.sql;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGStatement;

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

  /**
   * Runs a compare query in its own transaction with planner settings for it: no JIT (compiling costs more than the
   * few expressions save), and hash aggregation rather than sorting whole rows by bucket (the planner cannot know
   * how few buckets a GROUP BY on a key expression makes); and the settings a column's text depends on, so that the
   * row hashes of columns hashed by their text (TableSchema#rowHash) do not depend on the sessions' defaults.
   */
  static <T> T tuned(Connection c, Query<T> q) throws SQLException {
    if (!c.getAutoCommit()) {
      // the caller's transaction: the settings last until it ends
      settings(c);
      return q.run(c);
    }
    c.setAutoCommit(false);
    try {
      settings(c);
      T result = q.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void settings(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL jit = off; SET LOCAL enable_sort = off; SET LOCAL TimeZone = 'UTC';"
          + " SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL bytea_output = 'hex';"
          + " SET LOCAL extra_float_digits = 3; SET LOCAL lc_monetary = 'C'");
    }
  }

  /** Bucket summaries of both sides: bucket → {cleanCount, cleanXor, liveCount, liveXor}. */
  @SuppressWarnings("unchecked")
  static Map<Long, long[]> summaries(Connection clean, Connection live, Sql.Fragment q) throws SQLException {
    Object[] sides = both(clean, live, c -> tuned(c, x -> {
      Map<Long, long[]> out = new HashMap<>();
      ByteBuffer b = ByteBuffer.wrap(packed(c, q));
      while (b.remaining() >= 24) {
        out.put(b.getLong(), new long[] {b.getLong(), b.getLong()});
      }
      return out;
    }));
    Map<Long, long[]> merged = new HashMap<>();
    ((Map<Long, long[]>) sides[0]).forEach((b, s) -> merged.put(b, new long[] {s[0], s[1], 0, 0}));
    ((Map<Long, long[]>) sides[1]).forEach((b, s) -> {
      long[] m = merged.computeIfAbsent(b, x -> new long[4]);
      m[2] = s[0];
      m[3] = s[1];
    });
    return merged;
  }

  /**
   * Rows of both sides: key text → {row hash, scope coordinate}; packed: one bytea of (key, hash) pairs, the key
   * being its own coordinate.
   */
  @SuppressWarnings("unchecked")
  static Map<String, long[]>[] rows(Connection clean, Connection live, Sql.Fragment q, boolean packed)
      throws SQLException {
    Object[] sides = both(clean, live, c -> tuned(c, x -> {
      Map<String, long[]> out = new HashMap<>();
      if (packed) {
        ByteBuffer b = ByteBuffer.wrap(packed(c, q));
        while (b.remaining() >= 16) {
          long key = b.getLong();
          out.put(Long.toString(key), new long[] {b.getLong(), key});
        }
        return out;
      }
      try (PreparedStatement ps = Sql.prepare(c, q.sql(), q.params()); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
      return out;
    }));
    return new Map[] {(Map<String, long[]>) sides[0], (Map<String, long[]>) sides[1]};
  }

  /** The one bytea a packed query returns (empty when no row matched), received in binary. */
  private static byte[] packed(Connection c, Sql.Fragment q) throws SQLException {
    try (PreparedStatement ps = Sql.prepare(c, q.sql(), q.params())) {
      ps.unwrap(PGStatement.class).setPrepareThreshold(-1); // binary results: raw bytes, not hex text
      try (ResultSet rs = ps.executeQuery()) {
        byte[] bytes = rs.next() ? rs.getBytes(1) : null;
        return bytes == null ? new byte[0] : bytes;
      }
    }
  }
}
