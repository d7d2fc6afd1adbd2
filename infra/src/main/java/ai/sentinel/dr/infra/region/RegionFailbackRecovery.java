package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.region.CheckPrimaryHealth;
import ai.sentinel.dr.region.CheckTraffic;
import ai.sentinel.dr.region.DecommissionDr;
import ai.sentinel.dr.region.FailbackState;
import ai.sentinel.dr.region.RegionFailback;
import ai.sentinel.dr.region.RegionSettings;
import ai.sentinel.dr.region.ReplicateToPrimary;
import ai.sentinel.dr.region.RestartPrimaryServices;
import ai.sentinel.dr.region.RestoreCloudFrontOrigin;
import ai.sentinel.dr.region.RestorePrimary;
import ai.sentinel.dr.region.ReturnToDr;
import ai.sentinel.dr.region.ShiftTraffic;
import ai.sentinel.dr.region.UpdatePrimarySecret;
import ai.sentinel.dr.region.VerifyFailback;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Runbook Scenario 4's Failback Procedure as the state machine {@code <env>-sentinel-dr-region-failback}, in the DR
 * stack beside the failover:
 *
 * <pre>
 * AcquireLock → CheckPrimaryHealth (unhealthy: stops, nothing changed) → ReplicateToPrimary ⟲ → RestorePrimary ⟲
 *   → UpdatePrimarySecret → RestartPrimaryServices ⟲ → [Approve ShiftTraffic, always]
 *   → ShiftTraffic → Soak → CheckTraffic ─advance─► ShiftTraffic (10% → 50% → 100%)
 *                                      ─soak────► Soak (DNS not in sync yet)
 *                                      ─regressed─► ReturnToDr → NotifyFailure (all traffic back on DR)
 *                                      ─complete─► RestoreCloudFrontOrigin → [Approve DecommissionDr, always]
 *   → DecommissionDr → VerifyFailback → Notify → Report → Recovered
 * </pre>
 * The waits for the replica, the new primary instance and the primary services end on RDS's and ECS's own events
 * (issue 15): the replica's copy's "copy finished" (RDS-EVENT-0060, sent in the copy's region), the restore's and the
 * services' events happen on the primary region's bus, and {@link RegionEventsStack}
 * ({@code <env>-sentinel-dr-region-events}, a small stack in the primary region: a stack has one region and the
 * primary stack has no room) forwards the ones naming the failback's snapshot, instance and services to this region's
 * bus, where this stack's WaitResponder answers the tokens; else {@code $.options.pollSeconds}.
 * Both gates are built whatever {@code safety.approvalSteps} says; a dry-run passes them and soaks 0 s.
 */
public final class RegionFailbackRecovery extends RecoveryStateMachine {
  private static final String FAILBACK = "$." + FailbackState.PART.name();

  public RegionFailbackRecovery(Construct scope, String id, Props props) {
    super(scope, id, RegionFailback.ID, props);
    RegionSettings region = config.require(RegionSettings.class);
    region.requireFailback();
    RunbookFunction check = function(CheckPrimaryHealth.class);
    RunbookFunction replicate = function(ReplicateToPrimary.class);
    RunbookFunction restore = function(RestorePrimary.class);
    RunbookFunction secret = function(UpdatePrimarySecret.class);
    RunbookFunction restart = function(RestartPrimaryServices.class);
    RunbookFunction shift = function(ShiftTraffic.class);
    RunbookFunction judge = function(CheckTraffic.class);
    RunbookFunction back = function(ReturnToDr.class);
    RunbookFunction origin = function(RestoreCloudFrontOrigin.class);
    RunbookFunction decommission = function(DecommissionDr.class);
    RunbookFunction verify = function(VerifyFailback.class);
    FailbackPermissions permissions = new FailbackPermissions(new RegionPermissions(
        software.amazon.awscdk.Stack.of(this), region), region);
    permissions.check(check, config);
    permissions.replicate(replicate);
    permissions.restore(restore, config);
    permissions.secret(secret);
    permissions.restart(restart);
    permissions.dns(shift, back);
    permissions.judge(judge, config);
    permissions.cloudFront(origin);
    permissions.decommission(decommission);
    permissions.verify(verify);

    LambdaInvoke acquire = acquireLock();
    LambdaInvoke checkTask = step("CheckPrimaryHealth", check);
    LambdaInvoke replicateTask = step("ReplicateToPrimary", replicate);
    LambdaInvoke restoreTask = step("RestorePrimary", restore);
    LambdaInvoke secretTask = step("UpdatePrimarySecret", secret);
    LambdaInvoke restartTask = step("RestartPrimaryServices", restart);
    LambdaInvoke shiftTask = step(RegionFailback.SHIFT_STEP, shift);
    LambdaInvoke judgeTask = step("CheckTraffic", judge);
    LambdaInvoke backTask = step("ReturnToDr", back);
    LambdaInvoke originTask = step("RestoreCloudFrontOrigin", origin);
    LambdaInvoke decommissionTask = step(RegionFailback.DECOMMISSION_STEP, decommission);
    LambdaInvoke verifyTask = step("VerifyFailback", verify);

    decommissionTask.next(verifyTask).next(finish());
    originTask.next(alwaysGated(RegionFailback.DECOMMISSION_STEP, decommissionTask));
    backTask.next(notifyFailure());
    Wait soak = Wait.Builder.create(this, "Soak").time(WaitTime.secondsPath(FAILBACK + ".traffic.soakSeconds"))
        .build();
    String verdict = FAILBACK + ".traffic.verdict";
    Choice judged = new Choice(this, "Traffic healthy?")
        .when(Condition.stringEquals(verdict, "advance"), shiftTask)
        .when(Condition.stringEquals(verdict, "complete"), originTask)
        .when(Condition.stringEquals(verdict, "soak"), soak)
        .otherwise(backTask);
    shiftTask.next(soak).next(judgeTask).next(judged);
    Choice stable = new Choice(this, "Primary services stable?")
        .when(isTrue(FAILBACK + ".services.stable"), alwaysGated(RegionFailback.SHIFT_STEP, shiftTask))
        .otherwise(eventWait("Wait for primary services", restartTask));
    secretTask.next(restartTask).next(stable);
    Choice available = new Choice(this, "Primary instance available?")
        .when(isTrue(FAILBACK + ".primary.available"), secretTask)
        .otherwise(eventWait("Wait for primary instance", restoreTask));
    restoreTask.next(available);
    Choice copied = new Choice(this, "Replica in primary?")
        .when(isTrue(FAILBACK + ".replica.copied"), restoreTask)
        .otherwise(eventWait("Wait for replica", replicateTask));
    replicateTask.next(copied);
    acquire.next(checkTask).next(replicateTask);

    build(acquire, "Scenario 4: region failback (" + region.drRegion() + " to " + region.primaryRegion() + ")",
        "region failback");
  }
}
