package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.corruption.CorruptionState.MaintenanceState;
import ai.sentinel.dr.corruption.DataCorruptionSettings.Maintenance;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.CreateRuleRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.CreateRuleResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.FixedResponseActionConfig;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

/**
 * Scenario 5, recovery step 1, "Stop writes to affected tables: put API in read-only mode or maintenance mode", as
 * the environment configures it: an ALB listener rule answering 503 to writes (non-GET) or to every request, and/or an
 * SSM parameter the application reads. Records exactly what it changed (the rule it created, the parameter's previous
 * value) so that ExitMaintenance undoes that and nothing else. Safe to run twice: its own rule is found by the
 * execution named in the 503 body, a parameter already holding the value is not changed (and then not reverted).
 */
public final class EnterMaintenance extends Step {
  private final ElasticLoadBalancingV2Client elb;
  private final SsmClient ssm;

  public EnterMaintenance() {
    this(Deps.fromProcessEnv());
  }

  public EnterMaintenance(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public EnterMaintenance(Deps deps) {
    super(deps);
    this.elb = deps.clients().elbv2();
    this.ssm = deps.clients().ssm();
  }

  @Override
  public String name() {
    return "EnterMaintenance";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CorruptionState state = recovery.part(CorruptionState.PART);
    if (state != null && state.maintenance() != null && state.maintenance().enteredAt() != null) {
      return recovery.log(entry("skipped", "maintenance already entered: " + state.maintenance().describe()));
    }
    Maintenance m = DataCorruptionSettings.of(deps.config()).maintenance();
    Recovery out = recovery;
    String ruleArn = null;
    String listenerArn = null;
    if (m.listener() != null) {
      listenerArn = MaintenanceRules.listenerArn(elb, m);
      Optional<Rule> own = MaintenanceRules.own(elb, listenerArn, recovery.executionName());
      if (own.isPresent()) {
        ruleArn = own.get().ruleArn();
        out = out.log(entry("adopted", "503 rule " + ruleArn + " already created by this recovery"));
      } else {
        MaintenanceRules.requireFreePriority(elb, listenerArn, m);
        CreateRuleRequest request = rule(m, listenerArn, recovery.executionName());
        Mutation<CreateRuleResponse> sent = mutate(out, "elbv2", "CreateRule", m.listener(), request,
            () -> elb.createRule(request));
        out = sent.recovery();
        ruleArn = sent.sent() && sent.response().hasRules() ? sent.response().rules().get(0).ruleArn() : null;
        out = out.log(entry(recovery.dryRun() ? "would-enter" : "maintenance-on", "rule on " + m.listener()
            + " (priority " + m.priority() + ") answering 503 to "
            + (m.readOnly() ? "POST, PUT, PATCH, DELETE (read-only)" : "every request")
            + (ruleArn == null ? "" : ": " + ruleArn)));
      }
    }
    String previous = null;
    boolean changed = false;
    if (m.parameter() != null) {
      previous = MaintenanceRules.parameter(ssm, m.parameter());
      if (m.value().equals(previous)) {
        out = out.log(entry("unchanged", "SSM " + m.parameter() + " already holds " + previous + ": not changed "
            + "(and so not reverted by ExitMaintenance)"));
      } else {
        PutParameterRequest request = PutParameterRequest.builder().name(m.parameter()).value(m.value())
            .type(ParameterType.STRING).overwrite(true).build();
        Mutation<?> sent = mutate(out, "ssm", "PutParameter", m.parameter(), request, () -> ssm.putParameter(
            request));
        changed = true;
        out = sent.recovery().log(entry(recovery.dryRun() ? "would-enter" : "maintenance-on", "SSM " + m.parameter()
            + " = " + m.value() + " (was " + (previous == null ? "absent" : previous) + ")"));
      }
    }
    if (m.listener() == null && m.parameter() == null) {
      throw new StepFailedError("dataCorruption.maintenance configures neither a listener rule nor a parameter: "
          + "nothing would stop writes during the repair");
    }
    MaintenanceState entered = new MaintenanceState(listenerArn, ruleArn, m.modeName(), m.parameter(),
        m.value(), previous, changed, now(), null, null);
    return out.update(CorruptionState.PART, st -> st.withMaintenance(entered));
  }

  private static CreateRuleRequest rule(Maintenance m, String listenerArn, String execution) {
    RuleCondition condition = m.readOnly()
        ? RuleCondition.builder().field("http-request-method").httpRequestMethodConfig(c -> c.values(
            Maintenance.WRITE_METHODS)).build()
        : RuleCondition.builder().field("path-pattern").pathPatternConfig(c -> c.values("*")).build();
    Action answer = Action.builder().type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(
        FixedResponseActionConfig.builder().statusCode("503").contentType("application/json")
            .messageBody(MaintenanceRules.body(m, execution)).build()).build();
    return CreateRuleRequest.builder().listenerArn(listenerArn).priority(m.priority())
        .conditions(condition).actions(answer).build();
  }
}
