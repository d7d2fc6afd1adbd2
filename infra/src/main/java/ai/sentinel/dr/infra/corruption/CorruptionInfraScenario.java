package ai.sentinel.dr.infra.corruption;

import ai.sentinel.dr.corruption.DataCorruption;
import ai.sentinel.dr.corruption.DataCorruptionSettings;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.InfraScenario;
import ai.sentinel.dr.report.ScheduledSimulation;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.ScheduledDrills;
import ai.sentinel.dr.infra.SentinelDrStack;
import java.util.List;
import java.util.Map;
import software.constructs.Construct;

/**
 * Runbook Scenario 5 (data corruption) in the CDK app, deployed only for an environment with a
 * {@code dataCorruption} section: {@link DataCorruptionRecovery}, started by hand (the manual responder, with tables
 * and condition) and by integrity alarms routed to it by {@code alarmRoutes}. Its approval gate before RestoreTables
 * is always on, so it is not one of {@code safety.approvalSteps}' choices.
 */
public final class CorruptionInfraScenario implements InfraScenario {
  public static final String ID = DataCorruption.ID;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String stepsPackage() {
    return DataCorruption.class.getPackageName();
  }

  /** Without the tables and the maintenance switches there is nothing to repair safely. */
  @Override
  public boolean deployedIn(EnvironmentConfig config) {
    return config.settings(DataCorruptionSettings.class).isPresent();
  }

  @Override
  public RecoveryStateMachine stateMachine(Construct stack, RecoveryStateMachine.Props props,
      Map<String, RecoveryStateMachine> built) {
    return new DataCorruptionRecovery(stack, "DataCorruptionRecovery", props);
  }

  /**
   * A repair needs its tables and a condition: the full simulation plans the first configured table's rows written
   * since the exercise started (the simulation's start, filled in when it runs), so the plan is real and bounded.
   */
  @Override
  public ScheduledDrills.Target simulation(EnvironmentConfig config) {
    return config.settings(DataCorruptionSettings.class).filter(s -> !s.tableNames().isEmpty())
        .map(s -> new ScheduledDrills.Target(ID, null, Map.<String, Object>of("tables", List.of(s.tableNames().get(0)),
            "condition", Map.of("window", Map.of("from", ScheduledSimulation.STARTED_AT)))))
        .orElse(null);
  }

  @Override
  public void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine) {
    stack.output("DataCorruptionStateMachineArn", stateMachine.stateMachine().getStateMachineArn(),
        "Runbook Scenario 5 state machine");
  }
}
