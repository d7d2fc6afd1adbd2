package ai.sentinel.dr.bench;

import ai.sentinel.dr.bench.Variant.Mode;
import ai.sentinel.dr.localcloud.LocalCloud;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The children: each run is a fresh JVM ({@code java <flags> -cp <runner jar>:<jar under test> FirstEvent ...})
 * handling one event per handler, with a clean environment; its answer is checked (a fast failure is not a cold
 * start) and its timings read back. Also reads a child's -Xlog:class+load.
 */
final class Children {
  static final String RUNNER = "ai.sentinel.dr.bench.runner.FirstEvent";
  static final String REGION = BenchCloud.REGION;
  static final String DB = BenchCloud.DB;

  /** Timings of one child, in microseconds. */
  record Run(long total, long boot, long init, long prime, long handle) {}

  /** -Xlog:class+load of one child, by where each class came from. */
  record ClassCounts(int total, int sdk, int fromAppCds, int fromJdkCds, int fromJdkModules, int fromJars,
      int generated) {}

  private final Path work;
  private final Path oursJar;
  private final Path naiveJar;
  private final Path runnerJar;
  private final Map<String, String> childEnv;
  private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
  private final AtomicInteger seq = new AtomicInteger();
  private final Instant eventBase;

  /**
   * @param work      where each run leaves its log, event and answer ({@code runs/})
   * @param childEnv  the whole environment of every child
   * @param eventBase the time events are dated from (an hour ago)
   */
  Children(Path work, Path oursJar, Path naiveJar, Path runnerJar, Map<String, String> childEnv,
      Instant eventBase) {
    this.work = work;
    this.oursJar = oursJar;
    this.naiveJar = naiveJar;
    this.runnerJar = runnerJar;
    this.childEnv = childEnv;
    this.eventBase = eventBase;
  }

  /**
   * Runs one fresh JVM handling one event per handler and returns its timings (of the first handler).
   *
   * @param classLog when set, the child logs class loading there (not timed: logging costs)
   */
  Run spawn(Variant v, List<String> handlers, Path classLog) throws IOException, InterruptedException {
    int n = seq.incrementAndGet();
    Path dir = work.resolve("runs");
    String tag = v.id() + "-" + n;
    Path result = dir.resolve(tag + ".result");
    Path log = dir.resolve(tag + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.addAll(v.flags());
    if (classLog != null) {
      cmd.add("-Xlog:class+load=info:file=" + classLog);
    }
    cmd.add("-cp");
    cmd.add(runnerJar + ":" + (v.ours() ? oursJar : naiveJar));
    cmd.add(RUNNER);
    cmd.add(result.toString());
    if (v.mode() == Mode.PRIMED) {
      cmd.add("--prime");
    } else if (v.mode() == Mode.SECOND) {
      cmd.add("--second");
    }
    List<Path> outputs = new ArrayList<>();
    for (String handler : handlers) {
      Path event = dir.resolve(tag + "-" + outputs.size() + ".event.json");
      Path output = dir.resolve(tag + "-" + outputs.size() + ".out.json");
      Files.writeString(event, eventFor(handler, n * 10 + outputs.size()), StandardCharsets.UTF_8);
      cmd.add(handler);
      cmd.add(event.toString());
      cmd.add(output.toString());
      outputs.add(output);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    pb.environment().clear();
    pb.environment().putAll(childEnv);

    Instant spawned = Instant.now();
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(tag + " did not finish in 120 s; see " + log);
    }
    if (p.exitValue() != 0 || !Files.exists(result)) {
      throw new IllegalStateException(tag + " failed (exit " + p.exitValue() + "):\n" + tail(log));
    }
    for (int i = 0; i < handlers.size(); i++) {
      check(tag, handlers.get(i), Files.readString(outputs.get(i)), log);
    }
    Map<String, Long> r = new LinkedHashMap<>();
    for (String kv : Files.readString(result).trim().split(" ")) {
      String[] parts = kv.split("=", 2);
      r.put(parts[0], Long.parseLong(parts[1]));
    }
    long spawnMicros = spawned.getEpochSecond() * 1_000_000L + spawned.getNano() / 1_000;
    return new Run(r.get("endMicros") - spawnMicros, r.get("mainMicros") - spawnMicros,
        (r.get("beforeInitNanos") + r.get("initNanos")) / 1_000, r.get("primeNanos") / 1_000,
        r.get("handleNanos") / 1_000);
  }

  /** A fresh event per run: the responder's execution name comes from the signal, so each run starts its own. */
  private String eventFor(String handler, int n) {
    if (handler.endsWith("Diagnose")) {
      return """
          {"scenario":"%s","resource":"%s","executionName":"bench-%d","environment":"bench",\
          "trigger":{"kind":"alarm","source":"eventbridge","id":"sentinel-rds-connections","time":"%s",\
          "summary":"cold-start benchmark"},\
          "options":{"snapshotId":"latest","dryRun":true,"pollSeconds":30,"maxPolls":60}}
          """.formatted(BenchCloud.SCENARIO, DB, n, eventBase.plusMillis(n));
    }
    if (handler.endsWith("RdsSfn")) {
      return "{\"resource\":\"" + DB + "\"}";
    }
    String at = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC)
        .format(eventBase.plusMillis(n)) + "+0000";
    return """
        {"version":"0","id":"bench-%d","detail-type":"CloudWatch Alarm State Change","source":"aws.cloudwatch",\
        "account":"%s","time":"%s","region":"%s",\
        "resources":["arn:aws:cloudwatch:%s:%s:alarm:sentinel-rds-connections"],\
        "detail":{"alarmName":"sentinel-rds-connections",\
        "state":{"value":"ALARM","reason":"Threshold Crossed (cold-start benchmark)","timestamp":"%s"},\
        "previousState":{"value":"OK","reason":"not breaching","timestamp":"2026-01-17T09:30:00.000+0000"},\
        "configuration":{"description":"DatabaseConnections on %s","metrics":[{"id":"m1","metricStat":{"metric":\
        {"namespace":"AWS/RDS","name":"DatabaseConnections","dimensions":{"DBInstanceIdentifier":"%s"}},\
        "period":300,"stat":"Average"},"returnData":true}]}}}
        """.formatted(n, LocalCloud.ACCOUNT_ID, eventBase.plusMillis(n).toString().replaceAll("\\.\\d+Z", "Z"),
        REGION, REGION, LocalCloud.ACCOUNT_ID, at, DB, DB);
  }

