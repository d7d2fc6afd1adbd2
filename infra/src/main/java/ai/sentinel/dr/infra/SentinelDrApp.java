package ai.sentinel.dr.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

/**
 * The CDK app: {@code cdk synth -c env=dev} builds stack {@code dev-sentinel-dr} from cdk.json's
 * {@code environments.dev}, checked by cdk-nag's AwsSolutions rules (an unsuppressed error fails the synth).
 */
public final class SentinelDrApp {
  private SentinelDrApp() {}

  public static void main(String[] args) {
    App app = new App();
    Path root = RepoPaths.root();
    EnvironmentConfig config;
    try {
      config = EnvironmentConfig.fromContext(app.getNode(), RepoPaths.cdkJson(root));
    } catch (EnvironmentConfig.InvalidConfigException e) {
      // a configuration mistake deserves its message, not a stack trace through jsii
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    build(app, config, RepoPaths.lambdaJar(root));
    app.synth();
  }

  /**
   * The environment's stack, and the stacks of the scenarios that deploy their own ({@link InfraScenario#stacks}),
   * with the cdk-nag checks, in {@code app}; nothing is written until it synthesizes.
   */
  public static SentinelDrStack build(App app, EnvironmentConfig config, Path lambdaJar) {
    SentinelDrStack stack = new SentinelDrStack(app, config, lambdaJar);
    InfraScenarios.all().forEach(s -> s.stacks(app, config, lambdaJar));
    if (config.drills().fullSimulation() != null) {
      new SimulationStack(app, config, lambdaJar, stack.reports(), stack.notifications());
    }
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return stack;
  }
}
