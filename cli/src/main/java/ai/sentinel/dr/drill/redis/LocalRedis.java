package ai.sentinel.dr.drill.redis;

import ai.sentinel.dr.localcloud.GuardedProcess;
import ai.sentinel.dr.localcloud.LocalCloud;
import ai.sentinel.dr.localcloud.LocalFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway Redis server for drills and integration tests: the cache that the local cloud's fake ElastiCache
 * endpoints stand for, so the runbook's PING verification reaches a real server. Uses Debian's redis-server package;
 * no persistence, loopback only, on a free port, under a {@link GuardedProcess}: it stops, and its temporary
 * directory goes, when this JVM ends in any way.
 */
public final class LocalRedis implements AutoCloseable {
  private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/redis-server"),
      Path.of("/usr/local/bin/redis-server"));

  private final GuardedProcess process;
  private final int port;

  private LocalRedis(GuardedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The server binary, when this machine has one. */
  public static Optional<Path> binary() {
    return CANDIDATES.stream().filter(Files::isExecutable).findFirst();
  }

  public static LocalRedis start() throws IOException, InterruptedException {
    Path bin = binary().orElseThrow(() -> new IOException("Redis server not installed (apt-get install -y "
        + "redis-server)"));
    Path dir = LocalFiles.serverFolder("sentinel-redis-");
    IOException last = null;
    // the port is picked free then released before redis binds it; another process may take it in between
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = LocalCloud.freeLoopbackPort();
      Files.createDirectories(dir);
      // the last attempt's guard removes the directory with its server
      GuardedProcess p = GuardedProcess.start(List.of(bin.toString(), "--port", String.valueOf(port), "--bind",
          "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
          "--logfile", dir.resolve("redis.log").toString()), Map.of(), dir.resolve("redis.out"), "TERM", dir);
      LocalRedis redis = new LocalRedis(p, port);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < until && p.isAlive()) {
        if (redis.ping()) {
          return redis;
        }
        Thread.sleep(50);
      }
      String log;
      try {
        log = Files.exists(dir.resolve("redis.log")) ? Files.readString(dir.resolve("redis.log")) : "(no log)";
      } catch (IOException e) {
        log = "(log unreadable)";
      }
      redis.close();
      last = new IOException("redis-server did not answer PING on port " + port + "; its log: " + log);
    }
    throw last;
  }

  /** PING over RESP: true when the server answers +PONG. */
  public boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[7];
      int n = in.readNBytes(buffer, 0, buffer.length);
      return new String(buffer, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  /** host:port to reach it at (REDIS_CONNECT_HOST). */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The server's process id. */
  public long pid() {
    return process.pid();
  }

  /** Stops the server and removes its directory. */
  @Override
  public void close() {
    process.close();
  }
}
