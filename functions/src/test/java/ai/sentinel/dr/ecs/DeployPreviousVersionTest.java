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
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.ecs.EcsState.Rollback;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsRequest;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * Runbook Scenario 3 recovery steps 2-3: describe the task definition, deploy the previous version. "Previous" is the
 * highest ACTIVE revision of the family below the one that failed.
 */
class DeployPreviousVersionTest {
  private static final Instant ROLLED_BACK_AT = Fixtures.NOW.plusSeconds(5);

  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final DeployPreviousVersion step = new DeployPreviousVersion(Ecs.deps(ecs));
  /** Registered task definitions (ARN -> status), as ListTaskDefinitions knows them. */
  private final Map<String, TaskDefinitionStatus> registered = new LinkedHashMap<>();
  private final List<ListTaskDefinitionsRequest> listings = new ArrayList<>();

  @BeforeEach
  void setUp() {
    // ECS filters by status and by family *prefix*: "sentinel-api" lists "sentinel-api-canary" too
    when(ecs.listTaskDefinitions(any(ListTaskDefinitionsRequest.class))).thenAnswer(inv -> {
      ListTaskDefinitionsRequest req = inv.getArgument(0);
      listings.add(req);
      List<String> arns = registered.entrySet().stream()
          .filter(e -> req.status() == null || e.getValue() == req.status())
          .filter(e -> req.familyPrefix() == null
              || e.getKey().startsWith(Ecs.TD_PREFIX + req.familyPrefix()))
          .map(Map.Entry::getKey).toList();
      return ListTaskDefinitionsResponse.builder().taskDefinitionArns(arns).build();
    });
    when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> {
      UpdateServiceRequest req = inv.getArgument(0);
      int revision = Integer.parseInt(req.taskDefinition().substring(req.taskDefinition().lastIndexOf(':') + 1));
      return UpdateServiceResponse.builder().service(Ecs.service(Ecs.API, 0, 3, revision,
          Ecs.primary("ecs-svc/rollback", revision, ROLLED_BACK_AT),
          Ecs.deployment("ecs-svc/forced", "ACTIVE", 9, 0, 3, Fixtures.NOW, "IN_PROGRESS"))).build();
    });
    // the service runs the failing forced deployment of revision 9
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.primary("ecs-svc/forced", 9, Fixtures.NOW)));
  }

  private void revisions(Object... arnAndStatus) {
    for (int i = 0; i < arnAndStatus.length; i += 2) {
      registered.put((String) arnAndStatus[i], (TaskDefinitionStatus) arnAndStatus[i + 1]);
    }
  }

  private UpdateServiceRequest theUpdate() {
    ArgumentCaptor<UpdateServiceRequest> sent = ArgumentCaptor.forClass(UpdateServiceRequest.class);
    verify(ecs).updateService(sent.capture());
    return sent.getValue();
  }

  @Test
  void deploysTheHighestActiveRevisionBelowTheOneThatFailed() {
    revisions(Ecs.td(6), TaskDefinitionStatus.ACTIVE, Ecs.td(7), TaskDefinitionStatus.ACTIVE,
        Ecs.td(8), TaskDefinitionStatus.INACTIVE, Ecs.td(9), TaskDefinitionStatus.ACTIVE,
        Ecs.td(10), TaskDefinitionStatus.ACTIVE, Ecs.td("sentinel-api-canary", 8), TaskDefinitionStatus.ACTIVE);
    Recovery out = invoke(step, Ecs.rollbackDue(9, false));

    ListTaskDefinitionsRequest listed = listings.get(0);
    assertEquals("sentinel-api", listed.familyPrefix());
    assertEquals(TaskDefinitionStatus.ACTIVE, listed.status());
    assertEquals(SortOrder.DESC, listed.sort());
    UpdateServiceRequest req = theUpdate();
    assertEquals(Ecs.CLUSTER, req.cluster());
    assertEquals(Ecs.API, req.service());
    assertEquals(Ecs.td(7), req.taskDefinition()); // 8 is deregistered, 10 is newer, canary is another family
    assertNull(req.desiredCount());

    EcsState s = out.part(EcsState.PART);
    assertEquals("rollback", s.phase());
    assertEquals(0, s.polls());
    assertFalse(s.rollbackDue());
    assertFalse(s.stable());
    assertEquals("ecs-svc/rollback", s.deployment().id());
    assertEquals(Ecs.td(7), s.deployment().taskDefinition());
    Rollback rb = s.rollback();
    assertEquals(Ecs.td(9), rb.from());
    assertEquals(Ecs.td(7), rb.to());
    assertTrue(rb.reason().startsWith("sentinel-api:9 not stable after 3 polls (window of 3 x 30 s)"), rb.reason());
    assertTrue(rb.reason().endsWith("previous ACTIVE revision of sentinel-api is sentinel-api:7"), rb.reason());
    assertTrue(only(out, "DeployPreviousVersion", "decided").detail()
        .startsWith("roll back sentinel-api from sentinel-api:9 to sentinel-api:7: "));
    only(out, "DeployPreviousVersion", "requested");
    only(out, "DeployPreviousVersion", "rolling-back");
  }

  @Test
  void noPreviousActiveRevisionStopsForAHuman() {
    revisions(Ecs.td(8), TaskDefinitionStatus.INACTIVE, Ecs.td(9), TaskDefinitionStatus.ACTIVE);
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(step, Ecs.rollbackDue(9, false)));
    assertTrue(e.getMessage().startsWith("no previous ACTIVE revision of family sentinel-api to roll back to"),
        e.getMessage());
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
  }

  @Test
  void aRetryFindsThePreviousRevisionAlreadyPrimaryAndSendsNothing() {
    // the first attempt's UpdateService went through; its answer was lost. 7 runs now; "below 7" must not be picked
    revisions(Ecs.td(5), TaskDefinitionStatus.ACTIVE, Ecs.td(7), TaskDefinitionStatus.ACTIVE,
        Ecs.td(9), TaskDefinitionStatus.ACTIVE);
    Ecs.reports(ecs, Ecs.service(Ecs.API, 1, 3, 7, Ecs.primary("ecs-svc/rollback", 7, ROLLED_BACK_AT),
        Ecs.deployment("ecs-svc/forced", "ACTIVE", 9, 0, 3, Fixtures.NOW, "IN_PROGRESS")));
    Recovery out = invoke(step, Ecs.rollbackDue(9, false));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
    assertEquals("ecs-svc/rollback", out.part(EcsState.PART).deployment().id());
    assertEquals(new Rollback(Ecs.td(9), Ecs.td(7), out.part(EcsState.PART).rollback().reason()),
        out.part(EcsState.PART).rollback());
    assertEquals("rollback", out.part(EcsState.PART).phase());
    assertFalse(out.part(EcsState.PART).rollbackDue());
    String skipped = only(out, "DeployPreviousVersion", "skipped").detail();
    assertTrue(skipped.contains("already runs sentinel-api:7 as PRIMARY"), skipped);
  }

  @Test
  void revisionsOnLaterPagesAreConsidered() {
    when(ecs.listTaskDefinitions(any(ListTaskDefinitionsRequest.class))).thenAnswer(inv -> {
      ListTaskDefinitionsRequest req = inv.getArgument(0);
      return req.nextToken() == null
          ? ListTaskDefinitionsResponse.builder().taskDefinitionArns(Ecs.td(9), Ecs.td(3)).nextToken("more").build()
          : ListTaskDefinitionsResponse.builder().taskDefinitionArns(Ecs.td(7)).build();
    });
    invoke(step, Ecs.rollbackDue(9, false));
    assertEquals(Ecs.td(7), theUpdate().taskDefinition());
  }

  @Test
  void aTaskDefinitionThatIsNotAnArnIsDescribedForItsFamilyAndRevision() {
    revisions(Ecs.td(7), TaskDefinitionStatus.ACTIVE);
    when(ecs.describeTaskDefinition(any(DescribeTaskDefinitionRequest.class))).thenReturn(
        DescribeTaskDefinitionResponse.builder().taskDefinition(TaskDefinition.builder().family("sentinel-api")
            .revision(9).taskDefinitionArn(Ecs.td(9)).build()).build());
    Recovery due = Ecs.rollbackDue(9, false);
    EcsState s = due.part(EcsState.PART);
    due = due.with(EcsState.PART, new EcsState(s.cluster(), s.service(), s.diagnosis(), s.phase(),
        new EcsState.Deployment("ecs-svc/forced", "sentinel-api", "2026-01-17T10:05:00Z"), s.stable(),
        s.rollbackDue(), s.polls(), s.status(), null, null, null, s.decision()));
    invoke(step, due);
    ArgumentCaptor<DescribeTaskDefinitionRequest> described = ArgumentCaptor.forClass(
        DescribeTaskDefinitionRequest.class);
    verify(ecs).describeTaskDefinition(described.capture());
    assertEquals("sentinel-api", described.getValue().taskDefinition());
    assertEquals(Ecs.td(7), theUpdate().taskDefinition());
  }

  @Test
  void dryRunSendsNothingAndPlansTheRollback() {
    revisions(Ecs.td(7), TaskDefinitionStatus.ACTIVE, Ecs.td(9), TaskDefinitionStatus.ACTIVE);
    Recovery out = invoke(step, Ecs.rollbackDue(9, true));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
    assertEquals(1, out.plan().size());
    assertEquals(Ecs.CLUSTER + "/" + Ecs.API, out.plan().get(0).target());
    assertTrue(out.plan().get(0).request().contains("sentinel-api:7"), out.plan().get(0).request());
    assertEquals(Ecs.td(7), out.part(EcsState.PART).rollback().to());
    assertNull(out.part(EcsState.PART).deployment().id());
    only(out, "DeployPreviousVersion", "would-roll-back");
  }

  @Test
  void withoutARollbackDueNothingIsRolledBack() {
    assertThrows(StepFailedError.class, () -> invoke(step, Ecs.inPhase("redeploy", 1, "ecs-svc/forced", 9, false)));
    verifyNoInteractions(ecs);
  }

  @Test
  void aServiceThisEnvironmentDoesNotProtectIsRefusedBeforeAnyCall() {
    Recovery foreign = Ecs.recovery("billing-api", false).with(EcsState.PART, Ecs.rollbackDue(9, false)
        .part(EcsState.PART));
    assertThrows(StepFailedError.class, () -> invoke(step, foreign));
    verifyNoInteractions(ecs);
  }
}
