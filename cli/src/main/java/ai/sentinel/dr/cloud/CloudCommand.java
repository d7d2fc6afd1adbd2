package ai.sentinel.dr.cloud;

import ai.sentinel.dr.localcloud.LocalFiles;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./sentinel cloud up [--env local]} and {@code ./sentinel cloud down}: a local cloud that stays up between
 * commands, for rehearsing the README's manual invokes with the AWS CLI and {@code ./sentinel report/approve}. {@code
 * up} starts {@link CloudDaemon} in the background (its own session: a later Ctrl-C in the terminal does not reach it),
 * waits until it has written {@link CloudState}, and prints the endpoint and the commands to run; {@code down} stops
 * it (SIGTERM, its shutdown hook stops moto and the local servers) and checks that none of its processes is left.
 */
public final class CloudCommand {
  public static final int OK = 0;
  public static final int FAILED = 1;
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration DOWN_TIMEOUT = Duration.ofSeconds(60);

  private final Path root;
  private final Path stateDir;
  private final List<String> java;
  private final PrintStream out;
  private final PrintStream err;

  /**
   * @param root     the repository (cdk.json, events/)
   * @param stateDir where the state and the logs go ({@link CloudState#dir}: {@code .local/cloud})
   * @param java     the java command and classpath to start the daemon with (see {@link #thisJvm()})
   */
  public CloudCommand(Path root, Path stateDir, List<String> java, PrintStream out, PrintStream err) {
    this.root = root;
    this.stateDir = stateDir.toAbsolutePath();
    this.java = List.copyOf(java);
    this.out = out;
    this.err = err;
  }

