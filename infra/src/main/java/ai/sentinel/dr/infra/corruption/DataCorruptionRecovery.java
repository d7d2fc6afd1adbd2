package ai.sentinel.dr.infra.corruption;

import ai.sentinel.dr.corruption.CompareTables;
import ai.sentinel.dr.corruption.DataCorruption;
import ai.sentinel.dr.corruption.DeleteCleanInstance;
import ai.sentinel.dr.corruption.Diagnose;
import ai.sentinel.dr.corruption.EnterMaintenance;
import ai.sentinel.dr.corruption.ExitMaintenance;
import ai.sentinel.dr.corruption.HoldMaintenance;
import ai.sentinel.dr.corruption.PointInTimeRestore;
import ai.sentinel.dr.corruption.RestoreTables;
import ai.sentinel.dr.corruption.VerifyData;
import ai.sentinel.dr.corruption.WaitForInstance;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import java.util.List;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Runbook Scenario 5 (data corruption) as the state machine {@code <env>-sentinel-dr-data-corruption}:
 *
 * <pre>
 * AcquireLock → Diagnose → "Act on diagnosis?" (rows match the condition) → EnterMaintenance → PointInTimeRestore → WaitForInstance ⟲ "Clean copy available?"
 *   → CompareTables ⟲ "Compare done?" → "Repair needed?"
 *       yes → "Dry-run?" / Approve RestoreTables (always) → RestoreTables ⟲ "Tables restored?" (one table a run)
 *             → VerifyData ⟲ "Verify done?"
 *       no  → VerifyData ⟲ "Verify done?"  (done, not verified → HoldMaintenance)
 *   → ExitMaintenance → DeleteCleanInstance → Notify → Report → "Clean copy kept?"
 *       kept (keepCleanInstanceHours) → Keep clean copy (Wait until deleteAfter) → DeleteCleanInstance (after
 *       retention) → "Clean copy kept?"; otherwise → Recovered
 * rejected at the gate (live unchanged)   → ExitMaintenance (rejected) → NotifyFailure → RecoveryFailed
 * any other failure after EnterMaintenance → HoldMaintenance (writes stay stopped, per-table state told)
 *                                            → NotifyFailure → RecoveryFailed
 * </pre>
 * Rejection resumes writes because nothing in live was changed and a human chose not to repair; any failure after
 * maintenance began holds it, because resuming writes on a half-repaired database is worse than a read-only API. The
 * clean instance is kept on both failure paths for a manual repair. The steps that read the databases run in the
 * configured {@code vpc} with the 15-minute Lambda timeout (the compare and the verification loop across invocations, each
 * stopping at its deadline); each function is allowed only the calls its step makes ({@link CorruptionPermissions}).
 */
public final class DataCorruptionRecovery extends RecoveryStateMachine {
  /** Seconds a database step may run: Lambda's maximum; CompareTables stops its own work well before. */
  static final int DATABASE_STEP_SECONDS = 900;
  /** Until when the clean copy is kept (dataCorruption.keepCleanInstanceHours), set by DeleteCleanInstance. */
  static final String DELETE_AFTER = "$.corruption.clean.deleteAfter";

