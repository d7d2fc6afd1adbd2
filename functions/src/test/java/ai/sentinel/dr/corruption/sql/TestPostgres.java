package ai.sentinel.dr.corruption.sql;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL server for the compare's integration tests and benchmark (Debian's server binaries; as
 * root it runs as the postgres user, since initdb refuses root). Like the cli's LocalPostgres, which functions
 * cannot depend on, but with trust authentication on loopback: nothing here is a credential.
 */
public final class TestPostgres implements AutoCloseable {
  public static final String DATABASE = "sentinel";

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgres;

  private TestPostgres(Path bin, Path dir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgres = asPostgres;
  }

  public static TestPostgres start() throws IOException, InterruptedException {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("sentinel-compare-pg-");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    TestPostgres pg = new TestPostgres(bin, dir, port, root);
    if (root) {
      pg.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
    }
    Path data = dir.resolve("data");
    pg.run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E",
        "UTF8", "--no-instructions"), true);
    pg.run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log")
        .toString(), "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start"), true);
    pg.run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U",
        "postgres", DATABASE), true);
    return pg;
  }

  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (var versions = Files.list(root)) {
        var found = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
            .max(Path::compareTo);
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    throw new IOException("PostgreSQL server not installed (apt-get install -y postgresql)");
  }

  private void run(List<String> command, boolean postgresUser) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (postgresUser && asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(command.get(0) + " failed: " + new String(out));
    }
  }

  public Path bin() {
    return bin;
  }

  public int port() {
    return port;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=postgres";
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  @Override
  public void close() {
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
          "stop"), true);
      run(List.of("rm", "-rf", dir.toString()), false);
    } catch (Exception e) {
      // best effort: the directory is temporary
    }
  }
}
