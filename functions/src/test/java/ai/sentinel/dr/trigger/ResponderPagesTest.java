package ai.sentinel.dr.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.safety.FakeLockTable;
import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.support.CapturedPages;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;

/**
 * The responders' own pages (nothing started: the resource is busy, or the attempt budget is spent) carry the
 * incident's P1-P4 as PagerDuty's severity, like the recovery's pages: the priority the report's rule gives the
 * signal's scenario before any diagnosis; the budget's page, the automation giving up, one level higher. Checked on the
 * exact Events API v2 bodies.
 */
class ResponderPagesTest {
  private static final String KEY = CapturedPages.ROUTING_KEY;
  private static final String MACHINES = "arn:aws:states:us-east-1:123456789012:stateMachine:dev-sentinel-dr-";
  private final CapturedPages pages = new CapturedPages();
  private final List<String> bodies = pages.bodies();
  private final OnCall onCall = pages.onCall();
  private final SfnClient sfn = Fixtures.sdkMock(SfnClient.class);

  private static DrConfig config() {
    Map<String, String> env = Fixtures.env();
    env.put("STATE_MACHINE_ARNS", Json.write(Map.of("database-failure", MACHINES + "database-failure",
        "redis-failure", MACHINES + "redis-failure", "ecs-service-failure", MACHINES + "ecs-service-failure")));
    return DrConfig.fromEnv(env);
  }

  private static byte[] sample(String file) throws Exception {
    return Files.readAllBytes(Fixtures.events().resolve(file));
  }

  /** The Events API v2 trigger the responders send: only the severity and the text differ between pages. */
  private static JsonNode trigger(String dedupKey, String summary, String source, String severity, String details) {
    ObjectNode body = Json.object().put("routing_key", KEY).put("event_action", "trigger").put("dedup_key", dedupKey);
    body.putObject("payload").put("summary", summary).put("source", source).put("severity", severity)
        .put("component", "sentinel-dr").put("group", "dev").putObject("custom_details").put("environment", "dev")
        .put("details", details);
    return body.put("client", "Sentinel DR");
  }

  @Test
  void aResourceBusyPageCarriesTheSignalsPriorityNotAlwaysCritical() throws Exception {
    when(sfn.describeExecution(any(DescribeExecutionRequest.class)))
        .thenThrow(ExecutionDoesNotExistException.builder().message("no").build());
    when(sfn.startExecution(any(StartExecutionRequest.class))).thenAnswer(inv -> StartExecutionResponse.builder()
        .executionArn("arn:exec:" + inv.<StartExecutionRequest>getArgument(0).name()).build());
    FakeLockTable table = new FakeLockTable();
    Responder responder = new Responder(config(), sfn, new RecoveryLocks(table, "dev-sentinel-dr-locks",
        Fixtures.CLOCK, Duration.ofHours(3)), onCall, Fixtures.CLOCK);
    Set<String> all = Set.of("manual", "ecs-event");
    // the database recovery restarts sentinel-api, so it holds the service's lock while it runs
    assertEquals("start", responder.handle("{\"runbook\":\"database-failure\",\"resource\":\"sentinel-db\"}"
        .getBytes(StandardCharsets.UTF_8), all, "Test", "req-1").action());
    String holder = table.item("lock#ecs-service:sentinel-production/sentinel-api").get("owner").s();
    byte[] signal = sample("ecs-eventbridge-task-stopped-essential-exit.json");
    Classification c = responder.classifier().classify(signal, null);

    Responder.Response busy = responder.handle(signal, all, "Test");
    assertEquals("ignore", busy.action(), busy.reason());
    // ECS service failure: P2 (service outage, data intact) -> error; it was critical whatever the scenario
    assertEquals(List.of(trigger("busy-ecs-service-failure-sentinel-api",
        "[Sentinel DR][dev] ecs-service-failure on sentinel-api: NOT STARTED - resource busy", "sentinel-api", "error",
        busy.reason() + "\nSignal: " + c.dedupKey() + "\n" + c.trigger().summary() + "\nStart it again when " + holder
            + " has ended (manual invoke with runbook ecs-service-failure).")),
        bodies.stream().map(Json::tree).toList());
  }

  @Test
  void anAttemptBudgetPageIsTheSignalsPriorityOneLevelHigher() throws Exception {
    when(sfn.describeExecution(any(DescribeExecutionRequest.class)))
        .thenThrow(ExecutionDoesNotExistException.builder().message("no").build());
    DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
    long recent = Fixtures.NOW.minusSeconds(600).getEpochSecond();
    // two automatic recoveries of each resource in the window: the budget (2) is spent
    when(ddb.getItem(any(GetItemRequest.class))).thenReturn(GetItemResponse.builder().item(Map.of("starts",
        AttributeValue.fromM(Map.of("a", AttributeValue.fromN(Long.toString(recent)),
            "b", AttributeValue.fromN(Long.toString(recent)))))).build());
    Responder responder = new Responder(config(), sfn, new RecoveryLocks(ddb, "dev-sentinel-dr-locks",
        Fixtures.CLOCK, Duration.ofHours(3)), onCall, Fixtures.CLOCK);
    List<String> severities = new ArrayList<>();
    for (String[] s : new String[][] {{"alarm-eventbridge-redis-cpu.json", "alarm"},
        {"ecs-eventbridge-task-stopped-essential-exit.json", "ecs-event"},
        {"alarm-eventbridge-rds-connections.json", "alarm"}}) {
      byte[] signal = sample(s[0]);
      Classification c = responder.classifier().classify(signal, null);
      Responder.Response r = responder.handle(signal, Set.of(s[1]), "Test");
      JsonNode body = Json.tree(bodies.get(bodies.size() - 1));
      String severity = body.path("payload").path("severity").asText();
      assertEquals(trigger("budget-" + c.scenario() + "-" + c.resource(), "[Sentinel DR][dev] " + c.scenario()
          + " on " + c.resource() + ": ESCALATION - human needed", c.resource(), severity,
          r.reason().replace(" (escalated)", "") + "\nLatest signal: " + c.dedupKey() + "\n"
              + c.trigger().summary()), body);
      severities.add(c.scenario() + " " + severity);
    }
    // Redis P3 (warning) -> error; ECS P2 (error) -> critical; a database failure not yet diagnosed is P1
    // (treated as a complete loss until shown otherwise) and stays critical
    assertEquals(List.of("redis-failure error", "ecs-service-failure critical", "database-failure critical"),
        severities);
  }
}
