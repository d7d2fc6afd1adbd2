package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.InfraScenario;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.SentinelDrStack;
import ai.sentinel.dr.region.RegionFailback;
import ai.sentinel.dr.region.RegionSettings;
import java.util.List;
import java.util.Map;
import software.constructs.Construct;

/**
 * Runbook Scenario 4's Failback Procedure in the CDK app: like the failover, never part of the environment's own
 * stack. {@link RegionStack} builds it beside the failover ({@link RegionFailbackRecovery}) where cdk.json has
 * {@code dr.failback}.
 */
public final class RegionFailbackInfraScenario implements InfraScenario {
  public static final String ID = RegionFailback.ID;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String stepsPackage() {
    return RegionFailback.class.getPackageName();
  }

  @Override
  public boolean deployedIn(EnvironmentConfig config) {
    return false;
  }

  @Override
  public RecoveryStateMachine stateMachine(Construct stack, RecoveryStateMachine.Props props,
      Map<String, RecoveryStateMachine> built) {
    throw new IllegalStateException(ID + " is deployed by " + RegionStack.class.getSimpleName() + " in the DR "
        + "region, never by the primary stack");
  }

  @Override
  public List<Class<? extends Settings>> ownStackSettings() {
    return List.of(RegionSettings.class);
  }

  @Override
  public void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine) {
    // its outputs are the DR stack's
  }
}
