package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.security.SecurityState.Assessment;
import ai.sentinel.dr.security.SecurityState.Containment;
import ai.sentinel.dr.support.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealth;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/** Isolate and RestoreGradually: the remembered count, the steps back, each verified, the halt, re-runs, dry-runs. */
class IsolateTest {
  private EcsClient ecs;
  private ElasticLoadBalancingV2Client elb;
  private int desired = 3;
  private int running = 3;
  private int healthy = 3;
  private final List<Integer> sent = new ArrayList<>();

  @BeforeEach
  void setUp() {
    ecs = Fixtures.sdkMock(EcsClient.class);
    elb = Fixtures.sdkMock(ElasticLoadBalancingV2Client.class);
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(i -> DescribeServicesResponse.builder()
        .services(Service.builder().serviceName("sentinel-api").desiredCount(desired).runningCount(running)
            .deployments(Deployment.builder().status("PRIMARY").build()).build()).build());
    when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(i -> {
      desired = i.<UpdateServiceRequest>getArgument(0).desiredCount();
      sent.add(desired);
      return UpdateServiceResponse.builder().build();
    });
    when(elb.describeTargetGroups(any(DescribeTargetGroupsRequest.class))).thenReturn(DescribeTargetGroupsResponse
        .builder().targetGroups(TargetGroup.builder().targetGroupArn("arn:tg").build()).build());
    when(elb.describeTargetHealth(any(DescribeTargetHealthRequest.class))).thenAnswer(i -> {
      List<TargetHealthDescription> targets = new ArrayList<>();
      for (int n = 0; n < healthy; n++) {
        targets.add(TargetHealthDescription.builder().targetHealth(TargetHealth.builder().state("healthy").build())
            .build());
      }
      return DescribeTargetHealthResponse.builder().targetHealthDescriptions(targets).build();
    });
  }

  private Isolate isolate() {
    return new Isolate(Fixtures.deps(ecs, elb));
  }

  private RestoreGradually restore() {
    return new RestoreGradually(Fixtures.deps(ecs, elb));
  }

  static Recovery breach(boolean dryRun) {
    return assessed(dryRun, true);
  }

  static Recovery assessed(boolean dryRun, boolean active) {
    Recovery r = BlockIpsTest.assessed(dryRun, List.of("203.0.113.77/32"));
    Assessment a = r.part(SecurityState.PART).assessment();
    Assessment b = new Assessment(a.severity(), a.why(), a.source(), a.summary(), a.indicators(), a.refused(),
        active, new Containment(true, false, active), a.assessedAt());
    return r.with(SecurityState.PART, SecurityState.assessed(b));
  }

  @Test
  void isolatesToZeroRememberingTheCountAndASecondRunSendsNothing() {
    Recovery out = StepHarness.invoke(isolate(), breach(false));
    ArgumentCaptor<UpdateServiceRequest> req = ArgumentCaptor.forClass(UpdateServiceRequest.class);
    verify(ecs).updateService(req.capture());
    assertEquals("sentinel-production", req.getValue().cluster());
    assertEquals("sentinel-api", req.getValue().service());
    assertEquals(0, req.getValue().desiredCount());
    assertEquals(3, out.part(SecurityState.PART).isolation().previousDesired());
    StepHarness.invoke(isolate(), out);
    verify(ecs, times(1)).updateService(any(UpdateServiceRequest.class));
  }

  @Test
  void withoutAnActiveBreachNothingIsIsolated() {
    assertThrows(StepFailedError.class, () -> StepHarness.invoke(isolate(), assessed(false, false)));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
  }

  @Test
  void restoresInStepsEachVerifiedBeforeTheNext() {
    Recovery out = StepHarness.invoke(isolate(), breach(false));
    running = 0;
    healthy = 0;
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1), sent, "first step: one task");
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1), sent, "not yet running: waits, sends nothing");
    running = 1;
    healthy = 1;
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1, 2), sent, "half of 3, rounded up");
    running = 2;
    healthy = 2;
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1, 2, 3), sent);
    running = 3;
    healthy = 3;
    out = StepHarness.invoke(restore(), out);
    assertTrue(out.part(SecurityState.PART).restore().done());
    assertEquals(List.of(1, 2, 3), out.part(SecurityState.PART).restore().counts());
    StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1, 2, 3), sent, "done: a re-run sends nothing");
  }

  @Test
  void aStepThatDoesNotBecomeHealthyHaltsWhereItIs() {
    Recovery out = StepHarness.invoke(isolate(), breach(false));
    running = 1;
    healthy = 0; // tasks run but fail their health checks
    out = StepHarness.invoke(restore(), out);
    for (int i = 1; i < out.options().maxPolls(); i++) {
      out = StepHarness.invoke(restore(), out);
    }
    Recovery last = out;
    TimedOutError e = assertThrows(TimedOutError.class, () -> StepHarness.invoke(restore(), last));
    assertTrue(e.getMessage().contains("halted at step 1") && e.getMessage().contains("targets healthy"),
        e.getMessage());
    assertEquals(List.of(0, 1), sent, "left at one task for a human to judge");
  }

  @Test
  void aDryRunPlansIsolationAndEveryRestoreStep() {
    Recovery out = StepHarness.invoke(isolate(), breach(true));
    out = StepHarness.invoke(restore(), out);
    out = StepHarness.invoke(restore(), out);
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
    assertTrue(out.part(SecurityState.PART).restore().done());
    assertEquals(4, out.plan().size(), "0, then 1, 2, 3: " + out.plan());
  }
}
