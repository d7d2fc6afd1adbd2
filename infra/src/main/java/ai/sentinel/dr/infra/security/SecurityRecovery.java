package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.security.Assess;
import ai.sentinel.dr.security.BlockIps;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Runbook Scenario 6 (security incident) as the state machine {@code <env>-sentinel-dr-security-incident}, for one
 * incident (one attacker or principal within the grouping window):
 *
 * <pre>
 * AcquireLock → Assess → "Block IPs?"
 *   $.security.assessment.containment.blockIps → BlockIps → Notify → Report → Recovered
 *   otherwise                                  → Notify → Report → Recovered
 * </pre>
 * Each step of the security package has its own function ({@code <env>-sentinel-dr-security-<step>}) allowed only
 * the calls its step makes ({@link SecurityPermissions}).
 */
public final class SecurityRecovery extends RecoveryStateMachine {
  static final String CONTAINMENT = "$.security.assessment.containment.";

  public SecurityRecovery(Construct scope, String id, Props props) {
    super(scope, id, SecurityInfraScenario.ID, props);
    RunbookFunction assess = function(Assess.class);
    RunbookFunction blockIps = function(BlockIps.class);
    new SecurityPermissions(this, config).grantBlockIps(blockIps);

    LambdaInvoke acquireLockTask = acquireLock();
    LambdaInvoke assessTask = step("Assess", assess);
    LambdaInvoke blockIpsTask = step("BlockIps", blockIps);
    LambdaInvoke done = finish();

    blockIpsTask.next(done);
    Choice block = new Choice(this, "Block IPs?")
        .when(isTrue(CONTAINMENT + "blockIps"), blockIpsTask)
        .otherwise(done);
    acquireLockTask.next(assessTask).next(block);

    build(acquireLockTask, "Scenario 6: security incident", "security incident containment");
  }
}
