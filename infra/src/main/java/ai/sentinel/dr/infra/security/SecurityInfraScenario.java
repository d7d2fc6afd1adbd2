package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.InfraScenario;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.SentinelDrStack;
import ai.sentinel.dr.trigger.SecurityEventResponder;
import ai.sentinel.dr.security.SecurityIncident;
import ai.sentinel.dr.security.SecuritySettings;
import java.util.List;
import java.util.Map;
import software.constructs.Construct;

/**
 * Runbook Scenario 6 (security incident) in the CDK app, deployed only for an environment with a {@code security}
 * section: {@link SecurityRecovery}, started by SecurityEventResponder (the target of the GuardDuty, Security Hub and
 * console sign-in rules), by alarms on the web ACL and the PII metric, and by hand.
 *
 * <p>Console sign-in events are delivered in us-east-1 (the global sign-in endpoint): a stack in another region
 * receives them only through a rule in us-east-1 that forwards them to this region's default bus.
 */
public final class SecurityInfraScenario implements InfraScenario {
  public static final String ID = SecurityIncident.ID;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String stepsPackage() {
    return SecurityIncident.class.getPackageName();
  }

  /** An environment without a security section has no IP set or key table to contain with. */
  @Override
  public boolean deployedIn(EnvironmentConfig config) {
    return config.settings(SecuritySettings.class).isPresent();
  }

  @Override
  public RecoveryStateMachine stateMachine(Construct stack, RecoveryStateMachine.Props props,
      Map<String, RecoveryStateMachine> built) {
    return new SecurityRecovery(stack, "SecurityRecovery", props);
  }

  @Override
  public List<Class<?>> responders() {
    return List.of(SecurityEventResponder.class);
  }

  @Override
  public void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine) {
    stack.output("SecurityIncidentStateMachineArn", stateMachine.stateMachine().getStateMachineArn(),
        "Runbook Scenario 6 state machine");
  }
}
