package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.ecs.EcsState.TargetHealth;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * The ALB side of a service's health, read the same way before a recovery (Diagnose: is there a failure?) and after
 * it (VerifyTargets: is it gone?): the target group of the service (configured, else its load balancer's).
 */
final class TargetGroups {
  private TargetGroups() {}

  /** DescribeTargetHealth of the service's target group: PASS with a healthy target and no unhealthy one. */
  static Check check(DrConfig config, ElasticLoadBalancingV2Client elb, String name, Service service,
      List<TargetHealth> targets) {
    String configured = EcsSettings.of(config).targetGroups().get(name);
    String group = configured != null ? configured : service.loadBalancers().stream()
        .map(LoadBalancer::targetGroupArn).filter(a -> a != null && !a.isBlank()).findFirst().orElse(null);
    if (group == null) {
      return new Check("target-health", Result.SKIP, name + " has no target group (none in ECS_TARGET_GROUPS, no "
          + "load balancer on the service): no ALB targets to check");
    }
    List<TargetHealthDescription> seen;
    try {
      String arn = group.startsWith("arn:") ? group : arnOf(elb, group);
      seen = elb.describeTargetHealth(b -> b.targetGroupArn(arn)).targetHealthDescriptions();
    } catch (TargetGroupNotFoundException e) {
      return new Check("target-health", Result.FAIL, "target group " + group + " not found");
    }
    for (TargetHealthDescription d : seen) {
      String reason = d.targetHealth() == null ? null : d.targetHealth().reasonAsString();
      String description = d.targetHealth() == null ? null : d.targetHealth().description();
      targets.add(new TargetHealth(d.target().id(), d.target().port(),
          d.targetHealth() == null ? "unknown" : d.targetHealth().stateAsString(),
          description == null ? reason : reason == null ? description : reason + ": " + description));
    }
    Map<String, Long> byState = new TreeMap<>(EcsState.countByState(targets));
    long healthy = byState.getOrDefault("healthy", 0L);
    long unhealthy = byState.getOrDefault("unhealthy", 0L);
    byState.remove("healthy");
    byState.remove("unhealthy");
    StringBuilder detail = new StringBuilder(groupName(group) + ": " + healthy + " healthy, " + unhealthy
        + " unhealthy");
    if (!byState.isEmpty()) {
      detail.append(", other ").append(byState);
    }
    targets.stream().filter(t -> "unhealthy".equals(t.state())).limit(3).forEach(t -> detail.append("; ")
        .append(t.id()).append(t.port() == null ? "" : ":" + t.port()).append(" ").append(t.reason()));
    boolean ok = healthy >= 1 && unhealthy == 0;
    return new Check("target-health", ok ? Result.PASS : Result.FAIL, detail.toString());
  }

  /** ECS_TARGET_GROUPS may name a group rather than give its ARN (the ARN changes when the group is replaced). */
  private static String arnOf(ElasticLoadBalancingV2Client elb, String groupName) {
    return elb.describeTargetGroups(b -> b.names(groupName)).targetGroups().stream().map(TargetGroup::targetGroupArn)
        .findFirst().orElseThrow(() -> TargetGroupNotFoundException.builder().message(groupName).build());
  }

  /** "sentinel-api-tg" from "arn:...:targetgroup/sentinel-api-tg/6d0ecf831eec9f09", or the name as given. */
  private static String groupName(String group) {
    int at = group.indexOf(":targetgroup/");
    if (at < 0) {
      return group;
    }
    String rest = group.substring(at + ":targetgroup/".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }
}
