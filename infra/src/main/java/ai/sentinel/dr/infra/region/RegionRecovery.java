package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.region.ChooseCopy;
import ai.sentinel.dr.region.ConfirmPrimaryDown;
import ai.sentinel.dr.region.FenceRecoveries;
import ai.sentinel.dr.region.NotifyCustomers;
import ai.sentinel.dr.region.RegionFailure;
import ai.sentinel.dr.region.RegionSettings;
import ai.sentinel.dr.region.RestoreInDrRegion;
import ai.sentinel.dr.region.ScaleUpDrServices;
import ai.sentinel.dr.region.SwitchCloudFront;
import ai.sentinel.dr.region.SwitchDns;
import ai.sentinel.dr.region.UpdateDrSecret;
import ai.sentinel.dr.region.VerifyDr;
import ai.sentinel.dr.region.WaitForCloudFront;
import ai.sentinel.dr.region.WaitForDns;
import ai.sentinel.dr.region.WaitForDrInstance;
import ai.sentinel.dr.region.WaitForDrServices;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Runbook Scenario 4 (region failure) as the state machine {@code <env>-sentinel-dr-region-failure}, in the DR
 * stack:
 *
 * <pre>
 * AcquireLock → ConfirmPrimaryDown (the diagnosis) → "Act on diagnosis?"
 *   ─no─► NotifyNoAction (info when healthy, a page when inconclusive) → ReportNoAction, nothing changed
 *   → ChooseCopy → [Approve FenceRecoveries, always] → FenceRecoveries → RestoreInDrRegion
 *   → WaitForDrInstance ⟲ → UpdateDrSecret → ScaleUpDrServices → WaitForDrServices ⟲
 *   → SwitchDns → WaitForDns ⟲ → SwitchCloudFront → WaitForCloudFront ⟲ → VerifyDr → NotifyCustomers → Notify
 *   → Report
 * </pre>
 * The waits marked ⟲ poll with {@code $.options.pollSeconds} between polls; the instance's and the services' waits end
 * early on RDS's and ECS's own events in the DR region (issue 15: the stack's WaitResponder and wait table, the
 * fallback to a plain poll when no event comes). Route 53 and CloudFront send no such event: their waits only poll.
 * The gate is not optional: the stack builds this state machine with FenceRecoveries gated whatever
 * {@code safety.approvalSteps} says (a dry-run, which changes nothing, passes it).
 */
public final class RegionRecovery extends RecoveryStateMachine {

