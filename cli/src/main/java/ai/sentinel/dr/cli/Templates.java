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
    String key = root.toAbsolutePath().normalize() + "|" + env + "|" + approvalSteps;
    CloudTemplate cached = CACHE.get(key);
    if (cached == null) {
      cached = synthesize(root, env, c -> approvalSteps.isEmpty() ? c : c.withApprovalSteps(approvalSteps));
      CACHE.put(key, cached);
    }
    return cached;
  }

  private static final java.util.Map<String, CloudTemplate> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  /** The environment as configured, changed by {@code change} (drills and tests rehearse variants). */
  public static CloudTemplate synthesize(Path root, String env, UnaryOperator<EnvironmentConfig> change)
      throws IOException {
    EnvironmentConfig config = change.apply(EnvironmentConfig.fromCdkJson(RepoPaths.cdkJson(root), env));
    Path out = Files.createTempDirectory("sentinel-cdk-");
    try {
      App app = App.Builder.create().outdir(out.toString()).build();
      SentinelDrStack stack = SentinelDrApp.build(app, config, RepoPaths.lambdaJar(root));
      Object template = app.synth().getStackByName(stack.getStackName()).getTemplate();
      return CloudTemplate.parse(Json.write(template));
    } finally {
      // the cloud assembly (about 80 MB with the Lambda jar's asset copy) is read into memory: nothing to keep
      ai.sentinel.dr.localcloud.LocalFiles.deleteTree(out);
    }
  }
}
