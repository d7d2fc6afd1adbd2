package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.corruption.CorruptionState.MaintenanceState;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DeleteRuleRequest;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DeleteParameterRequest;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

/**
 * Scenario 5, recovery step 7, "Resume normal operations": undoes exactly what EnterMaintenance recorded and nothing
 * else — deletes the 503 rule it created, puts the parameter back to the value it had (deletes it when it did not
 * exist). A parameter someone changed meanwhile is left as they set it, and said so. Runs after a verified repair,
 * after a repair found unnecessary, and after a rejected approval (live was not changed); any other failure after
 * EnterMaintenance holds maintenance instead (HoldMaintenance). Safe to run twice.
 */
public final class ExitMaintenance extends Step {
  private final ElasticLoadBalancingV2Client elb;
  private final SsmClient ssm;

  public ExitMaintenance() {
    this(Deps.fromProcessEnv());
  }

  public ExitMaintenance(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ExitMaintenance(Deps deps) {
    super(deps);
    this.elb = deps.clients().elbv2();
    this.ssm = deps.clients().ssm();
  }

  @Override
  public String name() {
    return "ExitMaintenance";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CorruptionState state = recovery.part(CorruptionState.PART);
    MaintenanceState m = state == null ? null : state.maintenance();
    if (m == null || m.enteredAt() == null) {
      return recovery.log(entry("skipped", "maintenance was never entered: nothing to undo"));
    }
    if (m.exitedAt() != null) {
      return recovery.log(entry("skipped", "maintenance already exited at " + m.exitedAt()));
    }
    Recovery out = recovery;
    if (m.ruleArn() != null) {
      if (MaintenanceRules.exists(elb, m.listenerArn(), m.ruleArn())) {
        DeleteRuleRequest request = DeleteRuleRequest.builder().ruleArn(m.ruleArn()).build();
        String listener = DataCorruptionSettings.of(deps.config()).maintenance().listener();
        Mutation<?> sent = mutate(out, "elbv2", "DeleteRule", listener, request, () -> elb.deleteRule(request));
        out = sent.recovery().log(entry(recovery.dryRun() ? "would-exit" : "maintenance-off", "503 rule " + m.ruleArn()
            + " deleted"));
      } else {
        out = out.log(entry("maintenance-off", "503 rule " + m.ruleArn() + " is already gone"));
      }
    } else if (m.listenerArn() != null && recovery.dryRun()) {
      out = out.log(entry("would-exit", "the planned 503 rule on " + m.listenerArn() + " would be deleted"));
    }
    if (m.parameter() != null && m.parameterChanged()) {
      out = restoreParameter(out, m);
    }
    MaintenanceState exited = m.exited(now());
    return out.update(CorruptionState.PART, st -> st.withMaintenance(exited));
  }

  private Recovery restoreParameter(Recovery recovery, MaintenanceState m) {
    String current = recovery.dryRun() ? m.parameterValue() : MaintenanceRules.parameter(ssm, m.parameter());
    if (current == null ? m.parameterPrevious() == null : current.equals(m.parameterPrevious())) {
      return recovery.log(entry("maintenance-off", "SSM " + m.parameter() + " already back to "
          + (current == null ? "absent" : current)));
    }
    if (!m.parameterValue().equals(current)) {
      // someone changed it since: their value stands
      return recovery.log(entry("left", "SSM " + m.parameter() + " now holds " + current + ", not the "
          + m.parameterValue() + " EnterMaintenance set: left as it is"));
    }
    Mutation<?> sent;
    if (m.parameterPrevious() == null) {
      DeleteParameterRequest request = DeleteParameterRequest.builder().name(m.parameter()).build();
      sent = mutate(recovery, "ssm", "DeleteParameter", m.parameter(), request, () -> ssm.deleteParameter(request));
    } else {
      PutParameterRequest request = PutParameterRequest.builder().name(m.parameter()).value(m.parameterPrevious())
          .type(ParameterType.STRING).overwrite(true).build();
      sent = mutate(recovery, "ssm", "PutParameter", m.parameter(), request, () -> ssm.putParameter(request));
    }
    return sent.recovery().log(entry(recovery.dryRun() ? "would-exit" : "maintenance-off", "SSM " + m.parameter()
        + (m.parameterPrevious() == null ? " deleted (it did not exist before)" : " back to "
            + m.parameterPrevious())));
  }
}
