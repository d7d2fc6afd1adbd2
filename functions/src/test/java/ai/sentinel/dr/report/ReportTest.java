package ai.sentinel.dr.report;

import ai.sentinel.dr.ecs.EcsState;
import ai.sentinel.dr.redis.CacheState;
import ai.sentinel.dr.database.DatabaseState;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * The Lambda step: the document in, the same document plus "reported" out; the report in S3; the metrics in the log.
 * The clock is Fixtures' (10:05:00Z), so an input without "end" ends then.
 */
class ReportTest {
  private static final String BUCKET = "dev-sentinel-dr-reports";
  private final S3Client s3 = Fixtures.sdkMock(S3Client.class);
  private final SnsClient sns = Fixtures.sdkMock(SnsClient.class);
  private List<String> logs;

  @BeforeEach
  void setUp() {
    logs = StepHarness.captureLogs();
    when(s3.putObject(any(PutObjectRequest.class), any(RequestBody.class)))
        .thenReturn(PutObjectResponse.builder().eTag("\"e1\"").build());
  }

  @AfterEach
  void tearDown() {
    StepHarness.releaseLogs();
  }

  private static ObjectNode input(Recovery recovery, String status) {
    ObjectNode in = Json.object();
    in.set("recovery", Json.MAPPER.valueToTree(recovery));
    in.put("executionArn", Documents.ARN).put("executionStart", "2026-01-17T10:02:12.000Z").put("status", status)
        .put("end", Documents.END.toString());
    return in;
  }