  /** Every measured event must have done its work: a fast failure is not a cold start. */
  private static void check(String tag, String handler, String output, Path log) {
    boolean ok;
    if (handler.endsWith("Diagnose")) {
      ok = output.contains("diagnosis") && output.contains("available");
    } else if (handler.endsWith("RdsSfn")) {
      ok = output.contains("\"status\":\"available\"") && output.contains("\"stateMachines\":1");
    } else {
      ok = output.contains("\"action\":\"start\"") && output.contains("executionArn");
    }
    if (!ok) {
      throw new IllegalStateException(tag + ": " + handler + " did not do its work; it answered " + output
          + "\n" + tail(log));
    }
  }

  static ClassCounts classCounts(Path log) throws IOException {
    int total = 0;
    int sdk = 0;
    int appCds = 0;
    int jdkCds = 0;
    int jrt = 0;
    int jars = 0;
    int generated = 0;
    try (Stream<String> lines = Files.lines(log)) {
      for (String line : (Iterable<String>) lines::iterator) {
        int at = line.indexOf("[class,load] ");
        if (at < 0) {
          continue;
        }
        String rest = line.substring(at + "[class,load] ".length());
        int src = rest.indexOf(" source: ");
        String name = src < 0 ? rest : rest.substring(0, src);
        String source = src < 0 ? "" : rest.substring(src + " source: ".length());
        total++;
        if (name.startsWith("software.amazon.awssdk.")) {
          sdk++;
        }
        if (source.startsWith("shared objects file (top)")) {
          appCds++;
        } else if (source.startsWith("shared objects file")) {
          jdkCds++;
        } else if (source.startsWith("jrt:/")) {
          jrt++;
        } else if (source.startsWith("file:") || source.startsWith("jar:")) {
          jars++;
        } else {
          generated++;
        }
      }
    }
    return new ClassCounts(total, sdk, appCds, jdkCds, jrt, jars, generated);
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }
}
