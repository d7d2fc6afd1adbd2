package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeListenersResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeLoadBalancersResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeRulesResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ElasticLoadBalancingV2Exception;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/** The local front door's {@code GET /health}: the listener's matching rule first, then the targets. */
class LocalApiTest {
  private static final String GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123";

  /** An ELB client answering the five Describe calls from what the test set; every other call fails. */
  private static ElasticLoadBalancingV2Client elb(List<Rule> rules, List<String> targetStates, boolean down) {
    Action ok = Action.builder().type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(f -> f.statusCode("200"))
        .build();
    InvocationHandler answer = (proxy, method, args) -> {
      if (method.isDefault() && args != null && args.length == 1 && args[0] instanceof java.util.function.Consumer) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      if (down) {
        throw ElasticLoadBalancingV2Exception.builder().message("region down").build();
      }
      return switch (method.getName()) {
        case "describeLoadBalancers" -> DescribeLoadBalancersResponse.builder().loadBalancers(l -> l
            .loadBalancerArn("lb")).build();
        case "describeListeners" -> DescribeListenersResponse.builder().listeners(l -> l.listenerArn("listener")
            .defaultActions(ok)).build();
        case "describeRules" -> {
          List<Rule> all = new ArrayList<>(rules);
          all.add(Rule.builder().priority("default").isDefault(true).actions(ok).build());
          yield DescribeRulesResponse.builder().rules(all).build();
        }
        case "describeTargetGroups" -> DescribeTargetGroupsResponse.builder().targetGroups(g -> g
            .targetGroupArn(GROUP)).build();
        case "describeTargetHealth" -> DescribeTargetHealthResponse.builder().targetHealthDescriptions(
            targetStates.stream().map(s -> TargetHealthDescription.builder().targetHealth(h -> h.state(s)).build())
                .toList()).build();
        default -> throw new UnsupportedOperationException(method.getName());
      };
    };
    return (ElasticLoadBalancingV2Client) Proxy.newProxyInstance(LocalApiTest.class.getClassLoader(),
        new Class<?>[] {ElasticLoadBalancingV2Client.class}, answer);
  }

  private static Rule maintenance(String priority, RuleCondition condition) {
    return Rule.builder().priority(priority).isDefault(false).conditions(condition).actions(Action.builder()
        .type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(f -> f.statusCode("503")).build()).build();
  }

  private static int get(ElasticLoadBalancingV2Client elb) {
    return LocalApi.status(elb, List.of("api"), "GET", "/health");
  }

  @Test
  void healthyTargetsAnswer200AndNoneAnswer503() {
    assertEquals(200, get(elb(List.of(), List.of("healthy", "unhealthy"), false)));
    assertEquals(503, get(elb(List.of(), List.of("unhealthy", "draining"), false)));
    assertEquals(503, get(elb(List.of(), List.of(), false)), "a target group without targets");
  }

  @Test
  void aMaintenanceRuleForEveryRequestAnswersHealthWithItsStatus() {
    RuleCondition everything = RuleCondition.builder().field("path-pattern").pathPatternConfig(c -> c.values("*"))
        .build();
    assertEquals(503, get(elb(List.of(maintenance("1", everything)), List.of("healthy"), false)));
  }

  @Test
  void aReadOnlyRuleForWritesLeavesGetHealthToTheTargets() {
    RuleCondition writes = RuleCondition.builder().field("http-request-method").httpRequestMethodConfig(c -> c
        .values("POST", "PUT", "PATCH", "DELETE")).build();
    ElasticLoadBalancingV2Client elb = elb(List.of(maintenance("1", writes)), List.of("healthy"), false);
    assertEquals(200, get(elb));
    assertEquals(503, LocalApi.status(elb, List.of("api"), "POST", "/health"));
  }

  @Test
  void aRuleWithAConditionItCannotEvaluateIsSkipped() {
    RuleCondition host = RuleCondition.builder().field("host-header").values("admin.example.com").build();
    assertEquals(200, get(elb(List.of(maintenance("1", host)), List.of("healthy"), false)));
  }

  @Test
  void anUnreadableLoadBalancerAnswers503() {
    assertEquals(503, get(elb(List.of(), List.of("healthy"), true)));
  }
}
