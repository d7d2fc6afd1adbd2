package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.corruption.CorruptionState.MaintenanceState;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.CreateRuleRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.CreateRuleResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DeleteRuleRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeListenersRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeListenersResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeLoadBalancersRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeLoadBalancersResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeRulesRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeRulesResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DeleteParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

/** EnterMaintenance and ExitMaintenance: exactly what was changed is recorded, and exactly that is undone. */
class MaintenanceTest {
  private static final String LB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/"
      + "sentinel-alb/50dc6c495c0c9188";
  private static final String LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/"
      + "sentinel-alb/50dc6c495c0c9188/f2f7dc8efc522ab2";
  private static final String RULE = LISTENER.replace(":listener/", ":listener-rule/") + "/9683b2d02a6cabee";
  private static final String PARAMETER = "/sentinel/maintenance-mode";

  private ElasticLoadBalancingV2Client elb;
  private SsmClient ssm;
  private final List<Rule> rules = new ArrayList<>();
  private String parameter;

  @BeforeEach
  void setUp() {
    elb = Fixtures.sdkMock(ElasticLoadBalancingV2Client.class);
    ssm = Fixtures.sdkMock(SsmClient.class);
    rules.add(Rule.builder().ruleArn(LISTENER + "/default").priority("default").isDefault(true).build());
    rules.add(Rule.builder().ruleArn(LISTENER + "/api").priority("10").build());
    when(elb.describeLoadBalancers(any(DescribeLoadBalancersRequest.class))).thenReturn(DescribeLoadBalancersResponse
        .builder().loadBalancers(LoadBalancer.builder().loadBalancerArn(LB).build()).build());
    when(elb.describeListeners(any(DescribeListenersRequest.class))).thenReturn(DescribeListenersResponse.builder()
        .listeners(Listener.builder().listenerArn(LISTENER + "-80").port(80).build(),
            Listener.builder().listenerArn(LISTENER).port(443).build()).build());
    when(elb.describeRules(any(DescribeRulesRequest.class))).thenAnswer(i -> DescribeRulesResponse.builder()
        .rules(List.copyOf(rules)).build());
    when(elb.createRule(any(CreateRuleRequest.class))).thenAnswer(i -> {
      CreateRuleRequest r = i.getArgument(0);
      Rule created = Rule.builder().ruleArn(RULE).priority(String.valueOf(r.priority())).actions(r.actions()).build();
      rules.add(created);
      return CreateRuleResponse.builder().rules(created).build();
    });
    when(ssm.getParameter(any(GetParameterRequest.class))).thenAnswer(i -> {
      if (parameter == null) {
        throw ParameterNotFoundException.builder().message("not found").build();
      }
      return GetParameterResponse.builder().parameter(p -> p.name(PARAMETER).value(parameter)).build();
    });
    when(ssm.putParameter(any(PutParameterRequest.class))).thenAnswer(i -> {
      parameter = ((PutParameterRequest) i.getArgument(0)).value();
      return null;
    });
  }

  private Recovery enter(Recovery in) {
    return StepHarness.invoke(new EnterMaintenance(Cases.deps(elb, ssm)), in);
  }

  private Recovery exit(Recovery in) {
    return StepHarness.invoke(new ExitMaintenance(Cases.deps(elb, ssm)), in);
  }

  private static Recovery diagnosed() {
    return Cases.with(Cases.recovery(false), new CorruptionState(Cases.REQUEST, null, null, null, null, null));
  }

  @Test
  void writesAreAnswered503AndTheParameterSetRecordingWhatItWas() {
    parameter = "normal";
    Recovery out = enter(diagnosed());
    ArgumentCaptor<CreateRuleRequest> rule = ArgumentCaptor.forClass(CreateRuleRequest.class);
    verify(elb).createRule(rule.capture());
    assertEquals(LISTENER, rule.getValue().listenerArn(), "the 443 listener of sentinel-alb");
    assertEquals(1, rule.getValue().priority());
    assertEquals(List.of("POST", "PUT", "PATCH", "DELETE"), rule.getValue().conditions().get(0)
        .httpRequestMethodConfig().values(), "read-only mode: GETs still served");
    Action action = rule.getValue().actions().get(0);
    assertEquals(ActionTypeEnum.FIXED_RESPONSE, action.type());
    assertEquals("503", action.fixedResponseConfig().statusCode());
    assertTrue(action.fixedResponseConfig().messageBody().contains(Cases.EXECUTION));
    assertEquals("read-only", parameter);
    MaintenanceState m = out.part(CorruptionState.PART).maintenance();
    assertEquals(RULE, m.ruleArn());
    assertEquals("normal", m.parameterPrevious());
    assertTrue(m.parameterChanged());
    assertTrue(m.enteredAt() != null);
  }

