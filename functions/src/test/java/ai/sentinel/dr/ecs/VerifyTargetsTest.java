package ai.sentinel.dr.ecs;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.ecs.EcsState.TargetHealth;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * Runbook Scenario 3 symptoms gone: the service is stable with tasks running, and its ALB target group has healthy
 * targets and no unhealthy one ("No healthy targets in ALB" is the symptom the runbook starts from).
 */
class VerifyTargetsTest {
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final ElasticLoadBalancingV2Client elb = Fixtures.sdkMock(ElasticLoadBalancingV2Client.class);
  private final VerifyTargets step = new VerifyTargets(Ecs.deps(ecs, elb));

  @BeforeEach
  void setUp() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 3, 3, 7));
    when(elb.describeTargetGroups(any(DescribeTargetGroupsRequest.class))).thenReturn(DescribeTargetGroupsResponse
        .builder().targetGroups(TargetGroup.builder().targetGroupName("sentinel-api-tg").targetGroupArn(Ecs.TG_ARN)
            .build()).build());
  }

  private void targets(TargetHealthDescription... seen) {
    when(elb.describeTargetHealth(any(DescribeTargetHealthRequest.class)))
        .thenReturn(DescribeTargetHealthResponse.builder().targetHealthDescriptions(seen).build());
  }

  private static TargetHealthDescription target(String ip, String state, String reason, String description) {
    return TargetHealthDescription.builder().target(TargetDescription.builder().id(ip).port(8000).build())
        .targetHealth(h -> h.state(state).reason(reason).description(description)).build();
  }

  private static Recovery afterRecovery(String service, boolean dryRun) {
    Recovery r = Ecs.inPhase("rollback", 3, "ecs-svc/rollback", 7, dryRun);
    return Ecs.recovery(service, dryRun).with(EcsState.PART, r.part(EcsState.PART).polled(true, false,
        "3/3 running, 1 deployment(s)", "ok"));
  }

  private static Check check(Verification v, String name) {
    return v.checks().stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + name + " in " + v.checks()));
  }

  @Test
  void stableServiceWithHealthyTargetsIsVerified() {
    targets(target("10.0.1.10", "healthy", null, null), target("10.0.2.11", "healthy", null, null),
        target("10.0.1.99", "draining", "Target.DeregistrationInProgress", "Target deregistration is in progress"));
    Recovery out = invoke(step, afterRecovery(Ecs.API, false));

    ArgumentCaptor<DescribeTargetGroupsRequest> byName = ArgumentCaptor.forClass(DescribeTargetGroupsRequest.class);
    verify(elb).describeTargetGroups(byName.capture());
    assertEquals(List.of("sentinel-api-tg"), byName.getValue().names()); // ECS_TARGET_GROUPS names the group
    ArgumentCaptor<DescribeTargetHealthRequest> health = ArgumentCaptor.forClass(DescribeTargetHealthRequest.class);
    verify(elb).describeTargetHealth(health.capture());
    assertEquals(Ecs.TG_ARN, health.getValue().targetGroupArn());

    Verification v = out.verification();
    assertTrue(v.verified());
    assertEquals(Result.PASS, check(v, "service-stable").result());
    assertEquals("3/3 running, 1 deployment(s) on sentinel-api:7", check(v, "service-stable").detail());
    Check th = check(v, "target-health");
    assertEquals(Result.PASS, th.result());
    assertEquals("sentinel-api-tg: 2 healthy, 0 unhealthy, other {draining=1}", th.detail());
    assertEquals(Result.SKIP, check(v, "api-health").result());
    assertEquals(3, out.part(EcsState.PART).targets().size());
    assertEquals(new TargetHealth("10.0.1.99", 8000, "draining",
        "Target.DeregistrationInProgress: Target deregistration is in progress"), out.part(EcsState.PART).targets()
            .get(2));
    assertTrue(only(out, "VerifyTargets", "verified").detail().contains("target-health=PASS"));
  }

  @Test
  void aTargetGroupArnIsUsedAsItIs() {
    targets(target("10.0.1.10", "healthy", null, null));
    VerifyTargets byArn = new VerifyTargets(Fixtures.deps(Ecs.config(s -> s.putObject("targetGroups")
        .put("sentinel-api", Ecs.TG_ARN)), ecs, elb));
    assertTrue(invoke(byArn, afterRecovery(Ecs.API, false)).verification().verified());
    verify(elb, never()).describeTargetGroups(any(DescribeTargetGroupsRequest.class));
  }

  @Test
  void anUnhealthyTargetFailsVerificationAndSaysWhy() {
    targets(target("10.0.1.10", "healthy", null, null),
        target("10.0.2.11", "unhealthy", "Target.ResponseCodeMismatch",
            "Health checks failed with these codes: [503]"));
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(step, afterRecovery(Ecs.API, false)));
    assertTrue(e.getMessage().contains("target-health: sentinel-api-tg: 1 healthy, 1 unhealthy"), e.getMessage());
    assertTrue(e.getMessage().contains("10.0.2.11:8000 Target.ResponseCodeMismatch: Health checks failed with these "
        + "codes: [503]"), e.getMessage());
  }

  @Test
  void noHealthyTargetYetFailsVerification() {
    targets(target("10.0.1.10", "initial", "Elb.RegistrationInProgress", null));
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(step, afterRecovery(Ecs.API, false)));
    assertTrue(e.getMessage().contains("0 healthy, 0 unhealthy, other {initial=1}"), e.getMessage());
  }

  @Test
  void emptyTargetGroupFailsVerification() {
    targets();
    assertThrows(VerificationFailedError.class, () -> invoke(step, afterRecovery(Ecs.API, false)));
  }

  @Test
  void aWorkerWithoutATargetGroupSkipsTheTargetCheckAndSaysWhy() {
    Ecs.reports(ecs, Ecs.steady(Ecs.WORKER, 2, 2, 4));
    Recovery out = invoke(step, afterRecovery(Ecs.WORKER, false));
    verifyNoInteractions(elb);
    Check th = check(out.verification(), "target-health");
    assertEquals(Result.SKIP, th.result());
    assertTrue(th.detail().startsWith("sentinel-celery has no target group"), th.detail());
    assertTrue(out.verification().verified()); // the stable service is the check that passed
  }

  @Test
  void withoutConfigTheServicesOwnLoadBalancerTargetGroupIsChecked() {
    Ecs.reports(ecs, Ecs.steady(Ecs.WORKER, 2, 2, 4).toBuilder().loadBalancers(LoadBalancer.builder()
        .targetGroupArn(Ecs.TG_ARN).containerName("worker").containerPort(8000).build()).build());
    targets(target("10.0.1.10", "unhealthy", "Target.Timeout", null));
    assertThrows(VerificationFailedError.class, () -> invoke(step, afterRecovery(Ecs.WORKER, false)));
    ArgumentCaptor<DescribeTargetHealthRequest> health = ArgumentCaptor.forClass(DescribeTargetHealthRequest.class);
    verify(elb).describeTargetHealth(health.capture());
    assertEquals(Ecs.TG_ARN, health.getValue().targetGroupArn());
  }

  @Test
  void aServiceNotStableFailsVerification() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 2, 3, 7));
    targets(target("10.0.1.10", "healthy", null, null));
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(step, afterRecovery(Ecs.API, false)));
    assertTrue(e.getMessage().contains("service-stable: 2/3 running, 1 deployment(s)"), e.getMessage());
  }

  @Test
  void aServiceRunningNothingIsNotRecovered() {
    Ecs.reports(ecs, Ecs.steady(Ecs.WORKER, 0, 0, 4)); // stable as the waiter means it, but serving nothing
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(step, afterRecovery(Ecs.WORKER, false)));
    assertTrue(e.getMessage().contains("service-stable: 0/0 running"), e.getMessage());
  }

  @Test
  void aConfiguredTargetGroupThatDoesNotExistFailsVerification() {
    when(elb.describeTargetGroups(any(DescribeTargetGroupsRequest.class))).thenThrow(TargetGroupNotFoundException
        .builder().statusCode(400).message("One or more target groups not found").build());
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(step, afterRecovery(Ecs.API, false)));
    assertTrue(e.getMessage().contains("target group sentinel-api-tg not found"), e.getMessage());
  }

  @Test
  void aConfiguredHealthUrlMustAnswer2xx() throws Exception {
    targets(target("10.0.1.10", "healthy", null, null));
    int[] status = {200};
    com.sun.net.httpserver.HttpServer api = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/health", exchange -> {
      exchange.sendResponseHeaders(status[0], -1);
      exchange.close();
    });
    api.start();
    try {
      String url = "http://127.0.0.1:" + api.getAddress().getPort() + "/health";
      VerifyTargets withUrl = new VerifyTargets(Fixtures.deps(Ecs.config(Map.of("HEALTH_URL", url)), ecs, elb));
      Check health = check(invoke(withUrl, afterRecovery(Ecs.API, false)).verification(), "api-health");
      assertEquals(Result.PASS, health.result(), health.detail());

      status[0] = 503;
      VerificationFailedError e = assertThrows(VerificationFailedError.class,
          () -> invoke(withUrl, afterRecovery(Ecs.API, false)));
      assertTrue(e.getMessage().contains("api-health"), e.getMessage());
    } finally {
      api.stop(0);
    }
  }

  @Test
  void dryRunVerifiesNothingAndIsNotASuccess() {
    Recovery out = invoke(step, afterRecovery(Ecs.API, true));
    verifyNoInteractions(ecs, elb);
    assertFalse(out.verification().verified());
    out.verification().checks().forEach(c -> assertEquals(Result.SKIP, c.result()));
    only(out, "VerifyTargets", "skipped");
  }

  @Test
  void aServiceThisEnvironmentDoesNotProtectIsRefusedBeforeAnyCall() {
    assertThrows(StepFailedError.class, () -> invoke(step, afterRecovery("billing-api", false)));
    verifyNoInteractions(ecs, elb);
  }
}
