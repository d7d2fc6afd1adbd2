package ai.sentinel.dr.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.oncall.ConsoleLinks;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.report.Report;
import ai.sentinel.dr.report.ReportStore;
import ai.sentinel.dr.support.CapturedPages;
import ai.sentinel.dr.support.Fixtures;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A page carries the Events API v2 {@code links} (href, text), and the same in {@code custom_details}: the
 * recovery's execution in the Step Functions console of the region the function runs in, and its post-incident report
 * in the S3 console (the object the Report step writes, {@code reports/<scenario>/<execution>.md} in REPORT_BUCKET),
 * with {@code custom_details.report} its s3:// location and {@code report_status} whether it is written yet: every
 * page is sent before the Report step runs; never a secret.
 */
class PageLinksTest {
  private static final String KEY = CapturedPages.ROUTING_KEY;
  private static final String BUCKET = "dev-sentinel-dr-reportsbucket-1a2b3c4d5e6f";
  private static final String APPROVAL_STATUS = "not written yet: the Report step writes it when the recovery ends";
  private static final String NOTIFY_STATUS = "not written yet: the Report step writes it right after this message";
  private final CapturedPages pages = new CapturedPages();
  private final List<String> bodies = pages.bodies();
  private final OnCall onCall = pages.onCall();

  private static Context in(String functionArn) {
    Context context = mock(Context.class);
    when(context.getInvokedFunctionArn()).thenReturn(functionArn);
    return context;
  }

  private static JsonNode expected(String region, String account, String executionName) {
    String arn = "arn:aws:states:" + region + ":" + account + ":execution:dev-sentinel-dr-database-failure:"
        + executionName;
    return Json.tree("[{\"href\":\"https://" + region + ".console.aws.amazon.com/states/home?region=" + region
        + "#/v2/executions/details/" + arn + "\",\"text\":\"Step Functions execution " + executionName + " ("
        + region + ")\"}]");
  }

  /** The execution's link, then the report's in the S3 console of the same region, as sent. */
  private static JsonNode expected(String region, String account, String executionName, String status) {
    ArrayNode links = (ArrayNode) expected(region, account, executionName);
    links.addObject().put("href", "https://s3.console.aws.amazon.com/s3/object/" + BUCKET + "?region=" + region
        + "&prefix=reports/database-failure/" + executionName + ".md").put("text", "Post-incident report ("
        + status + ")");
    return links;
  }

  /** The functions' environment with the reports bucket (REPORT_BUCKET, the Report step's). */
  private static DrConfig withBucket(boolean lockTable) {
    Map<String, String> env = Fixtures.env();
    env.put("REPORT_BUCKET", BUCKET);
    if (!lockTable) {
      env.remove("LOCK_TABLE");
    }
    return DrConfig.fromEnv(env);
  }

  /** What the Report step stores for {@code recovery}: the keys it puts, in order. */
  private static List<String> reportKeys(Recovery recovery) throws Exception {
    List<String> keys = new ArrayList<>();
    ReportStore store = (key, body, contentType) -> {
      keys.add(key);
      return "s3://" + BUCKET + "/" + key;
    };
    ObjectNode in = Json.object().put("status", "FAILED");
    in.set("recovery", Json.MAPPER.valueToTree(recovery));
    new Report(Fixtures.deps(withBucket(false)), store).handleRequest(new ByteArrayInputStream(Json.bytes(in)),
        new ByteArrayOutputStream(), null);
    return keys;
  }

