package ai.sentinel.dr.security;

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

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.security.SecurityState.Assessment;
import ai.sentinel.dr.security.SecurityState.Containment;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;

/**
 * Isolate and RestoreGradually: the remembered count, the steps back, each verified (tasks, targets, the error rate
 * over the step's own window), the halt on a regression, re-runs, dry-runs.
 */
class IsolateTest {
  static final String ALB = "app/sentinel-alb/0123456789abcdef";
  private EcsClient ecs;
  private ElasticLoadBalancingV2Client elb;
  private CloudWatchClient cloudWatch;
  /** The load balancer's counts over whatever window is asked: requests, its own 5xx, the targets' 5xx. */
  private long requests = 200;
  private long elb5xx = 0;
  private long target5xx = 0;
  private Instant now = Fixtures.NOW;
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
    cloudWatch = Fixtures.sdkMock(CloudWatchClient.class);
    when(cloudWatch.getMetricData(any(GetMetricDataRequest.class))).thenAnswer(i -> {
      List<MetricDataResult> results = new ArrayList<>();
      for (MetricDataQuery q : i.<GetMetricDataRequest>getArgument(0).metricDataQueries()) {
        String metric = q.metricStat().metric().metricName();
        long value = metric.equals("RequestCount") ? requests : metric.contains("ELB") ? elb5xx : target5xx;
        results.add(MetricDataResult.builder().id(q.id()).values((double) value).build());
      }
      return GetMetricDataResponse.builder().metricDataResults(results).build();
    });
  }

  private Isolate isolate() {
    return new Isolate(Fixtures.deps(ecs, elb));
  }

  /** RestoreGradually at {@link #now}, judging the error rate on {@link #ALB} (1% at most, the default). */
  private RestoreGradually restore() {
    DrConfig config = DrConfig.fromEnv(Fixtures.withSection(Fixtures.env(), "security",
        s -> ((ObjectNode) s.get("isolation")).put("loadBalancer", ALB)));
    Deps deps = Fixtures.deps(config, ecs, elb, cloudWatch);
    return new RestoreGradually(new Deps(deps.config(), deps.clients(), Clock.fixed(now, ZoneOffset.UTC)));
  }

  /** The state machine's Wait of pollSeconds (30 here) before the next poll. */
  private void pollInterval() {
    now = now.plusSeconds(30);
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
    pollInterval();
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1, 2), sent, "half of 3, rounded up");
    running = 2;
    healthy = 2;
    pollInterval();
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1, 2, 3), sent);
    running = 3;
    healthy = 3;
    pollInterval();
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

  @Test
  void eachStepIsJudgedByItsTargets5xxOverItsOwnWindowOnTheLoadBalancer() {
    Recovery out = StepHarness.invoke(isolate(), breach(false));
    out = StepHarness.invoke(restore(), out); // step 1 (one task) set at 10:05:00
    running = 1;
    healthy = 1;
    // the load balancer answered the isolation's requests itself (no target): not the restored tasks' errors
    elb5xx = 150;
    now = Instant.parse("2026-01-17T10:07:30Z");
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1, 2), sent, "0% target 5xx: the next step");
    ArgumentCaptor<GetMetricDataRequest> req = ArgumentCaptor.forClass(GetMetricDataRequest.class);
    verify(cloudWatch).getMetricData(req.capture());
    GetMetricDataRequest first = req.getValue();
    assertEquals(Instant.parse("2026-01-17T10:05:00Z"), first.startTime(), "from step 1's UpdateService");
    assertEquals(Instant.parse("2026-01-17T10:08:00Z"), first.endTime(), "to now, in whole minutes");
    assertEquals(List.of("RequestCount", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"), first
        .metricDataQueries().stream().map(q -> q.metricStat().metric().metricName()).toList());
    for (MetricDataQuery q : first.metricDataQueries()) {
      assertEquals("AWS/ApplicationELB", q.metricStat().metric().namespace());
      assertEquals("LoadBalancer", q.metricStat().metric().dimensions().get(0).name());
      assertEquals(ALB, q.metricStat().metric().dimensions().get(0).value());
      assertEquals("Sum", q.metricStat().stat());
    }
    running = 2;
    healthy = 2;
    target5xx = 2; // 1% of 200: at the ceiling, not above it
    now = Instant.parse("2026-01-17T10:10:10Z");
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1, 2, 3), sent);
    verify(cloudWatch, times(2)).getMetricData(req.capture());
    assertEquals(Instant.parse("2026-01-17T10:07:00Z"), req.getValue().startTime(), "step 2's own window, 10:07:30");
    assertEquals(Instant.parse("2026-01-17T10:11:00Z"), req.getValue().endTime());
    String stable = out.timeline().stream().filter(e -> "stable".equals(e.event())).reduce((a, b) -> b)
        .orElseThrow().detail();
    assertTrue(stable.contains("1.00% target 5xx (2 of 200 requests on " + ALB), stable);
  }

  @Test
  void aRegressionAtStep2HaltsThereAndNeverSendsStep3() {
    Recovery out = StepHarness.invoke(isolate(), breach(false));
    out = StepHarness.invoke(restore(), out);
    running = 1;
    healthy = 1;
    pollInterval();
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1, 2), sent, "step 1 clean: step 2 set");
    running = 2;
    healthy = 2; // tasks and targets are fine: only the error rate tells
    target5xx = 3; // 1.5% of 200
    pollInterval();
    Recovery atStep2 = out;
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> StepHarness.invoke(restore(), atStep2));
    assertTrue(e.getMessage().contains("halted at step 2 of 3 (2 tasks)") && e.getMessage().contains("1.50% target "
        + "5xx (3 of 200") && e.getMessage().contains("at most 1.00%"), e.getMessage());
    assertEquals(List.of(0, 1, 2), sent, "left at 2 tasks");
    verify(ecs, never()).updateService(org.mockito.ArgumentMatchers.<UpdateServiceRequest>argThat(
        r -> r.desiredCount() == 3));
  }

  @Test
  void metricsThatCannotBeReadAreWaitedForNeverSkipped() {
    Recovery out = StepHarness.invoke(isolate(), breach(false));
    out = StepHarness.invoke(restore(), out);
    running = 1;
    healthy = 1;
    when(cloudWatch.getMetricData(any(GetMetricDataRequest.class))).thenThrow(CloudWatchException.builder()
        .message("Rate exceeded").statusCode(400).build());
    pollInterval();
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1), sent, "no step without its error rate");
    String status = out.part(SecurityState.PART).restore().status();
    assertTrue(status.contains("not measured") && status.contains("Rate exceeded"), status);
  }

  @Test
  void aStepStableBeforePollSecondsSoaksTheRestBeforeItsErrorRateIsJudged() {
    Recovery out = StepHarness.invoke(isolate(), breach(false));
    out = StepHarness.invoke(restore(), out); // step 1 set at 10:05:00
    running = 1;
    healthy = 1;
    // ECS's steady-state event woke the wait 12 s after the UpdateService, before pollSeconds (30)
    now = now.plusSeconds(12);
    out = StepHarness.invoke(restore(), out);
    SecurityState.Restore soaking = out.part(SecurityState.PART).restore();
    assertEquals(18, soaking.soakSeconds(), "the rest of pollSeconds: " + soaking);
    assertFalse(soaking.done());
    assertEquals(List.of(0, 1), sent, "no next step before the error rate is judged");
    verify(cloudWatch, never()).getMetricData(any(GetMetricDataRequest.class));
    assertEquals(Recovery.WAITING, out.timeline().get(out.timeline().size() - 1).event());
    now = now.plusSeconds(18); // the state machine's "Soak restore step"
    out = StepHarness.invoke(restore(), out);
    assertEquals(List.of(0, 1, 2), sent, "judged after the soak: the next step");
    assertNull(out.part(SecurityState.PART).restore().soakSeconds());
    ArgumentCaptor<GetMetricDataRequest> req = ArgumentCaptor.forClass(GetMetricDataRequest.class);
    verify(cloudWatch).getMetricData(req.capture());
    assertEquals(Instant.parse("2026-01-17T10:05:00Z"), req.getValue().startTime());
  }

  @Test
  void theRestoreAwaitsTheServicesSteadyStateWhileAStepIsUnderWay() {
    Recovery isolated = StepHarness.invoke(isolate(), breach(false));
    assertEquals(List.of(), restore().awaits(isolated), "no step under way yet");
    Recovery out = StepHarness.invoke(restore(), isolated);
    assertEquals(List.of("ecs-service:sentinel-api#stable"),
        restore().awaits(out).stream().map(ai.sentinel.dr.wait.Awaited::key).toList());
    for (int count : List.of(1, 2, 3)) {
      running = count;
      healthy = count;
      pollInterval();
      out = StepHarness.invoke(restore(), out);
    }
    assertTrue(out.part(SecurityState.PART).restore().done());
    assertEquals(List.of(), restore().awaits(out), "restored: nothing to wait for");
  }

  @Test
  void theWaitOnlyReadsTheNextStepIsSetByThePollAfterIt() {
    SfnClient sfn = Fixtures.sdkMock(SfnClient.class);
    DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
    DrConfig config = DrConfig.fromEnv(Fixtures.withSection(Fixtures.env(), "security",
        s -> ((ObjectNode) s.get("isolation")).put("loadBalancer", ALB)));
    Deps deps = Fixtures.deps(config, ecs, elb, cloudWatch, sfn, ddb);
    RestoreGradually waiting = new RestoreGradually(new Deps(deps.config(), deps.clients(),
        Clock.fixed(now.plusSeconds(30), ZoneOffset.UTC)));
    Recovery out = StepHarness.invoke(isolate(), breach(false));
    out = StepHarness.invoke(restore(), out);
    running = 0;
    healthy = 0;
    assertFalse(StepHarness.awaitInvoke(waiting, out, "t-1").path("ready").asBoolean(), "tasks not running yet");
    running = 1;
    healthy = 1;
    assertTrue(StepHarness.awaitInvoke(waiting, out, "t-2").path("ready").asBoolean(), "stable: its own token");
    assertEquals(List.of(0, 1), sent, "the wait sets no step: the poll after it does, once");
    verify(sfn, times(1)).sendTaskSuccess(any(SendTaskSuccessRequest.class));
  }
}
