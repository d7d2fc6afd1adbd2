package ai.sentinel.dr.cli;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.infra.SentinelDrApp;
import ai.sentinel.dr.infra.SentinelDrStack;
import ai.sentinel.dr.localcloud.CloudTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import software.amazon.awscdk.App;

/**
 * Synthesizes the CDK app in process (the same stack `cdk synth -c env=NAME` builds) and returns its template, so
 * the local cloud runs exactly the state machines and function settings that would be deployed.
 */
public final class Templates {
  private Templates() {}

  public static CloudTemplate synthesize(Path root, String env) throws IOException {
    return synthesize(root, env, false);
  }

  /** With {@code approvalGate}, the environment as configured plus the approval gate before UpdateSecret. */
  public static CloudTemplate synthesize(Path root, String env, boolean approvalGate) throws IOException {
    return synthesize(root, env, approvalGate ? List.of("UpdateSecret") : List.of());
  }

  /**
   * The environment as configured, plus approval gates before the named steps (none: as configured). A synthesis
   * takes seconds of jsii; the same inputs give the same template, so one JVM (a drill --all, an IT run) synthesizes
   * each variant once.
   */
  public static CloudTemplate synthesize(Path root, String env, List<String> approvalSteps) throws IOException {
    return stacks(root, env, approvalSteps).get(0);
  }

  /**
   * Every stack of the app for the environment, the environment's first, each template in its stack's region (a
   * scenario's own stack in another region keeps that region's ARNs); approval gates as in {@link #synthesize}.
   */
  public static List<CloudTemplate> stacks(Path root, String env, List<String> approvalSteps) throws IOException {
    String key = root.toAbsolutePath().normalize() + "|" + env + "|" + approvalSteps;
    List<CloudTemplate> cached = CACHE.get(key);
    if (cached == null) {
      cached = synthesizeStacks(root, env, c -> approvalSteps.isEmpty() ? c : c.withApprovalSteps(approvalSteps));
      CACHE.put(key, cached);
    }
    return cached;
  }

  private static final java.util.Map<String, List<CloudTemplate>> CACHE =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Every stack of the app for the environment as configured, changed by {@code change}, as {@link #stacks}. */
  public static List<CloudTemplate> stacks(Path root, String env, UnaryOperator<EnvironmentConfig> change)
      throws IOException {
    return synthesizeStacks(root, env, change);
  }

  /** The environment as configured, changed by {@code change} (drills and tests rehearse variants). */
  public static CloudTemplate synthesize(Path root, String env, UnaryOperator<EnvironmentConfig> change)
      throws IOException {
    return synthesizeStacks(root, env, change).get(0);
  }

  private static List<CloudTemplate> synthesizeStacks(Path root, String env, UnaryOperator<EnvironmentConfig> change)
      throws IOException {
    EnvironmentConfig config = change.apply(EnvironmentConfig.fromCdkJson(RepoPaths.cdkJson(root), env));
    Path out = Files.createTempDirectory("sentinel-cdk-");
    java.util.Set<Path> runtimesBefore = jsiiRuntimes();
    try {
      App app = App.Builder.create().outdir(out.toString()).build();
      SentinelDrStack stack = SentinelDrApp.build(app, config, RepoPaths.lambdaJar(root));
      var assembly = app.synth();
      List<CloudTemplate> templates = new java.util.ArrayList<>();
      templates.add(CloudTemplate.parse(Json.write(assembly.getStackByName(stack.getStackName()).getTemplate())));
      for (var other : assembly.getStacks()) {
        if (!other.getStackName().equals(stack.getStackName())) {
          CloudTemplate t = CloudTemplate.parse(Json.write(other.getTemplate()));
          String region = other.getEnvironment().getRegion();
          templates.add(region == null || region.startsWith("unknown") ? t : t.withEnvironment(region,
              t.accountId()));
        }
      }
      return List.copyOf(templates);
    } finally {
      // the cloud assembly (about 80 MB with the Lambda jar's asset copy) is read into memory: nothing to keep
      ai.sentinel.dr.localcloud.LocalFiles.deleteTree(out);
      removeOnExit(runtimesBefore);
    }
  }

  /** The jsii runtime folders (the CDK's node bridge, extracted once per JVM) in java.io.tmpdir now. */
  private static java.util.Set<Path> jsiiRuntimes() throws IOException {
    try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return entries.filter(p -> p.getFileName().toString().startsWith("jsii-java-runtime"))
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  private static final java.util.Set<Path> OWN_RUNTIMES = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * The jsii runtime leaves its folder behind when the JVM ends on a signal (seen: one per interrupted drill in
   * InterruptedDrillIT on a clean clone), so the folder this synth created is removed by a shutdown hook too.
   */
  private static void removeOnExit(java.util.Set<Path> before) throws IOException {
    for (Path created : jsiiRuntimes()) {
      if (!before.contains(created) && OWN_RUNTIMES.add(created)) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ai.sentinel.dr.localcloud.LocalFiles.deleteTree(created),
            "remove-" + created.getFileName()));
      }
    }
  }
}
