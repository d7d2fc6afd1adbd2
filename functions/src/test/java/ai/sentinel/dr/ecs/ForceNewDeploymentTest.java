package ai.sentinel.dr.ecs;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.PlannedCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/** Runbook Scenario 3 recovery step 1: update-service --force-new-deployment of the failing service. */
class ForceNewDeploymentTest {
  private static final Instant BEFORE_DIAGNOSIS = Ecs.DIAGNOSED.minusSeconds(3600);
  private static final Instant FORCED_AT = Ecs.DIAGNOSED.plusSeconds(20);

  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final ForceNewDeployment step = new ForceNewDeployment(Ecs.deps(ecs));

  private void ecsStartsDeployment(String id) {
    when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder()
        .service(Ecs.service(Ecs.API, 0, 3, 9, Ecs.primary(id, 9, FORCED_AT),
            Ecs.deployment("ecs-svc/old", "ACTIVE", 9, 0, 3, BEFORE_DIAGNOSIS, "IN_PROGRESS"))).build());
  }

  private UpdateServiceRequest theUpdate() {
    ArgumentCaptor<UpdateServiceRequest> sent = ArgumentCaptor.forClass(UpdateServiceRequest.class);
    verify(ecs).updateService(sent.capture());
    return sent.getValue();
  }

  @Test
  void forcesANewDeploymentOfTheFailingServiceWithItsTaskDefinition() {
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.primary("ecs-svc/old", 9, BEFORE_DIAGNOSIS)));
    ecsStartsDeployment("ecs-svc/forced");
    Recovery out = invoke(step, Ecs.diagnosed(Ecs.API, false, 9));

    UpdateServiceRequest req = theUpdate();
    assertEquals(Ecs.CLUSTER, req.cluster());
    assertEquals(Ecs.API, req.service());
    assertEquals(Boolean.TRUE, req.forceNewDeployment());
    assertNull(req.taskDefinition()); // same revision: a restart, not a change
    assertNull(req.desiredCount());

    EcsState s = out.part(EcsState.PART);
    assertEquals("redeploy", s.phase());
    assertEquals(0, s.polls());
    assertFalse(s.stable());
    assertFalse(s.rollbackDue());
    assertEquals("ecs-svc/forced", s.deployment().id());
    assertEquals(Ecs.td(9), s.deployment().taskDefinition());
    assertEquals(FORCED_AT.toString(), s.deployment().startedAt());
    assertEquals("test", s.diagnosis().finding()); // the diagnosis is kept
    assertTrue(out.plan().isEmpty());
    only(out, "ForceNewDeployment", "requested");
    String detail = only(out, "ForceNewDeployment", "redeploying").detail();
    assertTrue(detail.contains("ecs-svc/forced of sentinel-api (sentinel-api:9"), detail);
    assertTrue(detail.contains("3 polls to stabilise before a rollback"), detail);
  }

  @Test
  void deploymentThisExecutionRecordedAndStillPrimaryIsNotRedeployed() {
    // a re-run: the input already holds the deployment, which ECS still runs as PRIMARY
    Recovery again = Ecs.inPhase("redeploy", 1, "ecs-svc/forced", 9, false);
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.primary("ecs-svc/forced", 9, BEFORE_DIAGNOSIS)));
    Recovery out = invoke(step, again);
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
    assertEquals("ecs-svc/forced", out.part(EcsState.PART).deployment().id());
    assertEquals("redeploy", out.part(EcsState.PART).phase());
    assertTrue(only(out, "ForceNewDeployment", "skipped").detail().contains("not redeployed again"));
  }

  @Test
  void deploymentStartedAfterThisExecutionsDiagnosisIsAdopted() {
    // a retry whose first attempt's answer was lost: ECS already runs the deployment it started
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.primary("ecs-svc/forced", 9, FORCED_AT),
        Ecs.deployment("ecs-svc/old", "ACTIVE", 9, 0, 3, BEFORE_DIAGNOSIS, "IN_PROGRESS")));
    Recovery out = invoke(step, Ecs.diagnosed(Ecs.API, false, 9));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
    assertEquals("ecs-svc/forced", out.part(EcsState.PART).deployment().id());
    assertEquals(FORCED_AT.toString(), out.part(EcsState.PART).deployment().startedAt());
    String detail = only(out, "ForceNewDeployment", "skipped").detail();
    assertTrue(detail.contains("after this execution's diagnosis"), detail);
  }

  @Test
  void runTwiceRedeploysOnce() {
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.primary("ecs-svc/old", 9, BEFORE_DIAGNOSIS)));
    ecsStartsDeployment("ecs-svc/forced");
    Recovery first = invoke(step, Ecs.diagnosed(Ecs.API, false, 9));
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.primary("ecs-svc/forced", 9, FORCED_AT)));
    invoke(step, first);
    invoke(step, Ecs.diagnosed(Ecs.API, false, 9));
    theUpdate(); // exactly one
  }

  @Test
  void dryRunSendsNothingAndPlansTheRedeploy() {
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.primary("ecs-svc/old", 9, BEFORE_DIAGNOSIS)));
    Recovery out = invoke(step, Ecs.diagnosed(Ecs.API, true, 9));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
    assertEquals(1, out.plan().size());
    PlannedCall planned = out.plan().get(0);
    assertEquals("UpdateService", planned.api());
    assertEquals(Ecs.CLUSTER + "/" + Ecs.API, planned.target());
    assertTrue(planned.request().contains("ForceNewDeployment=true"), planned.request());
    assertNull(out.part(EcsState.PART).deployment().id());
    assertEquals(Ecs.td(9), out.part(EcsState.PART).deployment().taskDefinition());
    assertEquals("redeploy", out.part(EcsState.PART).phase());
    only(out, "ForceNewDeployment", "would-redeploy");
  }

  @Test
  void aServiceThisEnvironmentDoesNotProtectIsRefusedBeforeAnyCall() {
    assertThrows(StepFailedError.class, () -> invoke(step, Ecs.diagnosed("billing-api", false, 9)));
    verifyNoInteractions(ecs);
  }

  @Test
  void targetOutsideTheBlastRadiusIsNeverSent() {
    DrConfig config = spy(Ecs.config());
    doReturn(false).when(config).allows(eq("ecs"), anyString());
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.primary("ecs-svc/old", 9, BEFORE_DIAGNOSIS)));
    assertThrows(OutsideBlastRadiusError.class, () -> invoke(new ForceNewDeployment(Fixtures.deps(config, ecs)),
        Ecs.diagnosed(Ecs.API, false, 9)));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
  }

  @Test
  void withoutADiagnosisThereIsNothingToRedeploy() {
    assertThrows(StepFailedError.class, () -> invoke(step, Ecs.recovery(false)));
    verifyNoInteractions(ecs);
  }
}
