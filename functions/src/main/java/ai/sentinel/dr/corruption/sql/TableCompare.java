package ai.sentinel.dr.corruption.sql;

import ai.sentinel.dr.corruption.sql.CompareProgress.Pending;
import ai.sentinel.dr.corruption.sql.TableDiff.DiffKey;
import ai.sentinel.dr.corruption.sql.TableDiff.Kind;
import ai.sentinel.dr.errors.StepFailedError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a table of the clean copy with live, the databases doing the work: per bucket of keys, both servers
 * compute (in parallel) the row count and the XOR of a 64-bit hash of every row; only buckets whose summaries
 * differ are split into 16 and looked at again, and only small differing buckets are fetched, as (key, row hash)
 * pairs. Equal data always gives equal summaries (no false difference); a difference hides only behind a 64-bit hash
 * collision. Resumable: {@link #advance} stops at a deadline and the progress goes into the recovery document.
 *
 * <p>Both databases must not change during the compare (live is in maintenance, clean is a restored copy).
 */
public final class TableCompare {
  static final int FANOUT = 16;
  static final int LEAF = 16;
  static final int TOP_BUCKETS = 4096;
  /** Keys per top-level query on integer keys: a query stays short and a deadline is kept. */
  static final long TOP_CHUNK = 4_000_000;
  /** A differing bucket with at most this many rows is fetched rather than split. */
  static final int FETCH_ROWS = 48;
  static final long EXPAND_BATCH_ROWS = 2_000_000;
  static final long FETCH_BATCH_ROWS = 20_000;
  static final int SAMPLE = 20;

  private TableCompare() {}

  /** Checks both sides' tables (same columns and types, the configured key) and lays out the bucket grid. */
  public static CompareProgress start(Connection clean, Connection live, TableSpec spec) throws SQLException {
    return start(clean, live, spec, null);
  }

  /**
   * A compare of the rows in {@code window} only ([from, to) on the timestamp column, {@link
   * Condition#boundingWindow}; null: every row): each side hashes only its rows whose own timestamp is in it (every
   * query filters on it; the grid is laid over the whole key range, whose bounds the key's index gives at once,
   * where bounds of the window's keys would cost a scan of the table). Exact for those rows; a row whose timestamp
   * moved across the window's edge counts as only in one side.
   */
  public static CompareProgress start(Connection clean, Connection live, TableSpec spec, List<String> window)
      throws SQLException {
    // both sides at once: the catalog, then the key bounds (integer keys) or the row estimate
    Object[] sides = Parallel.both(clean, live, c -> {
      TableSchema s = TableSchema.load(c, spec);
      return new Object[] {s, s.integerKey() ? bounds(c, s) : new long[] {estimate(c, s)}};
    });
    Object[] onClean = (Object[]) sides[0];
    Object[] onLive = (Object[]) sides[1];
    TableSchema schema = (TableSchema) onClean[0];
    TableSchema liveSchema = (TableSchema) onLive[0];
    if (!schema.columns().equals(liveSchema.columns())
        || !List.copyOf(schema.columns().keySet()).equals(List.copyOf(liveSchema.columns().keySet()))) {
      throw new StepFailedError("table " + spec.table() + " has different columns in the clean copy "
          + schema.columns() + " and in live " + liveSchema.columns() + ": rows cannot be compared");
    }
    long[] cleanBounds = (long[]) onClean[1];
    long[] liveBounds = (long[]) onLive[1];
    if (schema.integerKey()) {
      long min = Math.min(cleanBounds[0], liveBounds[0]);
      long max = Math.max(cleanBounds[1], liveBounds[1]);
      KeyScope empty = new KeyScope(0, List.of());
      if (min > max) {
        return new CompareProgress(spec.table(), 0, 0, LEAF, 1, 0, 0, List.of(), 0, 0, 0, 0, 0, List.of(), empty,
            window);
      }
      long span = max - min + 1;
      long chunk = Math.min(span, TOP_CHUNK);
      int depth = 1;
      long width = LEAF;
      while ((chunk + width - 1) / width > TOP_BUCKETS) {
        width *= FANOUT;
        depth++;
      }
      long top = (span + width - 1) / width;
      return new CompareProgress(spec.table(), 0, min, LEAF, depth, top, 0, List.of(), 0, 0, 0, 0, 0, List.of(),
          empty, window);
    }
    long rows = Math.max(cleanBounds[0], liveBounds[0]);
    int leafBits = Math.max(4, 64 - Long.numberOfLeadingZeros(Math.max(1, rows / LEAF)));
    int depth = 1 + Math.max(0, (leafBits - 16 + 3) / 4);
    int topBits = leafBits - 4 * (depth - 1);
    return new CompareProgress(spec.table(), topBits, 0, LEAF, depth, 1, 0, List.of(), 0, 0, 0, 0, 0, List.of(),
        new KeyScope(leafBits, List.of()), window);
  }

  /** Works until done or until the deadline passes (checked between queries, each bounded in size). */
  public static CompareProgress advance(Connection clean, Connection live, TableSpec spec, CompareProgress progress,
      Instant deadline) throws SQLException {
    if (!progress.table().equals(spec.table())) {
      throw new IllegalArgumentException("progress of " + progress.table() + " given for " + spec.table());
    }
    TableSchema schema = TableSchema.load(clean, spec);
    Work work = new Work(schema, progress);
    // at least one unit per call, so a caller looping on a short deadline still gets to the end
    do {
      if (!work.done()) {
        work.step(clean, live);
      }
    } while (!work.done() && Instant.now().isBefore(deadline));
    return work.progress();
  }

  /** Start and advance without a deadline: the whole table in one call. */
  public static TableDiff compare(Connection clean, Connection live, TableSpec spec) throws SQLException {
    CompareProgress p = start(clean, live, spec);
    return advance(clean, live, spec, p, Instant.MAX).diff();
  }

  private static long[] bounds(Connection c, TableSchema schema) throws SQLException {
    String k = "t." + schema.key();
    try (PreparedStatement ps = c.prepareStatement("SELECT min(" + k + "), max(" + k + ") FROM " + schema.table()
        + " t"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      long min = rs.getLong(1);
      return rs.wasNull() ? new long[] {Long.MAX_VALUE, Long.MIN_VALUE} : new long[] {min, rs.getLong(2)};
    }
  }

  /** The planner's row estimate (no scan); a count when the table was never analysed. */
  private static long estimate(Connection c, TableSchema schema) throws SQLException {
    try (PreparedStatement ps = Sql.prepare(c, "SELECT reltuples::bigint FROM pg_class WHERE oid = ?::regclass",
        List.of(schema.table())); ResultSet rs = ps.executeQuery()) {
      if (rs.next() && rs.getLong(1) > 0) {
        return rs.getLong(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + schema.table());
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** One compare's mutable state between queries. */
  private static final class Work {
    private final TableSchema schema;
    private final CompareProgress start;
    private final Grid grid;
    private long nextTop;
    private final List<Pending> pending;
    private long rowsClean;
    private long rowsLive;
    private long onlyInClean;
    private long onlyInLive;
    private long changed;
    private final List<DiffKey> sample;
    private KeyScope scope;

    Work(TableSchema schema, CompareProgress p) {
      this.schema = schema;
      this.start = p;
      this.grid = new Grid(schema, p);
      this.nextTop = p.nextTop();
      this.pending = new ArrayList<>(p.pending());
      this.rowsClean = p.rowsClean();
      this.rowsLive = p.rowsLive();
      this.onlyInClean = p.onlyInClean();
      this.onlyInLive = p.onlyInLive();
      this.changed = p.changed();
      this.sample = new ArrayList<>(p.sample());
      this.scope = p.scope();
    }

    boolean done() {
      return nextTop >= start.topBuckets() && pending.isEmpty();
    }

    CompareProgress progress() {
      return new CompareProgress(start.table(), start.topBits(), start.base(), start.leafWidth(), start.depth(),
          start.topBuckets(), nextTop, pending, rowsClean, rowsLive, onlyInClean, onlyInLive, changed, sample,
          scope, start.window());
    }

    /** One unit: the deepest pending buckets first (keeps the pending list short), else the next top chunk. */
    void step(Connection clean, Connection live) throws SQLException {
      if (pending.isEmpty()) {
        long to = Math.min(start.topBuckets(), nextTop + grid.topChunk());
        Sql.Fragment q = grid.topQuery(nextTop, to);
        Map<Long, long[]> c = Parallel.summaries(clean, live, q);
        compareSummaries(c, 0, true);
        nextTop = to;
        return;
      }
      pending.sort(Comparator.comparingInt(Pending::level).reversed().thenComparingLong(Pending::bucket));
      int level = pending.get(0).level();
      boolean fetch = level == start.depth() - 1 || pending.get(0).rows() <= FETCH_ROWS;
      long limit = fetch ? FETCH_BATCH_ROWS : EXPAND_BATCH_ROWS;
      List<Pending> batch = new ArrayList<>();
      long rows = 0;
      for (Pending p : pending) {
        boolean pFetch = level == start.depth() - 1 || p.rows() <= FETCH_ROWS;
        if (p.level() != level || pFetch != fetch || (!batch.isEmpty() && rows + p.rows() > limit)) {
          continue;
        }
        batch.add(p);
        rows += p.rows();
      }
      pending.removeAll(batch);
      long[] buckets = batch.stream().mapToLong(Pending::bucket).toArray();
      if (fetch) {
        compareRows(clean, live, level, buckets);
      } else {
        compareSummaries(Parallel.summaries(clean, live, grid.expandQuery(level, buckets)), level + 1, false);
      }
    }

    /** Differing buckets become pending at their level; top-level counts add up to the tables' row counts. */
    private void compareSummaries(Map<Long, long[]> both, int level, boolean top) {
      for (Map.Entry<Long, long[]> e : both.entrySet()) {
        long[] s = e.getValue(); // {cleanCount, cleanXor, liveCount, liveXor}
        if (top) {
          rowsClean += s[0];
          rowsLive += s[2];
        }
        if (s[0] != s[2] || s[1] != s[3]) {
          pending.add(new Pending(level, e.getKey(), Math.max(s[0], s[2])));
        }
      }
    }

    private void compareRows(Connection clean, Connection live, int level, long[] buckets) throws SQLException {
      Sql.Fragment q = grid.fetchQuery(level, buckets);
      Map<String, long[]>[] sides = Parallel.rows(clean, live, q, !start.hashMode());
      Map<String, long[]> c = sides[0];
      Map<String, long[]> l = sides[1];
      List<String> changedKeys = new ArrayList<>();
      List<long[]> found = new ArrayList<>();
      for (Map.Entry<String, long[]> e : c.entrySet()) {
        long[] other = l.get(e.getKey());
        if (other == null) {
          onlyInClean++;
          note(e.getKey(), Kind.ONLY_IN_CLEAN, e.getValue()[1], found);
        } else if (other[0] != e.getValue()[0]) {
          changed++;
          if (note(e.getKey(), Kind.CHANGED, e.getValue()[1], found)) {
            changedKeys.add(e.getKey());
          }
        }
      }
      for (Map.Entry<String, long[]> e : l.entrySet()) {
        if (!c.containsKey(e.getKey())) {
          onlyInLive++;
          note(e.getKey(), Kind.ONLY_IN_LIVE, e.getValue()[1], found);
        }
      }
      scope = scope.with(found);
      if (!changedKeys.isEmpty()) {
        Map<String, List<String>> columns = ChangedColumns.of(clean, live, schema, changedKeys);
        for (int i = 0; i < sample.size(); i++) {
          DiffKey k = sample.get(i);
          if (k.kind() == Kind.CHANGED && columns.containsKey(k.key())) {
            sample.set(i, new DiffKey(k.key(), k.kind(), columns.get(k.key())));
          }
        }
      }
    }

    /** Records the key's scope coordinate in found; returns whether the key went into the sample. */
    private boolean note(String key, Kind kind, long coordinate, List<long[]> found) {
      found.add(new long[] {coordinate, coordinate + 1});
      long ofKind = sample.stream().filter(k -> k.kind() == kind).count();
      if (ofKind < SAMPLE) {
        sample.add(new DiffKey(key, kind, List.of()));
        return true;
      }
      return false;
    }
  }

  /** The SQL of the bucket grid: which rows a bucket holds, and the queries over them. */
  static final class Grid {
    private final TableSchema schema;
    private final CompareProgress p;

    Grid(TableSchema schema, CompareProgress p) {
      this.schema = schema;
      this.p = p;
    }

    long topChunk() {
      return p.hashMode() ? p.topBuckets() : Math.max(1, TOP_CHUNK / width(0));
    }

    long width(int level) {
      long w = p.leafWidth();
      for (int i = level; i < p.depth() - 1; i++) {
        w *= FANOUT;
      }
      return w;
    }

    private String key() {
      return "t." + schema.key();
    }

    private String hashed(int level) {
      return "(hashtextextended(" + key() + "::text, 0) & " + ((1L << (p.topBits() + 4 * level)) - 1) + ")";
    }

    /**
     * (bucket, count, XOR of row hashes) per bucket, packed by the server into one bytea of 24 bytes a bucket: a
     * row per bucket would cost twice that in protocol framing.
     */
    private String summary(String bucket, String from) {
      return "SELECT string_agg(int8send(s.b) || int8send(s.c) || int8send(s.x), ''::bytea) FROM (SELECT " + bucket
          + " AS b, count(*) AS c, bit_xor(" + schema.rowHash("t") + ") AS x FROM " + from + " GROUP BY 1) s";
    }

    /** " AND <alias's row in the window>" and its parameters, or nothing when every row is compared. */
    private String inWindow(String alias) {
      return p.window() == null ? "" : " AND " + Condition.render(schema.spec(), List.of(new Condition(null,
          "WINDOW", p.window())), alias).sql();
    }

    private List<Object> params(Object... before) {
      List<Object> out = new ArrayList<>(List.of(before));
      if (p.window() != null) {
        p.window().stream().filter(java.util.Objects::nonNull).forEach(out::add);
      }
      return out;
    }

    Sql.Fragment topQuery(long from, long to) {
      if (p.hashMode()) {
        return new Sql.Fragment(summary(hashed(0), schema.table() + " t WHERE TRUE" + inWindow("t")), params());
      }
      long w = width(0);
      if (from == 0 && to >= p.topBuckets()) {
        // one query over the whole grid: the key bounds filter nothing (the grid spans both sides' min and max keys)
        // and cost two comparisons a row, about 5% of the pass (a row written since with a key past the grid lands in
        // a bucket past it and is found; the filter hid it)
        return new Sql.Fragment(summary("(" + key() + " - ?) / ?", schema.table() + " t WHERE TRUE" + inWindow("t")),
            params(p.base(), w));
      }
      return new Sql.Fragment(summary("(" + key() + " - ?) / ?", schema.table() + " t WHERE " + key() + " >= ? AND "
          + key() + " < ?" + inWindow("t")), params(p.base(), w, p.base() + from * w, p.base() + to * w));
    }

    /** Summaries of the children (level + 1) of the given buckets. */
    Sql.Fragment expandQuery(int level, long[] buckets) {
      if (p.hashMode()) {
        return new Sql.Fragment(summary(hashed(level + 1), schema.table() + " t WHERE " + hashed(level)
            + " = ANY(?)" + inWindow("t")), params(buckets));
      }
      List<Object> params = params(p.base(), width(level + 1), los(level, buckets), width(level));
      params.add(width(level));
      return new Sql.Fragment(summary("(" + key() + " - ?) / ?", rangesJoin(level, buckets)), params);
    }

    /**
     * Every row in the given buckets: integer keys packed as (key, row hash) into one bytea, 16 bytes a row (the
     * key is its own scope coordinate); other keys a row each of (key text, row hash, scope coordinate).
     */
    Sql.Fragment fetchQuery(int level, long[] buckets) {
      if (p.hashMode()) {
        return new Sql.Fragment("SELECT " + key() + "::text, " + schema.rowHash("t") + ", "
            + KeyScope.coordinate(schema, p.scope().hashBits(), "t") + " FROM " + schema.table() + " t WHERE "
            + hashed(level) + " = ANY(?)" + inWindow("t"), params(buckets));
      }
      List<Object> params = params(los(level, buckets), width(level));
      params.add(width(level));
      return new Sql.Fragment("SELECT string_agg(int8send(" + key() + "::bigint) || int8send(" + schema.rowHash("t")
          + "), ''::bytea) FROM " + rangesJoin(level, buckets), params);
    }

    /**
     * Rows in buckets of one level, integer keys: an index range scan per bucket. A bucket of width w holds at most w
     * keys, so "ORDER BY key LIMIT w" changes no result; it tells the planner that the scan is short (it cannot
     * know the ranges' selectivity and would otherwise scan the whole table per bucket).
     */
    private String rangesJoin(int level, long[] buckets) {
      return "unnest(?::bigint[]) r(lo) CROSS JOIN LATERAL (SELECT * FROM " + schema.table() + " x WHERE x."
          + schema.key() + " >= r.lo AND x." + schema.key() + " < r.lo + ?" + inWindow("x") + " ORDER BY x."
          + schema.key() + " LIMIT ?) t";
    }

    private long[] los(int level, long[] buckets) {
      long w = width(level);
      long[] los = new long[buckets.length];
      for (int i = 0; i < buckets.length; i++) {
        los[i] = p.base() + buckets[i] * w;
      }
      return los;
    }
  }

  /** Names of the columns that differ for changed keys: keyed hashes of each column, compared here. */
  static final class ChangedColumns {
    private ChangedColumns() {}

    static Map<String, List<String>> of(Connection clean, Connection live, TableSchema schema, List<String> keys)
        throws SQLException {
      List<String> names = new ArrayList<>(schema.columns().keySet());
      long seed = new java.security.SecureRandom().nextLong();
      StringBuilder sql = new StringBuilder("SELECT t." + schema.key() + "::text");
      for (String name : names) {
        sql.append(", hashtextextended(t.").append(Sql.quote(name)).append("::text COLLATE \"C\", ?)");
      }
      // integer keys: an index lookup; other keys are matched by their text
      sql.append(" FROM ").append(schema.table()).append(" t WHERE t.").append(schema.key())
          .append(schema.integerKey() ? " = ANY(CAST(? AS text[])::bigint[])" : "::text = ANY(?)");
      List<Object> params = new ArrayList<>();
      names.forEach(n -> params.add(seed));
      Map<String, List<String>> out = new HashMap<>();
      // in the compare's settings: a column's text (timestamptz's, money's) must not depend on the session's
      Object[] sides = Parallel.both(clean, live, x -> Parallel.tuned(x, y -> columnHashes(y, sql.toString(), params,
          keys, names.size())));
      @SuppressWarnings("unchecked")
      Map<String, Long[]> c = (Map<String, Long[]>) sides[0];
      @SuppressWarnings("unchecked")
      Map<String, Long[]> l = (Map<String, Long[]>) sides[1];
      for (String key : keys) {
        Long[] a = c.get(key);
        Long[] b = l.get(key);
        if (a == null || b == null) {
          continue;
        }
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
          if (!java.util.Objects.equals(a[i], b[i])) {
            differ.add(names.get(i));
          }
        }
        out.put(key, differ);
      }
      return out;
    }

    private static Map<String, Long[]> columnHashes(Connection c, String sql, List<Object> seeds, List<String> keys,
        int n) throws SQLException {
      Map<String, Long[]> out = new HashMap<>();
      try (PreparedStatement ps = Sql.prepare(c, sql, seeds)) {
        ps.setArray(seeds.size() + 1, c.createArrayOf("text", keys.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Long[] h = new Long[n];
            for (int i = 0; i < n; i++) {
              long v = rs.getLong(i + 2);
              h[i] = rs.wasNull() ? null : v;
            }
            out.put(rs.getString(1), h);
          }
        }
      }
      return out;
    }
  }
}