  public DataCorruptionRecovery(Construct scope, String id, Props props) {
    super(scope, id, CorruptionInfraScenario.ID, props);
    RunbookFunction diagnose = database(function(Diagnose.class, config.vpc()));
    RunbookFunction enter = function(EnterMaintenance.class);
    RunbookFunction restore = function(PointInTimeRestore.class);
    RunbookFunction waitFor = function(WaitForInstance.class);
    RunbookFunction compare = database(function(CompareTables.class, config.vpc()));
    RunbookFunction repair = database(function(RestoreTables.class, config.vpc()));
    RunbookFunction verify = database(function(VerifyData.class, config.vpc()));
    RunbookFunction exit = function(ExitMaintenance.class);
    RunbookFunction hold = function(HoldMaintenance.class);
    RunbookFunction delete = function(DeleteCleanInstance.class);
    new CorruptionPermissions(this, config).grant(diagnose, enter, exit, restore, waitFor, List.of(compare, repair,
        verify), delete);

    // the failure path once writes may be stopped: hold maintenance, say why and where each table stands
    LambdaInvoke holdTask = step("HoldMaintenance", hold);
    holdTask.next(notifyFailure());
    LambdaInvoke rejectedExit = step("ExitMaintenance (rejected)", exit, holdTask);
    rejectedExit.next(notifyFailure());

    LambdaInvoke acquireLockTask = acquireLock();
    LambdaInvoke diagnoseTask = step("Diagnose", diagnose);
    LambdaInvoke enterTask = step("EnterMaintenance", enter, holdTask);
    LambdaInvoke restoreTask = step("PointInTimeRestore", restore, holdTask);
    LambdaInvoke waitTask = step("WaitForInstance", waitFor, holdTask);
    LambdaInvoke compareTask = step("CompareTables", compare, holdTask);
    LambdaInvoke repairTask = step(DataCorruption.GATED_STEP, repair, holdTask);
    LambdaInvoke verifyTask = step("VerifyData", verify, holdTask);
    LambdaInvoke exitTask = step("ExitMaintenance", exit, holdTask);
    // the data is verified and writes resumed: a failed deletion is a leftover, not a failed recovery's data
    LambdaInvoke deleteTask = step("DeleteCleanInstance", delete);

    // a retention (keepCleanInstanceHours): notified and reported first, then the wait, then the deletion
    LambdaInvoke laterDelete = step("DeleteCleanInstance (after retention)", delete);
    exitTask.next(deleteTask).next(finish(recovered -> {
      Choice kept = new Choice(this, "Clean copy kept?")
          .when(Condition.and(Condition.isPresent(DELETE_AFTER), Condition.isString(DELETE_AFTER),
              Condition.not(isTrue("$.corruption.clean.deleted"))), Wait.Builder.create(this, "Keep clean copy")
                  .time(WaitTime.timestampPath(DELETE_AFTER)).build().next(laterDelete))
          .otherwise(recovered);
      laterDelete.next(kept);
      return kept;
    }));
    // the fresh compare resumes like CompareTables'; writes resume only once every table is judged and verified (a
    // dry-run's checks are all SKIP: its plan goes on); a failed verdict is returned, not thrown, so that
    // HoldMaintenance can tell which table passed
    verifyTask.next(new Choice(this, "Verify done?")
        .when(Condition.and(isTrue("$.corruption.verify.done"), Condition.or(isTrue("$.verification.verified"),
            isTrue(DRY_RUN))), exitTask)
        .when(isTrue("$.corruption.verify.done"), holdTask)
        .otherwise(verifyTask));
    // one table per RestoreTables run: each committed repair is in the document before the next one can fail
    repairTask.next(new Choice(this, "Tables restored?")
        .when(isTrue("$.corruption.restored"), verifyTask)
        .otherwise(repairTask));
    Choice repairNeeded = new Choice(this, "Repair needed?")
        .when(isTrue("$.corruption.compare.differs"), alwaysGated(DataCorruption.GATED_STEP, repairTask,
            rejectedExit, holdTask))
        .otherwise(verifyTask);
    // no Wait between compare runs: each run works until its own deadline
    Choice compareDone = new Choice(this, "Compare done?")
        .when(isTrue("$.corruption.compare.done"), repairNeeded)
        .otherwise(compareTask);
    compareTask.next(compareDone);
    Choice cleanAvailable = new Choice(this, "Clean copy available?")
        .when(isTrue("$.corruption.clean.available"), compareTask)
        .otherwise(eventWait("Wait for clean copy", waitTask));
    waitTask.next(cleanAvailable);
    enterTask.next(restoreTask).next(waitTask);
    acquireLockTask.next(diagnoseTask);
    // no row matching the condition (HEALTHY) or no condition at all (INCONCLUSIVE): nothing is changed
    actOnDiagnosis(diagnoseTask, enterTask);

    build(acquireLockTask, "Scenario 5: data corruption", "data corruption");
  }

  /** A step that reads or repairs the databases: Lambda's longest timeout (a repair is one transaction per table). */
  private static RunbookFunction database(RunbookFunction fn) {
    ((CfnFunction) fn.function().getNode().getDefaultChild()).setTimeout(DATABASE_STEP_SECONDS);
    return fn;
  }
}
