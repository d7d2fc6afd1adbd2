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
  /** Every stack deployed, the environment's first (then scenarios' own stacks in other regions, if asked for). */
  public final List<LocalStack> stacks;
  private final List<SeedPart> parts;
  private final Path workDir;
  /** The API's /health as the load balancers answer it, started when a drill's health check first asks. */
  private LocalApi api;

  private LocalSentinel(LocalCloud cloud, List<LocalStack> stacks, DrConfig config, List<SeedPart> parts,
      Path workDir, LocalEventBus events) {
    this.cloud = cloud;
    this.stacks = stacks;
    LocalAws aws = stacks.get(0).aws();
    LocalDeployment deployment = stacks.get(0).deployment();
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
    return start(List.of(template), overrides, workDir);
  }

  /**
   * Starts everything with several stacks of the app: {@code templates}' first is the environment's (the platform is
   * seeded against it), the others are deployed in their own regions (each template's {@link CloudTemplate#region}).
   */
  public static LocalSentinel start(List<CloudTemplate> templates, Map<String, String> overrides, Path workDir)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    routeFunctionLogs(workDir.resolve("functions.log"));
    List<SeedPart> parts = LocalScenarios.ALL.stream().map(s -> s.seed().get()).toList();
    List<LocalDeployment> deployments = LocalDeployment.linked(templates);
    LocalDeployment deployment = deployments.get(0);
    LocalCloud cloud = null;
    List<LocalStack> stacks = new java.util.ArrayList<>();
    try {
      // one gateway runs the functions of every stack (function names are unique across the app's stacks)
      cloud = LocalCloud.start(registry(deployments), workDir);
      for (int i = 0; i < templates.size(); i++) {
        LocalAws in = new LocalAws(cloud.endpoint().toString(),
            software.amazon.awssdk.regions.Region.of(templates.get(i).region()));
        stacks.add(new LocalStack(deployments.get(i), in));
        deployments.get(i).deployResources(in);
      }
      LocalAws aws = stacks.get(0).aws();
      Map<String, String> deployedEnv = new LinkedHashMap<>(deployment.runbookEnvironment());
      deployedEnv.putAll(aws.functionEnvironment());
      DrConfig deployed = DrConfig.fromEnv(deployedEnv);
      SentinelSeed.seed(aws, cloud, deployed, deployment, deployment.topicEndingWith("-alarms"), parts,
          stacks.subList(1, stacks.size()));
      Map<String, String> local = new LinkedHashMap<>();
      for (SeedPart part : parts) {
        local.putAll(part.functionEnvironment());
      }
      // a settings section's fields merge into the part's (a test may point the database at another address)
      local = SettingsSections.override(local, overrides);
      for (LocalStack stack : stacks) {
        stack.deployment().registerFunctions(stack.aws(), local);
      }
      // the events the launcher sends for AWS reach the functions the deployed rules and subscriptions name
      LocalEventBus events = new LocalEventBus(deployments);
      cloud.onEvents(events);
      return new LocalSentinel(cloud, List.copyOf(stacks), DrConfig.fromEnv(SettingsSections.override(deployedEnv,
          local)), parts, workDir, events);
    } catch (RuntimeException | IOException | InterruptedException e) {
      stacks.stream().skip(1).forEach(s -> s.aws().close());
      if (cloud != null) {
        cloud.close();
      }
      parts.forEach(SeedPart::close);
      throw e;
    }
  }

  /** The functions of every deployment, as one registry (ListFunctions lists them all). */
  private static ai.sentinel.dr.localcloud.FunctionRegistry registry(List<LocalDeployment> deployments) {
    return new ai.sentinel.dr.localcloud.FunctionRegistry() {
      @Override
      public java.util.Optional<ai.sentinel.dr.localcloud.LocalFunction> find(String name) {
        return deployments.stream().map(d -> d.find(name)).flatMap(java.util.Optional::stream).findFirst();
      }

      @Override
      public java.util.Collection<ai.sentinel.dr.localcloud.LocalFunction> functions() {
        return deployments.stream().flatMap(d -> d.functions().stream()).toList();
      }
    };
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

  /**
   * The URL of the API's {@code /health} on this cloud ({@link LocalApi}: the environment's load balancers and the
   * target groups of its {@code ecs.targetGroups} in its own region).
   */
  public synchronized String apiHealthUrl() {
    if (api == null) {
      api = LocalApi.start(aws.elbv2, ai.sentinel.dr.ecs.EcsSettings.of(config).targetGroups().values());
    }
    return api.url();
  }

  public Path workDir() {
    return workDir;
  }

  public Path functionLog() {
    return workDir.resolve("functions.log");
  }

  /**
   * The stack whose responders start {@code scenario}: the environment's, or a scenario's own stack in another region
   * (its state machine, responders, topics and reports live there).
   */
  public LocalStack home(String scenario) {
    return stacks.stream().filter(s -> s.deploys(scenario)).findFirst().orElse(stacks.get(0));
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
      synchronized (this) {
        if (api != null) {
          api.close();
        }
      }
      stacks.forEach(s -> s.aws().close());
    } finally {
      cloud.close();
      parts.forEach(SeedPart::close);
      if (LocalFiles.isTemporary(workDir)) {
        LocalFiles.deleteTree(workDir);
      }
    }
  }
}
