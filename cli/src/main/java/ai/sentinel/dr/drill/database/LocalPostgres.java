package ai.sentinel.dr.drill.database;

import ai.sentinel.dr.localcloud.GuardedProcess;
import ai.sentinel.dr.localcloud.LocalCloud;
import ai.sentinel.dr.localcloud.LocalFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL server for drills and integration tests: the database that the local cloud's fake RDS
 * endpoints stand for, so the runbook's "SELECT 1" verification runs against a real server. Uses Debian's
 * postgresql package (initdb refuses root, so as root it runs as the postgres user). The server runs in the
 * foreground under a {@link GuardedProcess} (never {@code pg_ctl start}, which detaches it): it stops, and its
 * temporary directory goes, when this JVM ends in any way, Ctrl-C and SIGKILL included.
 */
public final class LocalPostgres implements AutoCloseable {
  public static final String USER = "sentinel_admin";
  public static final String DATABASE = "sentinel";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path dataDir;
  private final Path bin;
  private final int port;
  private final String password;
  private final boolean asPostgresUser;
  private GuardedProcess server;

  private LocalPostgres(Path bin, Path dataDir, int port, String password, boolean asPostgresUser) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
    this.password = password;
    this.asPostgresUser = asPostgresUser;
  }

  /** The server binaries, when this machine has them. */
  public static Optional<Path> binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (var versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Path::compareTo);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public static LocalPostgres start() throws IOException, InterruptedException {
    return start(HexFormat.of().formatHex(new SecureRandom().generateSeed(12)));
  }

  /** A server whose user has {@code password}: a second server answering to the same database secret. */
  public static LocalPostgres start(String password) throws IOException, InterruptedException {
    Path bin = binaries().orElseThrow(() -> new IOException(
        "PostgreSQL server not installed (apt-get install -y postgresql)"));
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = LocalFiles.serverFolder("sentinel-pg-");
    int port = LocalCloud.freeLoopbackPort();
    LocalPostgres pg = new LocalPostgres(bin, dir.resolve("data"), port, password, root);
    Path pwFile = dir.resolve("pw");
    Files.writeString(pwFile, password + "\n");
    try {
      if (root) {
        pg.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
      }
      // --no-sync: a throwaway server; skipping initdb's fsyncs halves its start on a busy machine
      pg.run(List.of(bin.resolve("initdb").toString(), "-D", pg.dataDir.toString(), "-U", USER, "-A",
          "scram-sha-256", "--pwfile=" + pwFile, "-E", "UTF8", "--no-instructions", "--no-sync"), true);
      Files.delete(pwFile);
    } catch (IOException | InterruptedException | RuntimeException e) {
      LocalFiles.deleteTree(dir);
      throw e;
    }
    List<String> postgres = new ArrayList<>();
    if (root) {
      // setpriv execs (no child in between): the guard's signal reaches the postmaster itself
      postgres.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    }
    postgres.addAll(List.of(bin.resolve("postgres").toString(), "-D", pg.dataDir.toString(), "-p",
        String.valueOf(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1"));
    // SIGINT is PostgreSQL's fast shutdown; the guard removes the directory (data, socket, log) afterwards
    pg.server = GuardedProcess.start(postgres, Map.of(), dir.resolve("server.log"), "INT", dir);
    try {
      pg.createDatabase(dir);
    } catch (IOException | InterruptedException | RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  /** createdb as soon as the server accepts it (it refuses connections while it starts up). */
  private void createDatabase(Path dir) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IOException("postgres exited while starting (log: " + dir.resolve("server.log") + ")", last);
      }
      try {
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", USER,
            DATABASE), true);
        return;
      } catch (IOException notYet) {
        last = notYet;
        Thread.sleep(100);
      }
    }
    throw new IOException("postgres did not accept createdb within " + READY_TIMEOUT.toSeconds() + " s", last);
  }

  private void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgres && asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", password);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command.subList(0, 1)) + " failed: " + new String(out));
    }
  }

  public int port() {
    return port;
  }

  /** host:port to reach it at. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Test and drill code only: the generated password goes into the seeded secret, never into a log. */
  public String password() {
    return password;
  }

  /** The server's process id (the postmaster). */
  public long pid() {
    return server.pid();
  }

  /** Stops the server (fast shutdown) and removes its directory. */
  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
