package ai.sentinel.dr.ecs;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Runbook Scenario 3 "wait services-stable" with a bounded window: the forced deployment gets ECS_STABLE_POLLS (3
 * here) polls, then a rollback is due; after a rollback or scale-up the wait ends in TimedOutError (MAX_POLLS 5).
 */
class WaitForStabilityTest {
  private static final Instant T = Instant.parse("2026-01-17T10:05:20Z");

  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final WaitForStability step = new WaitForStability(Ecs.deps(ecs));

  /** ECS mid-deployment: the forced deployment has no task running, the old one is still listed. */
  private static Service deploying(int running) {
    return Ecs.service(Ecs.API, running, 3, 9, Ecs.primary("ecs-svc/forced", 9, T),
        Ecs.deployment("ecs-svc/old", "ACTIVE", 9, 0, 3, T.minusSeconds(86400), "COMPLETED"));
  }

  @Test
  void oneDeploymentWithEveryTaskRunningIsStable() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 3, 3, 9));
    Recovery out = invoke(step, Ecs.inPhase("redeploy", 1, "ecs-svc/forced", 9, false));
    ArgumentCaptor<DescribeServicesRequest> asked = ArgumentCaptor.forClass(DescribeServicesRequest.class);
    verify(ecs).describeServices(asked.capture());
    assertEquals(Ecs.CLUSTER, asked.getValue().cluster());
    assertTrue(out.part(EcsState.PART).stable());
    assertFalse(out.part(EcsState.PART).rollbackDue());
    assertEquals(2, out.part(EcsState.PART).polls());
    assertEquals("3/3 running, 1 deployment(s)", out.part(EcsState.PART).status());
    assertEquals("redeploy", out.part(EcsState.PART).phase());
    assertTrue(only(out, "WaitForStability", "done").detail().contains("sentinel-api stable: 3/3 running"));
  }

  @Test
  void allTasksRunningWhileTheOldDeploymentDrainsIsNotStable() {
    Ecs.reports(ecs, deploying(3));
    Recovery out = invoke(step, Ecs.inPhase("redeploy", 0, "ecs-svc/forced", 9, false));
    assertFalse(out.part(EcsState.PART).stable());
    assertEquals("3/3 running, 2 deployment(s)", out.part(EcsState.PART).status());
  }

  @Test
  void withinTheWindowItWaits() {
    Ecs.reports(ecs, deploying(0));
    Recovery out = invoke(step, Ecs.inPhase("redeploy", 1, "ecs-svc/forced", 9, false));
    assertFalse(out.part(EcsState.PART).stable());
    assertFalse(out.part(EcsState.PART).rollbackDue());
    assertEquals(2, out.part(EcsState.PART).polls());
    assertTrue(only(out, "WaitForStability", "waiting").detail().contains("poll 2 of 3 before a rollback"));
  }

  @Test
  void notStableAfterTheWindowMakesARollbackDueWithItsReason() {
    Ecs.reports(ecs, deploying(0));
    Recovery out = invoke(step, Ecs.inPhase("redeploy", 2, "ecs-svc/forced", 9, false));
    assertTrue(out.part(EcsState.PART).rollbackDue());
    assertFalse(out.part(EcsState.PART).stable());
    assertEquals(3, out.part(EcsState.PART).polls());
    String reason = "sentinel-api:9 (deployment ecs-svc/forced) not stable after 3 polls (window of 3 x 30 s): "
        + "0/3 running, 2 deployment(s); rolling back";
    assertEquals(reason, only(out, "WaitForStability", "decided").detail());
    assertEquals(reason, out.part(EcsState.PART)
        .decision()); // DeployPreviousVersion records it as the rollback's reason
  }

  @Test
  void theWindowComesFromEcsStablePolls() {
    Ecs.reports(ecs, deploying(0));
    WaitForStability longer = new WaitForStability(Fixtures.deps(Ecs.config(s -> s.put("stablePolls",
        10)), ecs));
    assertFalse(invoke(longer, Ecs.inPhase("redeploy", 2, "ecs-svc/forced", 9, false)).part(EcsState.PART)
        .rollbackDue());
    assertTrue(invoke(longer, Ecs.inPhase("redeploy", 9, "ecs-svc/forced", 9, false)).part(EcsState.PART)
        .rollbackDue());
  }

  @Test
  void aRolloutEcsMarkedFailedMakesTheRollbackDueAtOnce() {
    Ecs.reports(ecs, Ecs.service(Ecs.API, 0, 3, 9, Ecs.deployment("ecs-svc/forced", "PRIMARY", 9, 0, 3, T, "FAILED")
        .toBuilder().rolloutStateReason("ECS deployment circuit breaker: tasks failed to start.").build()));
    Recovery out = invoke(step, Ecs.inPhase("redeploy", 0, "ecs-svc/forced", 9, false));
    assertTrue(out.part(EcsState.PART).rollbackDue());
    String reason = only(out, "WaitForStability", "decided").detail();
    assertTrue(reason.contains("ecs-svc/forced rollout FAILED (ECS deployment circuit breaker"), reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rollback", "scale"})
  void afterARollbackOrScaleUpTheWaitTimesOutAtMaxPolls(String phase) {
    Ecs.reports(ecs, deploying(1));
    TimedOutError e = assertThrows(TimedOutError.class,
        () -> invoke(step, Ecs.inPhase(phase, 4, "ecs-svc/forced", 7, false)));
    assertTrue(e.getMessage().contains("not stable after 5 polls in phase " + phase), e.getMessage());
    assertTrue(e.getMessage().contains("1/3 running, 2 deployment(s)"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rollback", "scale"})
  void afterARollbackOrScaleUpNoSecondRollbackIsEverDue(String phase) {
    Ecs.reports(ecs, deploying(0));
    Recovery out = invoke(step, Ecs.inPhase(phase, 3, "ecs-svc/forced", 7, false)); // past the window of 3
    assertFalse(out.part(EcsState.PART).rollbackDue());
    assertEquals(4, out.part(EcsState.PART).polls());
    assertTrue(only(out, "WaitForStability", "waiting").detail().contains("phase " + phase + ", poll 4 of 5"));
  }

  @Test
  void stableOnTheLastAllowedPollIsStillSuccess() {
    Ecs.reports(ecs, Ecs.steady(Ecs.API, 3, 3, 7));
    assertTrue(invoke(step, Ecs.inPhase("rollback", 4, "ecs-svc/rb", 7, false)).part(EcsState.PART).stable());
  }

  @Test
  void dryRunIsStableWithoutAskingEcs() {
    Recovery out = invoke(step, Ecs.inPhase("redeploy", 0, null, 9, true));
    verifyNoInteractions(ecs);
    assertTrue(out.part(EcsState.PART).stable());
    assertFalse(out.part(EcsState.PART).rollbackDue());
    only(out, "WaitForStability", "skipped");
  }

  @Test
  void withoutADeploymentInProgressThereIsNothingToWaitFor() {
    assertThrows(StepFailedError.class, () -> invoke(step, Ecs.diagnosed(Ecs.API, false, 9)));
    verifyNoInteractions(ecs);
  }

  @Test
  void aServiceThisEnvironmentDoesNotProtectIsRefusedBeforeAnyCall() {
    Recovery foreign = Ecs.recovery("billing-api", false).with(EcsState.PART, Ecs.inPhase("redeploy", 0, "x", 9, false)
        .part(EcsState.PART));
    assertThrows(StepFailedError.class, () -> invoke(step, foreign));
    verifyNoInteractions(ecs);
    verify(ecs, org.mockito.Mockito.never()).describeServices(any(DescribeServicesRequest.class));
  }
}