  @Test
  void exitUndoesExactlyThat() {
    parameter = "normal";
    Recovery out = exit(enter(diagnosed()));
    ArgumentCaptor<DeleteRuleRequest> deleted = ArgumentCaptor.forClass(DeleteRuleRequest.class);
    verify(elb).deleteRule(deleted.capture());
    assertEquals(RULE, deleted.getValue().ruleArn(), "only the rule it created");
    assertEquals("normal", parameter, "the value it had before");
    assertTrue(out.part(CorruptionState.PART).maintenance().exitedAt() != null);
    // a second run changes nothing more
    exit(out);
    verify(elb, times(1)).deleteRule(any(DeleteRuleRequest.class));
  }

  @Test
  void aParameterThatDidNotExistIsDeletedAgain() {
    parameter = null;
    exit(enter(diagnosed()));
    verify(ssm).deleteParameter(any(DeleteParameterRequest.class));
  }

  @Test
  void aParameterAlreadyInMaintenanceIsNeitherSetNorReverted() {
    parameter = "read-only";
    Recovery out = enter(diagnosed());
    verify(ssm, never()).putParameter(any(PutParameterRequest.class));
    assertFalse(out.part(CorruptionState.PART).maintenance().parameterChanged());
    exit(out);
    verify(ssm, never()).putParameter(any(PutParameterRequest.class));
    verify(ssm, never()).deleteParameter(any(DeleteParameterRequest.class));
    assertEquals("read-only", parameter, "someone else's maintenance stays on");
  }

  @Test
  void aValueSomeoneChangedMeanwhileIsLeftAsTheySetIt() {
    parameter = "normal";
    Recovery entered = enter(diagnosed());
    parameter = "maintenance-by-alice";
    Recovery out = exit(entered);
    assertEquals("maintenance-by-alice", parameter);
    assertFalse(StepHarness.entries(out, "ExitMaintenance", "left").isEmpty());
  }

  @Test
  void aSecondEnterAdoptsItsOwnRuleInsteadOfAddingOne() {
    parameter = "normal";
    Recovery once = enter(diagnosed());
    // the first answer was lost: the document does not know what was done
    Recovery again = enter(Cases.with(once, once.part(CorruptionState.PART).withMaintenance(null)));
    verify(elb, times(1)).createRule(any(CreateRuleRequest.class));
    assertEquals(RULE, again.part(CorruptionState.PART).maintenance().ruleArn());
  }

  @Test
  void someoneElsesRuleAtThePriorityIsNeverReplaced() {
    rules.add(Rule.builder().ruleArn(LISTENER + "/someone").priority("1").build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> enter(diagnosed()));
    assertTrue(e.getMessage().contains("priority 1"), e.getMessage());
    verify(elb, never()).createRule(any(CreateRuleRequest.class));
    verify(ssm, never()).putParameter(any(PutParameterRequest.class));
  }

  @Test
  void everyRequestIs503InAllModeAndADryRunSendsNothing() {
    var env = Cases.env(s -> ((com.fasterxml.jackson.databind.node.ObjectNode) s.get("maintenance"))
        .put("mode", "all"));
    Recovery out = StepHarness.invoke(new EnterMaintenance(Cases.deps(env, elb, ssm)),
        Cases.with(Cases.recovery(true), new CorruptionState(Cases.REQUEST, null, null, null, null, null)));
    verify(elb, never()).createRule(any(CreateRuleRequest.class));
    verify(ssm, never()).putParameter(any(PutParameterRequest.class));
    assertEquals(2, out.plan().size(), out.plan().toString());
    assertTrue(out.plan().get(0).request().contains("path-pattern"), out.plan().get(0).request());
    assertTrue(out.plan().get(1).request().contains("maintenance"), "the all-mode value");
    assertNull(out.part(CorruptionState.PART).maintenance().ruleArn());
  }
}
