package ai.sentinel.dr.bench;

import static ai.sentinel.dr.bench.ColdStart.NOISE_JIFFIES;
import static ai.sentinel.dr.bench.Variant.C1;

import ai.sentinel.dr.bench.Children.ClassCounts;
import ai.sentinel.dr.bench.Children.Run;
import ai.sentinel.dr.bench.Variant.Mode;
import ai.sentinel.dr.bench.Variant.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * The benchmark's report: the table of medians per variant, the ratios against the naive baseline of the same work,
 * the SnapStart proxy, the classes loaded, the artifacts, and how much the machine disturbed the runs.
 */
final class Report {
  private final int runs;
  private final Map<Workload, Long> floors;
  private final Path work;
  private final Path oursJar;
  private final Path naiveJar;
  private final Path runnerJar;
  private final Path archive;
  private final int redone;
  private final long waitedMillis;
  private final int disturbedKept;

  /**
   * @param runs          timed runs per variant
   * @param floors        the warm JVM's time for each workload's calls (microseconds)
   * @param redone        timed runs redone because other processes disturbed them
   * @param waitedMillis  time spent waiting for a quiet machine
   * @param disturbedKept runs kept although disturbed (retries exhausted)
   */
  Report(int runs, Map<Workload, Long> floors, Path work, Path oursJar, Path naiveJar, Path runnerJar, Path archive,
      int redone, long waitedMillis, int disturbedKept) {
    this.runs = runs;
    this.floors = floors;
    this.work = work;
    this.oursJar = oursJar;
    this.naiveJar = naiveJar;
    this.runnerJar = runnerJar;
    this.archive = archive;
    this.redone = redone;
    this.waitedMillis = waitedMillis;
    this.disturbedKept = disturbedKept;
  }


