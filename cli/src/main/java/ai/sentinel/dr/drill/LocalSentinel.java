package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.common.SettingsSections;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.localcloud.LocalCloud;
import ai.sentinel.dr.localcloud.LocalFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Sentinel platform and Sentinel DR, running on the local cloud: moto behind our gateway, the CDK template
 * "deployed" onto it, and the platform seeded as the runbook describes it, one {@link SeedPart} per scenario (with
 * the local servers standing in for recovered resources). Drills and integration tests start one, act on it over
 * HTTP, and close it.
 */
public final class LocalSentinel implements AutoCloseable {
  public final LocalCloud cloud;
  public final LocalAws aws;
  public final LocalDeployment deployment;
  public final DrConfig config;
  /** EventBridge and SNS of this cloud: the events the launcher sends for AWS, delivered as deployed. */
  public final LocalEventBus events;
  private final List<SeedPart> parts;
  private final Path workDir;

  private LocalSentinel(LocalCloud cloud, LocalAws aws, LocalDeployment deployment, DrConfig config,
      List<SeedPart> parts, Path workDir, LocalEventBus events) {
    this.cloud = cloud;
    this.events = events;
    this.aws = aws;
    this.deployment = deployment;
    this.config = config;
    this.parts = parts;
    this.workDir = workDir;
  }

  /**
   * Starts everything.
   *
   * @param template  the synthesized CDK template of the environment to run
   * @param overrides extra function environment (e.g. DRY_RUN=true for a dry-run drill)
   * @param workDir   where logs go (moto.log, functions.log)
   */
  public static LocalSentinel start(CloudTemplate template, Map<String, String> overrides, Path workDir)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    routeFunctionLogs(workDir.resolve("functions.log"));
    List<SeedPart> parts = LocalScenarios.ALL.stream().map(s -> s.seed().get()).toList();
    LocalDeployment deployment = new LocalDeployment(template);
    LocalCloud cloud = null;
    try {
      cloud = LocalCloud.start(deployment, workDir);
      LocalAws aws = new LocalAws(cloud.endpoint().toString());
      deployment.deployResources(aws);
      Map<String, String> deployedEnv = new LinkedHashMap<>(deployment.runbookEnvironment());
      deployedEnv.putAll(aws.functionEnvironment());
      DrConfig deployed = DrConfig.fromEnv(deployedEnv);
      SentinelSeed.seed(aws, cloud, deployed, deployment, deployment.topicEndingWith("-alarms"), parts);
      Map<String, String> local = new LinkedHashMap<>();
      for (SeedPart part : parts) {
        local.putAll(part.functionEnvironment());
      }
      // a settings section's fields merge into the part's (a test may point the database at another address)
      local = SettingsSections.override(local, overrides);
      deployment.registerFunctions(aws, local);
      // the events the launcher sends for AWS reach the functions the deployed rules and subscriptions name
      LocalEventBus events = new LocalEventBus(deployment);
      cloud.onEvents(events);
      return new LocalSentinel(cloud, aws, deployment, DrConfig.fromEnv(SettingsSections.override(deployedEnv, local)),
          parts, workDir, events);
    } catch (RuntimeException | IOException | InterruptedException e) {
      if (cloud != null) {
        cloud.close();
      }
      parts.forEach(SeedPart::close);
      throw e;
    }
  }

  /** Handler log lines go to a file: the terminal shows the drill, the file keeps the audit trail. */
  private static void routeFunctionLogs(Path file) throws IOException {
    PrintStream out = new PrintStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND), true, StandardCharsets.UTF_8);
    Log.setSink(out::println);
  }

  /** A scenario's part of the seeded platform: what it seeded, and whether its local server runs. */
  public <T extends SeedPart> T part(Class<T> type) {
    return parts.stream().filter(type::isInstance).map(type::cast).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(type.getSimpleName() + " is not in LocalScenarios.ALL"));
  }

  public Path workDir() {
    return workDir;
  }

  public Path functionLog() {
    return workDir.resolve("functions.log");
  }

  /** The state machine's ARN of a scenario (or a test). */
  public String stateMachine(String scenario) {
    return config.stateMachineFor(scenario);
  }

  /**
   * Stops everything; a work directory in the system's temporary folder (an integration test's) goes too: logs worth
   * keeping are written under {@code .local/} (drills, {@code cloud up}).
   */
  @Override
  public void close() {
    try {
      aws.close();
    } finally {
      cloud.close();
      parts.forEach(SeedPart::close);
      if (LocalFiles.isTemporary(workDir)) {
        LocalFiles.deleteTree(workDir);
      }
    }
  }
}
