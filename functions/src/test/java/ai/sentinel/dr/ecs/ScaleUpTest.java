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

import ai.sentinel.dr.ecs.EcsState.Scale;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/** Runbook Scenario 3 recovery step 4: update-service --desired-count 3, only ever upwards (sentinel-api: 3). */
class ScaleUpTest {
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final ScaleUp step = new ScaleUp(Ecs.deps(ecs));

  /** After the redeploy phase stabilised. */
  private static Recovery stableAfter(String service) {
    Recovery r = Ecs.inPhase("redeploy", 2, "ecs-svc/forced", 9, false);
    return Ecs.recovery(service, false).with(EcsState.PART, r.part(EcsState.PART).polled(true, false,
        "1/1 running, 1 deployment(s)", "ok"));
  }

  private void noUpdate() {
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
  }

  @Test
  void desiredCountBelowTheConfiguredOneIsRaisedToIt() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 1, 1, 9));
    when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder()
        .service(Ecs.steady(Ecs.API, 1, 3, 9)).build());
    Recovery out = invoke(step, stableAfter(Ecs.API));

    ArgumentCaptor<UpdateServiceRequest> sent = ArgumentCaptor.forClass(UpdateServiceRequest.class);
    verify(ecs).updateService(sent.capture());
    assertEquals(Ecs.CLUSTER, sent.getValue().cluster());
    assertEquals(Ecs.API, sent.getValue().service());
    assertEquals(3, sent.getValue().desiredCount());
    assertNull(sent.getValue().taskDefinition()); // only the count changes
    assertNull(sent.getValue().forceNewDeployment());

    Scale scale = out.part(EcsState.PART).scale();
    assertTrue(scale.scaled());
    assertEquals(3, scale.desired());
    assertEquals(1, scale.running());
    assertEquals(1, scale.raisedFrom());
    assertEquals("desired count 1 is below the configured 3 (1 running): scaling up to 3", scale.reason());
    assertEquals("scale", out.part(EcsState.PART).phase());
    assertEquals(0, out.part(EcsState.PART).polls());
    assertFalse(out.part(EcsState.PART).stable()); // the state machine waits for stability again
    assertEquals(scale.reason(), only(out, "ScaleUp", "decided").detail());
    only(out, "ScaleUp", "scaling");
  }

  @Test
  void theSecondRunAfterAScaleUpFindsNothingToDoAndKeepsWhatTheFirstDid() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 3, 3, 9));
    Recovery afterScaling = stableAfter(Ecs.API);
    afterScaling = afterScaling.update(EcsState.PART, s -> s.withScale(new Scale(3, 1, true, "scaling up to 3", 1)));
    Recovery out = invoke(step, afterScaling);
    noUpdate();
    Scale scale = out.part(EcsState.PART).scale();
    assertFalse(scale.scaled()); // the state machine goes on to VerifyTargets
    assertEquals(1, scale.raisedFrom());
    assertEquals("3/3 running, the configured count (raised from 1 by this recovery): no scale-up needed",
        scale.reason());
  }

  @Test
  void desiredCountRightButTasksMissingWaitsForThemWithoutAnotherUpdate() {
    // e.g. the retry of a ScaleUp whose UpdateService went through but whose answer was lost
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 2, 3, 9));
    Recovery out = invoke(step, stableAfter(Ecs.API));
    noUpdate();
    assertTrue(out.part(EcsState.PART).scale().scaled(),
        "the state machine waits for stability again instead of verifying now");
    assertEquals("scale", out.part(EcsState.PART).phase(),
        "so the wait times out after maxPolls instead of rolling back");
    assertEquals(0, out.part(EcsState.PART).polls());
    assertTrue(out.part(EcsState.PART).scale().reason().contains("waiting for the tasks to start"),
        out.part(EcsState.PART).scale().reason());
  }

  @Test
  void neverScalesDown() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 5, 5, 9));
    Recovery out = invoke(step, stableAfter(Ecs.API));
    noUpdate();
    assertFalse(out.part(EcsState.PART).scale().scaled());
    assertEquals("desired count 5 is above the configured 3: never scaled down", out.part(EcsState.PART).scale()
        .reason());
    assertEquals(out.part(EcsState.PART).scale().reason(), only(out, "ScaleUp", "decided").detail());
  }

  @Test
  void withoutAConfiguredCountNothingIsScaled() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 1, 1, 9));
    ScaleUp unconfigured = new ScaleUp(Fixtures.deps(Ecs.config(s -> s.putObject("desiredCounts")
        .put("sentinel-celery", 2)), ecs));
    Recovery out = invoke(unconfigured, stableAfter(Ecs.API));
    noUpdate();
    assertFalse(out.part(EcsState.PART).scale().scaled());
    assertNull(out.part(EcsState.PART).scale().desired());
    assertTrue(out.part(EcsState.PART).scale().reason().startsWith("no desired count configured for sentinel-api"),
        out.part(EcsState.PART).scale().reason());
  }

  @Test
  void eachServiceHasItsOwnConfiguredCount() {
    Ecs.reports(ecs, Ecs.steady(Ecs.WORKER, 2, 2, 4));
    Recovery out = invoke(step, stableAfter(Ecs.WORKER));
    noUpdate();
    assertEquals(2, out.part(EcsState.PART).scale().desired());
  }

  @Test
  void dryRunPlansTheScaleUpAndSendsNothing() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 1, 1, 9));
    Recovery dry = Ecs.recovery(Ecs.API, true).with(EcsState.PART, stableAfter(Ecs.API).part(EcsState.PART));
    Recovery out = invoke(step, dry);
    noUpdate();
    assertTrue(out.part(EcsState.PART).scale().scaled()); // planned: the state machine skips the wait in a dry-run
    assertEquals(1, out.plan().size());
    assertTrue(out.plan().get(0).request().contains("DesiredCount=3"), out.plan().get(0).request());
    only(out, "ScaleUp", "would-scale");
  }

  @Test
  void aServiceThisEnvironmentDoesNotProtectIsRefusedBeforeAnyCall() {
    assertThrows(StepFailedError.class, () -> invoke(step, stableAfter("billing-api")));
    verifyNoInteractions(ecs);
  }
}