  private static Recovery invoke(Report report, JsonNode in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      report.handleRequest(new ByteArrayInputStream(Json.bytes(in)), out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Json.read(out.toByteArray(), Recovery.class);
  }

  private static String body(RequestBody body) {
    try (InputStream in = body.contentStreamProvider().newStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The output is the input plus exactly one entry, "Report reported". */
  private static TimelineEntry reported(Recovery in, Recovery out) {
    Recovery sent = Json.read(Json.bytes(in), Recovery.class);
    List<TimelineEntry> before = out.timeline().subList(0, out.timeline().size() - 1);
    Recovery unchanged = out.withEnvelope(out.scenario(), out.resource(), out.executionName(), out.environment(),
        out.trigger(), out.options()).withTimeline(before);
    assertEquals(sent, unchanged);
    TimelineEntry last = out.timeline().get(out.timeline().size() - 1);
    assertEquals("Report", last.step());
    assertEquals("reported", last.event());
    assertEquals(Fixtures.NOW.toString(), last.at());
    return last;
  }

  @Test
  void storesMarkdownAndJsonAndReturnsTheDocumentWithReported() {
    Recovery in = Documents.optionBSucceeded();
    Recovery out = invoke(new Report(Fixtures.deps(s3, sns), BUCKET), input(in, "SUCCEEDED"));

    ArgumentCaptor<PutObjectRequest> request = ArgumentCaptor.forClass(PutObjectRequest.class);
    ArgumentCaptor<RequestBody> body = ArgumentCaptor.forClass(RequestBody.class);
    verify(s3, times(2)).putObject(request.capture(), body.capture());
    String key = "reports/database-failure/" + Documents.NAME;
    assertEquals(BUCKET, request.getAllValues().get(0).bucket());
    assertEquals(key + ".md", request.getAllValues().get(0).key());
    assertEquals("text/markdown; charset=utf-8", request.getAllValues().get(0).contentType());
    assertEquals(key + ".json", request.getAllValues().get(1).key());
    assertEquals("application/json", request.getAllValues().get(1).contentType());
    String markdown = body(body.getAllValues().get(0));
    assertTrue(markdown.startsWith("## Incident Report: Database failure on sentinel-db (Option B"), markdown);
    assertTrue(markdown.contains("- Time to Detection: 1s"), markdown);
    IncidentReport json = Json.read(body(body.getAllValues().get(1)).getBytes(StandardCharsets.UTF_8),
        IncidentReport.class);
    assertEquals(409L, json.metrics().rtoSeconds());
    assertEquals(Documents.ARN, json.executionArn());

    TimelineEntry reported = reported(in, out);
    assertEquals("P1 SUCCEEDED, RTO 6m 49s (pass), RPO 7h 02m 11s (fail); stored s3://" + BUCKET + "/" + key
        + ".md (and .json); summary published", reported.detail());
  }

  @Test
  void publishesASummaryOfTheReportToTheOnCallTopic() {
    invoke(new Report(Fixtures.deps(s3, sns), BUCKET), input(Documents.optionBSucceeded(), "SUCCEEDED"));
    ArgumentCaptor<PublishRequest> published = ArgumentCaptor.forClass(PublishRequest.class);
    verify(sns).publish(published.capture());
    PublishRequest p = published.getValue();
    assertEquals(Fixtures.TOPIC, p.topicArn());
    // the one headline rule of the on-call (oncall/Alert): environment, what it is about, then what happened
    assertEquals("[Sentinel DR][dev] Database failure on sentinel-db (Option B: restore from...: P1 report, SUCCEEDED",
        p.subject());
    assertTrue(p.subject().length() < 100, "SNS subjects are shorter than 100 characters: " + p.subject());
    String key = "reports/database-failure/" + Documents.NAME;
    assertTrue(p.message().contains("RTO: 6m 49s (trigger to verified) vs objective 30 minutes -> pass"), p.message());
    assertTrue(p.message().contains("RPO: 7h 02m 11s"), p.message());
    assertTrue(p.message().contains("-> fail"), p.message());
    assertTrue(p.message().contains("s3://" + BUCKET + "/" + key + ".md"), p.message());
    assertTrue(p.message().contains("## Incident Report: Database failure on sentinel-db"), "the full report follows");
  }

  @Test
  void aSummaryThatCannotBePublishedChangesNothing() {
    when(sns.publish(any(PublishRequest.class))).thenThrow(SnsException.builder().message("denied").statusCode(403)
        .build());
    Recovery in = Documents.optionBSucceeded();
    Recovery out = invoke(new Report(Fixtures.deps(s3, sns), BUCKET), input(in, "SUCCEEDED"));
    TimelineEntry reported = reported(in, out);
    assertTrue(reported.detail().endsWith("; summary NOT published (SnsException)"), reported.detail());
    verify(s3, times(2)).putObject(any(PutObjectRequest.class), any(RequestBody.class));
    assertTrue(logs.stream().anyMatch(l -> l.contains("\"event\":\"report.publish-failed\"")), logs.toString());
  }

  @Test
  void writesValidEmbeddedMetricsThroughTheLog() {
    invoke(new Report(Fixtures.deps(s3), BUCKET), input(Documents.optionBSucceeded(), "SUCCEEDED"));
    List<String> emf = logs.stream().filter(l -> l.contains("\"event\":\"report.metrics\"")).toList();
    assertEquals(1, emf.size(), logs.toString());
    assertEquals(List.of(), EmfSpec.violations(emf.get(0)), emf.get(0));
    JsonNode line = Json.tree(emf.get(0));
    assertEquals(409, line.get("RTO").asInt());
    assertEquals("dev", line.get("Environment").asText(), "the deployment's SENTINEL_ENV");
    assertEquals(Documents.END.toEpochMilli(), line.at("/_aws/Timestamp").asLong());
  }

  @Test
  void withoutABucketNothingIsStoredAndTheTimelineSaysSo() {
    // no S3 client given: asking for one would throw, so this also proves none is built without a bucket
    Recovery in = Documents.optionBSucceeded();
    Recovery out = invoke(new Report(Fixtures.deps(), (String) null), input(in, "SUCCEEDED"));
    String detail = reported(in, out).detail();
    assertTrue(detail.contains("; not stored: REPORT_BUCKET is not set;"), detail);
  }

  @Test
  void aStorageFailureIsReportedNotThrown() {
    when(s3.putObject(any(PutObjectRequest.class), any(RequestBody.class))).thenThrow(S3Exception.builder()
        .message("Access Denied").statusCode(403).build());
    Recovery in = Documents.optionBSucceeded();
    Recovery out = invoke(new Report(Fixtures.deps(s3), BUCKET), input(in, "SUCCEEDED"));
    assertTrue(reported(in, out).detail().contains("NOT stored (S3Exception: Access Denied"), out.timeline()
        .toString());
    assertTrue(logs.stream().anyMatch(l -> l.contains("\"level\":\"ERROR\"") && l.contains("report.store-failed")),
        logs.toString());
  }

  @Test
  void aFailedRecoveryIsReportedWithRecoveredZero() {
    Recovery in = Documents.optionBFailed();
    ObjectNode input = input(in, "FAILED");
    input.put("end", "2026-01-17T10:40:00Z");
    Recovery out = invoke(new Report(Fixtures.deps(s3), BUCKET), input);
    assertTrue(reported(in, out).detail().startsWith("P1 FAILED, RTO n/a (fail)"), out.timeline().toString());
    JsonNode line = Json.tree(logs.stream().filter(l -> l.contains("report.metrics")).findFirst().orElseThrow());
    assertEquals(0, line.get("Recovered").asInt());
    assertTrue(line.get("RTO") == null);
    ArgumentCaptor<RequestBody> body = ArgumentCaptor.forClass(RequestBody.class);
    verify(s3, times(2)).putObject(any(PutObjectRequest.class), body.capture());
    assertTrue(body(body.getAllValues().get(0)).contains("- [ ] Investigate TimedOutError"));
  }

  @Test
  void aDryRunGetsAP4ReportAndNoMetrics() {
    Recovery in = Documents.optionBDryRun();
    Recovery out = invoke(new Report(Fixtures.deps(s3), BUCKET), input(in, "SUCCEEDED"));
    assertTrue(reported(in, out).detail().startsWith("P4 DRY_RUN"), out.timeline().toString());
    assertTrue(logs.stream().noneMatch(l -> l.contains("report.metrics")), logs.toString());
    verify(s3, times(2)).putObject(any(PutObjectRequest.class), any(RequestBody.class));
  }

  @Test
  void aBareDocumentIsAcceptedAndEndsNow() {
    Recovery in = Documents.optionBSucceeded();
    Recovery out = invoke(new Report(Fixtures.deps(s3), BUCKET), Json.MAPPER.valueToTree(in));
    assertNotNull(reported(in, out));
    ArgumentCaptor<RequestBody> body = ArgumentCaptor.forClass(RequestBody.class);
    verify(s3, times(2)).putObject(any(PutObjectRequest.class), body.capture());
    IncidentReport report = Json.read(body(body.getAllValues().get(1)).getBytes(StandardCharsets.UTF_8),
        IncidentReport.class);
    assertEquals(Fixtures.NOW.toString(), report.endedAt(), "no end given: the clock's now");
    assertEquals("SUCCEEDED", report.status(), "verified and no status given");
  }

  @Test
  void executionTimesAsStepFunctionsAndMotoWriteThem() {
    List<JsonNode> starts = List.of(TextNode.valueOf("2026-01-17T10:02:12.000Z"),
        TextNode.valueOf("2026-01-17T10:02:12.000000+00:00"), TextNode.valueOf("2026-01-17 10:02:12+00:00"),
        LongNode.valueOf(Documents.START.toEpochMilli()));
    for (JsonNode start : starts) {
      ObjectNode in = input(Documents.optionBSucceeded(), "SUCCEEDED");
      in.set("executionStart", start);
      logs.clear();
      invoke(new Report(Fixtures.deps(s3), BUCKET), in);
      JsonNode line = Json.tree(logs.stream().filter(l -> l.contains("report.metrics")).findFirst().orElseThrow());
      assertEquals(1, line.get("TimeToDetection").asInt(), start.toString());
    }
  }

  @Test
  void notAnObjectIsRejected() {
    Report report = new Report(Fixtures.deps(s3), BUCKET);
    assertThrows(IllegalArgumentException.class, () -> report.handleRequest(
        new ByteArrayInputStream("[1]".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null));
    verifyNoInteractions(s3);
  }

  @Test
  void theEnvironmentConstructorsBuild() {
    Map<String, String> env = Fixtures.env();
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    assertDoesNotThrow(() -> new Report(env));
    env.put(Report.BUCKET_VAR, BUCKET);
    assertDoesNotThrow(() -> new Report(env));
  }

  @Test
  void keysAreSafe() {
    IncidentReport odd = IncidentReports.from(Recovery.start("database-failure/../x", "r", "a b/../c", "dev", null,
        null), null, null, null, null);
    assertEquals("reports/database-failure____x/a_b____c", Report.key(odd));
    assertEquals("reports/unknown/unknown", Report.key(IncidentReports.from(null, null, null, null, null)));
  }
}
