package ai.sentinel.dr.infra.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.wait.ReadyEvents;
import ai.sentinel.dr.wait.WaitTokens;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 in the DR stack: the failover's instance and services waits end on RDS's and ECS's own events in the DR
 * region, through the DR stack's own wait table and WaitResponder (the primary's are down with the primary region),
 * with the rules deployed exactly as the responder matches them; the primary stack gets nothing.
 */
class RegionWaitsStackTest {
  private static final String SM = "arn:<Ref:AWS::Partition>:states:eu-west-1:<Ref:AWS::AccountId>:stateMachine:"
      + "dev-sentinel-dr-region-";
  private final RegionSynth dev = RegionSynth.of("dev");

  private String waitsTableId() {
    return dev.resources("AWS::DynamoDB::Table").keySet().stream().filter(k -> k.startsWith("WaitsTable"))
        .findFirst().orElseThrow(() -> new AssertionError("no wait table in the DR stack"));
  }

  @Test
  void theDrStackHasItsOwnWaitTableInTheDrRegionKeyedAsThePrimarysAndForgettingByItself() {
    JsonNode table = dev.resources("AWS::DynamoDB::Table").get(waitsTableId()).path("Properties");
    assertEquals("dev-sentinel-dr-region-waits", table.path("TableName").asText());
    assertEquals("eu-west-1", dev.stack.getRegion());
    assertEquals("[{\"AttributeName\":\"" + WaitTokens.KEY + "\",\"KeyType\":\"HASH\"},{\"AttributeName\":\""
        + WaitTokens.SORT + "\",\"KeyType\":\"RANGE\"}]", table.path("KeySchema").toString());
    assertEquals(WaitTokens.TTL, table.path("TimeToLiveSpecification").path("AttributeName").asText());
    assertTrue(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
    JsonNode vars = dev.function("dev-sentinel-dr-region-wait-for-dr-instance").path("Environment")
        .path("Variables");
    assertEquals("<Ref:" + waitsTableId() + ">", Synth.render(vars.path("WAIT_TABLE")));
  }

  @Test
  void theReadyRulesTargetTheDrWaitResponderWithThePatternsItMatches() throws Exception {
    List<ai.sentinel.dr.trigger.TriggerPatterns.Rule> ready = new java.util.ArrayList<>(ReadyEvents.rules());
    // the failback's snapshots (sentinel-db-dr-failback-<hash>): a DR-stack rule only
    ready.add(ReadyEvents.rdsSnapshot("sentinel-db-dr-failback-"));
    Map<String, String> expected = ready.stream().collect(Collectors.toMap(
        r -> "dev-sentinel-dr-region-" + r.id(), r -> Json.tree(r.pattern()).toString(), (a, b) -> a,
        TreeMap::new));
    Map<String, String> deployed = new TreeMap<>();
    for (JsonNode rule : dev.properties("AWS::Events::Rule")) {
      String name = rule.path("Name").asText();
      if (expected.containsKey(name)) {
        deployed.put(name, rule.path("EventPattern").toString());
        assertEquals(1, rule.path("Targets").size());
        assertTrue(Synth.render(rule.path("Targets").get(0).path("Arn")).contains("TriggersWaitResponderLive"),
            rule.toString());
      }
    }
    assertEquals(expected, deployed);
    // each rule may invoke the responder, and only that rule
    long permissions = dev.properties("AWS::Lambda::Permission").stream()
        .filter(p -> Synth.render(p.path("FunctionName")).contains("TriggersWaitResponderLive")).count();
    assertEquals(expected.size(), permissions);
  }

  @Test
  void onlyTheFailoversPollStepsAndTheGatesPagesWriteAndOnlyTheWaitResponderForgets() {
    Map<String, Set<String>> granted = new TreeMap<>();
    dev.resources("AWS::IAM::Policy").forEach((id, p) -> p.path("Properties").path("PolicyDocument")
        .path("Statement").forEach(st -> {
          if (Synth.list(st, "Resource").toString().contains("WaitsTable")) {
            assertEquals(List.of("<GetAtt:" + waitsTableId() + ".Arn>"), Synth.list(st, "Resource"), id);
            granted.computeIfAbsent(id.replaceAll("RoleDefaultPolicy[0-9A-F]+$", ""), k -> new TreeSet<>())
                .addAll(Synth.list(st, "Action"));
          }
        }));
    Set<String> put = Set.of("dynamodb:PutItem");
    assertEquals(new TreeMap<>(Map.of(
        "RegionRecoveryFunctionsWaitForDrInstance", put,
        "RegionRecoveryFunctionsWaitForDrServices", put,
        // the failback's waits for the new primary instance and services register here too (RegionEventsStack)
        "RegionFailbackFunctionsReplicateToPrimary", put,
        "RegionFailbackFunctionsRestorePrimary", put,
        "RegionFailbackFunctionsRestartPrimaryServices", put,
        // the approval gates' pages, recorded for the timeline as in the primary stack (oncall/PagingLog)
        "SharedStepsRequestApproval", put,
        "SharedStepsAcknowledgeApproval", Set.of("dynamodb:Query"),
        "TriggersWaitResponder", Set.of("dynamodb:Query", "dynamodb:DeleteItem"))), granted);
  }

  @Test
  void tokensAreAnsweredOnTheDrStacksStateMachinesOnlyAndTheResponderStartsNothing() {
    Map<String, Set<String>> answers = new TreeMap<>();
    dev.resources("AWS::IAM::Policy").forEach((id, p) -> p.path("Properties").path("PolicyDocument")
        .path("Statement").forEach(st -> {
          if (Synth.list(st, "Action").contains("states:SendTaskSuccess")) {
            assertEquals(List.of("states:SendTaskSuccess"), Synth.list(st, "Action"), id + " answers only");
            answers.computeIfAbsent(id.replaceAll("RoleDefaultPolicy[0-9A-F]+$", ""), k -> new TreeSet<>())
                .addAll(Synth.list(st, "Resource"));
          }
        }));
    assertEquals(Set.of(SM + "failure"), answers.get("RegionRecoveryFunctionsWaitForDrInstance"));
    assertEquals(Set.of(SM + "failure"), answers.get("RegionRecoveryFunctionsWaitForDrServices"));
    Set<String> responder = answers.get("TriggersWaitResponder");
    assertEquals(2, responder.size(), "the failover and the failback: " + responder);
    assertTrue(responder.stream().allMatch(r -> r.matches("<Ref:Region(Recovery|Failback)StateMachine[0-9A-F]+>")),
        responder.toString());
    assertEquals(Set.of(SM + "failback"), answers.get("RegionFailbackFunctionsReplicateToPrimary"));
    assertEquals(Set.of(SM + "failback"), answers.get("RegionFailbackFunctionsRestorePrimary"));
    assertEquals(Set.of(SM + "failback"), answers.get("RegionFailbackFunctionsRestartPrimaryServices"));
    assertEquals(Set.of("RegionRecoveryFunctionsWaitForDrInstance", "RegionRecoveryFunctionsWaitForDrServices",
        "RegionFailbackFunctionsReplicateToPrimary", "RegionFailbackFunctionsRestorePrimary",
        "RegionFailbackFunctionsRestartPrimaryServices", "TriggersWaitResponder"), answers.keySet());
    dev.statements("TriggersWaitResponder").forEach(st -> {
      assertTrue(Synth.list(st, "Action").stream().noneMatch(a -> a.startsWith("states:")
          && !a.equals("states:SendTaskSuccess")), st.toString());
      assertFalse(Synth.list(st, "Resource").toString().contains("LocksTable"), st.toString());
    });
  }

  @Test
  void theInstanceAndServicesWaitsEndOnTheEventOrAfterPollSecondsThenPoll() throws Exception {
    JsonNode sm = dev.properties("AWS::StepFunctions::StateMachine").stream()
        .filter(p -> "dev-sentinel-dr-region-failure".equals(p.path("StateMachineName").asText())).findFirst()
        .orElseThrow();
    JsonNode states = Synth.JSON.readTree(Synth.render(sm.path("DefinitionString"))).path("States");
    for (Map.Entry<String, String> wait : Map.of("Wait for DR instance", "WaitForDrInstance",
        "Wait for DR services", "WaitForDrServices").entrySet()) {
      JsonNode state = states.path(wait.getKey());
      assertEquals("Task", state.path("Type").asText(), wait.getKey());
      assertTrue(state.path("Resource").asText().endsWith("lambda:invoke.waitForTaskToken"), state.toString());
      assertEquals("$.options.pollSeconds", state.path("TimeoutSecondsPath").asText());
      assertEquals(wait.getValue(), state.path("Next").asText());
      assertTrue(Synth.render(state.path("Parameters").path("FunctionName"))
          .contains("RegionRecoveryFunctions" + wait.getValue() + "Live"), state.toString());
      JsonNode timeout = state.path("Catch").get(0);
      assertEquals("[\"States.Timeout\"]", timeout.path("ErrorEquals").toString());
      assertEquals(wait.getValue(), timeout.path("Next").asText(), "no event in time: poll as before");
      assertEquals(wait.getKey() + " (polling)", state.path("Catch").get(1).path("Next").asText());
    }
    // Route 53 and CloudFront send no readiness event: those waits stay plain Waits
    assertEquals("Wait", states.path("Wait for DNS").path("Type").asText());
    assertEquals("Wait", states.path("Wait for CloudFront").path("Type").asText());
  }

  @Test
  void theFailbacksPrimaryInstanceAndServicesWaitsEndOnTheForwardedEventOrAfterPollSecondsThenPoll() throws Exception {
    JsonNode sm = dev.properties("AWS::StepFunctions::StateMachine").stream()
        .filter(p -> "dev-sentinel-dr-region-failback".equals(p.path("StateMachineName").asText())).findFirst()
        .orElseThrow();
    JsonNode states = Synth.JSON.readTree(Synth.render(sm.path("DefinitionString"))).path("States");
    for (Map.Entry<String, String> wait : Map.of("Wait for replica", "ReplicateToPrimary",
        "Wait for primary instance", "RestorePrimary", "Wait for primary services", "RestartPrimaryServices")
        .entrySet()) {
      JsonNode state = states.path(wait.getKey());
      assertEquals("Task", state.path("Type").asText(), wait.getKey());
      assertTrue(state.path("Resource").asText().endsWith("lambda:invoke.waitForTaskToken"), state.toString());
      assertEquals("$.options.pollSeconds", state.path("TimeoutSecondsPath").asText());
      assertEquals(wait.getValue(), state.path("Next").asText());
      assertTrue(Synth.render(state.path("Parameters").path("FunctionName"))
          .contains("RegionFailbackFunctions" + wait.getValue() + "Live"), state.toString());
      JsonNode timeout = state.path("Catch").get(0);
      assertEquals("[\"States.Timeout\"]", timeout.path("ErrorEquals").toString());
      assertEquals(wait.getValue(), timeout.path("Next").asText(), "no event in time: poll as before");
      assertEquals(wait.getKey() + " (polling)", state.path("Catch").get(1).path("Next").asText());
    }
  }

  @Test
  void theCopyFinishedSampleMatchesOnlyTheDrStacksSnapshotRuleAndNamesTheCopy() throws Exception {
    String sample = java.nio.file.Files.readString(java.nio.file.Path.of("..", "events",
        "rds-eventbridge-snapshot-copy-finished.json"));
    List<String> matched = new java.util.ArrayList<>();
    for (JsonNode rule : dev.properties("AWS::Events::Rule")) {
      if (rule.has("EventPattern") && software.amazon.event.ruler.Ruler.matchesRule(sample,
          rule.path("EventPattern").toString())) {
        matched.add(rule.path("Name").asText());
      }
    }
    assertEquals(List.of("dev-sentinel-dr-region-" + ReadyEvents.RDS_SNAPSHOT), matched);
    // another database's snapshot, a failed copy and the DR snapshot of another name wake nothing
    for (String other : List.of(sample.replace("sentinel-db-dr-failback-", "billing-db-"),
        sample.replace("RDS-EVENT-0060", "RDS-EVENT-0061"))) {
      for (JsonNode rule : dev.properties("AWS::Events::Rule")) {
        assertFalse(rule.has("EventPattern") && software.amazon.event.ruler.Ruler.matchesRule(other,
            rule.path("EventPattern").toString()), rule.path("Name").asText());
      }
    }
  }
}
