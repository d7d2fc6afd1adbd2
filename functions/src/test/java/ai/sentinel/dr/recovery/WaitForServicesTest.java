package ai.sentinel.dr.recovery;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.support.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/** Runbook "wait services-stable": one deployment per service and running == desired, polled. */
class WaitForServicesTest {
  private static final List<String> NAMES = List.of("sentinel-api", "sentinel-celery");
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final WaitForServices step = new WaitForServices(Fixtures.deps(ecs));

  private static Service svc(String name, int running, int desired, int deployments) {
    List<Deployment> ds = new ArrayList<>();
    ds.add(Deployment.builder().id(name + "-new").status("PRIMARY").build());
    for (int i = 1; i < deployments; i++) {
      ds.add(Deployment.builder().id(name + "-old" + i).status("ACTIVE").build());
    }
    return Service.builder().serviceName(name).runningCount(running).desiredCount(desired).deployments(ds).build();
  }

  private void ecsReports(Service... services) {
    when(ecs.describeServices(any(DescribeServicesRequest.class)))
        .thenReturn(DescribeServicesResponse.builder().services(Arrays.asList(services)).build());
  }

  private static Recovery restarted(int polls, boolean dryRun) {
    return Fixtures.recovery(dryRun).withServices(new ServicesState("sentinel-production", NAMES,
        "2026-01-17T10:21:00Z", Map.of("sentinel-api", "sentinel-api-new"), false, Map.of(), polls));
  }

  @Test
  void stableWhenEveryServiceHasOneDeploymentAndAllTasksRunning() {
    ecsReports(svc("sentinel-api", 2, 2, 1), svc("sentinel-celery", 4, 4, 1));
    Recovery out = invoke(step, restarted(0, false));
    ArgumentCaptor<DescribeServicesRequest> asked = ArgumentCaptor.forClass(DescribeServicesRequest.class);
    verify(ecs).describeServices(asked.capture());
    assertEquals("sentinel-production", asked.getValue().cluster());
    assertEquals(NAMES, asked.getValue().services());
    assertTrue(out.services().stable());
    assertEquals(1, out.services().polls());
    assertEquals("4/4 running, 1 deployment(s)", out.services().status().get("sentinel-celery"));
    assertEquals(Map.of("sentinel-api", "sentinel-api-new"), out.services().deployments()); // kept
    only(out, "WaitForServices", "done");
  }

  @Test
  void oldDeploymentStillDrainingIsNotStable() {
    ecsReports(svc("sentinel-api", 2, 2, 2), svc("sentinel-celery", 4, 4, 1));
    Recovery out = invoke(step, restarted(1, false));
    assertFalse(out.services().stable());
    assertEquals(2, out.services().polls());
    assertTrue(only(out, "WaitForServices", "waiting").detail().contains("2 deployment(s)"));
  }

  @Test
  void fewerTasksRunningThanDesiredIsNotStable() {
    ecsReports(svc("sentinel-api", 1, 2, 1), svc("sentinel-celery", 4, 4, 1));
    Recovery out = invoke(step, restarted(0, false));
    assertFalse(out.services().stable());
    assertEquals("1/2 running, 1 deployment(s)", out.services().status().get("sentinel-api"));
  }

  @Test
  void serviceMissingFromTheAnswerIsNotStable() {
    ecsReports(svc("sentinel-api", 2, 2, 1));
    Recovery out = invoke(step, restarted(0, false));
    assertFalse(out.services().stable());
  }

  @Test
  void maxPollsReachedTimesOut() {
    ecsReports(svc("sentinel-api", 2, 2, 2), svc("sentinel-celery", 4, 4, 1));
    TimedOutError e = assertThrows(TimedOutError.class, () -> invoke(step, restarted(4, false)));
    assertTrue(e.getMessage().contains("5 polls"), e.getMessage());
    assertTrue(e.getMessage().contains("sentinel-api"), e.getMessage());
  }

  @Test
  void stableOnTheLastAllowedPollIsStillSuccess() {
    ecsReports(svc("sentinel-api", 2, 2, 1), svc("sentinel-celery", 4, 4, 1));
    assertTrue(invoke(step, restarted(4, false)).services().stable());
  }

  @Test
  void withoutARestartThereIsNothingToWaitFor() {
    assertThrows(StepFailedError.class, () -> invoke(step, Fixtures.recovery(false)));
  }

  @Test
  void dryRunMakesNoAwsCall() {
    Recovery out = invoke(step, restarted(0, true));
    verifyNoInteractions(ecs);
    only(out, "WaitForServices", "skipped");
  }
}
