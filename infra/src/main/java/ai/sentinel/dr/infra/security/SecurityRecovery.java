package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.security.Assess;
import ai.sentinel.dr.security.BlockIps;
import ai.sentinel.dr.security.RevokeApiKeys;
import software.amazon.awscdk.services.stepfunctions.Choice;
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
 *   otherwise ───────────────────────────────────────────────────────┴→ Notify → Report → Recovered
 * </pre>
 * RevokeApiKeys runs in the environment's VPC (it connects to the application database).
 * Each step of the security package has its own function ({@code <env>-sentinel-dr-security-<step>}) allowed only
 * the calls its step makes ({@link SecurityPermissions}).
 */
public final class SecurityRecovery extends RecoveryStateMachine {
  static final String CONTAINMENT = "$.security.assessment.containment.";

  public SecurityRecovery(Construct scope, String id, Props props) {
    super(scope, id, SecurityInfraScenario.ID, props);
    RunbookFunction assess = function(Assess.class);
    RunbookFunction blockIps = function(BlockIps.class);
    RunbookFunction revokeApiKeys = function(RevokeApiKeys.class, config.vpc());
    SecurityPermissions permissions = new SecurityPermissions(this, config);
    permissions.grantBlockIps(blockIps);
    permissions.grantRevokeApiKeys(revokeApiKeys);

    LambdaInvoke acquireLockTask = acquireLock();
    LambdaInvoke assessTask = step("Assess", assess);
    LambdaInvoke blockIpsTask = step("BlockIps", blockIps);
    LambdaInvoke revokeApiKeysTask = step("RevokeApiKeys", revokeApiKeys);
    LambdaInvoke done = finish();

    revokeApiKeysTask.next(done);
    Choice revoke = new Choice(this, "Revoke API keys?")
        .when(isTrue(CONTAINMENT + "revokeApiKeys"), revokeApiKeysTask)
        .otherwise(done);
    blockIpsTask.next(revoke);
    Choice block = new Choice(this, "Block IPs?")
        .when(isTrue(CONTAINMENT + "blockIps"), blockIpsTask)
        .otherwise(revoke);
    acquireLockTask.next(assessTask).next(block);

    build(acquireLockTask, "Scenario 6: security incident", "security incident containment");
  }
}