  /**
   * The java command of this JVM, with its classpath: the daemon runs the same build, and keeps its temporary files
   * (jsii's runtime, the servers' folders) where this JVM keeps its own: /tmp for ./sentinel, target/ in the tests.
   */
  public static List<String> thisJvm() {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
    String servers = System.getProperty("sentinel.servers.tmpdir");
    if (servers != null) {
      command.add("-Dsentinel.servers.tmpdir=" + servers);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    return List.copyOf(command);
  }

  public Path stateDir() {
    return stateDir;
  }

  /** Starts the local cloud (or shows the one already up); exit 0 once it answers. */
  public int up(String env) throws IOException, InterruptedException {
    Path dir = stateDir();
    Optional<CloudState> previous = CloudState.read(dir);
    if (previous.isPresent() && previous.get().running().isPresent()) {
      out.println("the local cloud is already up (environment '" + previous.get().env() + "'; "
          + "./sentinel cloud down stops it)");
      describe(previous.get());
      return OK;
    }
    if (previous.isPresent()) {
      out.println("clearing the state of a local cloud that is gone (pid " + previous.get().pid() + ")");
      stopLeftovers(previous.get());
    }
    // each up starts from an empty folder: its logs are this cloud's only
    LocalFiles.deleteTree(dir);
    Files.createDirectories(dir);
    Path log = dir.resolve("cloud.log");
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.addAll(java);
    command.addAll(List.of(CloudDaemon.class.getName(), env, dir.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1");
    builder.environment().put("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
    out.println("starting the local cloud for environment '" + env + "' in the background (synthesize, moto + "
        + "gateway, deploy, seed; about a minute), log in " + shown(log));
    Process daemon = builder.start();
    long deadline = System.nanoTime() + UP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<CloudState> state = readQuietly(dir);
      if (state.isPresent() && state.get().pid() == daemon.pid()) {
        out.println("the local cloud is up in " + state.get().seconds() + " s");
        describe(state.get());
        return OK;
      }
      if (!daemon.isAlive()) {
        err.println("sentinel: the local cloud did not come up; " + shown(log) + " ends with:");
        tail(log, 30).forEach(err::println);
        return FAILED;
      }
      Thread.sleep(250);
    }
    daemon.destroy();
    daemon.waitFor(DOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    err.println("sentinel: the local cloud did not come up within " + UP_TIMEOUT.toMinutes() + " min (log: "
        + shown(log) + ")");
    return FAILED;
  }

  /** Stops the local cloud and every process it started; exit 0 also when none was up. */
  public int down() throws IOException, InterruptedException {
    Path dir = stateDir();
    Optional<CloudState> recorded = CloudState.read(dir);
    if (recorded.isEmpty()) {
      out.println("no local cloud is up");
      return OK;
    }
    CloudState state = recorded.get();
    Optional<ProcessHandle> daemon = state.running();
    if (daemon.isPresent()) {
      out.println("stopping the local cloud (pid " + state.pid() + ", " + state.endpoint() + ")...");
      daemon.get().destroy();
      try {
        daemon.get().onExit().get(DOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        err.println("sentinel: the local cloud did not stop within " + DOWN_TIMEOUT.toSeconds() + " s: killed");
        daemon.get().destroyForcibly();
      }
    } else {
      out.println("the local cloud (pid " + state.pid() + ") is gone already; clearing what it left");
    }
    List<Long> left = stopLeftovers(state);
    Files.deleteIfExists(dir.resolve(CloudState.FILE));
    if (!left.isEmpty()) {
      err.println("sentinel: processes of the local cloud still running: " + left);
      return FAILED;
    }
    out.println("the local cloud is down: moto, the gateway and the local servers stopped (logs kept in "
        + shown(dir) + ")");
    return OK;
  }

  /**
   * Waits for the processes the daemon recorded to end (their guards stop them once the daemon is gone), then kills
   * any still there; returns those that would not go.
   */
  private List<Long> stopLeftovers(CloudState state) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<ProcessHandle> alive = alive(state);
    while (!alive.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      alive = alive(state);
    }
    alive.forEach(ProcessHandle::destroyForcibly);
    Thread.sleep(alive.isEmpty() ? 0 : 500);
    return alive(state).stream().map(ProcessHandle::pid).toList();
  }

  private static List<ProcessHandle> alive(CloudState state) {
    return state.children().stream().map(ProcessHandle::of).flatMap(Optional::stream)
        .filter(ProcessHandle::isAlive).toList();
  }

  /** The endpoint, the exports and the exact commands to run against this cloud. */
  void describe(CloudState s) {
    String prefix = s.env() + "-sentinel-dr-";
    out.println();
    out.println("Point the AWS CLI (v2 from 2.13.0, v1 from 1.29.0), the SDKs and ./sentinel at it:");
    s.exports().forEach(line -> out.println("  " + line));
    // older CLIs (Debian 12's awscli is 2.9.19) ignore AWS_ENDPOINT_URL and call AWS itself: a function passes it on
    // every call, so the commands below, $(aws ...) included, run as printed; without AWS_ENDPOINT_URL it adds nothing
    out.println("  # an older AWS CLI ignores AWS_ENDPOINT_URL (aws --version): pass it on every call with");
    out.println("  aws() { command aws ${AWS_ENDPOINT_URL:+--endpoint-url \"$AWS_ENDPOINT_URL\"} \"$@\"; }");
    out.println();
    out.println("Then, for example:");
    out.println("  aws lambda list-functions --query 'Functions[].FunctionName'");
    out.println("  # AWS CLI v2 (a --payload is base64 unless told otherwise):");
    out.println("  aws lambda invoke --function-name " + prefix + "manual-responder --cli-binary-format "
        + "raw-in-base64-out --payload file://events/manual-database-restore-snapshot-dry-run.json out.json");
    out.println("  # AWS CLI v1 (no --cli-binary-format: it sends the file as it is):");
    out.println("  aws lambda invoke --function-name " + prefix + "manual-responder "
        + "--payload file://events/manual-database-restore-snapshot-dry-run.json out.json");
    String machine = s.stateMachines().getOrDefault(prefix + "database-failure",
        s.stateMachines().values().stream().findFirst().orElse("STATE_MACHINE_ARN"));
    out.println("  aws stepfunctions list-executions --state-machine-arn " + machine);
    out.println("  ./sentinel report EXECUTION_ARN");
    // AWS CLI v1's sqs commands ignore AWS_ENDPOINT_URL (they went to queue.amazonaws.com): name it for both
    out.println("  aws sqs receive-message --endpoint-url \"$AWS_ENDPOINT_URL\" --max-number-of-messages 10 "
        + "--queue-url " + s.inboxQueueUrl() + "   # notifications: an approval request carries its token");
    out.println("  ./sentinel approve TOKEN --by YOUR_NAME");
    out.println();
    out.println("State in " + shown(stateDir().resolve(CloudState.FILE)) + ", logs in "
        + shown(stateDir()) + "/ (cloud.log, moto.log, functions.log). Stop it: ./sentinel cloud down");
  }

  /** A path as the user would type it: relative to the repository when inside it. */
  private String shown(Path path) {
    Path p = path.toAbsolutePath().normalize();
    return p.startsWith(root.toAbsolutePath().normalize()) ? root.toAbsolutePath().normalize().relativize(p).toString()
        : p.toString();
  }

  private static Optional<CloudState> readQuietly(Path dir) {
    try {
      return CloudState.read(dir);
    } catch (IOException | RuntimeException notYet) {
      return Optional.empty();
    }
  }

  private static List<String> tail(Path file, int lines) {
    try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
      List<String> list = all.toList();
      return list.subList(Math.max(0, list.size() - lines), list.size());
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of("(no log)");
    }
  }
}
