package ai.sentinel.dr.region;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.AvailabilityZones;
import ai.sentinel.dr.common.AvailabilityZones.Zone;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.HealthEvents;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.region.RegionState.Confirmation;
import ai.sentinel.dr.region.RegionState.Evidence;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.trigger.EventClassifier;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
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
  private final HealthEvents health = org.mockito.Mockito.mock(HealthEvents.class);
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
        Map.of(AvailabilityZones.class, ec2, RdsClient.class, rds, EcsClient.class, ecs, HealthEvents.class,
            health)));
  }

  private void regionUnreachable() {
    when(ec2.describe(any(Duration.class))).thenThrow(ApiCallTimeoutException.create(5000));
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class)))
        .thenThrow(SdkClientException.create("Unable to execute HTTP request: Connect timed out"));
    when(ecs.describeServices(any(DescribeServicesRequest.class)))
        .thenThrow(ApiCallTimeoutException.create(5000));
    when(health.openIssues(any(), any(), any())).thenThrow(ApiCallTimeoutException.create(5000));
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
    assertEquals(List.of("availability-zones", "rds", "ecs", "public-health", "aws-health-api"),
        c.evidence().stream().map(Evidence::check).toList());
    assertTrue(c.evidence().stream().limit(4).allMatch(e -> e.result().equals(Evidence.UNREACHABLE)),
        c.evidence()::toString);
    // AWS Health's API is in the region that is down: it says nothing either way
    assertEquals(Evidence.NOT_AVAILABLE, evidence(c, "aws-health-api").result());
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

  /** The recovery the DR stack starts for the events/ sample of an open RDS issue in the primary. */
  private static Recovery startedByHealthEvent() throws Exception {
    byte[] sample = Files.readAllBytes(Fixtures.events().resolve("health-eventbridge-primary-rds-issue.json"));
    Trigger trigger = new EventClassifier(DrConfig.fromEnv(Regions.env(null)), Fixtures.CLOCK).classify(sample)
        .trigger();
    return Recovery.start("region-failure", Regions.PRIMARY, Regions.EXECUTION, "dev", trigger,
        new Options(null, "latest", null, false, 30, 5));
  }

  private static HealthEvents.Event openIssue(String type, String service) {
    return new HealthEvents.Event("arn:aws:health:us-east-1::event/" + service + "/" + type + "/1", service, type,
        "us-east-1", "open", "2026-01-17T09:40:00Z");
  }

  @Test
  void theTriggeringHealthEventAndAwsHealthsOpenIssuesOfThePrimaryAreEvidence() throws Exception {
    // the platform is down in a region whose APIs answer: only AWS Health says the region itself is impaired
    regionAnswers("available", "failed", 0);
    when(health.openIssues(any(), any(), any())).thenReturn(List.of(openIssue("AWS_RDS_OPERATIONAL_ISSUE", "RDS"),
        openIssue("AWS_EC2_OPERATIONAL_ISSUE", "EC2")));
    Recovery out = invoke(step(health(503)), startedByHealthEvent());
    ArgumentCaptor<String> asked = ArgumentCaptor.forClass(String.class);
    @SuppressWarnings("unchecked")
    ArgumentCaptor<List<String>> services = ArgumentCaptor.forClass(List.class);
    verify(health).openIssues(asked.capture(), services.capture(), eq(Duration.ofSeconds(5)));
    assertEquals("us-east-1", asked.getValue());
    assertEquals(List.of("RDS", "ECS", "EC2", "ELASTICLOADBALANCING"), services.getValue());
    Confirmation c = confirmation(out);
    assertEquals(List.of("availability-zones", "rds", "ecs", "public-health", "aws-health-event", "aws-health-api"),
        c.evidence().stream().map(Evidence::check).toList());
    Evidence trigger = evidence(c, "aws-health-event");
    assertEquals(Evidence.UNHEALTHY, trigger.result());
    assertTrue(trigger.detail().contains("AWS_RDS_OPERATIONAL_ISSUE (RDS in us-east-1, issue open since Sat, 17 Jan "
        + "2026 09:40:00 GMT) arn:aws:health:us-east-1::event/RDS/"), trigger.detail());
    Evidence api = evidence(c, "aws-health-api");
    assertTrue(api.detail().contains("2 open issues") && api.detail().contains("AWS_EC2_OPERATIONAL_ISSUE (EC2"),
        api.detail());
    assertTrue(c.confirmed(), c.verdict());
    assertTrue(c.verdict().contains("region itself shows it (aws-health-api unhealthy)"), c.verdict());
    assertTrue(c.verdict().contains("AWS Health: the assessment was started by an open AWS Health issue; "
        + "DescribeEvents lists open issues"), c.verdict());
    // the gate and the page show the evidence lines
    assertTrue(out.diagnosis().evidence().stream().anyMatch(l -> l.startsWith("aws-health-event unhealthy: the "
        + "trigger")), out.diagnosis().evidence().toString());
  }

  @Test
  void describeEventsFailingIsNotedAndTheVerdictComesFromTheOtherEvidence() throws Exception {
    regionUnreachable();
    AwsServiceException noPlan = AwsServiceException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails
        .builder().errorCode("SubscriptionRequiredException").build()).build();
    doThrow(noPlan).when(health).openIssues(any(), any(), any());
    Confirmation down = confirmation(invoke(step(health(-1)), Regions.recovery(false)));
    assertTrue(down.confirmed(), down.verdict());
    assertEquals("aws-health-api not available: DescribeEvents answered error SubscriptionRequiredException "
        + "(HTTP 400)", evidence(down, "aws-health-api").toString());
    assertFalse(down.verdict().contains("aws-health-api"), "not a reason: " + down.verdict());
    assertTrue(down.verdict().contains("DescribeEvents not available (DescribeEvents answered error "
        + "SubscriptionRequiredException (HTTP 400)), so the verdict rests on the other checks"), down.verdict());
    // the same error with the platform answering healthy: no failover, and no crash either
    reset(ec2, rds, ecs);
    regionAnswers("available", "available", 3);
    Recovery out = invoke(step(health(200)), Regions.recovery(false));
    assertFalse(confirmation(out).confirmed());
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
  }

  @Test
  void anOpenHealthIssueIsNeverAVerdictByItselfWhileThePlatformIsHealthy() throws Exception {
    regionAnswers("available", "available", 3);
    when(health.openIssues(any(), any(), any())).thenReturn(List.of(openIssue("AWS_EC2_OPERATIONAL_ISSUE", "EC2")));
    Recovery out = invoke(step(health(200)), startedByHealthEvent());
    Confirmation c = confirmation(out);
    assertFalse(c.confirmed(), c.verdict());
    assertTrue(c.verdict().startsWith("not confirmed: rds, ecs, public-health in us-east-1 still healthy"),
        c.verdict());
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
  }

  @Test
  void theTriggeringEventStandsInWhenDescribeEventsCannotAnswerAndYieldsToItWhenItDoes() throws Exception {
    regionAnswers("available", "failed", 0);
    when(health.openIssues(any(), any(), any())).thenThrow(SdkClientException.create("connect timed out"));
    Confirmation unanswered = confirmation(invoke(step(health(503)), startedByHealthEvent()));
    assertTrue(unanswered.confirmed(), unanswered.verdict());
    assertTrue(unanswered.verdict().contains("(aws-health-event unhealthy)"), unanswered.verdict());
    assertTrue(unanswered.verdict().contains("so the triggering event stands for it"), unanswered.verdict());
    // DescribeEvents answering that nothing is open any more is newer than the event: a per-resource failure
    reset(health);
    when(health.openIssues(any(), any(), any())).thenReturn(List.of());
    Confirmation closed = confirmation(invoke(step(health(503)), startedByHealthEvent()));
    assertFalse(closed.confirmed(), closed.verdict());
    assertTrue(closed.verdict().contains("per-resource failure"), closed.verdict());
    assertTrue(closed.verdict().contains("DescribeEvents lists no open issue now (the triggering event has "
        + "closed)"), closed.verdict());
  }
}
