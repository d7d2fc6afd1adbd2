package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.LocalFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ctrl-C (SIGINT) or a kill (SIGTERM) of {@code ./sentinel drill} while it waits at the approval gate leaves the
 * machine as found: no process it started (moto, PostgreSQL, Redis, their guards; the gateway runs in the drill's own
 * JVM) and no temporary folder (sentinel-pg-*, sentinel-redis-*, sentinel-cdk-*, ...). The drill runs in its own JVM,
 * as ./sentinel runs it, with java.io.tmpdir and TMPDIR in a fresh folder, so that whatever it leaves there is its own.
 */
class InterruptedDrillIT {
  private static final String GATE_REACHED = "waiting for a human";

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void aDrillStoppedAtTheApprovalPauseLeavesNoProcessAndNoTemporaryFolder(String signal) throws Exception {
    Path root = RepoPaths.root();
    // where the build puts servers' folders (/tmp): the drill's servers live inside it, and target/ is too deep for
    // PostgreSQL's socket path (107 bytes) and may be out of reach of the postgres user
    Path tmp = LocalFiles.serverFolder("interrupted-drill-it-");
    // as /tmp is: PostgreSQL runs as its own user and must reach its data folder inside
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp, "-Dsentinel.cwd=" + root,
        "-cp", System.getProperty("java.class.path"), "ai.sentinel.dr.cli.Main",
        "drill", "redis-failure", "--approval");
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
    builder.environment().putAll(Map.of("TMPDIR", tmp.toString(),
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20"));
    Process drill = builder.start();
    List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Boolean> gate = new CompletableFuture<>();
    Thread reader = new Thread(() -> read(drill, output, gate), "drill-output");
    reader.setDaemon(true);
    reader.start();
    List<ProcessHandle> started = List.of();
    try {
      assertTrue(gate.get(8, TimeUnit.MINUTES), "the drill never reached the gate:\n" + String.join("\n", output));
      // everything the drill started, while it waits at the gate
      started = drill.descendants().toList();
      String names = started.stream().map(p -> p.info().command().orElse("?")).collect(Collectors.joining(" "));
      assertTrue(names.contains("postgres"), "a PostgreSQL server runs at the gate: " + names);
      // Debian's redis-server is a link to redis-check-rdb, which the process reports as its command
      assertTrue(names.contains("redis"), "a Redis server runs at the gate: " + names);
      assertTrue(names.contains("python"), "moto runs at the gate: " + names);
      assertTrue(nonEmpty(tmp), "the servers' folders are in the drill's temporary folder");

      long sent = System.nanoTime();
      Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(drill.pid())).inheritIO().start();
      assertEquals(0, kill.waitFor());
      assertTrue(drill.waitFor(2, TimeUnit.MINUTES), "the drill JVM did not end after SIG" + signal);
      List<ProcessHandle> left = awaitGone(started, 30);
      System.out.printf("[SIG%s] drill exit %d, %d processes gone in %.1f s%n", signal, drill.exitValue(),
          started.size(), (System.nanoTime() - sent) / 1e9);
      assertEquals(List.of(), left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList(),
          "processes the drill started are still running");
      try (Stream<Path> entries = Files.list(tmp)) {
        assertEquals(List.of(), entries.map(p -> p.getFileName().toString()).toList(),
            "temporary folders left behind");
      }
    } finally {
      drill.destroyForcibly();
      started.forEach(ProcessHandle::destroyForcibly);
      LocalFiles.deleteTree(tmp);
      logFolder(output).map(root::resolve).ifPresent(LocalFiles::deleteTree);
    }
  }

  private static void read(Process drill, List<String> output, CompletableFuture<Boolean> gate) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(drill.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.add(line);
        if (line.contains(GATE_REACHED)) {
          gate.complete(true);
        }
      }
    } catch (IOException ignored) {
      // the drill ended
    }
    gate.complete(false);
  }

  private static List<ProcessHandle> awaitGone(List<ProcessHandle> processes, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<ProcessHandle> alive = processes.stream().filter(ProcessHandle::isAlive).toList();
    while (!alive.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      alive = alive.stream().filter(ProcessHandle::isAlive).toList();
    }
    return alive;
  }

  private static boolean nonEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isPresent();
    }
  }

  /** The drill's log folder under .local/ ("logs in .local/drill-..."), which this test removes after itself. */
  private static Optional<String> logFolder(List<String> output) {
    synchronized (output) {
      return output.stream().filter(l -> l.contains("logs in .local/drill-"))
          .map(l -> l.substring(l.indexOf(".local/drill-")).split("[\\s,]")[0]).findFirst();
    }
  }
}
