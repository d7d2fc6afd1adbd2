package ai.sentinel.dr.localcloud;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A local server (moto, PostgreSQL, Redis) that never outlives the JVM that started it, nor leaves its temporary
 * directory behind. It runs under a small bash guard ({@code process_guard.sh}) whose stdin is a pipe from this JVM:
 * when the pipe ends - {@link #close()}, a normal exit, Ctrl-C, SIGTERM or SIGKILL of the JVM (no shutdown hook runs
 * then, but the kernel still closes the pipe) - the guard sends the server its stop signal, kills it after 10 s,
 * waits for it and removes its directory. Ctrl-C reaches the guard too (same process group) and does the same.
 * A server started by {@code pg_ctl} instead is detached on purpose (setsid) and survives all of these.
 */
public final class GuardedProcess implements AutoCloseable {
  private static final String GUARD = script();
  private static final long CLOSE_TIMEOUT_SECONDS = 20;

  private final Process guard;
  private final long pid;
  // empty when the server was gone before we looked (it exited at once)
  private final Optional<ProcessHandle> server;
  private final String name;

  private GuardedProcess(Process guard, long pid, String name) {
    this.guard = guard;
    this.pid = pid;
    this.server = ProcessHandle.of(pid);
    this.name = name;
  }

  /**
   * Starts {@code command} under a guard.
   *
   * @param command     the server in the foreground (it must not daemonize: the guard waits for this very process)
   * @param environment added to this JVM's environment
   * @param log         where the server's stdout and stderr are appended (null: discarded)
   * @param stopSignal  what stops it cleanly: TERM, INT (PostgreSQL's fast shutdown), ...
   * @param removeDir   a directory the guard deletes once the server is gone (null: none)
   */
  public static GuardedProcess start(List<String> command, Map<String, String> environment, Path log,
      String stopSignal, Path removeDir) throws IOException {
    Objects.requireNonNull(command, "command");
    if (command.isEmpty() || !stopSignal.matches("[A-Z0-9]+")) {
      throw new IllegalArgumentException("a command and a signal name are needed");
    }
    List<String> full = new ArrayList<>(List.of("bash", "-c", GUARD, "sentinel-guard", stopSignal,
        removeDir == null ? "" : removeDir.toAbsolutePath().toString(),
        log == null ? "/dev/null" : log.toAbsolutePath().toString()));
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().putAll(environment);
    builder.redirectError(log == null ? ProcessBuilder.Redirect.DISCARD
        : ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process guard = builder.start();
    String pidLine;
    try {
      BufferedReader reader = new BufferedReader(new InputStreamReader(guard.getInputStream(),
          StandardCharsets.US_ASCII));
      pidLine = reader.readLine();
    } catch (IOException e) {
      guard.destroyForcibly();
      throw e;
    }
    String name = Path.of(command.get(0)).getFileName().toString();
    if (pidLine == null || !pidLine.trim().matches("\\d+")) {
      guard.destroyForcibly();
      throw new IOException(name + " did not start under its guard (bash needed)" + (log == null ? "" : "; see "
          + log));
    }
    return new GuardedProcess(guard, Long.parseLong(pidLine.trim()), name);
  }

  /** The server's process id (not the guard's). */
  public long pid() {
    return pid;
  }

  /** The guard's process id: its stdin is the pipe that keeps the server alive. */
  public long guardPid() {
    return guard.pid();
  }

  public boolean isAlive() {
    return server.map(ProcessHandle::isAlive).orElse(false);
  }

  /** Stops the server (its stop signal, SIGKILL after 10 s), removes its directory, and waits for both. */
  @Override
  public void close() {
    try {
      guard.getOutputStream().close();
    } catch (IOException ignored) {
      // the guard is already gone: it stopped the server when its stdin ended
    }
    try {
      if (!guard.waitFor(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        guard.destroyForcibly();
        server.ifPresent(ProcessHandle::destroyForcibly);
      }
    } catch (InterruptedException e) {
      guard.destroyForcibly();
      server.ifPresent(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "GuardedProcess[" + name + " pid " + pid + "]";
  }

  private static String script() {
    try (InputStream in = GuardedProcess.class.getResourceAsStream("process_guard.sh")) {
      if (in == null) {
        throw new IllegalStateException("Missing resource process_guard.sh");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
