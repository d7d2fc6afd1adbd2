package ai.sentinel.dr.bench.compare;

import ai.sentinel.dr.corruption.sql.TableCompare;
import ai.sentinel.dr.corruption.sql.TableDiff;
import ai.sentinel.dr.corruption.sql.TableSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The data-corruption compare benchmark (bench/compare.sh prepares the two servers and the data): our compare, the
 * runbook's {@code pg_dump -t | diff}, and {@code SELECT count(*)} on both sides, each run RUNS times interleaved,
 * medians of wall time, bytes received from the servers and CPU (both servers', parallel workers included, and the
 * client's: this JVM, or pg_dump and diff; {@link CompareCpu}). Ours twice: over the whole table, and as CompareTables
 * runs it for a selective repair whose condition is the corruption's time window ({@code --window-from}: only rows
 * created since then are compared); the ratios line is the latter's, the whole table's is printed before it. The
 * CPU ratios are printed too: on a machine shared with other work the wall times move with the load. Not a test:
 * nothing here asserts a speed.
 */
public final class CompareBench {
  private CompareBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    int cleanPort = Integer.parseInt(a.get("--clean-port"));
    int livePort = Integer.parseInt(a.get("--live-port"));
    String table = a.getOrDefault("--table", "audit_logs");
    Path pgBin = Path.of(a.get("--pg-bin"));
    Path work = Path.of(a.get("--work"));
    int runs = Integer.parseInt(a.getOrDefault("--runs", "3"));
    String expected = a.getOrDefault("--expected", "");
    String windowFrom = a.get("--window-from");
    TableSpec spec = new TableSpec(table, "id", "created_at");