  public RegionRecovery(Construct scope, String id, Props props) {
    super(scope, id, RegionInfraScenario.ID, props);
    RegionSettings region = config.require(RegionSettings.class);
    if (!config.safety().gates(RegionFailure.GATED_STEP)) {
      throw new IllegalArgumentException("a region failover always waits for approval: build it with "
          + RegionFailure.GATED_STEP + " gated");
    }
    RunbookFunction confirm = function(ConfirmPrimaryDown.class);
    RunbookFunction choose = function(ChooseCopy.class);
    RunbookFunction fence = function(FenceRecoveries.class);
    RunbookFunction restore = function(RestoreInDrRegion.class);
    RunbookFunction waitForInstance = function(WaitForDrInstance.class);
    RunbookFunction updateSecret = function(UpdateDrSecret.class);
    RunbookFunction scaleUp = function(ScaleUpDrServices.class);
    RunbookFunction waitForServices = function(WaitForDrServices.class);
    RunbookFunction switchDns = function(SwitchDns.class);
    RunbookFunction waitForDns = function(WaitForDns.class);
    RunbookFunction switchCloudFront = function(SwitchCloudFront.class);
    RunbookFunction waitForCloudFront = function(WaitForCloudFront.class);
    RunbookFunction verify = function(VerifyDr.class);
    RunbookFunction customers = function(NotifyCustomers.class);
    RegionPermissions permissions = new RegionPermissions(software.amazon.awscdk.Stack.of(this), region);
    permissions.confirm(confirm, config);
    permissions.chooseCopy(choose);
    permissions.fence(fence, config);
    permissions.restore(restore, waitForInstance);
    permissions.secret(updateSecret);
    permissions.services(scaleUp, waitForServices);
    permissions.dns(switchDns, waitForDns);
    permissions.cloudFront(switchCloudFront, waitForCloudFront);
    permissions.verify(verify);
    permissions.customers(customers, config);

    LambdaInvoke acquire = acquireLock();
    LambdaInvoke confirmTask = step("ConfirmPrimaryDown", confirm);
    LambdaInvoke chooseTask = step("ChooseCopy", choose);
    LambdaInvoke fenceTask = step(RegionFailure.GATED_STEP, fence);
    LambdaInvoke restoreTask = step("RestoreInDrRegion", restore);
    LambdaInvoke waitForInstanceTask = step("WaitForDrInstance", waitForInstance);
    LambdaInvoke secretTask = step("UpdateDrSecret", updateSecret);
    LambdaInvoke scaleUpTask = step("ScaleUpDrServices", scaleUp);
    LambdaInvoke waitForServicesTask = step("WaitForDrServices", waitForServices);
    LambdaInvoke dnsTask = step("SwitchDns", switchDns);
    LambdaInvoke waitForDnsTask = step("WaitForDns", waitForDns);
    LambdaInvoke cloudFrontTask = step("SwitchCloudFront", switchCloudFront);
    LambdaInvoke waitForCloudFrontTask = step("WaitForCloudFront", waitForCloudFront);
    LambdaInvoke verifyTask = step("VerifyDr", verify);
    LambdaInvoke customersTask = step("NotifyCustomers", customers);

    verifyTask.next(customersTask).next(finish());
    // Route 53 and CloudFront send no event when a change is INSYNC or a distribution Deployed: EventBridge's event
    // reference lists neither among the services that send service events (CloudFront's events arrive via CloudTrail
    // only, i.e. the UpdateDistribution call itself, at request time; Route 53's ChangeResourceRecordSets the same);
    // GetChange and GetDistribution are the only ways to learn it, so these two waits poll
    Choice cloudFrontDeployed = new Choice(this, "CloudFront deployed?")
        .when(isTrue("$.region.cloudFront.deployed"), verifyTask)
        .otherwise(pollWait("Wait for CloudFront").next(waitForCloudFrontTask));
    waitForCloudFrontTask.next(cloudFrontDeployed);
    cloudFrontTask.next(cloudFrontDeployed);
    Choice dnsInSync = new Choice(this, "DNS in sync?")
        .when(isTrue("$.region.dns.insync"), cloudFrontTask)
        .otherwise(pollWait("Wait for DNS").next(waitForDnsTask));
    waitForDnsTask.next(dnsInSync);
    dnsTask.next(dnsInSync);
    Choice servicesStable = new Choice(this, "DR services stable?")
        .when(isTrue("$.region.services.stable"), dnsTask)
        .otherwise(eventWait("Wait for DR services", waitForServicesTask));
    waitForServicesTask.next(servicesStable);
    secretTask.next(scaleUpTask).next(servicesStable);
    Choice instanceAvailable = new Choice(this, "DR instance available?")
        .when(isTrue("$.region.restore.available"), secretTask)
        .otherwise(eventWait("Wait for DR instance", waitForInstanceTask));
    waitForInstanceTask.next(instanceAvailable);
    fenceTask.next(restoreTask).next(waitForInstanceTask);
    chooseTask.next(gated(RegionFailure.GATED_STEP, fenceTask));
    // not confirmed: no action (NotifyNoAction pages for an inconclusive verdict), nothing changed
    acquire.next(confirmTask);
    actOnDiagnosis(confirmTask, chooseTask);

    build(acquire, "Scenario 4: region failure (" + region.primaryRegion() + " to " + region.drRegion() + ")",
        "region failover");
  }
}
