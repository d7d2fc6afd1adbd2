package ai.sentinel.dr.infra.database;

import ai.sentinel.dr.infra.InfraScenario;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.SentinelDrStack;
import java.util.Map;
import software.constructs.Construct;

/**
 * The Testing Schedule's monthly database snapshot-restore test in the CDK app: its own state machine
 * ({@link DatabaseRestoreTest}), which reuses Scenario 1's Diagnose and WaitForInstance
 * functions (so it is listed after Scenario 1), always deployed; its schedule is Scenario 1's
 * ({@link DatabaseInfraScenario#drills}).
 */
public final class RestoreTestInfraScenario implements InfraScenario {
  /** The functions' scenario of the same name (ai.sentinel.dr.database.DatabaseRestoreTest) gives the id. */
  public static final String ID = ai.sentinel.dr.database.DatabaseRestoreTest.ID;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String stepsPackage() {
    return ai.sentinel.dr.database.DatabaseRestoreTest.class.getPackageName();
  }

  @Override
  public boolean test() {
    return true;
  }

  @Override
  public RecoveryStateMachine stateMachine(Construct stack, RecoveryStateMachine.Props props,
      Map<String, RecoveryStateMachine> built) {
    RecoveryStateMachine scenario1 = built.get(DatabaseInfraScenario.ID);
    if (!(scenario1 instanceof DatabaseRecovery recovery)) {
      throw new IllegalStateException(ID + " reuses the functions of " + DatabaseInfraScenario.ID
          + ", which must be registered and deployed before it");
    }
    return new DatabaseRestoreTest(stack, "DatabaseRestoreTest", props, recovery);
  }

  @Override
  public void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine) {
    stack.output("DatabaseRestoreTestStateMachineArn", stateMachine.stateMachine().getStateMachineArn(),
        "Testing Schedule: monthly snapshot restore into a scratch instance");
  }
}
