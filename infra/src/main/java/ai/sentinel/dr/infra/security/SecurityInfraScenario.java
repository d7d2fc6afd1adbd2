package ai.sentinel.dr.infra.security;

import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.InfraScenario;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.ScheduledDrills;
import ai.sentinel.dr.infra.SentinelDrStack;
import ai.sentinel.dr.trigger.SecurityEventResponder;
import ai.sentinel.dr.security.SecurityIncident;
import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
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
  /** The Testing Schedule's quarterly security incident drill: {@code <env>-sentinel-dr-drill-security-incident}. */
  public static final String INCIDENT_DRILL = "drill-security-incident";
  /**
   * The manual payload's fields of a rehearsal: an active breach reported by hand, so the plan shows every
   * containment step. Without them a manual invoke names nothing to contain and the ManualResponder refuses it.
   */
  static final Map<String, Object> ACTIVE_BREACH = Map.of("activeBreach", true, "severity", "P4");

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

  /**
   * The runbook's quarterly "Security incident drill" ({@code drills.securityIncidentTest}, off unless set): an active
   * breach reported by hand, as a dry-run, so the plan shows every containment step (rotation, evidence, isolation
   * and restore) without blocking, revoking, rotating or isolating anything in production.
   */
  @Override
  public List<ScheduledDrills.Drill> drills(EnvironmentConfig config) {
    ScheduledTest test = config.drills().test(SecuritySettings.SECTION.drill().field());
    return test == null ? List.of() : List.of(new ScheduledDrills.Drill(INCIDENT_DRILL, test.schedule(),
        "Testing Schedule: security incident drill (dry-run plan of an active breach)", ID, null, true,
        ACTIVE_BREACH));
  }

  /**
   * The full DR simulation's plan of this recovery where {@code drills.securityIncidentTest} is off: the same active
   * breach as that drill (the default target, the runbook alone, would be refused as naming nothing to contain).
   */
  @Override
  public ScheduledDrills.Target simulation(EnvironmentConfig config) {
    return new ScheduledDrills.Target(ID, null, ACTIVE_BREACH);
  }

  @Override
  public void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine) {
    stack.output("SecurityIncidentStateMachineArn", stateMachine.stateMachine().getStateMachineArn(),
        "Runbook Scenario 6 state machine");
  }
}
