package ai.sentinel.dr.infra.ecs;

import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
import ai.sentinel.dr.ecs.EcsServiceFailure;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.InfraScenario;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.ScheduledDrills;
import ai.sentinel.dr.infra.SentinelDrStack;
import ai.sentinel.dr.trigger.EcsEventResponder;
import java.util.List;
import java.util.Map;
import software.constructs.Construct;

/**
 * Runbook Scenario 3 (ECS service failure) in the CDK app: {@link EcsRecovery}, started by EcsEventResponder (the
 * target of the ECS task, service-action and deployment rules) and by alarms, and the Testing Schedule's weekly ECS
 * recovery test on the configured service ({@code drills.ecsRecoveryTest}), as a dry-run plan: a drill never changes
 * a protected resource (a real forced deployment is a recovery, started without {@code drill}).
 */
public final class EcsInfraScenario implements InfraScenario {
  public static final String ID = EcsServiceFailure.ID;
  /** The rule of the scheduled recovery test: {@code <env>-sentinel-dr-drill-ecs-recovery}. */
  public static final String RECOVERY_DRILL = "drill-ecs-recovery";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String stepsPackage() {
    return EcsServiceFailure.class.getPackageName();
  }

  @Override
  public RecoveryStateMachine stateMachine(Construct stack, RecoveryStateMachine.Props props,
      Map<String, RecoveryStateMachine> built) {
    return new EcsRecovery(stack, "EcsRecovery", props);
  }

  /** Rolling a production service back to an older revision. */
  @Override
  public List<String> gateableSteps() {
    return List.of(EcsRecovery.DEPLOY_PREVIOUS_VERSION);
  }

  @Override
  public List<Class<?>> responders() {
    return List.of(EcsEventResponder.class);
  }

  @Override
  public List<ScheduledDrills.Drill> drills(EnvironmentConfig config) {
    ScheduledTest test = config.drills().test(EcsSettings.SECTION.drill().field());
    return test == null ? List.of() : List.of(new ScheduledDrills.Drill(RECOVERY_DRILL,
        test.schedule(), "Testing Schedule: ECS service recovery test on " + test.resource() + " (dry-run plan)", ID,
        test.resource(), true));
  }

  /** A recovery of one service: the full simulation plans the first protected one (the API, in every environment). */
  @Override
  public ScheduledDrills.Target simulation(EnvironmentConfig config) {
    return config.settings(EcsSettings.class).filter(s -> !s.services().isEmpty())
        .map(s -> new ScheduledDrills.Target(ID, s.services().get(0), Map.of())).orElse(null);
  }

  @Override
  public void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine) {
    stack.output("EcsServiceFailureStateMachineArn", stateMachine.stateMachine().getStateMachineArn(),
        "Runbook Scenario 3 state machine");
  }
}
