package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.security.Assess;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.security.BlockIps;
import ai.sentinel.dr.security.HeightenedMonitoring;
import ai.sentinel.dr.security.DatabaseSecretRotator;
import ai.sentinel.dr.security.Investigate;
import ai.sentinel.dr.security.Isolate;
import ai.sentinel.dr.security.JwtSecretRotator;
import ai.sentinel.dr.security.PreserveEvidence;
import ai.sentinel.dr.security.PruneBlocks;
import ai.sentinel.dr.security.RestoreGradually;
import ai.sentinel.dr.security.RevokeApiKeys;
import ai.sentinel.dr.security.RotateSecrets;
import ai.sentinel.dr.security.SecurityIncident;
import ai.sentinel.dr.security.SecuritySettings;
import ai.sentinel.dr.security.WaitForEvidence;
import ai.sentinel.dr.security.VerifyContainment;
import ai.sentinel.dr.security.WaitForRotation;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Runbook Scenario 6 (security incident) as the state machine {@code <env>-sentinel-dr-security-incident}, for one
 * incident (one attacker or principal within the grouping window):
 *
 * <pre>
 * AcquireLock → Assess → "Block IPs?"
 *   $.security.assessment.containment.blockIps → BlockIps ─┐
 *   otherwise ─────────────────────────────────────────────┴→ "Revoke API keys?"
 *   $.security.assessment.containment.revokeApiKeys → RevokeApiKeys ─┐
 *   otherwise ───────────────────────────────────────────────────────┴→ [rotation configured]
 *   RotateSecrets → WaitForRotation ⟲ "Secrets rotated?" → RestartServices → WaitForServices ⟲
 *   → [evidence configured] PreserveEvidence → WaitForEvidence ⟲ "Evidence preserved?" → "Isolate?"
 *   (⟲: a wait that ends on AWS's event, else after pollSeconds: Secrets Manager's Secret Label Updated, ECS's
 *   steady state, RDS-EVENT-0042 for the evidence snapshot; the log export sends none)
 *   (after the evidence: Investigate → "Second round?" → Approve SecondContainmentRound → RevokeFoundKeys
 *   → BlockFoundIps)
 *   $.security.assessment.containment.isolate → "Dry-run? (Isolate)" → Approve Isolate → Isolate ─┐
 *   otherwise ─────────────────────────────────────────────────────────────────────────────────┴→ "Restore?"
 *   isolated → "Dry-run? (RestoreGradually)" → Approve RestoreGradually → RestoreGradually ⟲ "Service restored?" ─┐
 *   (a step stable before pollSeconds: "Soak restore step", a Wait of the rest, before its error rate is judged)
 *   otherwise ──────────────────────────────────────────────────────────────────────────────────────────────┴→
 *   [monitoring configured] HeightenedMonitoring → VerifyContainment → Notify
 * </pre>
 * Reversible containment (blocks, revocation, rotation, evidence) runs at once; isolation, which takes the platform
 * down, waits for its approval only after it, so an unanswered gate never holds back the rest.
 * Isolation takes the platform down and the restore brings it back after the investigation: both wait for a human
 * in every environment ({@link #alwaysGated}). The signal itself is the confirmed incident (a finding, a sign-in, an
 * alarm on the web ACL or the PII metric, an operator): there is no Diagnose; Assess decides which containment applies
 * and a containment that does not apply is skipped by its Choice.
 * Every block is recorded with its expiry ({@link BlockExpiry}); the hourly PruneBlocks removes expired ones.
 * RevokeApiKeys runs in the environment's VPC (it connects to the application database), as does the database
 * secret's rotation function ({@link SecretRotation}), which Secrets Manager invokes, not the state machine.
 * Each step of the security package has its own function ({@code <env>-sentinel-dr-security-<step>}) allowed only
 * the calls its step makes ({@link SecurityPermissions}).
 */
public final class SecurityRecovery extends RecoveryStateMachine {
  static final String CONTAINMENT = "$.security.assessment.containment.";
  /** The rest of a restore step's soak ({@code SecurityState.Restore#soakSeconds}). */
  static final String SOAK_SECONDS = "$.security.restore.soakSeconds";
  /** VerifyContainment: the evidence step grants it the read of the bucket it creates. */
  private RunbookFunction verifier;

  public SecurityRecovery(Construct scope, String id, Props props) {
    super(scope, id, SecurityInfraScenario.ID, props);
    RunbookFunction assess = function(Assess.class);
    RunbookFunction blockIps = function(BlockIps.class);
    RunbookFunction revokeApiKeys = function(RevokeApiKeys.class, config.vpc());
    SecurityPermissions permissions = new SecurityPermissions(this, config);
    permissions.grantBlockIps(blockIps);
    RunbookFunction prune = function(PruneBlocks.class);
    permissions.grantBlockIps(prune);
    BlockExpiry expiry = new BlockExpiry(this, "BlockExpiry", config, prune);
    blockIps.allow(java.util.List.of("dynamodb:PutItem"), java.util.List.of(expiry.table().getTableArn()));
    permissions.grantRevokeApiKeys(revokeApiKeys);
    verifier = function(VerifyContainment.class);
    permissions.grantVerify(verifier, config.require(EcsSettings.class).cluster());

    LambdaInvoke acquireLockTask = acquireLock();
    LambdaInvoke assessTask = step("Assess", assess);
    LambdaInvoke blockIpsTask = step("BlockIps", blockIps);
    LambdaInvoke revokeApiKeysTask = step("RevokeApiKeys", revokeApiKeys);
    // reversible containment first, at once; only then what takes the platform down waits for a human
    IChainable done = rotation(evidence(investigate(revokeApiKeys, blockIps,
        isolate(restore(monitoring(verify(finish())))))));

    revokeApiKeysTask.next(done);
    Choice revoke = new Choice(this, "Revoke API keys?")
        .when(isTrue(CONTAINMENT + "revokeApiKeys"), revokeApiKeysTask)
        .otherwise(done);
    blockIpsTask.next(revoke);
    Choice block = new Choice(this, "Block IPs?")
        .when(isTrue(CONTAINMENT + "blockIps"), blockIpsTask)
        .otherwise(revoke);
    acquireLockTask.next(assessTask).next(block);
    actsWithoutDiagnosis("the signal is the confirmed incident (a GuardDuty or Security Hub finding, a console "
        + "sign-in, an alarm on the web ACL or the PII metric, an operator's report); Assess decides which "
        + "containment applies");

    build(acquireLockTask, "Scenario 6: security incident", "security incident containment");
  }

  /** "Isolate?": an active breach isolates the service behind an approval, then {@code next}. */
  private Choice isolate(IChainable next) {
    RunbookFunction isolate = function(Isolate.class);
    new SecurityPermissions(this, config).grantIsolate(isolate, config.require(EcsSettings.class).cluster());
    LambdaInvoke isolateTask = step("Isolate", isolate);
    isolateTask.next(next);
    return new Choice(this, "Isolate?")
        .when(isTrue(CONTAINMENT + "isolate"), alwaysGated("Isolate", isolateTask))
        .otherwise(next);
  }

  /**
   * Investigate (the runbook's two queries, in the database's VPC), then "Second round?": keys it found with threats
   * and addresses no block covers are contained only after one approval for the round
   * ({@link SecurityIncident#SECOND_ROUND}), by RevokeFoundKeys (the RevokeApiKeys function) and BlockFoundIps (the
   * BlockIps function: no function of its own, the dev stack being at 495 of CloudFormation's 500 resources), then
   * {@code next}.
   */
  private IChainable investigate(RunbookFunction revokeApiKeys, RunbookFunction blockIps, IChainable next) {
    RunbookFunction investigate = function(Investigate.class, config.vpc());
    new SecurityPermissions(this, config).grantInvestigate(investigate);
    LambdaInvoke investigateTask = step("Investigate", investigate);
    LambdaInvoke revokeFound = step("RevokeFoundKeys", revokeApiKeys);
    LambdaInvoke blockFound = step("BlockFoundIps", blockIps);
    revokeFound.next(blockFound);
    blockFound.next(next);
    investigateTask.next(new Choice(this, "Second round?")
        .when(isTrue("$.security.investigation.secondRound"),
            alwaysGated(SecurityIncident.SECOND_ROUND, revokeFound))
        .otherwise(next));
    return investigateTask;
  }

  /**
   * HeightenedMonitoring (runbook "monitor closely for 48 hours"): temporary alarms and the one-time schedule that
   * removes them through the same function ({@link HeightenedAlarms}), then {@code next}; {@code next} itself
   * when security.monitoring is not configured.
   */
  private IChainable monitoring(IChainable next) {
    if (config.require(SecuritySettings.class).monitoring() == null) {
      return next;
    }
    RunbookFunction monitor = function(HeightenedMonitoring.class);
    new HeightenedAlarms(this, "HeightenedAlarms", config, monitor);
    LambdaInvoke task = step("HeightenedMonitoring", monitor);
    task.next(next);
    return task;
  }

  /** VerifyContainment reads every recorded containment back from AWS, then {@code next}. */
  private IChainable verify(IChainable next) {
    LambdaInvoke verifyTask = step("VerifyContainment", verifier);
    verifyTask.next(next);
    return verifyTask;
  }

  /** "Restore?": an isolated service comes back in steps after an approval (the investigation is done). */
  private Choice restore(IChainable next) {
    RunbookFunction restore = function(RestoreGradually.class);
    new SecurityPermissions(this, config).grantRestore(restore, config.require(EcsSettings.class).cluster());
    LambdaInvoke restoreTask = step("RestoreGradually", restore);
    Choice restored = new Choice(this, "Service restored?")
        .when(isTrue("$.security.restore.done"), next)
        // a step stable before pollSeconds soaks the rest before its error rate is judged: no event ends a soak
        .when(Condition.and(Condition.isPresent(SOAK_SECONDS), Condition.numberGreaterThan(SOAK_SECONDS, 0)),
            Wait.Builder.create(this, "Soak restore step").time(WaitTime.secondsPath(SOAK_SECONDS)).build()
                .next(restoreTask))
        // the step's tasks starting: ends on ECS's SERVICE_STEADY_STATE (sent after a desired-count change too)
        .otherwise(eventWait("Wait for restore step", restoreTask));
    restoreTask.next(restored);
    return new Choice(this, "Restore?")
        .when(Condition.isPresent("$.security.isolation.service"), alwaysGated("RestoreGradually", restoreTask))
        .otherwise(next);
  }

  /**
   * PreserveEvidence, WaitForEvidence until {@code $.evidence.done} (export completed, snapshot available, manifest
   * written), then {@code next}; {@code next} itself when security.evidence is not configured. Creates the bucket.
   */
  private IChainable evidence(IChainable next) {
    SecuritySettings.Evidence evidence = config.require(SecuritySettings.class).evidence();
    if (evidence == null) {
      return next;
    }
    EvidenceBucket bucket = new EvidenceBucket(this, "Evidence", evidence);
    RunbookFunction preserve = function(PreserveEvidence.class);
    RunbookFunction waitForEvidence = function(WaitForEvidence.class);
    new SecurityPermissions(this, config).grantEvidence(preserve, waitForEvidence, bucket,
        config.require(DatabaseSettings.class).instanceId());
    new SecurityPermissions(this, config).grantVerifyEvidence(verifier, bucket);
    LambdaInvoke preserveTask = step("PreserveEvidence", preserve);
    LambdaInvoke waitTask = step("WaitForEvidence", waitForEvidence);
    Choice preserved = new Choice(this, "Evidence preserved?")
        .when(isTrue("$.evidence.done"), next)
        // ends on RDS-EVENT-0042 (the snapshot created); CloudWatch Logs export tasks send no completion event
        // (DescribeExportTasks only): while only the export is pending, the wait's timeout is the poll
        .otherwise(eventWait("Wait for evidence", waitTask));
    preserveTask.next(waitTask).next(preserved);
    return preserveTask;
  }

  /**
   * RotateSecrets, WaitForRotation until {@code $.rotation.done}, then the services restarted onto the new values,
   * then {@code next}; {@code next} itself when security.rotation is not configured.
   */
  private IChainable rotation(IChainable next) {
    SecuritySettings.Rotation rotation = config.require(SecuritySettings.class).rotation();
    if (rotation == null) {
      return next;
    }
    RunbookFunction rotate = function(RotateSecrets.class);
    RunbookFunction waitForRotation = function(WaitForRotation.class);
    RunbookFunction jwt = function(JwtSecretRotator.class);
    RunbookFunction database = function(DatabaseSecretRotator.class, config.vpc());
    new SecretRotation(this, "SecretRotation", rotation, jwt, database);
    new SecurityPermissions(this, config).grantRotation(rotate, waitForRotation, jwt, database);
    LambdaInvoke rotateTask = step("RotateSecrets", rotate);
    LambdaInvoke waitTask = step("WaitForRotation", waitForRotation);
    Choice rotated = new Choice(this, "Secrets rotated?")
        .when(isTrue("$.rotation.done"), restartServices(next))
        // ends on Secrets Manager's own "Secret Label Updated" (AWSCURRENT moved by finishSecret), which needs no
        // trail, unlike the CloudTrail service event RotationSucceeded
        .otherwise(eventWait("Wait for rotation", waitTask));
    rotateTask.next(waitTask).next(rotated);
    return rotateTask;
  }
}
