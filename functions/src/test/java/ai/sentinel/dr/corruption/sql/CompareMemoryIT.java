package ai.sentinel.dr.corruption.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.corruption.sql.TableDiff.Kind;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: "heap bounded by the number of ranges (not rows)". The benchmark measures the heap once (19 MB for 1M
 * rows); this asserts the structure that bounds it, on two real PostgreSQL servers: through every unit of work of a
 * resumable compare, what the Java side receives from the servers in one unit is bounded by the batch constants (the
 * databases aggregate; rows are fetched only from ranges whose summaries differ), the total it receives is a small
 * fraction of even the keys and hashes of all rows, and the progress carried between units keeps a capped sample and
 * scope however many rows differ; the result is still exact. Bytes are counted on the JDBC results the compare reads.
 */
class CompareMemoryIT {
  private static final int ROWS = 200_000;
  private static TwoPostgres servers;
  private static Connection clean;
  private static Connection live;

  @BeforeAll
  static void servers() throws Exception {
    servers = TwoPostgres.start();
    clean = servers.clean();
    live = servers.live();
  }

  @AfterAll
  static void stop() throws Exception {
    servers.close();
  }

  @Test
  void whatTheJavaSideHoldsIsBoundedByBatchesAndCapsNotByRows() throws Exception {
    for (Connection c : List.of(clean, live)) {
      exec(c, "CREATE TABLE big_logs (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text)");
      exec(c, "INSERT INTO big_logs SELECT g, timestamptz '2026-01-01' + g * interval '1 second', 'row ' || g"
          + " FROM generate_series(1, " + ROWS + ") g");
    }
    // 650 differing rows spread over the table (333 changed, 167 deleted, 150 inserted; 0.3%): far more than the
    // sample's cap per kind, and more separate ranges than the scope keeps
    exec(live, "UPDATE big_logs SET note = 'corrupted' WHERE id % 600 = 0");
    exec(live, "DELETE FROM big_logs WHERE id % 1200 = 300");
    exec(live, "INSERT INTO big_logs SELECT " + ROWS + " + g * 7, timestamptz '2026-01-03', 'junk'"
        + " FROM generate_series(1, 150) g");
    TableSpec spec = new TableSpec("big_logs", "id", "created_at");
    AtomicLong received = new AtomicLong();
    Connection countedClean = counting(clean, received);
    Connection countedLive = counting(live, received);

    CompareProgress p = TableCompare.start(countedClean, countedLive, spec);
    long unitMax = 0;
    long total = 0;
    int units = 0;
    List<Integer> sizes = new ArrayList<>();
    while (!p.done()) {
      received.set(0);
      // one unit of work a call, as when each invocation's deadline has passed
      p = TableCompare.advance(countedClean, countedLive, spec, p, Instant.now());
      unitMax = Math.max(unitMax, received.get());
      total += received.get();
      units++;
      for (Kind kind : Kind.values()) {
        long ofKind = p.sample().stream().filter(k -> k.kind() == kind).count();
        assertTrue(ofKind <= TableCompare.SAMPLE, kind + " sample capped: " + ofKind);
      }
      assertTrue(p.scope().ranges().size() <= KeyScope.MAX_RANGES, "scope capped: " + p.scope().ranges().size());
      assertTrue(p.pending().size() <= 650, "pending ranges bounded by the differences: " + p.pending().size());
      sizes.add(Json.MAPPER.writeValueAsString(p).length());
      assertTrue(units < 10_000, "the compare ends");
    }
    TableDiff diff = p.diff();
    assertEquals(List.of(167L, 150L, 333L), List.of(diff.onlyInClean(), diff.onlyInLive(), diff.changed()),
        "exact: " + diff);
    assertEquals(3 * TableCompare.SAMPLE, diff.sample().size(), "a full sample, no more");
    assertEquals(KeyScope.MAX_RANGES, diff.scope().ranges().size(), "650 separate keys merged into the cap");
    // a unit fetches at most a batch of rows (16 bytes a row packed) or summaries (24 bytes a bucket) per side
    long unitBound = 2L * 32 * Math.max(TableCompare.FETCH_BATCH_ROWS, TableCompare.TOP_BUCKETS * TableCompare.FANOUT);
    assertTrue(unitMax <= unitBound, "bytes received in one unit: " + unitMax + " > " + unitBound);
    // the keys and row hashes of every row of both sides would be 2 x 16 bytes a row: a fraction of that arrives
    assertTrue(total < 2L * 16 * ROWS / 2, "bytes received in all: " + total + " for " + ROWS + " rows");
    assertTrue(sizes.stream().mapToInt(Integer::intValue).max().orElse(0) < 64_000, "progress JSON sizes " + sizes);
    System.out.printf("compare of %,d rows (650 differing): %d units, %,d bytes received in all, at most %,d in"
        + " a unit, progress JSON at most %,d bytes%n", ROWS, units, total, unitMax,
        sizes.stream().mapToInt(Integer::intValue).max().orElse(0));
  }

  private static void exec(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /**
   * The connection, counting the bytes of every value read from its results into {@code received} (byte arrays by
   * length, text by its length, numbers as 8): what the compare's Java side takes in from the server.
   */
  static Connection counting(Connection real, AtomicLong received) {
    return wrap(real, Connection.class, received);
  }

  @SuppressWarnings("unchecked")
  private static <T> T wrap(T real, Class<T> type, AtomicLong received) {
    InvocationHandler h = (proxy, method, args) -> {
      Object out;
      try {
        out = method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (out instanceof ResultSet rs && !(type == ResultSet.class)) {
        return wrap(rs, ResultSet.class, received);
      }
      if (out instanceof java.sql.PreparedStatement ps && type == Connection.class) {
        return wrap(ps, java.sql.PreparedStatement.class, received);
      }
      if (out instanceof Statement st && type == Connection.class) {
        return wrap(st, Statement.class, received);
      }
      if (type == ResultSet.class && method.getName().startsWith("get") && args != null && args.length == 1) {
        if (out instanceof byte[] b) {
          received.addAndGet(b.length);
        } else if (out instanceof String s) {
          received.addAndGet(s.length());
        } else if (out instanceof Number) {
          received.addAndGet(8);
        }
      }
      return out;
    };
    return (T) Proxy.newProxyInstance(CompareMemoryIT.class.getClassLoader(), new Class<?>[] {type}, h);
  }
}