  String render(List<Variant> variants, Map<String, ClassCounts> counts, Map<String, List<Run>> results,
      long trainMillis, long seconds, double othersCpu) throws IOException {
    StringBuilder out = new StringBuilder();
    line(out, "");
    line(out, "Cold start: a fresh JVM, from ProcessBuilder.start() to the end of its first handled event; N=%d runs "
        + "per variant (median, min-max), against the local cloud on loopback.", runs);
    line(out, "JVM: %s %s, %d CPUs. Child JVMs: default flags plus the variant's. AWS SDK %s.",
        System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
        Runtime.getRuntime().availableProcessors(), software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION);
    String rule = "-".repeat(112);
    line(out, "");
    line(out, "%-10s %-30s %20s %10s %7s %7s %9s %9s", "workload", "variant", "total ms (min-max)", "JVM->main",
        "init", "event", "classes", "AWS SDK");
    Workload current = null;
    for (Variant v : variants) {
      if (!v.cold()) {
        continue;
      }
      if (v.workload() != current) {
        current = v.workload();
        line(out, "%s", rule);
      }
      List<Run> r = results.get(v.id());
      ClassCounts c = counts.get(v.id());
      line(out, "%-10s %-30s %8s (%4s-%4s) %10s %7s %7s %9d %9d", v.baseline() ? v.workload().id : "", v.label(),
          ms(median(r, Run::total)), ms(min(r, Run::total)), ms(max(r, Run::total)), ms(median(r, Run::boot)),
          ms(median(r, Run::init)), ms(median(r, Run::handle)), c.total(), c.sdk());
    }
    line(out, "%s", rule);
    line(out, "JVM->main: process start to the handler runner's main(); init: handler class loaded and constructed "
        + "(clients built);");
    line(out, "event: handleRequest of the first event, AWS calls included (medians; they need not add up to the "
        + "total's median).");
    line(out, "C1 = -XX:TieredStopAtLevel=1, which Lambda's java17/java21 runtimes set by default.");

    line(out, "");
    line(out, "Ratios, median total time against the naive baseline of the same work:");
    for (Variant v : variants) {
      if (!v.cold() || v.baseline() || v.workload() == Workload.RDS_SFN) {
        continue;
      }
      ratio(out, v, base(variants, v.workload(), List.of()), results);
    }
    line(out, "The same with C1 on both sides, as Lambda runs them:");
    for (Variant v : variants) {
      if (v.cold() && v.ours() && v.flags().contains(C1)) {
        ratio(out, v, base(variants, v.workload(), List.of(C1)), results);
      }
    }
    Variant charter = base(variants, Workload.RDS_SFN, List.of());
    if (charter != null) {
      line(out, "Against the charter's baseline, naive RDS+SFN (less work than either of ours; for reference):");
      for (Variant v : variants) {
        if (v.cold() && v.ours()) {
          ratio(out, v, charter, results);
        }
      }
    }

    line(out, "");
    line(out, "SnapStart proxy: time of the first event alone, ms (JVM start, init and beforeCheckpoint run before the "
        + "snapshot):");
    line(out, "%-10s %12s %24s %20s %22s", "workload", "(b) cold", "(f) after beforeCheckpoint", "(g) after 1 event",
        "same calls, warm JVM");
    for (Workload w : List.of(Workload.DIAGNOSE, Workload.RESPONDER)) {
      Variant cold = find(variants, w, Mode.COLD, true);
      Variant primed = find(variants, w, Mode.PRIMED, true);
      Variant second = find(variants, w, Mode.SECOND, true);
      if (cold == null || primed == null || second == null) {
        continue;
      }
      List<Run> p = results.get(primed.id());
      line(out, "%-10s %12s %24s %20s %22s", w.id, ms(median(results.get(cold.id()), Run::handle)),
          ms(median(p, Run::handle)) + " (priming " + ms(median(p, Run::prime)) + ")",
          ms(median(results.get(second.id()), Run::handle)), ms(floors.getOrDefault(w, 0L)));
    }

    line(out, "");
    line(out, "Classes loaded (one -Xlog:class+load run per variant) = JDK from its CDS archive + JDK from modules "
        + "+ from jars + from our AppCDS archive + generated at run time (lambda proxies, LambdaForms):");
    for (Variant v : variants) {
      ClassCounts c = counts.get(v.id());
      line(out, "  %-24s %5d = %4d + %4d + %4d + %4d + %4d   (AWS SDK: %d)", v.id(), c.total(), c.fromJdkCds(),
          c.fromJdkModules(), c.fromJars(), c.fromAppCds(), c.generated(), c.sdk());
    }
    line(out, "");
    line(out, "Artifacts:");
    for (Path jar : List.of(naiveJar, oursJar, runnerJar)) {
      line(out, "  %-52s %6s MB %7d classes", jar.getFileName(), mb(Files.size(jar)), classEntries(jar));
    }
    line(out, "  %-52s %6s MB   (training: one JVM, one event of each handler, %d ms)",
        "AppCDS archive (dynamic, on top of the JDK's)", mb(Files.size(archive)), trainMillis);
    line(out, "");
    line(out, "Benchmark wall time: %d s", seconds);
    line(out, "Timed runs redone because other processes used more than %.2f CPU-s during them: %d (%.0f s spent "
        + "waiting for quiet)%s", NOISE_JIFFIES / 100.0, redone, waitedMillis / 1000.0,
        disturbedKept == 0 ? "" : "; kept although disturbed (retries exhausted): " + disturbedKept);
    if (othersCpu >= 0) {
      double share = othersCpu / (seconds * (double) Runtime.getRuntime().availableProcessors());
      line(out, "Other processes on this machine used %.0f CPU-seconds during the benchmark (%.0f%% of its capacity)%s",
          othersCpu, 100 * share, disturbedKept > 0 ? ": some numbers are noisy, run again on a quieter machine"
              : "; every timed run kept was undisturbed.");
    }
    line(out, "Every timed run: %s", work.resolve("runs.tsv"));
    return out.toString();
  }

  private static Variant base(List<Variant> variants, Workload w, List<String> flags) {
    return variants.stream().filter(v -> v.workload() == w && !v.ours() && v.cold() && v.flags().equals(flags))
        .findFirst().orElse(null);
  }

  private static Variant find(List<Variant> variants, Workload w, Mode mode, boolean ours) {
    return variants.stream().filter(v -> v.workload() == w && v.mode() == mode && v.ours() == ours
        && v.flags().isEmpty()).findFirst().orElse(null);
  }

  private static void ratio(StringBuilder out, Variant v, Variant base, Map<String, List<Run>> results) {
    if (base == null) {
      return;
    }
    double r = (double) median(results.get(v.id()), Run::total) / median(results.get(base.id()), Run::total);
    line(out, "  %-10s %-28s / %-32s = %.2fx", v.workload().id, v.label().trim(), base.label().trim(), r);
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static int classEntries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return (int) zip.stream().filter(e -> e.getName().endsWith(".class")).count();
    }
  }

  private static long median(List<Run> runs, java.util.function.ToLongFunction<Run> f) {
    long[] values = runs.stream().mapToLong(f).sorted().toArray();
    int m = values.length / 2;
    return values.length % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2;
  }

  private static long min(List<Run> runs, java.util.function.ToLongFunction<Run> f) {
    return runs.stream().mapToLong(f).min().orElseThrow();
  }

  private static long max(List<Run> runs, java.util.function.ToLongFunction<Run> f) {
    return runs.stream().mapToLong(f).max().orElseThrow();
  }

  private static String ms(long micros) {
    return Long.toString(Math.round(micros / 1000.0));
  }

  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1024.0 / 1024.0);
  }
}
