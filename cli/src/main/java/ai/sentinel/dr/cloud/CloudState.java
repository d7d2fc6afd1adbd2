package ai.sentinel.dr.cloud;

import ai.sentinel.dr.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ./sentinel cloud up} left running, in {@code .local/cloud/state.json}: the background JVM (the gateway
 * runs the functions in it), its children (moto, the PostgreSQL and Redis servers standing in for the platform's
 * database and cache), the endpoint and what was deployed. Written by the daemon once everything answers, so its
 * presence means "up"; {@code cloud down} stops the JVM it names and removes it.
 *
 * @param pid             the daemon JVM
 * @param started         when that process started, ISO-8601 (a recycled pid never matches it)
 * @param env             the cdk.json environment deployed
 * @param endpoint        {@code AWS_ENDPOINT_URL}
 * @param region          {@code AWS_REGION}
 * @param motoEndpoint    moto itself (the gateway forwards to it)
 * @param children        process ids of the local servers (moto, PostgreSQL, Redis)
 * @param stateMachines   state machine ARN by name
 * @param functions       the deployed function names
 * @param inboxQueueUrl   an SQS queue subscribed to the notifications topic: approval requests with their tokens
 * @param seconds         how long {@code cloud up} took
 */
public record CloudState(long pid, String started, String env, String endpoint, String region, String motoEndpoint,
    List<Long> children, Map<String, String> stateMachines, List<String> functions, String inboxQueueUrl,
    double seconds) {

  public static final String FILE = "state.json";

  /** The state directory under the repository: {@code .local/cloud}. */
  public static Path dir(Path root) {
    return root.resolve(".local").resolve("cloud");
  }

  /** The recorded state, if any (it may name a process that is gone: see {@link #running()}). */
  public static Optional<CloudState> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(Json.read(Files.readAllBytes(file), CloudState.class));
  }

  /** Written whole or not at all: a reader never sees half a file. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(FILE + ".tmp");
    Files.writeString(tmp, Json.write(this));
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The daemon, when it still runs (same pid and same start time). */
  public Optional<ProcessHandle> running() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> p.info().startInstant()
        .map(s -> started == null || Math.abs(s.toEpochMilli() - Instant.parse(started).toEpochMilli()) < 1000)
        .orElse(true));
  }

  /** The shell lines that point the AWS CLI (v1 and v2), the SDKs and {@code ./sentinel} at this cloud. */
  public List<String> exports() {
    return List.of("export AWS_ENDPOINT_URL=" + endpoint,
        "export AWS_REGION=" + region + " AWS_DEFAULT_REGION=" + region,
        "export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test   # moto's fake credentials");
  }
}
