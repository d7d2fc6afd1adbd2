package ai.sentinel.dr.localcloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A local AWS cloud: moto on one loopback port behind a {@link Gateway} on another. Clients use {@link #endpoint()}
 * (the gateway) as {@code AWS_ENDPOINT_URL}; moto runs with {@code MOTO_PORT} set to the gateway's port, so the calls
 * its Step Functions engine makes (Lambda, SNS, ...) come back through the gateway too, where Lambda invokes run the
 * registry's handlers in this JVM.
 *
 * <p>Needs {@code python3} with moto 5.2.1 ({@code pip install 'moto[server]==5.2.1'}); the system property
 * {@code sentinel.localcloud.python} or the environment variable {@code SENTINEL_DR_PYTHON} names another
 * interpreter.
 */
public final class LocalCloud implements AutoCloseable {

  /** moto's default region and account: ARNs in tests and drills use these. */
  public static final String REGION = "us-east-1";

  public static final String ACCOUNT_ID = "123456789012";

  static final String LAUNCHER_RESOURCE = "moto_launcher.py";
  /** The launcher and the modules it imports from its own folder. */
  private static final List<String> LAUNCHER_RESOURCES = List.of(LAUNCHER_RESOURCE, "moto_base.py",
      "moto_sfn.py", "moto_elasticache.py", "moto_ecs.py", "moto_secrets.py", "moto_rds.py", "moto_cloudfront.py",
      "moto_ec2.py", "moto_logs_filter.py");
  // moto imports in 2.5 s of CPU; on 2 cores at load 22 it answered after 29-55 s (30 s failed three ITs)
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static final String SFN_EXECUTION_CONFIG = "{\"stepfunctions\":{\"execute_state_machine\":true}}";
  private static final int START_ATTEMPTS = 3;
  private static final com.fasterxml.jackson.databind.ObjectMapper CONTROL_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final GuardedProcess moto;
  private final URI motoEndpoint;
  private final Gateway gateway;
  private final Path logFile;
  private final Path launcher;
  private final HttpClient control;
  private final Thread shutdownHook;
  private boolean closed;

  private LocalCloud(GuardedProcess moto, URI motoEndpoint, Gateway gateway, Path logFile, Path launcher,
      HttpClient control) {
    this.moto = moto;
    this.motoEndpoint = motoEndpoint;
    this.gateway = gateway;
    this.logFile = logFile;
    this.launcher = launcher;
    this.control = control;
    // a JVM that exits without close() stops moto in order; its guard covers a JVM killed outright
    this.shutdownHook = new Thread(moto::close, "localcloud-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts moto and the gateway, logging moto's output to a file in a new temporary directory, which is removed when
   * moto stops (close, or this JVM's end however it ends).
   */
  public static LocalCloud start(FunctionRegistry registry) throws IOException {
    return start(registry, Files.createTempDirectory("sentinel-localcloud-"), true);
  }

  /**
   * Starts moto and the gateway.
   *
   * @param registry the functions that Lambda invokes run
   * @param workDir where moto's log ({@code moto.log}) and the launcher script go; created if missing
   * @throws IOException when python3 cannot run or moto does not come up in time (the message ends with the log)
   */
  public static LocalCloud start(FunctionRegistry registry, Path workDir) throws IOException {
    return start(registry, workDir, false);
  }

  private static LocalCloud start(FunctionRegistry registry, Path workDir, boolean temporary) throws IOException {
    Objects.requireNonNull(registry, "registry");
    Path launcher = workDir.resolve(LAUNCHER_RESOURCE);
    Path logFile = workDir.resolve("moto.log");
    HttpClient control = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();

    IOException last = null;
    // moto's port is picked free then released before moto binds it; another process may take it in between
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      // (again after a failed attempt: a temporary directory went with that attempt's moto)
      Files.createDirectories(workDir);
      for (String resource : LAUNCHER_RESOURCES) {
        try (InputStream in = LocalCloud.class.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException("Missing resource " + resource);
          }
          Files.copy(in, workDir.resolve(resource), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      int motoPort = freeLoopbackPort();
      URI motoEndpoint = URI.create("http://127.0.0.1:" + motoPort);
      // the gateway binds first, so its port is known (and held) when moto is told MOTO_PORT
      Gateway gateway = Gateway.start(0, motoEndpoint, registry);
      GuardedProcess process = null;
      try {
        process = launchMoto(launcher, motoPort, gateway.port(), logFile, temporary ? workDir : null);
        awaitReady(control, motoEndpoint, process, logFile);
        configure(control, motoEndpoint);
        return new LocalCloud(process, motoEndpoint, gateway, logFile, launcher, control);
      } catch (IOException | RuntimeException e) {
        String tail = logTail(logFile);
        gateway.close();
        if (process != null) {
          process.close();
        }
        if (e instanceof RuntimeException runtime) {
          throw runtime;
        }
        last = (IOException) e;
        if (!tail.contains("Address already in use")) {
          break;
        }
      }
    }
    throw last;
  }

  /** The gateway, for {@code AWS_ENDPOINT_URL} and the SDK's {@code endpointOverride}: {@code http://127.0.0.1:B}. */
  public URI endpoint() {
    return gateway.endpoint();
  }

  /** moto itself, bypassing the gateway (no call log, no faults, no in-process Lambda). */
  public URI motoEndpoint() {
    return motoEndpoint;
  }

  public Gateway gateway() {
    return gateway;
  }

  /** moto's combined stdout and stderr. */
  public Path logFile() {
    return logFile;
  }

  /** See {@link Gateway#calls()}. */
  public List<CallRecord> calls() {
    return gateway.calls();
  }

  /** See {@link Gateway#clearCalls()}. */
  public void clearCalls() {
    gateway.clearCalls();
  }

  /** See {@link Gateway#setLostResponseRate(double, long)}. */
  public void setLostResponseRate(double rate, long seed) {
    gateway.setLostResponseRate(rate, seed);
  }

  /**
   * See {@link Gateway#setRegionDown(String)}; with null (the region back) the zones of a region impaired before are
   * available again.
   */
  public void setRegionDown(String region) {
    gateway.setRegionDown(region);
    String was = impaired;
    if (was != null) {
      impaired = null;
      zones(was, "available");
    }
  }

  /**
   * A region impaired rather than unreachable: EC2 still answers, reporting every availability zone "unavailable"
   * (the launcher's S4: moto's zones are always available), and every other regional service goes unanswered as with
   * {@link #setRegionDown}. {@code setRegionDown(null)} ends it.
   */
  public void setRegionImpaired(String region) {
    zones(region, "unavailable");
    impaired = region;
    gateway.setRegionDown(region, java.util.Set.of("ec2"));
  }

  private volatile String impaired;

  private void zones(String region, String state) {
    try {
      post(control, motoEndpoint.resolve("/moto-api/localcloud/ec2/zone-state"), CONTROL_JSON.writeValueAsString(
          Map.of("region", region, "state", state)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** See {@link Gateway#setFaultRate(double, long)}. */
  public void setFaultRate(double rate, long seed) {
    gateway.setFaultRate(rate, seed);
  }

  /**
   * Empties every moto backend ({@code POST /moto-api/reset}) and turns state machine execution back on. The call log
   * and the fault rate are left as they are.
   */
  public void reset() throws IOException {
    post(control, motoEndpoint.resolve("/moto-api/reset"), "");
    configure(control, motoEndpoint);
  }

  // ---- simulations (moto_launcher.py, S1 and S3): failures and history AWS would have that moto cannot make ------

  /**
   * Simulation S1: tasks of this task definition revision cannot start (its image cannot be pulled). While a service's
   * PRIMARY deployment runs it, the service reports no running tasks, the deployment IN_PROGRESS, STOPPED tasks with
   * a CannotPullContainerError reason, and its target groups' targets unhealthy. See moto_launcher.py.
   *
   * @param taskDefinition ARN or family:revision
   * @return the reason the stopped tasks will carry
   */
  public String simulateImageCannotStart(String taskDefinition) throws IOException {
    String answer = post(control, motoEndpoint.resolve("/moto-api/localcloud/ecs/broken-image"),
        CONTROL_JSON.writeValueAsString(Map.of("taskDefinition", taskDefinition)));
    return CONTROL_JSON.readTree(answer).path("reason").asText();
  }

  /**
   * Simulation S3: when an ElastiCache snapshot was taken (its NodeSnapshots' SnapshotCreateTime), so seeded history
   * can have older and newer snapshots. See moto_launcher.py.
   */
  public void setCacheSnapshotTime(String snapshotName, java.time.Instant takenAt) throws IOException {
    post(control, motoEndpoint.resolve("/moto-api/localcloud/elasticache/snapshot-time"),
        CONTROL_JSON.writeValueAsString(Map.of("snapshotName", snapshotName, "snapshotCreateTime",
            takenAt.toString())));
  }

  // ---- readiness and events (moto_launcher.py E1-E6) --------------------------------------------------------------

  /**
   * E4: how long AWS operations take on this cloud and whether the events AWS sends are delivered (null: unchanged).
   *
   * @param rdsRestoreSeconds  a restored RDS instance is "creating" this long, then available (RDS-EVENT-0008/0019)
   * @param ecsRolloutSeconds  a new ECS deployment of a good revision completes after this long (its events then)
   * @param cacheCreateSeconds a new cache cluster is "creating" this long (provisioning complete to its topic then)
   * @param emitEvents         false: no event is sent at all (a lost event; polling-only waits)
   * @return the settings now
   */
  public Map<String, Object> setReadiness(Double rdsRestoreSeconds, Double ecsRolloutSeconds,
      Double cacheCreateSeconds, Boolean emitEvents) throws IOException {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("rdsRestoreSeconds", rdsRestoreSeconds);
    body.put("ecsRolloutSeconds", ecsRolloutSeconds);
    body.put("cacheCreateSeconds", cacheCreateSeconds);
    body.put("emitEvents", emitEvents);
    return setReadiness(body);
  }

  /**
   * E4 by name, for every setting of moto_launcher.py E1-E6 (null values: unchanged): rdsRestoreSeconds,
   * ecsRolloutSeconds, cacheCreateSeconds, rdsFailoverSeconds (E5: a forced Multi-AZ failover is "rebooting" this
   * long, then RDS-EVENT-0049), ecsScaleSeconds (E6: a scale-up reaches its desired count after this long, then
   * SERVICE_STEADY_STATE), rdsCopySeconds (E9: a DB snapshot copy is "pending" this long, then RDS-EVENT-0060 or
   * 0197 in its region), emitEvents.
   *
   * @return the settings now
   */
  public Map<String, Object> setReadiness(Map<String, ?> settings) throws IOException {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    settings.forEach((key, value) -> {
      if (value != null) {
        body.put(key, value);
      }
    });
    String answer = post(control, motoEndpoint.resolve("/moto-api/localcloud/readiness"),
        CONTROL_JSON.writeValueAsString(body));
    return CONTROL_JSON.readValue(answer, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
  }

  /** Where the events the launcher sends are delivered ({@link Gateway#setEventSink}). */
  public void onEvents(java.util.function.Consumer<byte[]> sink) {
    gateway.setEventSink(sink);
  }

  /** Stops the gateway and moto (the whole process tree) and waits for moto to exit. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    gateway.close();
    moto.close();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or will: nothing to remove
    }
    try {
      Files.deleteIfExists(launcher);
    } catch (IOException ignored) {
      // a leftover script in a temp directory is harmless
    }
  }

  // ---- start-up ----------------------------------------------------------------------------------------------------

  private static GuardedProcess launchMoto(Path launcher, int motoPort, int gatewayPort, Path logFile,
      Path removeDir) throws IOException {
    List<String> command = List.of(python(), launcher.toString(), "-H", "127.0.0.1", "-p",
        Integer.toString(motoPort));
    Map<String, String> env = new java.util.HashMap<>();
    env.put("MOTO_PORT", Integer.toString(gatewayPort));
    env.put("PYTHONUNBUFFERED", "1");
    // the engine's boto3 calls go to http://localhost:MOTO_PORT and must never detour through a proxy
    for (String name : List.of("NO_PROXY", "no_proxy")) {
      String current = System.getenv(name);
      env.put(name, (current == null || current.isBlank() ? "" : current + ",") + "localhost,127.0.0.1");
    }
    if (!python().contains("/") && !onPath(python())) {
      throw new IOException("Cannot run " + python() + " (python3 with moto 5.2.1 is needed): not on the PATH");
    }
    try {
      return GuardedProcess.start(command, env, logFile, "TERM", removeDir);
    } catch (IOException e) {
      throw new IOException("Cannot run " + python() + " (python3 with moto 5.2.1 is needed): " + e.getMessage(), e);
    }
  }

  private static void awaitReady(HttpClient control, URI motoEndpoint, GuardedProcess process, Path logFile)
      throws IOException {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    HttpRequest probe = HttpRequest.newBuilder(motoEndpoint.resolve("/moto-api/data.json"))
        .timeout(Duration.ofSeconds(2))
        .GET()
        .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("moto exited before answering on "
            + motoEndpoint + "; " + logFile + " ends with:\n" + logTail(logFile));
      }
      try {
        if (control.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while waiting for moto", e);
      }
      sleep(100);
    }
    throw new IOException("moto did not answer on " + motoEndpoint + " within " + STARTUP_TIMEOUT.toSeconds()
        + " s; " + logFile + " ends with:\n" + logTail(logFile));
  }

  private static void configure(HttpClient control, URI motoEndpoint) throws IOException {
    post(control, motoEndpoint.resolve("/moto-api/config"), SFN_EXECUTION_CONFIG);
  }

  private static String post(HttpClient control, URI uri, String json) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
    HttpResponse<String> response;
    try {
      response = control.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted calling " + uri, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException("POST " + uri + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  static String python() {
    String configured = System.getProperty("sentinel.localcloud.python");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("SENTINEL_DR_PYTHON");
    }
    return configured == null || configured.isBlank() ? "python3" : configured;
  }

  /** A loopback port free right now, for a local server to listen on. */
  public static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static String logTail(Path logFile) {
    try {
      if (!Files.exists(logFile)) {
        return "(no log)";
      }
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while waiting for moto", e);
    }
  }
}
