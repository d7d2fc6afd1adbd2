package ai.sentinel.dr.region;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.AvailabilityZones;
import ai.sentinel.dr.common.AvailabilityZones.Zone;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.region.RegionState.Confirmation;
import ai.sentinel.dr.region.RegionState.Evidence;
import ai.sentinel.dr.support.Fixtures;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.RdsException;

/**
 * Runbook Scenario 4 step 1, "Confirm primary region is down", from the DR region: the verdict acts only on a platform
 * that is down in a region that shows it; an error or a timeout is evidence; every call goes to the primary region.
 */
class ConfirmPrimaryDownTest {
  private final AvailabilityZones ec2 = org.mockito.Mockito.mock(AvailabilityZones.class);
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** The primary's public /health answering {@code status}; -1: a port nothing listens on. */
  private String health(int status) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", exchange -> {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
    if (status < 0) {
      server.stop(0);
      server = null;
    }
    return url;
  }

  /** The step with the primary's clients only: a call in the DR region would fail (no preset client there). */
  private ConfirmPrimaryDown step(String healthUrl) {
    return new ConfirmPrimaryDown(Regions.deps(Regions.env(healthUrl), Map.of(),
        Map.of(AvailabilityZones.class, ec2, RdsClient.class, rds, EcsClient.class, ecs)));
  }

  private void regionUnreachable() {
    when(ec2.describe(any(Duration.class))).thenThrow(ApiCallTimeoutException.create(5000));
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class)))
        .thenThrow(SdkClientException.create("Unable to execute HTTP request: Connect timed out"));
    when(ecs.describeServices(any(DescribeServicesRequest.class)))
        .thenThrow(ApiCallTimeoutException.create(5000));
  }

  private void regionAnswers(String zoneState, String dbStatus, int running) {
    when(ec2.describe(any(Duration.class))).thenReturn(List.of(new Zone("us-east-1a", "available"),
        new Zone("us-east-1b", zoneState)));
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(DescribeDbInstancesResponse
        .builder().dbInstances(DBInstance.builder().dbInstanceIdentifier("sentinel-db").dbInstanceStatus(dbStatus)
            .build()).build());
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(Service.builder().serviceName("sentinel-api").runningCount(running).desiredCount(3).build(),
            Service.builder().serviceName("sentinel-celery").runningCount(0).desiredCount(2).build()).build());
  }

  private static Confirmation confirmation(Recovery out) {
    return out.part(RegionState.PART).confirmation();
  }

  private static Evidence evidence(Confirmation c, String check) {
    return c.evidence().stream().filter(e -> e.check().equals(check)).findFirst().orElseThrow();
  }

  @Test
  void aRegionThatDoesNotAnswerAndAPlatformThatIsDownIsConfirmedWithEveryPieceOfEvidence() throws Exception {
    regionUnreachable();
    Recovery out = invoke(step(health(-1)), Regions.recovery(false));
    Confirmation c = confirmation(out);
    assertTrue(c.confirmed(), c.verdict());
    assertEquals("us-east-1", c.primaryRegion());
    assertEquals("eu-west-1", c.drRegion());
    assertEquals(List.of("availability-zones", "rds", "ecs", "public-health"),
        c.evidence().stream().map(Evidence::check).toList());
    assertTrue(c.evidence().stream().allMatch(e -> e.result().equals(Evidence.UNREACHABLE)), c.evidence()::toString);
    String detail = only(out, "ConfirmPrimaryDown", "confirmed").detail();
    assertTrue(detail.contains("rds unreachable") && detail.contains("public-health unreachable"), detail);
    assertEquals(Verdict.FAILED, out.diagnosis().verdict());
    assertTrue(out.diagnosis().act(), "a confirmed failure goes on to the approval gate");
  }

  @Test
  void everyCheckAsksThePrimaryRegionForTheProtectedResourcesWithAShortTimeout() throws Exception {
    regionAnswers("available", "available", 3);
    invoke(step(null), Regions.recovery(false));
    ArgumentCaptor<DescribeDbInstancesRequest> db = ArgumentCaptor.forClass(DescribeDbInstancesRequest.class);
    verify(rds).describeDBInstances(db.capture());
    assertEquals("sentinel-db", db.getValue().dbInstanceIdentifier());
    assertEquals(Duration.ofSeconds(5), db.getValue().overrideConfiguration().orElseThrow().apiCallTimeout()
        .orElseThrow());
    ArgumentCaptor<DescribeServicesRequest> svc = ArgumentCaptor.forClass(DescribeServicesRequest.class);
    verify(ecs).describeServices(svc.capture());
    assertEquals("sentinel-production", svc.getValue().cluster());
    assertEquals(List.of("sentinel-api", "sentinel-celery"), svc.getValue().services());
    assertTrue(svc.getValue().overrideConfiguration().orElseThrow().apiCallTimeout().isPresent());
    verify(ec2).describe(Duration.ofSeconds(5));
  }

  @Test
  void aPublicHealthCheckThatStillPassesMeansNoFailoverWhateverTheApisSay() throws Exception {
    regionUnreachable();
    Recovery out = invoke(step(health(200)), Regions.recovery(false));
    Confirmation c = confirmation(out);
    assertFalse(c.confirmed());
    assertTrue(c.verdict().contains("public-health in us-east-1 still healthy"), c.verdict());
    assertEquals(Evidence.HEALTHY, evidence(c, "public-health").result());
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
    assertFalse(out.diagnosis().act(), "no action: the state machine ends at NotifyNoAction");
  }

  @Test
  void aPlatformDownInARegionThatAnswersNormallyIsAPerResourceFailureNotARegionFailure() throws Exception {
    regionAnswers("available", "failed", 0);
    Recovery out = invoke(step(health(503)), Regions.recovery(false));
    Confirmation c = confirmation(out);
    assertFalse(c.confirmed());
    assertTrue(c.verdict().contains("per-resource failure"), c.verdict());
    assertEquals(Evidence.UNHEALTHY, evidence(c, "rds").result());
    assertEquals(Evidence.UNHEALTHY, evidence(c, "ecs").result());
    assertTrue(evidence(c, "public-health").detail().endsWith("answered 503"));
    assertEquals(Verdict.INCONCLUSIVE, out.diagnosis().verdict(), "a human is paged, nothing changes");
    assertFalse(out.diagnosis().act());
  }

  @Test
  void anImpairedZoneIsRegionEvidenceWhenThePlatformIsDown() throws Exception {
    regionAnswers("impaired", "failed", 0);
    Confirmation c = confirmation(invoke(step(health(502)), Regions.recovery(false)));
    assertTrue(c.confirmed(), c.verdict());
    assertTrue(evidence(c, "availability-zones").detail().contains("us-east-1b impaired"));
  }

  @Test
  void oneHealthyServiceKeepsTheRegionInServiceEvenWithTheDatabaseGone() throws Exception {
    regionAnswers("impaired", "available", 1);
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenThrow(DbInstanceNotFoundException
        .builder().statusCode(404).awsErrorDetails(AwsErrorDetails.builder().errorCode("DBInstanceNotFound")
            .build()).build());
    Confirmation c = confirmation(invoke(step(null), Regions.recovery(false)));
    assertFalse(c.confirmed());
    // a 404 is an answer: the region works, the instance is gone
    assertEquals(Evidence.UNHEALTHY, evidence(c, "rds").result());
    assertEquals(Evidence.SKIPPED, evidence(c, "public-health").result());
    assertTrue(c.verdict().contains("ecs in us-east-1 still healthy"), c.verdict());
  }

  @Test
  void aServerErrorOfTheRegionIsEvidenceThatItIsDown() throws Exception {
    regionAnswers("available", "available", 0);
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenThrow(RdsException.builder()
        .statusCode(503).awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceUnavailable").build()).build());
    Confirmation c = confirmation(invoke(step(health(-1)), Regions.recovery(false)));
    assertEquals(Evidence.UNREACHABLE, evidence(c, "rds").result());
    assertTrue(c.confirmed(), c.verdict());
  }

  @Test
  void aDryRunAssessesForRealAndChangesNothing() throws Exception {
    regionUnreachable();
    Recovery out = invoke(step(health(-1)), Regions.recovery(true));
    assertTrue(confirmation(out).confirmed());
    assertTrue(out.plan().isEmpty());
  }
}
