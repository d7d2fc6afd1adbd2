package ai.sentinel.dr.bench;

import ai.sentinel.dr.bench.Children.ClassCounts;
import ai.sentinel.dr.bench.Children.Run;
import ai.sentinel.dr.bench.Variant.Mode;
import ai.sentinel.dr.bench.Variant.Workload;
import ai.sentinel.dr.localcloud.FunctionRegistry;
import ai.sentinel.dr.localcloud.LocalCloud;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Cold-start benchmark launcher (run by {@code bench/coldstart.sh}). Starts the local cloud in this JVM, seeds what the
 * handlers read, then spawns fresh JVMs ({@code java -cp <runner jar>:<jar under test> FirstEvent ...}), each handling
 * exactly one event, and measures the wall time from just before {@code ProcessBuilder.start()} to the end of that
 * event (the child's clock, same system clock). Variants run round-robin in a shuffled order per round so drift and
 * order effects spread over all of them. A first, untimed pass per variant logs class loading (-Xlog:class+load),
 * checks each variant's answer and warms the OS page cache.
 *
 * <p>Arguments: {@code --ours <jar> --naive <jar> --runner <jar> --work <dir> [--runs 5]}.
 */
public final class ColdStart {
  /**
   * CPU (1/100 s) other processes may use during one timed run before it is redone: 0.35 s, about a ninth of what 2
   * cores offer in a 1.5 s run. On a quiet machine the measured value mostly stays under 25 (per-process and
   * machine-wide accounting differ by a few ticks, and the kernel has its own threads); a build elsewhere gives
   * 100-400.
   */
  static final long NOISE_JIFFIES = 35;
  static final int ATTEMPTS = 4;
  static final int MAX_REDONE = 30;
  static final long MAX_WAIT_MILLIS = 60_000;

  private final Path work;
  private final Path oursJar;
  private final Path naiveJar;
  private final Path runnerJar;
  private final Path archive;
  private final int runs;
  private final Instant eventBase = Instant.now().minusSeconds(3600);
  private Children children;
  private int redone;
  private long waitedMillis;
  private int disturbedKept;

  private ColdStart(Map<String, String> args) {
    this.work = Path.of(args.getOrDefault("work", "bench/target/coldstart")).toAbsolutePath();
    this.oursJar = Path.of(require(args, "ours")).toAbsolutePath();
    this.naiveJar = Path.of(require(args, "naive")).toAbsolutePath();
    this.runnerJar = Path.of(require(args, "runner")).toAbsolutePath();
    this.runs = Integer.parseInt(args.getOrDefault("runs", "5"));
    this.archive = work.resolve("ours-appcds.jsa");
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + argv[i]);
      }
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    new ColdStart(args).run();
  }

  private static String require(Map<String, String> args, String name) {
    String v = args.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return v;
  }

  private void run() throws Exception {
    Files.createDirectories(work.resolve("runs"));
    Files.createDirectories(work.resolve("home"));
    Files.deleteIfExists(archive);
    Files.writeString(work.resolve("runs.tsv"), "variant\tattempt\ttotal_us\tboot_us\tinit_us\tprime_us\tevent_us"
        + "\tothers_cpu_jiffies\n", StandardCharsets.UTF_8);
    long started = System.nanoTime();
    Optional<CpuAccount> cpu = CpuAccount.start();
    try (LocalCloud cloud = LocalCloud.start(FunctionRegistry.empty(), work.resolve("localcloud"))) {
      BenchCloud.Seeded seeded = BenchCloud.seed(cloud);
      children = new Children(work, oursJar, naiveJar, runnerJar,
          BenchCloud.childEnv(cloud.endpoint(), seeded.stateMachineArn(), work.resolve("home")), eventBase);
      List<Variant> variants = Variant.all(archive);

      // AppCDS: one training run of ours handling one event of each handler, archive written at exit
      long t0 = System.nanoTime();
      children.spawn(new Variant("train", "AppCDS training", Workload.DIAGNOSE, true, Variant.OURS_DIAGNOSE,
              List.of("-XX:ArchiveClassesAtExit=" + archive), false, Mode.COLD),
          List.of(Variant.OURS_DIAGNOSE, Variant.OURS_RESPONDER), null);
      long trainMillis = (System.nanoTime() - t0) / 1_000_000;
      if (!Files.exists(archive)) {
        throw new IllegalStateException("the training run wrote no archive at " + archive);
      }
      progress("AppCDS archive: " + Report.mb(Files.size(archive)) + " MB, training run " + trainMillis + " ms");

      Map<String, ClassCounts> counts = new LinkedHashMap<>();
      for (Variant v : variants) {
        Path log = work.resolve("runs").resolve(v.id() + "-classload.log");
        children.spawn(v, v.handlers(), log);
        counts.put(v.id(), Children.classCounts(log));
      }
      progress("class-load pass done (also warm-up and answer check)");

      Map<String, List<Run>> results = new LinkedHashMap<>();
      variants.forEach(v -> results.put(v.id(), new ArrayList<>()));
      Random order = new Random(42);
      for (int round = 1; round <= runs; round++) {
        List<Variant> shuffled = new ArrayList<>(variants);
        Collections.shuffle(shuffled, order);
        for (Variant v : shuffled) {
          results.get(v.id()).add(measure(v));
        }
        progress("round " + round + "/" + runs + " done");
      }
      long seconds = (System.nanoTime() - started) / 1_000_000_000;
      long moto = ProcessHandle.current().children().mapToLong(CpuAccount::treeJiffies).sum();
      double others = cpu.isPresent() ? cpu.get().othersSeconds(moto) : -1;
      String report = new Report(runs, seeded.floors(), work, oursJar, naiveJar, runnerJar, archive, redone,
          waitedMillis, disturbedKept).render(variants, counts, results, trainMillis, seconds, others);
      System.out.print(report);
      Files.writeString(work.resolve("results.txt"), report, StandardCharsets.UTF_8);
    }
  }

  /**
   * One timed run, redone when other processes took a noticeable share of the CPU meanwhile (on 2 cores a build
   * elsewhere is enough to double a cold start). After {@link #ATTEMPTS} tries the least disturbed run is kept.
   */
  private Run measure(Variant v) throws IOException, InterruptedException {
    Run best = null;
    long bestNoise = Long.MAX_VALUE;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      CpuAccount.Mark before = CpuAccount.mark();
      Run run = children.spawn(v, v.handlers(), null);
      long noise = CpuAccount.othersSince(before);
      Files.writeString(work.resolve("runs.tsv"), String.join("\t", v.id(), Integer.toString(attempt),
          Long.toString(run.total()), Long.toString(run.boot()), Long.toString(run.init()), Long.toString(run.prime()),
          Long.toString(run.handle()), Long.toString(noise)) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (noise < bestNoise) {
        best = run;
        bestNoise = noise;
      }
      if (noise <= NOISE_JIFFIES || redone >= MAX_REDONE) {
        break;
      }
      redone++;
      awaitQuiet();
    }
    if (bestNoise > NOISE_JIFFIES) {
      disturbedKept++;
    }
    return best;
  }

  /**
   * After a disturbed run: waits until other processes leave the CPU alone for a second (they come in bursts: a
   * build, a test run), within a budget for the whole benchmark so it still ends in a few minutes.
   */
  private void awaitQuiet() throws InterruptedException {
    int quiet = 0;
    while (quiet < 2 && waitedMillis < MAX_WAIT_MILLIS) {
      CpuAccount.Mark before = CpuAccount.mark();
      Thread.sleep(500);
      waitedMillis += 500;
      // 2 cores give 100 ticks per half second: under 8 used by others is quiet
      quiet = CpuAccount.othersSince(before) < 8 ? quiet + 1 : 0;
    }
  }

  private static void progress(String message) {
    System.err.println("[coldstart] " + message);
  }
}