    List<double[]> ours = new ArrayList<>();
    List<double[]> whole = new ArrayList<>();
    TableDiff wholeDiff = null;
    List<double[]> count = new ArrayList<>();
    List<double[]> dump = new ArrayList<>();
    TableDiff diff = null;
    long peakHeap = 0;
    String dumpResult = "";
    long[] rows = null;
    CompareCpu cpu;
    try (Connection clean = connect(cleanPort); Connection live = connect(livePort)) {
      cpu = CompareCpu.of(clean, live);
    }
    String loadBefore = CompareCpu.load();
    for (int r = 0; r < runs; r++) {
      try (Connection clean = connect(cleanPort); Connection live = connect(livePort)) {
        Sample s = new Sample(cpu);
        rows = countBoth(clean, live, table);
        count.add(s.end());
      }
      try (Connection clean = connect(cleanPort); Connection live = connect(livePort)) {
        System.gc();
        resetPeaks();
        Sample s = new Sample(cpu);
        wholeDiff = TableCompare.compare(clean, live, spec);
        whole.add(s.end());
        peakHeap = Math.max(peakHeap, peakHeapBytes());
      }
      try (Connection clean = connect(cleanPort); Connection live = connect(livePort)) {
        System.gc();
        resetPeaks();
        Sample s = new Sample(cpu);
        List<String> window = windowFrom == null ? null : java.util.Arrays.asList(windowFrom, null);
        diff = TableCompare.advance(clean, live, spec, TableCompare.start(clean, live, spec, window),
            java.time.Instant.MAX).diff();
        ours.add(s.end());
        peakHeap = Math.max(peakHeap, peakHeapBytes());
      }
      Sample s = new Sample(cpu);
      dumpResult = dumpAndDiff(pgBin, work, table, cleanPort, livePort);
      double[] d = s.end();
      d[1] = Files.size(work.resolve("clean.sql")) + Files.size(work.resolve("live.sql"));
      dump.add(d);
      System.err.printf("[compare] run %d/%d: count(*) %.3f s, ours whole table %.3f s, ours window %.3f s,"
          + " pg_dump+diff %.3f s%n", r + 1, runs, count.get(r)[0], whole.get(r)[0], ours.get(r)[0], dump.get(r)[0]);
    }
    double[] o = median(ours);
    double[] w = median(whole);
    double[] c = median(count);
    double[] d = median(dump);
    String found = found(diff);
    System.out.printf("%-22s %8s %19s %16s  %s%n", "method (median of " + runs + ")", "wall s", "cpu s servers+client",
        "bytes received", "result");
    System.out.printf("%-22s %8.3f %19s %16s  %s%n", "count(*) both sides", c[0], cpu(c), bytes(c[1]),
        rows[0] + " / " + rows[1] + " rows");
    System.out.printf("%-22s %8.3f %19s %16s  %s%s%n", "ours, whole table", w[0], cpu(w), bytes(w[1]),
        found(wholeDiff), check(expected, wholeDiff));
    System.out.printf("%-22s %8.3f %19s %16s  %s%s%n", windowFrom == null ? "ours (no window given)"
        : "ours, window", o[0], cpu(o), bytes(o[1]), found + (windowFrom == null ? "" : " of " + diff.rowsLive()
        + " live rows since " + windowFrom), check(expected, diff));
    System.out.printf("%-22s %8.3f %19s %16s  %s%n", "pg_dump -t | diff", d[0], cpu(d), bytes(d[1]) + "*",
        dumpResult);
    System.out.println("* bytes of the two dumps: a lower bound of what pg_dump received (COPY framing not counted)");
    System.out.println("load average before/after: " + loadBefore + " / " + CompareCpu.load());
    if (cpu != null) {
      System.out.printf("cpu ratio pg_dump+diff/ours (servers + client): whole table %.1fx, window %.1fx%n",
          (d[2] + d[3]) / (w[2] + w[3]), (d[2] + d[3]) / (o[2] + o[3]));
    }
    System.out.printf("whole table: ratio pg_dump+diff/ours: %.1fx, ours/count(*): %.1fx, bytes pg_dump/ours: %.1fx%n",
        d[0] / w[0], w[0] / c[0], d[1] / w[1]);
    System.out.printf("compare ratio pg_dump+diff/ours: %.1fx, ours/count(*): %.1fx, bytes pg_dump/ours: %.1fx,"
        + " peak heap MB: %d%n", d[0] / o[0], o[0] / c[0], d[1] / o[1], Math.round(peakHeap / 1048576.0));
  }

  private static String found(TableDiff diff) {
    return diff.onlyInClean() + " only in clean, " + diff.onlyInLive() + " only in live, " + diff.changed()
        + " changed";
  }

  private static String check(String expected, TableDiff diff) {
    return expected.isEmpty() ? "" : expected.equals(diff.onlyInClean() + "/" + diff.onlyInLive() + "/"
        + diff.changed()) ? " (as injected)" : " (INJECTED " + expected + ")";
  }

  private static Connection connect(int port) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/sentinel?user=postgres"
        + "&socketFactory=" + CountingSocketFactory.class.getName());
  }

  private static long[] countBoth(Connection clean, Connection live, String table) {
    var onClean = CompletableFuture.supplyAsync(() -> count(clean, table));
    long onLive = count(live, table);
    return new long[] {onClean.join(), onLive};
  }

  private static long count(Connection c, String table) {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The runbook's step 4: both dumps (in parallel, to files as the runbook does), then diff. */
  private static String dumpAndDiff(Path bin, Path work, String table, int cleanPort, int livePort)
      throws Exception {
    Process a = dump(bin, table, cleanPort, work.resolve("clean.sql"));
    Process b = dump(bin, table, livePort, work.resolve("live.sql"));
    if (a.waitFor() != 0 || b.waitFor() != 0) {
      throw new IllegalStateException("pg_dump failed");
    }
    Path out = work.resolve("diff.txt");
    Process diff = new ProcessBuilder("diff", work.resolve("clean.sql").toString(), work.resolve("live.sql")
        .toString()).redirectOutput(out.toFile()).redirectErrorStream(false).start();
    int rc = diff.waitFor();
    long lines;
    try (var l = Files.lines(out)) {
      lines = l.filter(s -> s.startsWith("<") || s.startsWith(">")).count();
    }
    return "diff exit " + rc + ", " + lines + " differing lines";
  }

  private static Process dump(Path bin, String table, int port, Path file) throws Exception {
    return new ProcessBuilder(bin.resolve("pg_dump").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U",
        "postgres", "-t", table, "-f", file.toString(), "sentinel").redirectErrorStream(true).start();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** The median of each measure (wall, bytes, servers' CPU, client's CPU) on its own. */
  private static double[] median(List<double[]> samples) {
    double[] m = new double[samples.get(0).length];
    for (int i = 0; i < m.length; i++) {
      int k = i;
      double[] sorted = samples.stream().mapToDouble(s -> s[k]).sorted().toArray();
      m[i] = sorted[sorted.length / 2];
    }
    return m;
  }

  private static String cpu(double[] m) {
    return Double.isNaN(m[2]) ? "-" : String.format("%.2f + %.2f", m[2], m[3]);
  }

  /** One measurement: wall time, bytes received (the counting socket factory), CPU when known. */
  private static final class Sample {
    private final CompareCpu cpu;
    private final long[] cpuBefore;
    private final long t0;

    Sample(CompareCpu cpu) {
      this.cpu = cpu;
      CountingSocketFactory.RECEIVED.set(0);
      this.cpuBefore = cpu == null ? null : cpu.mark();
      this.t0 = System.nanoTime();
    }

    /** {wall s, bytes, servers' CPU s, client's CPU s} (CPU NaN when unknown). */
    double[] end() {
      double wall = (System.nanoTime() - t0) / 1e9;
      double[] used = cpu == null ? new double[] {Double.NaN, Double.NaN} : cpu.since(cpuBefore);
      return new double[] {wall, CountingSocketFactory.RECEIVED.get(), used[0], used[1]};
    }
  }

  private static String bytes(double b) {
    return b >= 1e6 ? String.format("%.1f MB", b / 1e6) : String.format("%.1f KB", b / 1e3);
  }
}
