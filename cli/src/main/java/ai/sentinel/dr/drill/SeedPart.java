package ai.sentinel.dr.drill;

import java.io.IOException;
import java.util.Map;

/**
 * One runbook scenario's part of the Sentinel platform on the local cloud: the resources it protects, seeded healthy
 * and named as the environment config names them, and what the functions need to reach them locally. A fresh part
 * per {@link LocalSentinel}; {@link SentinelSeed} runs every part of {@link LocalScenarios#ALL}, in that order. After
 * seeding, a drill or a test reads what was seeded from the part itself ({@link LocalSentinel#part}).
 */
public interface SeedPart extends AutoCloseable {

  /**
   * Seeds the part's resources. What the cloud takes a while to create may only be started here and awaited in
   * {@link #finish}, so that the other parts seed meanwhile.
   */
  void seed(SentinelSeed platform) throws IOException, InterruptedException;

  /** Completes what {@link #seed} started, once every part has seeded. */
  default void finish(SentinelSeed platform) throws IOException, InterruptedException {}

  /**
   * Function environment beyond the template's: what the environment config would name in a real account (e.g. the
   * seeded security groups) and how verification reaches the local servers standing in for recovered resources.
   */
  default Map<String, String> functionEnvironment() {
    return Map.of();
  }

  /** Stops what the part started on this machine (a local server); the cloud itself is closed by the frame. */
  @Override
  default void close() {}
}
