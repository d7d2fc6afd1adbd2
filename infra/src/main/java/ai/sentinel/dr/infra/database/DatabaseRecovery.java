package ai.sentinel.dr.infra.database;

import ai.sentinel.dr.database.ChooseOption;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.database.Diagnose;
import ai.sentinel.dr.database.PointInTimeRestore;
import ai.sentinel.dr.database.RestoreFromSnapshot;
import ai.sentinel.dr.database.UpdateSecret;
import ai.sentinel.dr.database.Verify;
import ai.sentinel.dr.database.VerifyFailover;
import ai.sentinel.dr.database.WaitForInstance;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.Result;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Runbook Scenario 1 (database failure) as the state machine {@code <env>-sentinel-dr-database-failure}:
 *
 * <pre>
 * AcquireLock → Diagnose → "Act on diagnosis?" ─no─► NotifyNoAction → ReportNoAction → NoAction
 *   ─act─► ChooseOption → Which option?
 *   A: VerifyFailover ⟲ "Failover done?" / "Wait for failover" → Verify
 *   B: RestoreFromSnapshot ┐
 *   C: PointInTimeRestore  ┴→ WaitForInstance ⟲ "Instance available?" / "Wait for instance"
 *        → [gate] UpdateSecret → RestartServices → WaitForServices ⟲ "Services stable?" → Verify
 * Verify → Notify → Report → Recovered
 * </pre>
 * Each step of the database package has its own function ({@code <env>-sentinel-dr-database-<step>}), allowed only
 * the calls its step makes on the configured resources ({@link DatabasePermissions}); the shared steps, the failure
 * path, the gate and the rest come from {@link RecoveryStateMachine}. Repointing the secret moves production traffic:
 * it is the step an environment may gate ({@code safety.approvalSteps: ["UpdateSecret"]}).
 */
public final class DatabaseRecovery extends RecoveryStateMachine {
  /** The step the approval gate can guard. */
  static final String UPDATE_SECRET = UpdateSecret.class.getSimpleName();

  public DatabaseRecovery(Construct scope, String id, Props props) {
    super(scope, id, DatabaseInfraScenario.ID, props);
    // SELECT 1 before anything (where configured): a database that answers is not restored over
    RunbookFunction diagnose = function(Diagnose.class,
        config.require(DatabaseSettings.class).verifyConnect() ? config.vpc() : null);
    RunbookFunction chooseOption = function(ChooseOption.class);
    RunbookFunction verifyFailover = function(VerifyFailover.class);
    RunbookFunction restoreFromSnapshot = function(RestoreFromSnapshot.class);
    RunbookFunction pointInTimeRestore = function(PointInTimeRestore.class);
    RunbookFunction waitForInstance = function(WaitForInstance.class);
    RunbookFunction updateSecret = function(UpdateSecret.class);
    // the one step that may need the database's network: SELECT 1
    RunbookFunction verify = function(Verify.class, config.vpc());
    new DatabasePermissions(this, config).grant(diagnose, verifyFailover, restoreFromSnapshot, pointInTimeRestore,
        waitForInstance, updateSecret, verify);

    LambdaInvoke acquireLockTask = acquireLock();
    LambdaInvoke diagnoseTask = step("Diagnose", diagnose);
    LambdaInvoke chooseOptionTask = step("ChooseOption", chooseOption);
    LambdaInvoke verifyFailoverTask = step("VerifyFailover", verifyFailover);
    LambdaInvoke restoreFromSnapshotTask = step("RestoreFromSnapshot", restoreFromSnapshot);
    LambdaInvoke pointInTimeRestoreTask = step("PointInTimeRestore", pointInTimeRestore);
    LambdaInvoke waitForInstanceTask = step("WaitForInstance", waitForInstance);
    LambdaInvoke updateSecretTask = step(UPDATE_SECRET, updateSecret);
    LambdaInvoke verifyTask = step("Verify", verify);

    // ChooseOption always decides; anything else is a bug that must reach a human, not a runtime error
    Map<String, Object> unknown = new LinkedHashMap<>();
    unknown.put("Error", "UnknownOption");
    unknown.put("Cause", "ChooseOption did not choose option A, B or C");
    Pass unknownOption = Pass.Builder.create(this, "Unknown option")
        .result(Result.fromObject(unknown))
        .resultPath("$.error")
        .build();
    unknownOption.next(notifyFailure());

    verifyTask.next(finish());

    Choice failoverDone = new Choice(this, "Failover done?")
        .when(isTrue("$.database.failover.done"), verifyTask)
        .otherwise(eventWait("Wait for failover", verifyFailoverTask));
    verifyFailoverTask.next(failoverDone);

    updateSecretTask.next(restartServices(verifyTask));

    // the database is back: repointing the secret moves production traffic, the step a human may have to approve
    Choice instanceAvailable = new Choice(this, "Instance available?")
        .when(isTrue("$.database.restore.available"), gated(UPDATE_SECRET, updateSecretTask))
        .otherwise(eventWait("Wait for instance", waitForInstanceTask));
    waitForInstanceTask.next(instanceAvailable);
    restoreFromSnapshotTask.next(waitForInstanceTask);
    pointInTimeRestoreTask.next(waitForInstanceTask);

    String option = "$.database.decision.option";
    Choice whichOption = new Choice(this, "Which option?")
        .when(Condition.isNotPresent(option), unknownOption)
        .when(Condition.stringEquals(option, "A"), verifyFailoverTask)
        .when(Condition.stringEquals(option, "B"), restoreFromSnapshotTask)
        .when(Condition.stringEquals(option, "C"), pointInTimeRestoreTask)
        .otherwise(unknownOption);
    chooseOptionTask.next(whichOption);
    acquireLockTask.next(diagnoseTask);
    actOnDiagnosis(diagnoseTask, chooseOptionTask);

    build(acquireLockTask, "Scenario 1: database failure", "database");
  }
}
