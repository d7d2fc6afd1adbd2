package ai.sentinel.dr.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.support.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.EcsException;

/**
 * The base every step shares: byte streams in and out, AWS errors typed for the state machine's Retry/Catch, and the
 * blast-radius guard in front of every mutating call.
 */
class StepTest {
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);

  @AfterEach
  void releaseLogs() {
    StepHarness.releaseLogs();
  }

  private static EcsException aws(int status, String code) {
    return (EcsException) EcsException.builder().statusCode(status).message(code + " from ECS")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " from ECS").serviceName("ECS")
            .build()).build();
  }

  /** Runs RestartServices through handleRequest with ECS failing as given; returns what the handler threw. */
  private RuntimeException failingWith(RuntimeException sdkError, ByteArrayOutputStream output) {
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenThrow(sdkError);
    RestartServices step = new RestartServices(Fixtures.deps(ecs));
    return assertThrows(RuntimeException.class, () -> step.handleRequest(
        new ByteArrayInputStream(Json.bytes(Fixtures.recovery(false))), output, null));
  }

  @ParameterizedTest
  @CsvSource({"503,ServiceUnavailableException", "500,ServerException", "502,BadGateway",
      "400,ThrottlingException", "400,Throttling", "429,TooManyRequestsException", "400,RequestLimitExceeded"})
  void throttlingAndServerErrorsAreRetryable(int status, String code) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    RuntimeException e = failingWith(aws(status, code), output);
    assertInstanceOf(RetryableStepError.class, e);
    assertTrue(e.getMessage().startsWith("RestartServices: " + code), e.getMessage());
    assertInstanceOf(EcsException.class, e.getCause());
    assertEquals(0, output.size()); // no half-written document for the next state
  }

  @ParameterizedTest
  @CsvSource({"400,InvalidParameterException", "400,ClusterNotFoundException", "403,AccessDeniedException",
      "404,ResourceNotFoundException"})
  void clientErrorsFailTheStep(int status, String code) {
    RuntimeException e = failingWith(aws(status, code), new ByteArrayOutputStream());
    assertInstanceOf(StepFailedError.class, e);
    assertTrue(e.getMessage().contains(code), e.getMessage());
  }

  @Test
  void clientSideIoFailureIsRetryable() {
    RuntimeException e = failingWith(SdkClientException.create("Unable to execute HTTP request: connect timed out"),
        new ByteArrayOutputStream());
    assertInstanceOf(RetryableStepError.class, e);
  }

  @Test
  void failureIsLoggedWithTheTypeTheStateMachineMatchesOn() {
    List<String> logs = StepHarness.captureLogs();
    failingWith(aws(503, "ServiceUnavailableException"), new ByteArrayOutputStream());
    String failed = logs.stream().filter(l -> l.contains("\"step.failed\"")).findFirst().orElseThrow();
    var line = Json.tree(failed);
    assertEquals("ERROR", line.get("level").asText());
    assertEquals(Fixtures.recovery(false).executionName(), line.get("correlationId").asText());
    assertEquals(RetryableStepError.class.getName(), line.get("errorType").asText());
    assertEquals("RestartServices", line.get("step").asText());
  }

  /** A step that tries one mutating call, to test the guard in front of every mutation. */
  private static final class Probe extends Step {
    final String service;
    final String target;
    final AtomicInteger sent = new AtomicInteger();

    Probe(DrConfig config, String service, String target) {
      super(Fixtures.deps(config));
      this.service = service;
      this.target = target;
    }

    @Override
    public String name() {
      return "Probe";
    }

    @Override
    protected Recovery run(Recovery recovery) {
      return mutate(recovery, service, "Mutate", target, "request", () -> {
        sent.incrementAndGet();
        return "response";
      }).recovery();
    }
  }

  @ParameterizedTest
  @CsvSource({
      "rds,sentinel-db",                       // the original database is never mutated
      "rds,billing-db-recovery",
      "rds,",
      "secretsmanager,prod/sentinel/database-url",
      "secretsmanager,sentinel/database-url-old",
      "ecs,sentinel-production/sentinel-web",
      "ecs,other-cluster/sentinel-api",
      "ecs,sentinel-api",
      "sns,arn:aws:sns:us-east-1:123456789012:other-topic",
      "ec2,sentinel-db-recovery"})
  void targetsTheConfigDoesNotNameAreRefusedLiveAndInDryRun(String service, String target) {
    for (boolean dryRun : new boolean[] {false, true}) {
      Probe probe = new Probe(Fixtures.config(), service, target);
      OutsideBlastRadiusError e = assertThrows(OutsideBlastRadiusError.class,
          () -> StepHarness.invoke(probe, Fixtures.recovery(dryRun)));
      assertEquals(0, probe.sent.get());
      assertTrue(e.getMessage().contains("dev environment config"), e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource({
      "rds,sentinel-db-recovery",
      "rds,sentinel-db-pitr",
      "secretsmanager,sentinel/database-url",
      "ecs,sentinel-production/sentinel-api",
      "ecs,sentinel-production/sentinel-celery",
      "sns,arn:aws:sns:us-east-1:123456789012:dev-sentinel-dr-notifications"})
  void targetsTheConfigNamesAreSentLiveAndPlannedInDryRun(String service, String target) {
    Probe live = new Probe(Fixtures.config(), service, target);
    Recovery out = StepHarness.invoke(live, Fixtures.recovery(false));
    assertEquals(1, live.sent.get());
    assertTrue(out.plan().isEmpty());
    assertEquals("requested", out.timeline().get(0).event());

    Probe dry = new Probe(Fixtures.config(), service, target);
    Recovery planned = StepHarness.invoke(dry, Fixtures.recovery(true));
    assertEquals(0, dry.sent.get());
    assertEquals(1, planned.plan().size());
    assertEquals(target, planned.plan().get(0).target());
    assertEquals("planned", planned.timeline().get(0).event());
  }

  @Test
  void anotherEnvironmentsConfigDoesNotAllowThisOnesSecret() {
    Map<String, String> env = Fixtures.env();
    Fixtures.withSection(env, "database", s -> s.put("secretId", "staging/sentinel/database-url"));
    Probe probe = new Probe(DrConfig.fromEnv(env), "secretsmanager", "sentinel/database-url");
    assertThrows(OutsideBlastRadiusError.class, () -> StepHarness.invoke(probe, Fixtures.recovery(false)));
    assertEquals(0, probe.sent.get());
  }

  @Test
  void successWritesTheWholeDocumentBack() throws Exception {
    Probe probe = new Probe(Fixtures.config(), "rds", "sentinel-db-recovery");
    Recovery in = Fixtures.recovery(false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    probe.handleRequest(new ByteArrayInputStream(Json.bytes(in)), out, null);
    Recovery back = Json.read(out.toByteArray(), Recovery.class);
    assertEquals(in.executionName(), back.executionName());
    assertEquals(in.trigger(), back.trigger());
    assertEquals(in.options(), back.options());
    assertEquals(1, back.timeline().size());
    assertFalse(back.dryRun());
  }
}
