package ai.sentinel.dr.corruption;

import ai.sentinel.dr.corruption.DataCorruptionSettings.Maintenance;
import ai.sentinel.dr.errors.StepFailedError;
import java.util.Optional;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/** Reads of the maintenance switches: this recovery's own 503 rule, the rule priority, the parameter's value. */
final class MaintenanceRules {
  private MaintenanceRules() {}

  /** The 503 body: says why, and names the recovery (how a re-run recognises its own rule). */
  static String body(Maintenance m, String execution) {
    return "{\"error\":\"maintenance\",\"message\":\"" + (m.readOnly() ? "Writes are paused" : "The API is paused")
        + " while corrupted data is repaired\",\"recovery\":\"" + execution + "\"}";
  }

  /** The listener's ARN, from the load balancer's name and the listener's port. */
  static String listenerArn(ElasticLoadBalancingV2Client elb, Maintenance m) {
    String lb;
    try {
      lb = elb.describeLoadBalancers(b -> b.names(m.loadBalancer())).loadBalancers().get(0).loadBalancerArn();
    } catch (LoadBalancerNotFoundException | IndexOutOfBoundsException e) {
      throw new StepFailedError("load balancer " + m.loadBalancer() + " (dataCorruption.maintenance.listener) not "
          + "found: nothing was changed");
    }
    return elb.describeListeners(b -> b.loadBalancerArn(lb)).listeners().stream()
        .filter(l -> l.port() != null && l.port() == m.port()).map(Listener::listenerArn).findFirst()
        .orElseThrow(() -> new StepFailedError(m.loadBalancer() + " has no listener on port " + m.port()
            + " (dataCorruption.maintenance.listener): nothing was changed"));
  }

  /** The rule on the listener whose 503 body names this execution, if any. */
  static Optional<Rule> own(ElasticLoadBalancingV2Client elb, String listenerArn, String execution) {
    String marker = "\"recovery\":\"" + execution + "\"";
    return elb.describeRules(b -> b.listenerArn(listenerArn)).rules().stream()
        .filter(r -> r.actions().stream().map(Action::fixedResponseConfig)
            .anyMatch(f -> f != null && f.messageBody() != null && f.messageBody().contains(marker)))
        .findFirst();
  }

  /** Whether the rule still exists on the listener. */
  static boolean exists(ElasticLoadBalancingV2Client elb, String listenerArn, String ruleArn) {
    return elb.describeRules(b -> b.listenerArn(listenerArn)).rules().stream()
        .anyMatch(r -> ruleArn.equals(r.ruleArn()));
  }

  /** A rule of someone else's at the configured priority is never replaced: a human picks another priority. */
  static void requireFreePriority(ElasticLoadBalancingV2Client elb, String listenerArn, Maintenance m) {
    String wanted = String.valueOf(m.priority());
    elb.describeRules(b -> b.listenerArn(listenerArn)).rules().stream()
        .filter(r -> wanted.equals(r.priority())).findFirst().ifPresent(r -> {
          throw new StepFailedError("priority " + wanted + " on " + m.listener() + " is taken by rule "
              + r.ruleArn() + ": set dataCorruption.maintenance.rulePriority to a free one (nothing was changed)");
        });
  }

  /** The parameter's value, or null when it does not exist. */
  static String parameter(SsmClient ssm, String name) {
    try {
      return ssm.getParameter(b -> b.name(name)).parameter().value();
    } catch (ParameterNotFoundException e) {
      return null;
    }
  }
}
