package ai.sentinel.dr.infra.ecs;

import ai.sentinel.dr.ecs.DeployPreviousVersion;
import ai.sentinel.dr.ecs.Diagnose;
import ai.sentinel.dr.ecs.ForceNewDeployment;
import ai.sentinel.dr.ecs.ScaleUp;
import ai.sentinel.dr.ecs.VerifyTargets;
import ai.sentinel.dr.ecs.WaitForStability;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Runbook Scenario 3 (ECS service failure) as the state machine {@code <env>-sentinel-dr-ecs-service-failure}, for
 * the one failing service the execution names:
 *
 * <pre>
 * AcquireLock → Diagnose → "Act on diagnosis?" ─no─► NotifyNoAction → ReportNoAction → NoAction
 *   ─act─► ForceNewDeployment → WaitForStability → "Service stable?"
 *   stable ($.ecs.stable)            → ScaleUp → "Scaled?"
 *                                        scaled ($.ecs.scale.scaled), not a dry-run
 *                                              → "Wait for scale-up" → WaitForStability (the scaled tasks start)
 *                                        otherwise → VerifyTargets → Notify → Report → Recovered
 *   not stable → "Roll back?"
 *     rollback due ($.ecs.rollbackDue) → [gate] DeployPreviousVersion → WaitForStability
 *     otherwise                        → "Wait for stability" → WaitForStability
 * </pre>
 * WaitForStability decides: after {@code ecs.stablePolls} polls of a forced deployment it sets rollbackDue; after
 * {@code maxPolls} polls of a rollback or a scale-up it fails (TimedOutError, caught into NotifyFailure). A stable
 * service after a scale-up comes back to ScaleUp, which then finds running equal to desired and goes on. Each step of
 * the ecs package has its own function ({@code <env>-sentinel-dr-ecs-<step>}) allowed only the calls its step makes
 * ({@link EcsPermissions}). Rolling a production service back to an older revision is the step an environment may
 * gate ({@code safety.approvalSteps: ["DeployPreviousVersion"]}).
 */
public final class EcsRecovery extends RecoveryStateMachine {
  static final String DEPLOY_PREVIOUS_VERSION = DeployPreviousVersion.class.getSimpleName();

  public EcsRecovery(Construct scope, String id, Props props) {
    super(scope, id, EcsInfraScenario.ID, props);
    RunbookFunction diagnose = function(Diagnose.class);
    RunbookFunction forceNewDeployment = function(ForceNewDeployment.class);
    RunbookFunction waitForStability = function(WaitForStability.class);
    RunbookFunction deployPreviousVersion = function(DeployPreviousVersion.class);
    RunbookFunction scaleUp = function(ScaleUp.class);
    RunbookFunction verifyTargets = function(VerifyTargets.class);
    new EcsPermissions(this, config).grant(diagnose, forceNewDeployment, waitForStability, deployPreviousVersion,
        scaleUp, verifyTargets);

    LambdaInvoke acquireLockTask = acquireLock();
    LambdaInvoke diagnoseTask = step("Diagnose", diagnose);
    LambdaInvoke forceNewDeploymentTask = step("ForceNewDeployment", forceNewDeployment);
    LambdaInvoke waitForStabilityTask = step("WaitForStability", waitForStability);
    LambdaInvoke deployPreviousVersionTask = step(DEPLOY_PREVIOUS_VERSION, deployPreviousVersion);
    LambdaInvoke scaleUpTask = step("ScaleUp", scaleUp);
    LambdaInvoke verifyTargetsTask = step("VerifyTargets", verifyTargets);

    verifyTargetsTask.next(finish());
    // a plan's scale-up starts no task: waiting for them would only spend the poll budget
    Choice scaled = new Choice(this, "Scaled?")
        .when(Condition.and(isTrue("$.ecs.scale.scaled"), Condition.not(isTrue(DRY_RUN))),
            eventWait("Wait for scale-up", waitForStabilityTask))
        .otherwise(verifyTargetsTask);
    scaleUpTask.next(scaled);

    deployPreviousVersionTask.next(waitForStabilityTask);
    Choice rollBack = new Choice(this, "Roll back?")
        .when(isTrue("$.ecs.rollbackDue"), gated(DEPLOY_PREVIOUS_VERSION, deployPreviousVersionTask))
        .otherwise(eventWait("Wait for stability", waitForStabilityTask));
    Choice stable = new Choice(this, "Service stable?")
        .when(isTrue("$.ecs.stable"), scaleUpTask)
        .otherwise(rollBack);
    waitForStabilityTask.next(stable);

    forceNewDeploymentTask.next(waitForStabilityTask);
    acquireLockTask.next(diagnoseTask);
    actOnDiagnosis(diagnoseTask, forceNewDeploymentTask);

    build(acquireLockTask, "Scenario 3: ECS service failure", "ECS service");
  }
}
