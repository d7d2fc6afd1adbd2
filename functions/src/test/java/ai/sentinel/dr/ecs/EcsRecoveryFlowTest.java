package ai.sentinel.dr.ecs;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.report.IncidentReports;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsRequest;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * The six steps along the state machine's ECS path (its Choice states replayed here), each reading the JSON the
 * previous one wrote, against a small ECS fake: revision 9 never starts, revision 7 does, the service was scaled
 * down to 1. The recovery must redeploy, give up after the window, roll back to 7, scale back to 3 and verify.
 */
class EcsRecoveryFlowTest {
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final CloudWatchLogsClient logs = Fixtures.sdkMock(CloudWatchLogsClient.class);
  private final ElasticLoadBalancingV2Client elb = Fixtures.sdkMock(ElasticLoadBalancingV2Client.class);
  private final Deps deps = Ecs.deps(ecs, logs, elb);
  private final FakeService api = new FakeService();
  private final List<UpdateServiceRequest> updates = new ArrayList<>();

  /** sentinel-api as ECS would report it: a revision that starts reaches its desired count at the next look. */
  private static final class FakeService {
    final Set<Integer> starts = Set.of(7);
    int revision = 9;
    int desired = 1;
    int running = 0;
    int deploymentNo = 1;
    boolean oldDeploymentDraining = false;

    Service view() {
      List<Deployment> ds = new ArrayList<>();
      ds.add(Ecs.deployment("ecs-svc/" + deploymentNo, "PRIMARY", revision, running, desired,
          Instant.parse("2026-01-17T09:00:00Z"), running == desired ? "COMPLETED" : "IN_PROGRESS"));
      if (oldDeploymentDraining) {
        ds.add(Ecs.deployment("ecs-svc/" + (deploymentNo - 1), "ACTIVE", 9, 0, desired,
            Instant.parse("2026-01-16T09:00:00Z"), "IN_PROGRESS"));
      }
      return Ecs.service(Ecs.API, running, desired, revision, ds.toArray(Deployment[]::new));
    }

    /** Time passes between polls: a revision that starts gets all its tasks running, the old deployment goes. */
    void tick() {
      if (starts.contains(revision)) {
        running = desired;
        oldDeploymentDraining = false;
      }
    }
  }

