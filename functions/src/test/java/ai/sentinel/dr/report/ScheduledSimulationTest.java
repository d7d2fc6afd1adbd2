package ai.sentinel.dr.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import ai.sentinel.dr.support.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryRequest;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * The scheduled full DR simulation in AWS ends as {@code ./sentinel drill --full} does: the window announced, each
 * drill sent to the manual responder of its stack in its region (the region failover to the DR region's), and one
 * leadership summary in the reports bucket with a row per runbook scenario, RTO/RPO objective vs measured, and every
 * failure.
 */
class ScheduledSimulationTest {
  private static final String BUCKET = "dev-sentinel-dr-reports";
  private static final String STARTED = "2026-03-15T06:00:00Z";
  /** The execution's name as EventBridge's rule target starts it: a 36-character id. */
  private static final String EXECUTION = "2f1c6b7e-93a4-4f0e-b5d2-7c1e8a9b0d3f";
  private static final String DB_ARN = "arn:aws:states:us-east-1:123456789012:execution:dev-sentinel-dr-database-"
      + "failure:sim-1-database-failure";
  private static final String REGION_ARN = "arn:aws:states:eu-west-1:123456789012:execution:dev-sentinel-dr-region-"
      + "region-failure:sim-1-region-failure";

  private final LambdaClient lambda = Fixtures.sdkMock(LambdaClient.class);
  private final LambdaClient drLambda = Fixtures.sdkMock(LambdaClient.class);
  private final SfnClient sfn = Fixtures.sdkMock(SfnClient.class);
  private final SfnClient drSfn = Fixtures.sdkMock(SfnClient.class);
  private final S3Client s3 = Fixtures.sdkMock(S3Client.class);
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);

  private ScheduledSimulation simulation() {
    Map<String, String> env = Fixtures.env();
    env.put(Report.BUCKET_VAR, BUCKET);
    env.put(ScheduledSimulation.DRILLS_VAR, Json.write(List.of(
        new ScheduledSimulation.Drill("database-failure", "dev-sentinel-dr-manual-responder:live", "us-east-1",
            Map.of("runbook", "database-failure", "drill", true, "dryRun", true)),
        new ScheduledSimulation.Drill("redis-failure", "dev-sentinel-dr-manual-responder:live", "us-east-1",
            Map.of("runbook", "redis-failure", "drill", true, "dryRun", true, "condition",
                Map.of("window", Map.of("from", ScheduledSimulation.STARTED_AT)))),
        new ScheduledSimulation.Drill("region-failure", "dev-sentinel-dr-region-manual-responder:live", "eu-west-1",
            Map.of("runbook", "region-failure", "drill", true, "dryRun", true)))));
    Map<Class<?>, Object> primary = new HashMap<>(Map.of(LambdaClient.class, lambda, SfnClient.class, sfn,
        S3Client.class, s3, SnsClient.class, sns));
    Clients clients = Clients.preset(Region.US_EAST_1, primary)
        .presetRegion(Region.EU_WEST_1, Map.of(LambdaClient.class, drLambda, SfnClient.class, drSfn));
    return new ScheduledSimulation(new Deps(DrConfig.fromEnv(env), clients, Fixtures.CLOCK), env, null, null);
  }

  private static InvokeResponse answer(String json) {
    return InvokeResponse.builder().statusCode(200).payload(SdkBytes.fromUtf8String(json)).build();
  }

  @Test
  void drillsEveryScenarioInItsRegionAndWritesTheLeadershipSummaryToTheReportsBucket() throws IOException {
    when(sns.publish(any(PublishRequest.class))).thenReturn(PublishResponse.builder().messageId("m-1").build());
    when(lambda.invoke(any(InvokeRequest.class))).thenReturn(
        answer("{\"action\":\"start\",\"scenario\":\"database-failure\",\"executionArn\":\"" + DB_ARN + "\"}"),
        answer("{\"action\":\"reject\",\"reason\":\"a recovery of sentinel-redis is already running\"}"));
    when(drLambda.invoke(any(InvokeRequest.class))).thenReturn(
        answer("{\"action\":\"start\",\"scenario\":\"region-failure\",\"executionArn\":\"" + REGION_ARN + "\"}"));
    ScheduledSimulation s = simulation();

    var started = s.handle(new ScheduledSimulation.Run("start", EXECUTION, STARTED, null, null, null, null, null,
        null));
    assertEquals("check", started.phase());
    assertEquals(300, started.waitSeconds(), "5 min between checks unless SIMULATION_CHECK_SECONDS says otherwise");
    assertTrue(started.announced().startsWith("SNS message m-1 to SNS topic dev-sentinel-dr-notifications"),
        started.announced());
    ArgumentCaptor<InvokeRequest> sent = ArgumentCaptor.forClass(InvokeRequest.class);
    verify(lambda, times(2)).invoke(sent.capture());
    ArgumentCaptor<InvokeRequest> drSent = ArgumentCaptor.forClass(InvokeRequest.class);
    verify(drLambda).invoke(drSent.capture());
    // the failover goes to the DR stack's responder in the DR region, each drill a dry-run with its own request id
    assertEquals("dev-sentinel-dr-region-manual-responder:live", drSent.getValue().functionName());
    var regionPayload = Json.tree(drSent.getValue().payload().asUtf8String());
    assertEquals("region-failure", regionPayload.path("runbook").asText());
    assertTrue(regionPayload.path("dryRun").asBoolean() && regionPayload.path("drill").asBoolean());
    // ManualInvokes accepts 1-40 letters, digits, '-' or '_': the execution's name and the scenario would be 53
    String regionId = regionPayload.path("requestId").asText();
    String databaseId = Json.tree(sent.getAllValues().get(0).payload().asUtf8String()).path("requestId").asText();
    for (String id : List.of(regionId, databaseId)) {
      assertTrue(id.matches("[A-Za-z0-9_-]{1,40}"), id);
    }
    assertTrue(regionId.endsWith("-region-failure") && databaseId.endsWith("-database-failure"), regionId);
    // the same for a retried start (the responder starts one execution), another for another exercise
    assertEquals(databaseId, ScheduledSimulation.requestId(EXECUTION, "database-failure"));
    assertTrue(!databaseId.equals(ScheduledSimulation.requestId("another-run", "database-failure")), databaseId);
    // a payload's window from the exercise's start (Scenario 5's repair) is filled with the run's start
    assertEquals(STARTED, Json.tree(sent.getAllValues().get(1).payload().asUtf8String()).path("condition")
        .path("window").path("from").asText());

    // one check while the database drill still runs, then both have ended
    when(sfn.describeExecution(any(DescribeExecutionRequest.class))).thenReturn(
        DescribeExecutionResponse.builder().executionArn(DB_ARN).status(ExecutionStatus.RUNNING).build());
    when(drSfn.describeExecution(any(DescribeExecutionRequest.class))).thenReturn(DescribeExecutionResponse.builder()
        .executionArn(REGION_ARN).status(ExecutionStatus.FAILED).error("States.TaskFailed")
        .cause("ConfirmPrimaryDown: the primary answered healthy").startDate(Fixtures.NOW.minusSeconds(300))
        .stopDate(Fixtures.NOW.minusSeconds(200)).build());
    when(drSfn.getExecutionHistory(any(GetExecutionHistoryRequest.class)))
        .thenReturn(GetExecutionHistoryResponse.builder().build());
    var checked = s.handle(started);
    assertEquals(false, checked.done());
    String planned = Json.write(Documents.base(Documents.trigger(Documents.TRIGGER_TIME),
        Documents.options("B", true)).withVerification(Documents.verified()));
    when(sfn.describeExecution(any(DescribeExecutionRequest.class))).thenReturn(DescribeExecutionResponse.builder()
        .executionArn(DB_ARN).status(ExecutionStatus.SUCCEEDED).output(planned).startDate(Documents.START)
        .stopDate(Documents.END).build());
    var ended = s.handle(checked);
    assertEquals(true, ended.done());
    assertEquals("summary", ended.phase());

    var done = s.handle(ended);
    ArgumentCaptor<PutObjectRequest> put = ArgumentCaptor.forClass(PutObjectRequest.class);
    ArgumentCaptor<RequestBody> body = ArgumentCaptor.forClass(RequestBody.class);
    verify(s3).putObject(put.capture(), body.capture());
    assertEquals(BUCKET, put.getValue().bucket());
    assertEquals("reports/full-dr-simulation/2026-03-15T06-00-00Z/full-dr-simulation-report.md",
        put.getValue().key());
    assertEquals("s3://" + BUCKET + "/" + put.getValue().key(), done.summary());
    String md;
    try (InputStream in = body.getValue().contentStreamProvider().newStream()) {
      md = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(md.startsWith("## Full DR Simulation Report: dev environment, 2026-03-15\n"), md);
    assertTrue(md.contains("**Announced:** SNS message m-1"), md);
    // a row per runbook recovery: drilled, rejected, failed, or not drilled with why
    for (Scenario scenario : ScenarioRegistry.recoveries()) {
      if (!Objectives.forScenario(scenario.id()).isEmpty()) {
        assertEquals(1, md.lines().filter(l -> l.startsWith("| " + scenario.id() + " | ")).count(),
            scenario.id() + " in " + md);
      }
    }
    String db = md.lines().filter(l -> l.startsWith("| database-failure | ")).findFirst().orElseThrow();
    assertTrue(db.contains(" | 30 minutes | ") && db.contains(" | yes | execution " + DB_ARN), db);
    assertTrue(md.contains("| security-incident | Security Incident | 30 minutes | not measured: not deployed in 'dev' "
        + "(n/a) |"), md);
    String failures = md.substring(md.indexOf("### Failures"), md.indexOf("### Skipped checks"));
    assertTrue(failures.contains("**redis-failure**: the drill stopped: the responder started no execution (reject: "
        + "a recovery of sentinel-redis is already running)"), failures);
    assertTrue(failures.contains("**region-failure**: not verified: execution FAILED (States.TaskFailed: "
        + "ConfirmPrimaryDown: the primary answered healthy)"), failures);
    assertTrue(md.contains("**Outcome:** NOT PASSED"), md);
    assertEquals(List.of(), TemplatePlaceholders.in(md), md);
    // the window closed on the on-call path too
    verify(sns, times(2)).publish(any(PublishRequest.class));
  }
}