  @Test
  void anApprovalPageLinksToItsExecutionInTheConsoleOfItsRegionAndToWhereItsReportWillBe() throws Exception {
    Recovery recovery = Fixtures.recovery(false);
    ObjectNode in = Json.object();
    in.set("recovery", Json.MAPPER.valueToTree(recovery));
    in.put("token", "TOKEN-1").put("step", "UpdateSecret").put("timeoutSeconds", 600);
    new RequestApproval(onCall, withBucket(true)).handleRequest(new ByteArrayInputStream(Json.bytes(in)),
        new ByteArrayOutputStream(), in("arn:aws:lambda:eu-west-1:123456789012:function:dev-sentinel-dr-request-"
            + "approval:live"));
    JsonNode body = Json.tree(bodies.get(0));
    JsonNode links = expected("eu-west-1", "123456789012", recovery.executionName(), APPROVAL_STATUS);
    assertEquals(links, body.path("links"));
    JsonNode custom = body.path("payload").path("custom_details");
    String location = "s3://" + BUCKET + "/reports/database-failure/" + recovery.executionName() + ".md";
    assertEquals(List.of("environment", "details", "report", "report_status", "links"), fieldNames(custom));
    assertEquals(location, custom.path("report").asText());
    assertEquals(APPROVAL_STATUS, custom.path("report_status").asText());
    assertEquals(links, custom.path("links"));
    // the text (the SNS fallback's message) says it too, after the token the drills read
    assertTrue(custom.path("details").asText().endsWith("\ntoken: TOKEN-1\n\nReport: " + location + " ("
        + APPROVAL_STATUS + ")\n"), custom.path("details").asText());
    assertFalse(body.path("links").toString().contains(KEY) || body.path("payload").toString().contains(KEY),
        "the routing key is only in routing_key");
  }

  @Test
  void aFailurePageLinksToItsExecutionAndToTheReportTheReportStepThenWrites() throws Exception {
    Notify notify = new Notify(Fixtures.deps(withBucket(false), Fixtures.sdkMock(SnsClient.class)), onCall);
    Recovery failed = Fixtures.recovery(false).withError(Json.object().put("Error", "StepFailedError")
        .put("Cause", "restore failed"));
    notify.handleRequest(new ByteArrayInputStream(Json.bytes(Json.MAPPER.valueToTree(failed))),
        new ByteArrayOutputStream(), in("arn:aws:lambda:us-east-1:123456789012:function:dev-sentinel-dr-notify:live"));
    JsonNode body = Json.tree(bodies.get(0));
    assertEquals("trigger", body.path("event_action").asText());
    assertEquals(expected("us-east-1", "123456789012", failed.executionName(), NOTIFY_STATUS), body.path("links"));
    JsonNode custom = body.path("payload").path("custom_details");
    assertEquals(NOTIFY_STATUS, custom.path("report_status").asText());
    // the location is the object the Report step writes for this recovery, not a guess at its naming
    List<String> written = reportKeys(failed);
    assertEquals(2, written.size(), written.toString());
    assertEquals("s3://" + BUCKET + "/" + written.get(0), custom.path("report").asText());
    assertTrue(custom.path("details").asText().contains("\nReport: s3://" + BUCKET + "/" + written.get(0) + " ("
        + NOTIFY_STATUS + ")\n"), custom.path("details").asText());

    // outside Lambda (no context) or another partition's console: no link rather than a wrong one; the s3://
    // location needs no console and stays
    StepHarness.invoke(notify, failed);
    JsonNode outside = Json.tree(bodies.get(1));
    assertFalse(outside.has("links"), bodies.get(1));
    assertEquals(custom.path("report"), outside.path("payload").path("custom_details").path("report"));
    assertEquals(List.of(), ConsoleLinks.execution("arn:aws-cn:lambda:cn-north-1:123456789012:function:f", "dev",
        "database-failure", "x"));
  }

  @Test
  void withoutTheReportsBucketAPageLinksItsExecutionOnly() throws Exception {
    Map<String, String> env = Fixtures.env();
    env.remove("LOCK_TABLE");
    Notify notify = new Notify(Fixtures.deps(DrConfig.fromEnv(env), Fixtures.sdkMock(SnsClient.class)), onCall);
    Recovery failed = Fixtures.recovery(false).withError(Json.object().put("Error", "StepFailedError")
        .put("Cause", "restore failed"));
    notify.handleRequest(new ByteArrayInputStream(Json.bytes(Json.MAPPER.valueToTree(failed))),
        new ByteArrayOutputStream(), in("arn:aws:lambda:us-east-1:123456789012:function:dev-sentinel-dr-notify:live"));
    JsonNode body = Json.tree(bodies.get(0));
    assertEquals(expected("us-east-1", "123456789012", failed.executionName()), body.path("links"));
    assertEquals(List.of("environment", "details", "links"), fieldNames(body.path("payload").path("custom_details")));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
