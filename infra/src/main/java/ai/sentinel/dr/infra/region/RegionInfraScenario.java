package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.InfraScenario;
import ai.sentinel.dr.infra.Names;
import ai.sentinel.dr.infra.ScheduledDrills;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.SentinelDrStack;
import ai.sentinel.dr.region.RegionFailure;
import ai.sentinel.dr.region.RegionSettings;
import ai.sentinel.dr.trigger.ManualResponder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/**
 * Runbook Scenario 4 (region failure) in the CDK app. Never part of the environment's own stack: when the primary
 * region is down, so is everything deployed only there. An environment with a {@code dr} section gets a second
 * stack, {@link RegionStack} ({@code <env>-sentinel-dr-region}), in its DR region.
 */
public final class RegionInfraScenario implements InfraScenario {
  public static final String ID = RegionFailure.ID;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String stepsPackage() {
    return RegionFailure.class.getPackageName();
  }

  /** Not in the primary stack, whatever the environment: see {@link #stacks}. */
  @Override
  public boolean deployedIn(EnvironmentConfig config) {
    return false;
  }

  @Override
  public RecoveryStateMachine stateMachine(Construct stack, RecoveryStateMachine.Props props,
      Map<String, RecoveryStateMachine> built) {
    throw new IllegalStateException(ID + " is deployed by " + RegionStack.class.getSimpleName()
        + " in the DR region, never by the primary stack");
  }

  @Override
  public List<Stack> stacks(Construct app, EnvironmentConfig config, Path lambdaJar) {
    // with a failback, the small primary-region stack that forwards its waits' events to the DR region (issue 15)
    return config.settings(RegionSettings.class).<List<Stack>>map(r -> r.failback() == null
        ? List.of(new RegionStack(app, config, lambdaJar))
        : List.of(new RegionStack(app, config, lambdaJar), new RegionEventsStack(app, config, r)))
        .orElse(List.of());
  }

  /**
   * The annual failover test in the full DR simulation, where the environment deploys the DR stack: a dry-run drill
   * to the DR stack's manual responder in the DR region (the primary stack's cannot start a failover).
   */
  @Override
  public ScheduledDrills.Target simulation(EnvironmentConfig config) {
    return config.settings(RegionSettings.class).map(r -> new ScheduledDrills.Target(ID, null, Map.of(),
        Names.function(RegionStack.prefix(config), ManualResponder.class), r.drRegion())).orElse(null);
  }

  /** The primary stack's functions never read the dr section. */
  @Override
  public List<Class<? extends Settings>> ownStackSettings() {
    return List.of(RegionSettings.class);
  }

  @Override
  public void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine) {
    // its outputs are the DR stack's
  }
}
