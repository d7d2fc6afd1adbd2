package ai.sentinel.dr.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.oncall.ConsoleLinks;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.PagerDutyOnCall;
import ai.sentinel.dr.oncall.SnsOnCall;
import ai.sentinel.dr.support.Fixtures;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
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
 * recovery's execution in the Step Functions console of the region the function runs in; never a secret.
 */
class PageLinksTest {
  private static final String KEY = "R0UT1NGKEY0123456789abcdef012345";
  private final List<String> bodies = new ArrayList<>();
  private final OnCall onCall = new PagerDutyOnCall("http://127.0.0.1:8089", () -> KEY, (url, body) -> {
    bodies.add(body);
    return 202;
  }, d -> { }, new SnsOnCall(Fixtures.sdkMock(SnsClient.class), Fixtures.TOPIC));

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

  @Test
  void anApprovalPageLinksToItsExecutionInTheConsoleOfItsRegion() throws Exception {
    Recovery recovery = Fixtures.recovery(false);
    ObjectNode in = Json.object();
    in.set("recovery", Json.MAPPER.valueToTree(recovery));
    in.put("token", "TOKEN-1").put("step", "UpdateSecret").put("timeoutSeconds", 600);
    new RequestApproval(onCall, Fixtures.config()).handleRequest(new ByteArrayInputStream(Json.bytes(in)),
        new ByteArrayOutputStream(), in("arn:aws:lambda:eu-west-1:123456789012:function:dev-sentinel-dr-request-"
            + "approval:live"));
    JsonNode body = Json.tree(bodies.get(0));
    JsonNode links = expected("eu-west-1", "123456789012", recovery.executionName());
    assertEquals(links, body.path("links"));
    assertEquals(links, body.path("payload").path("custom_details").path("links"));
    assertFalse(body.path("links").toString().contains(KEY) || body.path("payload").toString().contains(KEY),
        "the routing key is only in routing_key");
  }

  @Test
  void aFailurePageLinksToItsExecutionAndWithoutAFunctionArnThereIsNoLink() throws Exception {
    Map<String, String> env = Fixtures.env();
    env.remove("LOCK_TABLE");
    Notify notify = new Notify(Fixtures.deps(DrConfig.fromEnv(env), Fixtures.sdkMock(SnsClient.class)), onCall);
    Recovery failed = Fixtures.recovery(false).withError(Json.object().put("Error", "StepFailedError")
        .put("Cause", "restore failed"));
    notify.handleRequest(new ByteArrayInputStream(Json.bytes(Json.MAPPER.valueToTree(failed))),
        new ByteArrayOutputStream(), in("arn:aws:lambda:us-east-1:123456789012:function:dev-sentinel-dr-notify:live"));
    JsonNode body = Json.tree(bodies.get(0));
    assertEquals("trigger", body.path("event_action").asText());
    assertEquals(expected("us-east-1", "123456789012", failed.executionName()), body.path("links"));

    // outside Lambda (no context) or another partition's console: no link rather than a wrong one
    StepHarness.invoke(notify, failed);
    assertFalse(Json.tree(bodies.get(1)).has("links"), bodies.get(1));
    assertEquals(List.of(), ConsoleLinks.execution("arn:aws-cn:lambda:cn-north-1:123456789012:function:f", "dev",
        "database-failure", "x"));
  }
}