  @BeforeEach
  void setUp() {
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
      Service view = api.view();
      api.tick();
      return DescribeServicesResponse.builder().services(view).build();
    });
    when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> {
      UpdateServiceRequest req = inv.getArgument(0);
      updates.add(req);
      if (req.desiredCount() != null) {
        api.desired = req.desiredCount();
      }
      if (Boolean.TRUE.equals(req.forceNewDeployment()) || req.taskDefinition() != null) {
        api.deploymentNo++;
        api.oldDeploymentDraining = true;
        api.running = 0;
        if (req.taskDefinition() != null) {
          api.revision = EcsServices.revision(req.taskDefinition()).orElseThrow().number();
        }
      }
      return UpdateServiceResponse.builder().service(api.view()).build();
    });
    when(ecs.listTasks(any(ListTasksRequest.class))).thenReturn(ListTasksResponse.builder().build());
    when(ecs.listTaskDefinitions(any(ListTaskDefinitionsRequest.class))).thenReturn(ListTaskDefinitionsResponse
        .builder().taskDefinitionArns(Ecs.td(9), Ecs.td(7), Ecs.td(6)).build());
    when(logs.filterLogEvents(any(FilterLogEventsRequest.class))).thenThrow(ResourceNotFoundException.builder()
        .statusCode(400).message("The specified log group does not exist.").build());
    when(elb.describeTargetGroups(any(DescribeTargetGroupsRequest.class))).thenReturn(DescribeTargetGroupsResponse
        .builder().targetGroups(TargetGroup.builder().targetGroupArn(Ecs.TG_ARN).build()).build());
    when(elb.describeTargetHealth(any(DescribeTargetHealthRequest.class))).thenReturn(DescribeTargetHealthResponse
        .builder().targetHealthDescriptions(TargetHealthDescription.builder()
            .target(t -> t.id("10.0.1.10").port(8000)).targetHealth(h -> h.state("healthy")).build()).build());
  }

  /** The ECS state machine's path: its Choice states, as the brief fixes them. */
  private Recovery runStateMachine(Recovery start) {
    Recovery r = invoke(new Diagnose(deps), start);
    r = invoke(new ForceNewDeployment(deps), r);
    WaitForStability wait = new WaitForStability(deps);
    ScaleUp scaleUp = new ScaleUp(deps);
    r = invoke(wait, r);
    for (int states = 0; states < 50; states++) {
      if (r.part(EcsState.PART).stable()) {
        r = invoke(scaleUp, r);
        if (!(r.part(EcsState.PART).scale().scaled() && !r.dryRun())) {
          return invoke(new VerifyTargets(deps), r);
        }
        r = invoke(wait, r);
      } else if (r.part(EcsState.PART).rollbackDue()) {
        r = invoke(new DeployPreviousVersion(deps), r);
        r = invoke(wait, r);
      } else {
        r = invoke(wait, r);
      }
    }
    throw new AssertionError("the flow did not end: " + r.timeline());
  }

  private static List<String> events(Recovery r) {
    return r.timeline().stream().map(e -> e.step() + "/" + e.event()).toList();
  }

  @Test
  void redeployThatNeverStabilisesIsRolledBackScaledUpAndVerified() {
    Recovery out = runStateMachine(Ecs.recovery(false));

    assertEquals(3, updates.size());
    assertEquals(Boolean.TRUE, updates.get(0).forceNewDeployment());
    assertEquals(Ecs.td(7), updates.get(1).taskDefinition());
    assertEquals(3, updates.get(2).desiredCount());
    assertEquals(List.of("Diagnose/diagnosed", "Diagnose/confirmed",
        "ForceNewDeployment/requested", "ForceNewDeployment/redeploying",
        "WaitForStability/waiting", "WaitForStability/decided", // two polls, one entry: the latest poll's detail
        "DeployPreviousVersion/decided", "DeployPreviousVersion/requested", "DeployPreviousVersion/rolling-back",
        "WaitForStability/waiting", "WaitForStability/done",
        "ScaleUp/decided", "ScaleUp/requested", "ScaleUp/scaling",
        "WaitForStability/waiting", "WaitForStability/done",
        "ScaleUp/decided",
        "VerifyTargets/verified"), events(out));
    assertTrue(out.timeline().get(4).detail().contains("poll 2 of"), out.timeline().get(4).detail());
    TimelineEntry rollback = out.timeline().get(5); // WaitForStability/decided
    assertEquals("sentinel-api:9 (deployment ecs-svc/2) not stable after 3 polls (window of 3 x 30 s): 0/1 running, "
        + "2 deployment(s); rolling back", rollback.detail());
    assertEquals(Ecs.td(7), out.part(EcsState.PART).rollback().to());
    assertEquals(1, out.part(EcsState.PART).scale().raisedFrom());
    assertEquals(3, out.part(EcsState.PART).scale().desired());
    assertTrue(out.verification().verified());
    assertEquals(1, out.part(EcsState.PART).targets().size());
    // the report's Resolution lists the steps as these handlers log them, not only as the fixtures spell them
    List<String> resolution = IncidentReports.from(out, "arn:aws:states:us-east-1:123456789012:execution:x:y",
        null, null, "SUCCEEDED").resolution();
    for (String taken : List.of("ForceNewDeployment redeploying", "DeployPreviousVersion rolling-back",
        "ScaleUp scaling", "VerifyTargets verified")) {
      assertTrue(resolution.stream().anyMatch(s -> s.contains(taken)), taken + " in " + resolution);
    }
  }

  @Test
  void dryRunSendsNoMutatingCallAndPlansTheRedeployAndScaleUp() {
    Recovery out = runStateMachine(Ecs.recovery(true));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
    verify(elb, never()).describeTargetHealth(any(DescribeTargetHealthRequest.class));
    assertEquals(List.of("ForceNewDeployment", "ScaleUp"), out.plan().stream().map(p -> p.step()).toList());
    assertFalse(out.verification().verified());
  }
}
