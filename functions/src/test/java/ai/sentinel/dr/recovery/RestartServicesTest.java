package ai.sentinel.dr.recovery;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.database.DatabaseState.SecretUpdate;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
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
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/** Runbook Scenario 1 Option B step 6: update-service --force-new-deployment for sentinel-api and sentinel-celery. */
class RestartServicesTest {
  private static final String CLUSTER = "sentinel-production";
  private static final Instant REPOINTED = Instant.parse("2026-01-17T10:20:00Z");

  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);

  static Service service(String name, String primaryId, Instant primaryCreated) {
    return Service.builder().serviceName(name).clusterArn(CLUSTER).desiredCount(2).runningCount(2)
        .deployments(Deployment.builder().id(primaryId).status("PRIMARY").createdAt(primaryCreated).build()).build();
  }

  private void existing(Service... services) {
    when(ecs.describeServices(any(DescribeServicesRequest.class)))
        .thenReturn(DescribeServicesResponse.builder().services(Arrays.asList(services)).build());
    when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> {
      UpdateServiceRequest req = inv.getArgument(0);
      return UpdateServiceResponse.builder().service(service(req.service(), "ecs-svc/new-" + req.service(),
          Instant.parse("2026-01-17T10:21:00Z"))).build();
    });
  }

  private static Recovery repointed(boolean dryRun) {
    // what UpdateSecret leaves: the secret written and when
    return Fixtures.recovery(dryRun).with(DatabaseState.PART, new DatabaseState(Fixtures.diagnosis(false, null,
        false), null, null, null, new SecretUpdate("sentinel/database-url", "new-host", "v-new",
        REPOINTED.toString()))).withRepointedAt(REPOINTED.toString());
  }

  private List<UpdateServiceRequest> updates(int expected) {
    ArgumentCaptor<UpdateServiceRequest> sent = ArgumentCaptor.forClass(UpdateServiceRequest.class);
    verify(ecs, times(expected)).updateService(sent.capture());
    return sent.getAllValues();
  }

  @Test
  void forcesANewDeploymentOfBothConfiguredServicesOnTheConfiguredCluster() {
    existing(service("sentinel-api", "ecs-svc/old-api", Instant.parse("2026-01-10T00:00:00Z")),
        service("sentinel-celery", "ecs-svc/old-celery", Instant.parse("2026-01-10T00:00:00Z")));
    Recovery out = invoke(new RestartServices(Fixtures.deps(ecs)), repointed(false));

    ArgumentCaptor<DescribeServicesRequest> described = ArgumentCaptor.forClass(DescribeServicesRequest.class);
    verify(ecs).describeServices(described.capture());
    assertEquals(CLUSTER, described.getValue().cluster());
    assertEquals(List.of("sentinel-api", "sentinel-celery"), described.getValue().services());

    List<UpdateServiceRequest> sent = updates(2);
    assertEquals(List.of("sentinel-api", "sentinel-celery"), sent.stream().map(UpdateServiceRequest::service).toList());
    for (UpdateServiceRequest req : sent) {
      assertEquals(CLUSTER, req.cluster());
      assertEquals(Boolean.TRUE, req.forceNewDeployment());
      assertEquals(null, req.taskDefinition()); // same task definition: only a restart, nothing else changes
      assertEquals(null, req.desiredCount());
    }
    ServicesState s = out.services();
    assertEquals(CLUSTER, s.cluster());
    assertEquals(List.of("sentinel-api", "sentinel-celery"), s.names());
    assertEquals(Map.of("sentinel-api", "ecs-svc/new-sentinel-api", "sentinel-celery", "ecs-svc/new-sentinel-celery"),
        s.deployments());
    assertFalse(s.stable());
    assertEquals(0, s.polls());
    assertEquals(2, StepHarness.entries(out, "RestartServices", "requested").size());
    assertTrue(only(out, "RestartServices", "restarted").detail().contains("[sentinel-api, sentinel-celery]"));
  }

  @Test
  void serviceAlreadyRedeployedAfterTheRepointIsSkipped() {
    // a re-run: sentinel-api's PRIMARY deployment started after the secret was repointed
    existing(service("sentinel-api", "ecs-svc/after", REPOINTED.plusSeconds(30)),
        service("sentinel-celery", "ecs-svc/before", REPOINTED.minusSeconds(3600)));
    Recovery out = invoke(new RestartServices(Fixtures.deps(ecs)), repointed(false));
    List<UpdateServiceRequest> sent = updates(1);
    assertEquals("sentinel-celery", sent.get(0).service());
    assertEquals("ecs-svc/after", out.services().deployments().get("sentinel-api"));
    assertTrue(only(out, "RestartServices", "skipped").detail().contains("sentinel-api"));
  }

  @Test
  void runTwiceRestartsOnce() {
    existing(service("sentinel-api", "ecs-svc/old-api", REPOINTED.minusSeconds(60)),
        service("sentinel-celery", "ecs-svc/old-celery", REPOINTED.minusSeconds(60)));
    RestartServices step = new RestartServices(Fixtures.deps(ecs));
    invoke(step, repointed(false));
    // ECS now reports the deployments the first run started
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(service("sentinel-api", "ecs-svc/new-api", REPOINTED.plusSeconds(60)),
            service("sentinel-celery", "ecs-svc/new-celery", REPOINTED.plusSeconds(60))).build());
    invoke(step, repointed(false));
    updates(2);
  }

  @Test
  void missingServiceFailsBeforeAnyRestart() {
    existing(service("sentinel-celery", "ecs-svc/old", REPOINTED.minusSeconds(60)));
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new RestartServices(Fixtures.deps(ecs)), repointed(false)));
    assertTrue(e.getMessage().contains("sentinel-api"), e.getMessage());
    assertTrue(e.getMessage().contains(CLUSTER), e.getMessage());
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
  }

  @Test
  void noServicesConfiguredFails() {
    Map<String, String> env = Fixtures.env();
    Fixtures.withSection(env, "ecs", s -> s.remove("services"));
    assertThrows(StepFailedError.class,
        () -> invoke(new RestartServices(Fixtures.deps(DrConfig.fromEnv(env), ecs)), repointed(false)));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
  }

  @Test
  void dryRunRestartsNothingAndPlansBoth() {
    existing(service("sentinel-api", "a", REPOINTED.minusSeconds(60)),
        service("sentinel-celery", "c", REPOINTED.minusSeconds(60)));
    Recovery out = invoke(new RestartServices(Fixtures.deps(ecs)), repointed(true));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
    assertEquals(List.of(CLUSTER + "/sentinel-api", CLUSTER + "/sentinel-celery"),
        out.plan().stream().map(PlannedCall::target).toList());
    out.plan().forEach(p -> assertEquals("UpdateService", p.api()));
  }

  @Test
  void servicesOutsideTheBlastRadiusAreNeverRestarted() {
    DrConfig config = spy(Fixtures.config());
    doReturn(false).when(config).allows(eq("ecs"), anyString());
    existing(service("sentinel-api", "a", REPOINTED.minusSeconds(60)),
        service("sentinel-celery", "c", REPOINTED.minusSeconds(60)));
    assertThrows(OutsideBlastRadiusError.class,
        () -> invoke(new RestartServices(Fixtures.deps(config, ecs)), repointed(false)));
    verify(ecs, never()).updateService(any(UpdateServiceRequest.class));
  }
}
