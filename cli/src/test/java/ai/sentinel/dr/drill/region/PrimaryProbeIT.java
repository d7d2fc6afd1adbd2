package ai.sentinel.dr.drill.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.drill.LocalAlarms;
import ai.sentinel.dr.drill.LocalEventBus;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.drill.LocalStack;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.localcloud.LocalFunction;
import ai.sentinel.dr.region.ProbePrimary;
import ai.sentinel.dr.trigger.AlarmResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Scenario 4's alarm trigger end to end on the local cloud, with the local environment's stacks (the DR stack in
 * eu-west-1): the DR stack's probe of the primary's public /health runs as its schedule runs it, its EMF lines become
 * the metric, the deployed alarm (local-sentinel-dr-region-primary-unreachable, 3 of 5) is evaluated (moto never
 * evaluates alarms: {@link LocalAlarms}, one datapoint per probe run) and its state change goes through the DR
 * stack's deployed rule to its AlarmResponder. A healthy primary starts nothing; the primary region down at the
 * gateway starts exactly one assessment in the DR region, which confirms the outage and waits at the failover's
 * approval gate; the alarm raised again while it waits starts nothing more.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrimaryProbeIT {
  private static final String ALARM = "local-sentinel-dr-region-primary-unreachable";
  private static LocalSentinel sentinel;
  private static LocalStack dr;
  private static LocalAlarms alarms;
  private static LocalFunction probe;
  private static String failover;

  @BeforeAll
  static void start() throws Exception {
    List<CloudTemplate> all = Templates.stacks(RepoPaths.root(), "local", List.of());
    sentinel = LocalSentinel.start(all, Map.of(), Files.createTempDirectory("primary-probe-it-"));
    dr = sentinel.stacks.stream().filter(s -> s.region().equals("eu-west-1")).findFirst().orElseThrow();
    alarms = new LocalAlarms(dr.aws(), sentinel.events);
    alarms.put(dr.deployment().alarm(ALARM));
    // the functions' log lines: EMF ones become metric data, as CloudWatch Logs makes them on AWS
    Log.setSink(line -> {
      System.out.println(line);
      alarms.accept(line);
    });
    probe = dr.deployment().find(dr.deployment().functionFor(ProbePrimary.class)).orElseThrow();
    failover = dr.deployment().stateMachines().get("local-sentinel-dr-region-failure");
  }

  @AfterAll
  static void stop() {
    Log.setSink(System.out::println);
    if (sentinel != null) {
      sentinel.close();
    }
  }

  /** One scheduled run of the probe (EventBridge's scheduled event), then CloudWatch's evaluation of the alarm. */
  private static StateValue probeOnce() throws Exception {
    String scheduled = "{\"version\":\"0\",\"id\":\"" + java.util.UUID.randomUUID() + "\",\"detail-type\":"
        + "\"Scheduled Event\",\"source\":\"aws.events\",\"account\":\"123456789012\",\"time\":\""
        + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\",\"region\":\"eu-west-1\","
        + "\"resources\":[],\"detail\":{}}";
    JsonNode out = Json.tree(new String(probe.invoke(scheduled.getBytes(StandardCharsets.UTF_8)),
        StandardCharsets.UTF_8));
    System.out.println("[probe] " + out);
    return alarms.evaluate(ALARM);
  }

  private static List<ExecutionListItem> executions() {
    return dr.aws().sfn.listExecutions(b -> b.stateMachineArn(failover)).executions();
  }

  private static List<LocalEventBus.Delivery> toAlarmResponder() {
    String responder = dr.deployment().functionFor(AlarmResponder.class);
    return sentinel.events.deliveries().stream().filter(d -> d.function().equals(responder)).toList();
  }

  @Test
  @Order(1)
  void aHealthyPrimaryNeverBreachesAndStartsNothing() throws Exception {
    for (int i = 0; i < 6; i++) {
      assertEquals(StateValue.OK, probeOnce(), "run " + i);
    }
    assertEquals(List.of(), toAlarmResponder(), "no state change reached the responder");
    assertEquals(List.of(), executions(), "no assessment started");
  }

  @Test
  @Order(2)
  void thePrimaryRegionDownStartsOneAssessmentThatWaitsForApprovalAndARepeatedAlarmJoinsIt() throws Exception {
    RegionSeed seed = sentinel.part(RegionSeed.class);
    List<String> states = new ArrayList<>();
    RegionFailureDrill.out(sentinel, seed, true);
    try {
      // 3 failed runs of the last 5: the first two are not yet a region failure
      assertEquals(StateValue.OK, probeOnce());
      assertEquals(StateValue.OK, probeOnce());
      assertEquals(List.of(), executions(), "two failed probes start nothing");
      assertEquals(StateValue.ALARM, probeOnce());
      List<LocalEventBus.Delivery> delivered = toAlarmResponder();
      assertEquals(1, delivered.size(), delivered.toString());
      assertTrue(delivered.get(0).via().endsWith("alarm-state-change"), delivered.get(0).via());
      JsonNode answer = Json.tree(delivered.get(0).answer());
      assertEquals("start", answer.path("action").asText(), answer.toString());
      assertEquals("us-east-1", answer.path("resource").asText());
      assertEquals(1, executions().size());
      String execution = executions().get(0).executionArn();
      // the assessment runs in the DR region while us-east-1 is down, and stops at the failover's gate
      for (int i = 0; i < 240 && !states.contains("Approve FenceRecoveries"); i++) {
        Thread.sleep(500);
        states.clear();
        history(execution).stream().filter(e -> e.stateEnteredEventDetails() != null)
            .forEach(e -> states.add(e.stateEnteredEventDetails().name()));
        assertEquals("RUNNING", dr.aws().sfn.describeExecution(b -> b.executionArn(execution)).statusAsString(),
            states.toString());
      }
      assertTrue(states.contains("ConfirmPrimaryDown"), states.toString());
      assertTrue(states.contains("Approve FenceRecoveries"), "waits for approval: " + states);
      assertFalse(states.contains("FenceRecoveries"), "nothing changed before approval: " + states);

      // still down: the alarm stays in ALARM (CloudWatch sends no new event)
      assertEquals(StateValue.ALARM, probeOnce());
      assertEquals(1, toAlarmResponder().size());
      // the primary answers for a while (OK), then fails again: a second ALARM while the assessment waits
      seed.primaryDown(false);
      for (int i = 0; i < 3; i++) {
        probeOnce();
      }
      assertEquals(StateValue.OK, alarms.evaluate(ALARM));
      seed.primaryDown(true);
      probeOnce();
      probeOnce();
      assertEquals(StateValue.ALARM, probeOnce());
      List<LocalEventBus.Delivery> again = toAlarmResponder();
      assertEquals(2, again.size(), again.toString());
      JsonNode second = Json.tree(again.get(1).answer());
      assertEquals("ignore", second.path("action").asText(), second.toString());
      assertTrue(second.path("reason").asText().contains("joined running recovery"), second.toString());
      assertEquals(1, executions().size(), "one assessment per region at a time");
      dr.aws().sfn.stopExecution(b -> b.executionArn(execution).cause("PrimaryProbeIT done"));
    } finally {
      RegionFailureDrill.out(sentinel, seed, false);
      System.out.println("[primary-probe] states " + states);
    }
  }

  private static List<HistoryEvent> history(String executionArn) {
    return dr.aws().sfn.getExecutionHistory(b -> b.executionArn(executionArn).maxResults(1000)).events();
  }
}
