package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.wait.WaitTokens;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Event-driven waits (issue 15): the wait table, and who may register, answer and forget task tokens. Only the poll
 * steps whose waits end on events register (PutItem) and may answer their own state machine's tokens; only the
 * WaitResponder reads and forgets tokens and answers any recovery's; nothing else gets states:SendTaskSuccess.
 */
class WaitTokensStackTest {
  private static Synth dev;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
  }

  @Test
  void theWaitTableIsKeyedByWhatIsAwaitedAndExecutionAndForgetsByItself() {
    JsonNode table = dev.resources("AWS::DynamoDB::Table").entrySet().stream()
        .filter(e -> e.getKey().startsWith("WaitsTable")).map(Map.Entry::getValue).findFirst().orElseThrow()
        .path("Properties");
    assertEquals("dev-sentinel-dr-waits", table.path("TableName").asText());
    assertEquals("[{\"AttributeName\":\"" + WaitTokens.KEY + "\",\"KeyType\":\"HASH\"},{\"AttributeName\":\""
        + WaitTokens.SORT + "\",\"KeyType\":\"RANGE\"}]", table.path("KeySchema").toString());
    assertEquals(WaitTokens.TTL, table.path("TimeToLiveSpecification").path("AttributeName").asText());
    assertTrue(table.path("TimeToLiveSpecification").path("Enabled").asBoolean());
    assertTrue(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
  }

  @Test
  void onlyThePollStepsAndTheGatesPagesWriteAndOnlyTheWaitResponderForgets() {
    Map<String, Set<String>> granted = new TreeMap<>();
    dev.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      if (Synth.list(st, "Resource").toString().contains("WaitsTable")) {
        assertEquals(List.of("<GetAtt:" + waitsTableId() + ".Arn>"), Synth.list(st, "Resource"), policy);
        granted.computeIfAbsent(policy.replaceAll("RoleDefaultPolicy[0-9A-F]+$", ""), k -> new TreeSet<>())
            .addAll(Synth.list(st, "Action"));
      }
    }));
    Set<String> put = Set.of("dynamodb:PutItem");
    assertEquals(new TreeMap<>(Map.ofEntries(
        Map.entry("DatabaseRecoveryFunctionsVerifyFailover", put),
        Map.entry("DatabaseRecoveryFunctionsWaitForInstance", put),
        Map.entry("RedisRecoveryFunctionsWaitForCluster", put),
        Map.entry("EcsRecoveryFunctionsWaitForStability", put),
        Map.entry("DataCorruptionRecoveryFunctionsWaitForInstance", put),
        Map.entry("SharedStepsWaitForServices", put),
        // Scenario 6: the rotation, the evidence snapshot, the restore's steps
        Map.entry("SecurityRecoveryFunctionsWaitForRotation", put),
        Map.entry("SecurityRecoveryFunctionsWaitForEvidence", put),
        Map.entry("SecurityRecoveryFunctionsRestoreGradually", put),
        // an approval gate's pages, recorded for the timeline (oncall/PagingLog) and read back after the answer
        Map.entry("SharedStepsRequestApproval", put),
        Map.entry("SharedStepsAcknowledgeApproval", Set.of("dynamodb:Query")),
        Map.entry("TriggersWaitResponder", Set.of("dynamodb:Query", "dynamodb:DeleteItem")))), granted);
  }

  @Test
  void taskTokensAreAnsweredOnlyByTheWaitResponderAndEachPollStepOnItsOwnStateMachine() {
    Map<String, Set<String>> answers = new TreeMap<>();
    dev.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      if (Synth.list(st, "Action").contains("states:SendTaskSuccess")) {
        assertEquals(List.of("states:SendTaskSuccess"), Synth.list(st, "Action"), policy + " answers only");
        answers.computeIfAbsent(policy.replaceAll("RoleDefaultPolicy[0-9A-F]+$", ""), k -> new TreeSet<>())
            .addAll(Synth.list(st, "Resource"));
      }
    }));
    String sm = "arn:<Ref:AWS::Partition>:states:us-east-1:<Ref:AWS::AccountId>:stateMachine:dev-sentinel-dr-";
    // the restore test invokes the database's WaitForInstance too
    assertEquals(Set.of(sm + "database-failure", sm + "database-restore-test"),
        answers.get("DatabaseRecoveryFunctionsWaitForInstance"));
    assertEquals(Set.of(sm + "ecs-service-failure"), answers.get("EcsRecoveryFunctionsWaitForStability"));
    // the shared WaitForServices waits in every recovery that restarts the services
    assertEquals(Set.of(sm + "database-failure", sm + "redis-failure", sm + "security-incident"),
        answers.get("SharedStepsWaitForServices"));
    for (String poll : List.of("WaitForRotation", "WaitForEvidence", "RestoreGradually")) {
      assertEquals(Set.of(sm + "security-incident"), answers.get("SecurityRecoveryFunctions" + poll), poll);
    }
    Set<String> responder = answers.get("TriggersWaitResponder");
    // every deployed state machine, the restore test's included
    assertEquals(6, responder.size(), responder.toString());
    assertTrue(responder.stream().allMatch(r -> r.matches("<Ref:[A-Za-z]+StateMachine[0-9A-F]+>")), responder.toString());
    assertEquals(Set.of("DatabaseRecoveryFunctionsVerifyFailover", "DatabaseRecoveryFunctionsWaitForInstance",
        "RedisRecoveryFunctionsWaitForCluster",
        "EcsRecoveryFunctionsWaitForStability", "DataCorruptionRecoveryFunctionsWaitForInstance",
        "SharedStepsWaitForServices", "SecurityRecoveryFunctionsWaitForRotation",
        "SecurityRecoveryFunctionsWaitForEvidence", "SecurityRecoveryFunctionsRestoreGradually",
        "TriggersWaitResponder"), answers.keySet());
  }

  @Test
  void theWaitResponderStartsNothingAndTouchesNoLock() {
    dev.statementsOf("TriggersWaitResponder").forEach(st -> {
      List<String> actions = Synth.list(st, "Action");
      assertTrue(actions.stream().noneMatch(a -> a.startsWith("states:") && !a.equals("states:SendTaskSuccess")),
          actions.toString());
      assertTrue(!Synth.list(st, "Resource").toString().contains("LocksTable"), st.toString());
    });
    JsonNode vars = dev.function("dev-sentinel-dr-wait-responder").path("Environment").path("Variables");
    assertTrue(vars.path("WAIT_TABLE").has("Ref"), "the wait table's name from the stack");
  }

  private static String waitsTableId() {
    return dev.resources("AWS::DynamoDB::Table").keySet().stream().filter(k -> k.startsWith("WaitsTable"))
        .findFirst().orElseThrow();
  }
}
