package ai.sentinel.dr.ecs;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.ecs.EcsState.Diagnosis;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.ecs.EcsState.StoppedTask;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/** Runbook Scenario 3 "Diagnosis": describe-services, stopped tasks and why, logs tail --since 30m. */
class DiagnoseTest {
  private static final String PULL_ERROR = "CannotPullContainerError: pull image manifest has been retried 5 time(s):"
      + " failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/sentinel-api:v2.3.1: not found";

  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final CloudWatchLogsClient logs = Fixtures.sdkMock(CloudWatchLogsClient.class);
  private final Diagnose step = new Diagnose(Ecs.deps(ecs, logs));
  private final List<Task> tasks = new ArrayList<>();

  @BeforeEach
  void setUp() {
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9,
        Ecs.deployment("ecs-svc/9", "PRIMARY", 9, 0, 3, Instant.parse("2026-01-17T09:50:00Z"), "IN_PROGRESS"),
        Ecs.deployment("ecs-svc/8", "ACTIVE", 8, 0, 3, Instant.parse("2026-01-12T09:00:00Z"), "COMPLETED")));
    when(ecs.listTasks(any(ListTasksRequest.class))).thenAnswer(inv -> ListTasksResponse.builder()
        .taskArns(tasks.stream().map(Task::taskArn).toList()).build());
    when(ecs.describeTasks(any(DescribeTasksRequest.class))).thenAnswer(inv -> DescribeTasksResponse.builder()
        .tasks(tasks).build());
    logsAnswer(req -> FilterLogEventsResponse.builder().build());
  }

  private void logsAnswer(Function<FilterLogEventsRequest, FilterLogEventsResponse> answer) {
    when(logs.filterLogEvents(any(FilterLogEventsRequest.class))).thenAnswer(inv -> answer.apply(inv.getArgument(0)));
  }

  private static Task stopped(String id, String group, int revision, String reason, String stopCode, Instant at,
      Container... containers) {
    return Task.builder().taskArn("arn:aws:ecs:us-east-1:123456789012:task/" + Ecs.CLUSTER + "/" + id).group(group)
        .taskDefinitionArn(Ecs.td(revision)).lastStatus("STOPPED").desiredStatus("STOPPED").stoppedReason(reason)
        .stopCode(stopCode).stoppedAt(at).containers(containers).build();
  }

  private static FilteredLogEvent event(Instant at, String message) {
    return FilteredLogEvent.builder().timestamp(at.toEpochMilli()).message(message).build();
  }

  private static Instant minutesAgo(double minutes) {
    return Fixtures.NOW.minusMillis((long) (minutes * 60_000));
  }

  @Test
  void recordsCountsDeploymentsAndWhyTasksStopped() {
    for (int i = 0; i < 6; i++) {
      tasks.add(stopped("t" + i, "service:sentinel-api", 9, PULL_ERROR, "TaskFailedToStart", minutesAgo(10 - i)));
    }
    // a stopped task of the other service, newer than all: a local cloud may ignore the serviceName filter
    tasks.add(stopped("celery", "service:sentinel-celery", 4, "Scaling activity initiated", "ServiceSchedulerInitiated",
        minutesAgo(1)));
    Recovery out = invoke(step, Ecs.recovery(false));

    ArgumentCaptor<DescribeServicesRequest> described = ArgumentCaptor.forClass(DescribeServicesRequest.class);
    verify(ecs).describeServices(described.capture());
    assertEquals(Ecs.CLUSTER, described.getValue().cluster());
    assertEquals(List.of(Ecs.API), described.getValue().services());
    ArgumentCaptor<ListTasksRequest> listed = ArgumentCaptor.forClass(ListTasksRequest.class);
    verify(ecs).listTasks(listed.capture());
    assertEquals(Ecs.CLUSTER, listed.getValue().cluster());
    assertEquals(Ecs.API, listed.getValue().serviceName());
    assertEquals(DesiredStatus.STOPPED, listed.getValue().desiredStatus());
    ArgumentCaptor<DescribeTasksRequest> detailed = ArgumentCaptor.forClass(DescribeTasksRequest.class);
    verify(ecs).describeTasks(detailed.capture());
    assertEquals(Ecs.CLUSTER, detailed.getValue().cluster());
    assertEquals(7, detailed.getValue().tasks().size());

    EcsState state = out.part(EcsState.PART);
    assertEquals(Ecs.CLUSTER, state.cluster());
    assertEquals(Ecs.API, state.service());
    assertNull(state.phase()); // nothing started yet
    Diagnosis d = state.diagnosis();
    assertEquals(Ecs.td(9), d.taskDefinition());
    assertEquals(3, d.desiredCount());
    assertEquals(0, d.runningCount());
    assertEquals(List.of("PRIMARY IN_PROGRESS sentinel-api:9 0/3 running (ecs-svc/9)",
        "ACTIVE COMPLETED sentinel-api:8 0/3 running (ecs-svc/8)"), d.deployments());
    assertEquals(5, d.stoppedTasks().size()); // the newest five of the service's six
    assertEquals(List.of("t5", "t4", "t3", "t2", "t1"),
        d.stoppedTasks().stream().map(t -> t.taskArn().substring(t.taskArn().lastIndexOf('/') + 1)).toList());
    StoppedTask newest = d.stoppedTasks().get(0);
    assertEquals(PULL_ERROR, newest.stoppedReason());
    assertEquals("TaskFailedToStart", newest.stopCode());
    assertEquals(minutesAgo(5).toString(), newest.stoppedAt());
    assertEquals(Fixtures.NOW.toString(), d.checkedAt());
    assertTrue(d.finding().startsWith("sentinel-api: 0/3 running, 6 task(s) stopped: CannotPullContainerError"),
        d.finding());
    assertTrue(d.finding().contains("(TaskFailedToStart)"), d.finding());
    assertFalse(d.finding().contains("Scaling activity"), d.finding());
    assertTrue(only(out, "Diagnose", "diagnosed").detail().contains(d.finding()));
  }

  @Test
  void essentialContainerExitedNamesTheContainerAndItsExitCode() {
    tasks.add(stopped("oom", "service:sentinel-api", 9, "Essential container in task exited",
        "EssentialContainerExited", minutesAgo(2),
        Container.builder().name("app").exitCode(137).reason("OutOfMemoryError: Container killed due to memory usage")
            .build(),
        Container.builder().name("log-router").exitCode(0).build(),
        Container.builder().name("sidecar").build()));
    Diagnosis d = invoke(step, Ecs.recovery(false)).part(EcsState.PART).diagnosis();
    assertEquals(List.of("app: exit 137, OutOfMemoryError: Container killed due to memory usage", "log-router: exit 0"),
        d.stoppedTasks().get(0).containers());
    assertTrue(d.finding().contains("Essential container in task exited (EssentialContainerExited); app: exit 137, "
        + "OutOfMemoryError"), d.finding());
  }

  @Test
  void aContainerReasonThatRepeatsTheTasksIsSaidOnce() {
    tasks.add(stopped("pull", "service:sentinel-api", 9, PULL_ERROR, "TaskFailedToStart", minutesAgo(2),
        Container.builder().name("sentinel-api").reason(PULL_ERROR).build()));
    Diagnosis d = invoke(step, Ecs.recovery(false)).part(EcsState.PART).diagnosis();
    assertEquals(List.of("sentinel-api: " + PULL_ERROR), d.stoppedTasks().get(0).containers(), "kept in the record");
    assertEquals(1, d.finding().split(java.util.regex.Pattern.quote(PULL_ERROR), -1).length - 1, d.finding());
  }

  @Test
  void differentReasonsAreCountedNotHidden() {
    tasks.add(stopped("a", "service:sentinel-api", 9, PULL_ERROR, "TaskFailedToStart", minutesAgo(3)));
    tasks.add(stopped("b", "service:sentinel-api", 9, "Task failed ELB health checks in (target-group "
        + Ecs.TG_ARN + ")", "ServiceSchedulerInitiated", minutesAgo(8)));
    String finding = invoke(step, Ecs.recovery(false)).part(EcsState.PART).diagnosis().finding();
    assertTrue(finding.contains("2 task(s) stopped: CannotPullContainerError"), finding);
    assertTrue(finding.contains("1 other reason(s)"), finding);
  }

  @Test
  void tasksWithoutAServiceGroupCountWhenTheyRunTheServicesFamily() {
    // local clouds default a task's group to family:F
    tasks.add(stopped("same-family", "family:sentinel-api", 9, PULL_ERROR, "TaskFailedToStart", minutesAgo(2)));
    tasks.add(stopped("other-family", "family:sentinel-celery", 9, "x", "UserInitiated", minutesAgo(1)).toBuilder()
        .taskDefinitionArn(Ecs.td("sentinel-celery", 4)).build());
    Diagnosis d = invoke(step, Ecs.recovery(false)).part(EcsState.PART).diagnosis();
    assertEquals(1, d.stoppedTasks().size());
    assertTrue(d.stoppedTasks().get(0).taskArn().endsWith("/same-family"));
  }

  @Test
  void noStoppedTasksIsSaidAndNothingMoreIsAsked() {
    Recovery out = invoke(step, Ecs.recovery(false));
    verify(ecs, never()).describeTasks(any(DescribeTasksRequest.class));
    assertTrue(out.part(EcsState.PART).diagnosis().stoppedTasks().isEmpty());
    assertTrue(out.part(EcsState.PART).diagnosis().finding().contains("no stopped tasks listed"),
        out.part(EcsState.PART).diagnosis().finding());
  }

  @Test
  void failedRolloutIsPartOfTheFinding() {
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.deployment("ecs-svc/9", "PRIMARY", 9, 0, 3,
        Instant.parse("2026-01-17T09:50:00Z"), "FAILED").toBuilder()
        .rolloutStateReason("ECS deployment circuit breaker: tasks failed to start.").build()));
    String finding = invoke(step, Ecs.recovery(false)).part(EcsState.PART).diagnosis().finding();
    assertTrue(finding.contains("deployment ecs-svc/9 FAILED: ECS deployment circuit breaker"), finding);
  }

  @Test
  void logTailIsTheLastLinesOfTheServicesLogGroupOldestFirst() {
    // 25 lines in the last minute, over two pages; older windows must not be read
    logsAnswer(req -> {
      if (req.startTime() != minutesAgo(1).toEpochMilli()) {
        throw new AssertionError("older window read although the last minute had enough lines");
      }
      List<FilteredLogEvent> page = new ArrayList<>();
      int from = req.nextToken() == null ? 0 : 15;
      int to = req.nextToken() == null ? 15 : 25;
      for (int i = from; i < to; i++) {
        page.add(event(minutesAgo(1).plusSeconds(i + 1), "line " + i + "\n"));
      }
      return FilterLogEventsResponse.builder().events(page).nextToken(req.nextToken() == null ? "p2" : null).build();
    });
    Diagnosis d = invoke(step, Ecs.recovery(false)).part(EcsState.PART).diagnosis();

    ArgumentCaptor<FilterLogEventsRequest> asked = ArgumentCaptor.forClass(FilterLogEventsRequest.class);
    verify(logs, times(2)).filterLogEvents(asked.capture());
    assertEquals("/ecs/sentinel-api", asked.getValue().logGroupName());
    assertEquals(Fixtures.NOW.toEpochMilli(), asked.getValue().endTime());
    assertEquals(Diagnose.LOG_LINES, d.logTail().size());
    assertTrue(d.logTail().get(0).endsWith(" line 5"), d.logTail().get(0));
    assertTrue(d.logTail().get(19).endsWith(" line 24"), d.logTail().get(19)); // the newest last, newline stripped
    assertTrue(d.logTail().get(19).startsWith(minutesAgo(1).plusSeconds(25).toString()), d.logTail().get(19));
    assertNull(d.logNote());
  }

  @Test
  void quietMinuteReadsOlderWindowsUpToThirtyMinutes() {
    List<FilterLogEventsRequest> asked = new ArrayList<>();
    logsAnswer(req -> {
      asked.add(req);
      Instant start = Instant.ofEpochMilli(req.startTime());
      // one line in each window
      return FilterLogEventsResponse.builder().events(event(start.plusSeconds(1), "from " + start)).build();
    });
    Diagnosis d = invoke(step, Ecs.recovery(false)).part(EcsState.PART).diagnosis();
    assertEquals(List.of(minutesAgo(1), minutesAgo(5), minutesAgo(30)),
        asked.stream().map(r -> Instant.ofEpochMilli(r.startTime())).toList());
    // windows do not overlap: each older one ends just before the newer one starts
    assertEquals(minutesAgo(1).minusMillis(1).toEpochMilli(), asked.get(1).endTime());
    assertEquals(minutesAgo(5).minusMillis(1).toEpochMilli(), asked.get(2).endTime());
    assertEquals(Duration.ofMinutes(30), Duration.between(minutesAgo(30), Fixtures.NOW));
    assertEquals(3, d.logTail().size());
    assertTrue(d.logTail().get(0).endsWith("from " + minutesAgo(30)), d.logTail().toString()); // oldest first
    assertTrue(d.logTail().get(2).endsWith("from " + minutesAgo(1)), d.logTail().toString());
  }

  @Test
  void missingLogGroupDegradesToAnEmptyTailWithANote() {
    when(logs.filterLogEvents(any(FilterLogEventsRequest.class))).thenThrow(ResourceNotFoundException.builder()
        .statusCode(400).message("The specified log group does not exist.").build());
    tasks.add(stopped("t", "service:sentinel-api", 9, PULL_ERROR, "TaskFailedToStart", minutesAgo(2)));
    Recovery out = invoke(step, Ecs.recovery(false));
    Diagnosis d = out.part(EcsState.PART).diagnosis();
    assertTrue(d.logTail().isEmpty());
    assertEquals("log group /ecs/sentinel-api not found: no log tail", d.logNote());
    assertEquals(1, d.stoppedTasks().size()); // the rest of the diagnosis is intact
    assertTrue(only(out, "Diagnose", "diagnosed").detail().contains("not found: no log tail"));
  }

  @Test
  void unreadableLogsDegradeToo() {
    when(logs.filterLogEvents(any(FilterLogEventsRequest.class))).thenThrow(AwsServiceException.builder()
        .statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build())
        .message("not authorized").build());
    Diagnosis d = invoke(step, Ecs.recovery(false)).part(EcsState.PART).diagnosis();
    assertTrue(d.logTail().isEmpty());
    assertEquals("log group /ecs/sentinel-api not read (AccessDeniedException): no log tail", d.logNote());
  }

  @Test
  void logPrefixComesFromTheConfig() {
    Diagnose custom = new Diagnose(Fixtures.deps(Ecs.config(s -> s.put("logGroupPrefix", "/aws/ecs/")),
        ecs, logs));
    invoke(custom, Ecs.recovery(false));
    ArgumentCaptor<FilterLogEventsRequest> asked = ArgumentCaptor.forClass(FilterLogEventsRequest.class);
    verify(logs, times(3)).filterLogEvents(asked.capture());
    assertEquals("/aws/ecs/sentinel-api", asked.getValue().logGroupName());
    assertEquals("no log events in /aws/ecs/sentinel-api in the last 30 min",
        invoke(custom, Ecs.recovery(false)).part(EcsState.PART).diagnosis().logNote());
  }

  @Test
  void credentialsPrintedByTheApplicationDoNotEnterTheRecord() {
    logsAnswer(req -> FilterLogEventsResponse.builder().events(
        event(minutesAgo(0.5), "connecting to redis://default:Zt8kW3vN5qR1@sentinel-redis:6379/0"),
        event(minutesAgo(0.4), "config loaded password=hunter2 user=app"),
        event(minutesAgo(0.3), "{\"api_key\": \"sk-live-abc123\", \"level\": \"error\"}")).build());
    Recovery out = invoke(step, Ecs.recovery(false));
    String tail = String.join("\n", out.part(EcsState.PART).diagnosis().logTail());
    assertFalse(tail.contains("Zt8kW3vN5qR1"), tail);
    assertFalse(tail.contains("hunter2"), tail);
    assertFalse(tail.contains("sk-live-abc123"), tail);
    assertTrue(tail.contains("redis://default:***@sentinel-redis:6379/0"), tail);
    assertTrue(tail.contains("user=app"), tail);
  }

  @Test
  void everyCredentialFormIsMaskedBeforeTheRecordIsWritten() {
    logsAnswer(req -> FilterLogEventsResponse.builder().events(
        event(minutesAgo(0.9), "connecting to redis://:Pw1Legacy@sentinel-redis:6379/0"),
        event(minutesAgo(0.8), "db postgresql://app:Pw2/with/slash@db.internal:5432/sentinel"),
        event(minutesAgo(0.7), "GET /admin Authorization: Bearer Pw3BearerToken"),
        event(minutesAgo(0.6), "PGPASSWORD=Pw4Pg psql -h db.internal"),
        event(minutesAgo(0.5), "JWT_SECRET=Pw5Jwt"),
        event(minutesAgo(0.4), "aws_secret_access_key=Pw6Aws")).build());
    tasks.add(stopped("t1", "service:sentinel-api", 9, "Essential container exited", "EssentialContainerExited",
        minutesAgo(2), Container.builder().name("app").exitCode(1)
            .reason("CannotStartContainerError: env PGPASSWORD=Pw7Reason rejected").build()));
    Recovery out = invoke(step, Ecs.recovery(false));
    String document = Json.write(out);
    for (String secret : new String[] {"Pw1Legacy", "Pw2/with/slash", "with/slash", "Pw3BearerToken", "Pw4Pg",
        "Pw5Jwt", "Pw6Aws", "Pw7Reason"}) {
      assertFalse(document.contains(secret), secret + " is in the recovery document: " + document);
    }
    assertTrue(document.contains("redis://:***@sentinel-redis:6379/0"), document);
  }

  @Test
  void aServiceThisEnvironmentDoesNotProtectIsRefusedBeforeAnyCall() {
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(step, Ecs.recovery("billing-api", false)));
    assertTrue(e.getMessage().contains("billing-api"), e.getMessage());
    assertTrue(e.getMessage().contains("[sentinel-api, sentinel-celery]"), e.getMessage());
    verifyNoInteractions(ecs, logs);
  }

  @Test
  void serviceEcsDoesNotKnowFailsTheStep() {
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .failures(Failure.builder().arn("arn:aws:ecs:us-east-1:123456789012:service/sentinel-api").reason("MISSING")
            .build()).build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(step, Ecs.recovery(false)));
    assertTrue(e.getMessage().contains("MISSING"), e.getMessage());
  }

  // ---- the verdict: act only on a confirmed failure

  private final ElasticLoadBalancingV2Client elb = Fixtures.sdkMock(ElasticLoadBalancingV2Client.class);

  private Recovery withTargets(Service service, String... states) {
    Ecs.reports(ecs, service);
    when(elb.describeTargetGroups(any(DescribeTargetGroupsRequest.class))).thenReturn(DescribeTargetGroupsResponse
        .builder().targetGroups(TargetGroup.builder().targetGroupName("sentinel-api-tg").targetGroupArn(Ecs.TG_ARN)
            .build()).build());
    List<TargetHealthDescription> seen = new ArrayList<>();
    for (int i = 0; i < states.length; i++) {
      int n = i;
      seen.add(TargetHealthDescription.builder().target(t -> t.id("10.0.1." + n).port(8000))
          .targetHealth(h -> h.state(states[n])).build());
    }
    when(elb.describeTargetHealth(any(DescribeTargetHealthRequest.class)))
        .thenReturn(DescribeTargetHealthResponse.builder().targetHealthDescriptions(seen).build());
    return invoke(new Diagnose(Ecs.deps(ecs, logs, elb)), Ecs.recovery(false));
  }

  @Test
  void aServiceAtItsCountWithHealthyTargetsIsHealthyAndNothingIsRedeployed() {
    Recovery out = withTargets(Ecs.steady(Ecs.API, 3, 3, 7), "healthy", "healthy", "healthy");
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
    assertFalse(out.diagnosis().act());
    assertTrue(out.diagnosis().evidence().toString().contains("3 healthy, 0 unhealthy"),
        out.diagnosis().evidence().toString());
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
  }

  @Test
  void unhealthyTargetsAreTheRunbooksSymptomEvenAtTheDesiredCount() {
    Recovery out = withTargets(Ecs.steady(Ecs.API, 3, 3, 7), "healthy", "unhealthy", "healthy");
    assertEquals(Verdict.FAILED, out.diagnosis().verdict());
    assertTrue(out.diagnosis().act());
  }

  @Test
  void missingTasksAreAConfirmedFailureWithoutAskingTheLoadBalancer() {
    Recovery out = invoke(step, Ecs.recovery(false)); // setUp: 0/3 running, a rollout in progress
    assertEquals(Verdict.FAILED, out.diagnosis().verdict());
    assertTrue(out.diagnosis().act());
    verifyNoInteractions(elb);
  }

  @Test
  void aServiceAskedToRunNothingIsLeftToAHuman() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 0, 0, 7));
    Recovery out = invoke(step, Ecs.recovery(false));
    assertEquals(Verdict.INCONCLUSIVE, out.diagnosis().verdict());
    assertFalse(out.diagnosis().act());
  }
}
