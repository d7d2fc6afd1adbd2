package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.infra.database.DatabaseInfraScenario;
import ai.sentinel.dr.infra.redis.RedisInfraScenario;
import ai.sentinel.dr.recovery.RequestApproval;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/** The lock table, its permissions, AcquireLock, and the approval gate (prod) or its absence (dev). */
class SafetyStackTest {
  private static final String APPROVE = "Approve UpdateSecret";
  private static final List<String> SCENARIOS = List.of("database-failure", "redis-failure",
      "ecs-service-failure");
  private static final Set<String> RESPONDER_OPS = Set.of("dynamodb:GetItem", "dynamodb:PutItem",
      "dynamodb:UpdateItem", "dynamodb:DeleteItem");

  private static Synth dev;
  private static Synth prod;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
    prod = Synth.of("prod");
  }

  // ---- the table -------------------------------------------------------------------------------------------------

  @Test
  void lockTableIsKeyedOnPkWithTtlPointInTimeRecoveryAndOnDemandBilling() {
    for (Synth s : List.of(dev, prod)) {
      assertEquals(1, s.resources("AWS::DynamoDB::Table").values().stream()
          .filter(t -> t.path("Properties").path("TableName").asText().endsWith("-locks")).count());
      s.template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
          "TableName", s.config.prefix() + "-locks",
          "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH")),
          "AttributeDefinitions", List.of(Map.of("AttributeName", "pk", "AttributeType", "S")),
          "BillingMode", "PAY_PER_REQUEST",
          "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
          "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
          // encrypted with the AWS-managed key: enabled, no customer key named
          "SSESpecification", Match.exact(Map.of("SSEEnabled", true))));
    }
  }

  @Test
  void prodRetainsItsLockTableOtherEnvironmentsDoNot() {
    assertEquals("Retain", table(prod).path("DeletionPolicy").asText());
    assertEquals("Retain", table(prod).path("UpdateReplacePolicy").asText());
    assertEquals("Delete", table(dev).path("DeletionPolicy").asText());
  }

  @Test
  void everyFunctionGetsTheLockTableAndTheBudget() {
    for (Synth s : List.of(dev, prod)) {
      String tableRef = "<Ref:" + tableId(s) + ">";
      s.properties("AWS::Lambda::Function").forEach(f -> {
        String name = f.path("FunctionName").asText();
        JsonNode vars = f.path("Environment").path("Variables");
        assertEquals(tableRef, Synth.render(vars.path(Vars.LOCK_TABLE)), name);
        assertEquals("10800", vars.path(Vars.LOCK_LEASE_SECONDS).asText(), name);
        assertEquals("3", vars.path(Vars.BUDGET_MAX_ATTEMPTS).asText(), name);
        assertEquals("86400", vars.path(Vars.BUDGET_WINDOW_SECONDS).asText(), name);
      });
    }
  }

  @Test
  void tablePermissionsAreTheOperationsEachRoleNeedsOnTheTableOnly() {
    Map<String, Set<String>> expected = new TreeMap<>(Map.of(
        "TriggersAlarmResponder", RESPONDER_OPS,
        "TriggersRdsEventResponder", RESPONDER_OPS,
        "TriggersEcsEventResponder", RESPONDER_OPS,
        "TriggersElastiCacheEventResponder", RESPONDER_OPS,
        "TriggersSecurityEventResponder", RESPONDER_OPS,
        "TriggersManualResponder", RESPONDER_OPS,
        "SharedStepsAcquireLock", Set.of("dynamodb:PutItem", "dynamodb:GetItem"),
        "SharedStepsNotify", Set.of("dynamodb:DeleteItem", "dynamodb:UpdateItem")));
    String tableArn = "<GetAtt:" + tableId(prod) + ".Arn>";
    Map<String, Set<String>> granted = new TreeMap<>();
    prod.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      List<String> actions = Synth.list(st, "Action").stream().filter(a -> a.startsWith("dynamodb:")).toList();
      // Scenario 6's block records have their own table (SecurityRecoveryStackTest), so do waits' tokens
      // (WaitTokensStackTest)
      if (actions.isEmpty() || Synth.list(st, "Resource").toString().contains("BlockExpiry")
          || Synth.list(st, "Resource").toString().contains("WaitsTable")) {
        return;
      }
      assertEquals(List.of(tableArn), Synth.list(st, "Resource"), policy + " scoped to the table's ARN");
      assertEquals(actions.size(), Synth.list(st, "Action").size(), policy + " mixes table and other actions");
      granted.computeIfAbsent(policy.replaceAll("RoleDefaultPolicy[0-9A-F]+$", ""), k -> new TreeSet<>())
          .addAll(actions);
    }));
    assertEquals(expected, granted);
  }

  @Test
  void respondersMayPublishEscalationsToTheOnCallTopic() {
    Map<String, List<String>> publish = new TreeMap<>();
    prod.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      if (Synth.list(st, "Action").contains("sns:Publish")) {
        publish.put(policy.replaceAll("RoleDefaultPolicy[0-9A-F]+$", ""), Synth.list(st, "Resource"));
      }
    }));
    for (String responder : List.of("AlarmResponder", "RdsEventResponder", "EcsEventResponder",
        "ElastiCacheEventResponder", "ManualResponder")) {
      List<String> resources = publish.get("Triggers" + responder);
      assertEquals(1, resources == null ? 0 : resources.size(), responder + " publishes: " + publish);
      assertTrue(resources.get(0).matches("<Ref:NotificationsTopic[0-9A-F]+>"), responder + " " + resources);
    }
  }

  // ---- AcquireLock -----------------------------------------------------------------------------------------------

  @Test
  void acquireLockIsTheFirstStateAndFailsIntoNotifyFailure() {
    for (Synth s : List.of(dev, prod)) {
      for (String scenario : SCENARIOS) {
        JsonNode definition = s.definition(scenario);
        assertEquals("AcquireLock", definition.path("StartAt").asText(), scenario);
        JsonNode acquire = definition.path("States").path("AcquireLock");
        assertEquals("Task", acquire.path("Type").asText());
        assertEquals("Diagnose", acquire.path("Next").asText());
        // the one shared function, whichever runbook takes the lock
        assertTrue(Synth.render(acquire.path("Resource")).matches("<Ref:SharedStepsAcquireLockLive[0-9A-F]+>"),
            acquire.toString());
        JsonNode catcher = acquire.path("Catch").path(0);
        assertEquals("[\"States.ALL\"]", catcher.path("ErrorEquals").toString());
        assertEquals("$.error", catcher.path("ResultPath").asText());
        assertEquals("NotifyFailure", catcher.path("Next").asText());
        assertEquals(RecoveryStateMachine.RETRYABLE, texts(acquire.path("Retry").path(0).path("ErrorEquals")));
      }
    }
  }

  @Test
  void everyStateMachineTimesOutBeforeItsLocksLeaseAndATimeoutPagesTheOnCall() {
    for (Synth s : List.of(dev, prod)) {
      for (String scenario : s == dev ? List.of("database-failure", "redis-failure", "ecs-service-failure",
          "database-restore-test") : SCENARIOS) {
        int timeout = s.definition(scenario).path("TimeoutSeconds").asInt();
        assertEquals((180 - 5) * 60, timeout, scenario + ": the lease (180 min) less the steps' allowance");
      }
      List<JsonNode> alarms = s.properties("AWS::CloudWatch::Alarm").stream()
          .filter(a -> "ExecutionsTimedOut".equals(a.path("MetricName").asText())).toList();
      assertEquals(s.properties("AWS::StepFunctions::StateMachine").size(), alarms.size(),
          "one timed-out alarm per state machine");
      for (JsonNode alarm : alarms) {
        assertEquals("AWS/States", alarm.path("Namespace").asText());
        assertEquals("GreaterThanOrEqualToThreshold", alarm.path("ComparisonOperator").asText());
        assertEquals(1, alarm.path("AlarmActions").size(), "a timed-out recovery has no Catch: the alarm pages");
      }
    }
  }

  // ---- the approval gate -----------------------------------------------------------------------------------------

  @Test
  void prodWaitsForAnApprovalBeforeUpdateSecret() {
    JsonNode states = prod.stateMachineDefinition().path("States");
    assertEquals("Dry-run?", states.path("Instance available?").path("Choices").path(0).path("Next").asText());

    JsonNode approve = states.path(APPROVE);
    assertEquals("Task", approve.path("Type").asText());
    assertTrue(Synth.render(approve.path("Resource")).endsWith(":states:::lambda:invoke.waitForTaskToken"),
        approve.path("Resource").toString());
    assertTrue(Synth.render(approve.path("Parameters").path("FunctionName"))
        .matches("<Ref:SharedStepsRequestApprovalLive[0-9A-F]+>"), approve.toString());
    JsonNode payload = approve.path("Parameters").path("Payload");
    // prod re-pages an approval still unanswered after 10 minutes (safety.approvalRepageMinutes)
    assertEquals(Synth.JSON.createObjectNode().put("recovery.$", "$").put("token.$", "$$.Task.Token")
        .put("step", "UpdateSecret").put("timeoutSeconds", 600), payload);
    assertEquals("$.approval", approve.path("ResultPath").asText(), "the document passes through");
    assertEquals(600, approve.path("TimeoutSeconds").asInt());
    StateMachineAssert.gate(states, "UpdateSecret", 3600, 600);
    // an answer is acknowledged to the on-call (the same dedup key) before anything else happens
    assertEquals("Acknowledge UpdateSecret", approve.path("Next").asText());
    assertEquals("UpdateSecret", states.path("Acknowledge UpdateSecret").path("Next").asText());
    JsonNode rejected = approve.path("Catch").path(0);
    assertEquals("[\"Rejected\"]", rejected.path("ErrorEquals").toString());
    assertEquals("$.error", rejected.path("ResultPath").asText());
    assertEquals("Acknowledge rejection of UpdateSecret", rejected.path("Next").asText());
    assertEquals("NotifyFailure", states.path("Acknowledge rejection of UpdateSecret").path("Next").asText());
    JsonNode catcher = approve.path("Catch").path(2);
    assertEquals("[\"States.ALL\"]", catcher.path("ErrorEquals").toString());
    assertEquals("$.error", catcher.path("ResultPath").asText());
    assertEquals("NotifyFailure", catcher.path("Next").asText());
  }

  @Test
  void aRejectionOrNoAnswerEndsFailedAndChangesNothingMore() {
    JsonNode states = prod.stateMachineDefinition().path("States");
    JsonNode approve = states.path(APPROVE);
    // only Lambda's own invocation failures are retried: a "Rejected" or States.Timeout goes straight to the Catch
    List<String> retried = new ArrayList<>();
    approve.path("Retry").forEach(r -> retried.addAll(texts(r.path("ErrorEquals"))));
    assertTrue(retried.stream().allMatch(e -> e.startsWith("Lambda.")), retried.toString());
    String onRejection = approve.path("Catch").path(0).path("Next").asText();
    assertEquals(Set.of("Acknowledge rejection of UpdateSecret", "NotifyFailure", "ReportFailure", "RecoveryFailed"),
        reachable(states, onRejection));
    String onFailure = approve.path("Catch").path(2).path("Next").asText();
    assertEquals(Set.of("NotifyFailure", "ReportFailure", "RecoveryFailed"), reachable(states, onFailure));
    assertEquals("Fail", states.path("RecoveryFailed").path("Type").asText());
    // UpdateSecret is entered only through the gate (once the answer is acknowledged) or the dry-run bypass
    assertEquals(Set.of("Acknowledge UpdateSecret", "Dry-run?"), predecessors(states, "UpdateSecret"));
    assertEquals(Set.of(APPROVE, "Re-page UpdateSecret"), predecessors(states, "Acknowledge UpdateSecret"));
    assertEquals(Set.of(APPROVE), predecessors(states, "Re-page UpdateSecret"));
  }

  @Test
  void prodDryRunsBypassTheGate() {
    JsonNode dryRun = prod.stateMachineDefinition().path("States").path("Dry-run?");
    assertEquals("Choice", dryRun.path("Type").asText());
    JsonNode rule = dryRun.path("Choices").path(0);
    assertEquals("UpdateSecret", rule.path("Next").asText());
    assertTrue(rule.toString().contains("{\"Variable\":\"$.options.dryRun\",\"IsPresent\":true}"), rule.toString());
    assertTrue(rule.toString().contains("{\"Variable\":\"$.options.dryRun\",\"BooleanEquals\":true}"),
        rule.toString());
    assertEquals(1, dryRun.path("Choices").size());
    assertEquals(APPROVE, dryRun.path("Default").asText(), "absent or false: a real recovery asks first");
  }

  @Test
  void theGateHasItsOwnFunctionAllowedToPublishAndInvokedByTheStateMachine() {
    String name = Names.function(prod.config.prefix(), RequestApproval.class);
    assertEquals("prod-sentinel-dr-request-approval", name);
    assertEquals(RequestApproval.class.getName() + "::handleRequest", prod.function(name).path("Handler").asText());
    assertTrue(prod.stack.stateMachine(DatabaseInfraScenario.ID).orElseThrow().requestApproval().isPresent());
    // one function for every gate: prod's UpdateSecret gates the database and the Redis secret
    assertEquals(1, prod.properties("AWS::Lambda::Function").stream()
        .filter(f -> f.path("FunctionName").asText().equals(name)).count());
    assertEquals(prod.stack.stateMachine(DatabaseInfraScenario.ID).orElseThrow().requestApproval(),
        prod.stack.stateMachine(RedisInfraScenario.ID).orElseThrow().requestApproval());
    List<String> publish = new ArrayList<>();
    List<String> invoke = new ArrayList<>();
    prod.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      if (policy.startsWith("SharedStepsRequestApprovalRole")
          && Synth.list(st, "Action").contains("sns:Publish")) {
        publish.addAll(Synth.list(st, "Resource"));
      }
      if (policy.startsWith("DatabaseRecoveryStateMachineRole")
          && Synth.list(st, "Action").contains("lambda:InvokeFunction")) {
        invoke.addAll(Synth.list(st, "Resource"));
      }
    }));
    assertEquals(1, publish.size());
    assertTrue(publish.get(0).startsWith("<Ref:NotificationsTopic"), publish.toString());
    assertTrue(invoke.stream().anyMatch(r -> r.startsWith("<Ref:SharedStepsRequestApprovalLive")),
        invoke.toString());
  }

  @Test
  void devHasNoGate() {
    JsonNode states = dev.stateMachineDefinition().path("States");
    assertFalse(states.has(APPROVE));
    assertFalse(states.has("Dry-run?"));
    assertEquals("UpdateSecret", states.path("Instance available?").path("Choices").path(0).path("Next").asText());
    for (String scenario : SCENARIOS) {
      // the only tasks that wait for a token are the event waits (StateMachineAssert.assertEventWait)
      dev.definition(scenario).path("States").fields().forEachRemaining(e -> assertFalse(
          e.getValue().toString().contains("waitForTaskToken")
              && !e.getValue().path("Parameters").path("Payload").has("await"), scenario + " " + e.getKey()));
      assertFalse(dev.definition(scenario).path("States").has("Dry-run?"), scenario);
    }
    assertFalse(dev.stack.stateMachine(DatabaseInfraScenario.ID).orElseThrow().requestApproval().isPresent());
    // the gate function exists in dev only for the gates that wait for a human in every environment: Scenario 6's
    // Isolate and RestoreGradually (SecurityRecoveryStackTest), Scenario 5's RestoreTables (CorruptionRecoveryStackTest)
    assertTrue(dev.stack.sharedSteps().requestApprovalIfCreated().isPresent());
    assertTrue(dev.definition("security-incident").toString().contains("waitForTaskToken"));
    assertTrue(dev.definition("data-corruption").toString().contains("waitForTaskToken"));
  }

  @Test
  void withApprovalStepsTurnsTheGateOnWithTheEnvironmentsTimeout() {
    // what the CLI synthesizes for a drill with the gate: local's 10 minutes, local's 30-minute lease
    Synth gated = Synth.gated("local", List.of("UpdateSecret"));
    JsonNode approve = gated.stateMachineDefinition().path("States").path(APPROVE);
    assertEquals(600, approve.path("TimeoutSeconds").asInt());
    assertEquals(600, approve.path("Parameters").path("Payload").path("timeoutSeconds").asInt());
    assertEquals("1800", gated.function("local-sentinel-dr-notify").path("Environment").path("Variables")
        .path(Vars.LOCK_LEASE_SECONDS).asText());
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** The locks table (Scenario 6 has a table of its own, SecurityRecoveryStackTest). */
  private static String tableId(Synth s) {
    return s.resources("AWS::DynamoDB::Table").entrySet().stream()
        .filter(e -> e.getValue().path("Properties").path("TableName").asText().endsWith("-locks"))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
  }

  private static JsonNode table(Synth s) {
    return s.resources("AWS::DynamoDB::Table").get(tableId(s));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Every state a state can go to: Next, Default, Choices and Catch targets. */
  private static List<String> targets(JsonNode state) {
    List<String> out = new ArrayList<>();
    List<JsonNode> nodes = new ArrayList<>(List.of(state.path("Next"), state.path("Default")));
    state.path("Choices").forEach(c -> nodes.add(c.path("Next")));
    state.path("Catch").forEach(c -> nodes.add(c.path("Next")));
    nodes.stream().filter(JsonNode::isTextual).forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Set<String> reachable(JsonNode states, String from) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(from));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (seen.add(name)) {
        targets(states.path(name)).forEach(todo::push);
      }
    }
    return seen;
  }

  private static Set<String> predecessors(JsonNode states, String target) {
    Set<String> out = new TreeSet<>();
    states.fields().forEachRemaining(e -> {
      if (targets(e.getValue()).contains(target)) {
        out.add(e.getKey());
      }
    });
    return out;
  }
  @Test
  void cloudWatchMayUseTheTriggersKeyOnlyForThisAccountsAlarms() {
    boolean found = false;
    for (JsonNode statement : dev.properties("AWS::KMS::Key").stream()
        .flatMap(k -> java.util.stream.StreamSupport.stream(k.path("KeyPolicy").path("Statement").spliterator(),
            false)).toList()) {
      String principals = statement.path("Principal").toString();
      if (principals.contains("cloudwatch.amazonaws.com")) {
        found = true;
        assertEquals("{\"Ref\":\"AWS::AccountId\"}",
            statement.path("Condition").path("StringEquals").path("aws:SourceAccount").toString(), principals);
        assertFalse(principals.contains("events.rds"), "RDS is not known to send aws:SourceAccount to KMS");
      }
    }
    assertTrue(found, "CloudWatch may publish alarm actions to the encrypted alarm topic");
  }
  /**
   * A service publishing a signal to one of the triggers' encrypted topics does so only on behalf of this account and
   * of the resources it watches here (aws:SourceAccount and aws:SourceArn, as the RDS and CloudWatch documentation
   * show): another account's alarm or instance cannot start a recovery through the topic.
   */
  @Test
  void serviceTopicsTakeSignalsOnlyFromThisAccountsWatchedResources() {
    for (Synth s : List.of(dev, prod)) {
      Map<String, String> sourceArns = new java.util.TreeMap<>();
      for (JsonNode policy : s.properties("AWS::SNS::TopicPolicy")) {
        for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
          String service = statement.path("Principal").path("Service").asText();
          if (!statement.path("Action").toString().contains("sns:Publish") || service.isEmpty()) {
            continue;
          }
          assertEquals("{\"Ref\":\"AWS::AccountId\"}",
              statement.path("Condition").path("StringEquals").path("aws:SourceAccount").toString(), service);
          sourceArns.put(service, Synth.render(statement.path("Condition").path("ArnLike").path("aws:SourceArn")));
        }
      }
      String here = s.stack.getRegion() + ":<Ref:AWS::AccountId>";
      assertEquals(Map.of("cloudwatch.amazonaws.com", "arn:<Ref:AWS::Partition>:cloudwatch:" + here + ":alarm:*",
          "events.rds.amazonaws.com", "arn:<Ref:AWS::Partition>:rds:" + here + ":db:"
              + s.config.require(ai.sentinel.dr.database.DatabaseSettings.class).instanceId()),
          sourceArns, s.config.prefix());
    }
  }

}
