package ai.sentinel.dr.infra.database;

import ai.sentinel.dr.database.DeleteScratchInstance;
import ai.sentinel.dr.database.Diagnose;
import ai.sentinel.dr.database.RestoreScratchInstance;
import ai.sentinel.dr.database.VerifyScratchInstance;
import ai.sentinel.dr.database.WaitForInstance;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * The Testing Schedule's monthly "Database snapshot restore" as the state machine
 * {@code <env>-sentinel-dr-database-restore-test}:
 *
 * <pre>
 * AcquireLock → Diagnose → RestoreScratchInstance → WaitForInstance ⟲ "Instance available?" / "Wait for instance"
 *   → VerifyScratchInstance → DeleteScratchInstance → Notify → Report → Recovered
 * any failure after the lock ──Catch──► CleanUpScratchInstance → NotifyFailure → ReportFailure → RecoveryFailed
 * </pre>
 * Production is not touched: the restore goes to the scratch instance {@code <instance>-drill}, the secret is only
 * read, no service restarts. The scratch instance is deleted on both paths, so a failed test leaves nothing running
 * (only an instance the test itself created and tagged is ever deleted). Diagnose and WaitForInstance are Scenario
 * 1's functions; the three scratch steps have their own, allowed only the scratch instance. A test is not a
 * recovery: it has no "Act on diagnosis?" and goes on whatever production's health (Diagnose records it as context
 * and sets {@code $.diagnosis.act} for a test).
 */
public final class DatabaseRestoreTest extends RecoveryStateMachine {
  public static final String CLEAN_UP = "CleanUpScratchInstance";

  public DatabaseRestoreTest(Construct scope, String id, Props props, DatabaseRecovery scenario1) {
    super(scope, id, RestoreTestInfraScenario.ID, props);
    RunbookFunction diagnose = scenario1.ownSteps().get(Diagnose.class.getSimpleName());
    RunbookFunction waitForInstance = scenario1.ownSteps().get(WaitForInstance.class.getSimpleName());
    RunbookFunction restoreScratch = function(RestoreScratchInstance.class);
    // SELECT 1 needs the database's network, like Scenario 1's Verify
    RunbookFunction verifyScratch = function(VerifyScratchInstance.class, config.vpc());
    RunbookFunction deleteScratch = function(DeleteScratchInstance.class);
    new DatabasePermissions(this, config).grantRestoreTest(restoreScratch, waitForInstance, verifyScratch,
        deleteScratch);

    // cleanup first, then the on-call: a failed test must not leave a Multi-AZ instance running for a month
    LambdaInvoke cleanUp = step(CLEAN_UP, deleteScratch, notifyFailure());
    cleanUp.next(notifyFailure());

    LambdaInvoke acquireLockTask = acquireLock();
    LambdaInvoke diagnoseTask = step("Diagnose", diagnose, cleanUp);
    LambdaInvoke restoreTask = step("RestoreScratchInstance", restoreScratch, cleanUp);
    LambdaInvoke waitTask = step("WaitForInstance", waitForInstance, cleanUp);
    LambdaInvoke verifyTask = step("VerifyScratchInstance", verifyScratch, cleanUp);
    LambdaInvoke deleteTask = step("DeleteScratchInstance", deleteScratch, notifyFailure());

    deleteTask.next(finish());
    verifyTask.next(deleteTask);
    Choice available = new Choice(this, "Instance available?")
        .when(isTrue("$.database.restore.available"), verifyTask)
        .otherwise(eventWait("Wait for instance", waitTask));
    waitTask.next(available);
    acquireLockTask.next(diagnoseTask).next(restoreTask).next(waitTask);

    build(acquireLockTask, "Testing Schedule: database snapshot restore test", "snapshot restore test");
  }
}
