package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.database.DatabaseFailureSignals;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.infra.database.DatabaseRecoveryStackTest;
import ai.sentinel.dr.infra.ecs.EcsRecoveryStackTest;
import ai.sentinel.dr.infra.corruption.CorruptionRecoveryStackTest;
import ai.sentinel.dr.infra.security.SecurityRecoveryStackTest;
import ai.sentinel.dr.trigger.SecurityEventResponder;
import ai.sentinel.dr.security.SecuritySettings;
import ai.sentinel.dr.infra.redis.RedisRecoveryStackTest;
import ai.sentinel.dr.recovery.AcquireLock;
import ai.sentinel.dr.recovery.Notify;
import ai.sentinel.dr.recovery.RestartServices;
import ai.sentinel.dr.recovery.WaitForServices;
import ai.sentinel.dr.report.Report;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.EcsEventResponder;
import ai.sentinel.dr.trigger.ElastiCacheEventResponder;
import ai.sentinel.dr.trigger.ManualResponder;
import ai.sentinel.dr.trigger.RdsEventResponder;
import ai.sentinel.dr.trigger.TriggerPatterns;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** The dev stack as synthesized from the repository's cdk.json. */
class SentinelDrStackTest {
  /** One function each, whatever the number of state machines invoking them. */
  static final List<Class<?>> SHARED = List.of(AcquireLock.class, RestartServices.class, WaitForServices.class,
      Notify.class, Report.class);
  static final List<Class<?>> RESPONDERS = List.of(AlarmResponder.class, RdsEventResponder.class,
      EcsEventResponder.class, ElastiCacheEventResponder.class, SecurityEventResponder.class, ManualResponder.class);

  private static Synth dev;
  private static JsonNode states;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
    states = dev.stateMachineDefinition().path("States");
  }

  static List<Class<?>> allHandlers() {
    List<Class<?>> all = new ArrayList<>(SHARED);
    all.addAll(DatabaseRecoveryStackTest.STEPS);
    all.addAll(RedisRecoveryStackTest.STEPS);
    all.addAll(EcsRecoveryStackTest.STEPS);
    all.addAll(SecurityRecoveryStackTest.STEPS);
    all.addAll(CorruptionRecoveryStackTest.STEPS);
    all.addAll(RESPONDERS);
    // wakes waiting recoveries; starts none (WaitTokensStackTest)
    all.add(ai.sentinel.dr.trigger.WaitResponder.class);
    // the appendix's scheduled health check (infra/health)
    all.add(ai.sentinel.dr.health.PlatformHealthCheck.class);
    // after every approval gate (created with RequestApproval, which Scenario 6's gates need everywhere)
    all.add(ai.sentinel.dr.recovery.AcknowledgeApproval.class);
    return all;
  }

  @Test
  void everyTaskInvokesItsAliasWithTheWholeStateAndRetriesRetryableErrors() {
    assertEquals(17, assertTasks(states), "12 steps, NotifyFailure, Report, ReportFailure, NotifyNoAction and "
        + "ReportNoAction");
    assertEquals(15, assertTasks(dev.definition("redis-failure").path("States")),
        "10 steps, NotifyFailure, Report, ReportFailure, NotifyNoAction and ReportNoAction");
    assertEquals(13, assertTasks(dev.definition("ecs-service-failure").path("States")),
        "8 steps, NotifyFailure, Report, ReportFailure, NotifyNoAction and ReportNoAction");
  }

  /** Checks every task of {@code states} as the runbook wants it; returns how many there are. */
  private static int assertTasks(JsonNode states) {
    Map<String, String> aliases = new LinkedHashMap<>();
    dev.resources("AWS::Lambda::Alias").forEach((id, a) -> aliases.put(id,
        a.path("Properties").path("FunctionName").path("Ref").asText()));
    int tasks = 0;
    for (Map.Entry<String, JsonNode> e : fields(states).entrySet()) {
      JsonNode state = e.getValue();
      if (!"Task".equals(state.path("Type").asText())) {
        continue;
      }
      if (state.path("Parameters").path("Payload").has("await")) {
        // a wait between polls, not a step
        StateMachineAssert.assertEventWait(states, e.getKey(), state.path("Next").asText());
        continue;
      }
      tasks++;
      if (e.getKey().startsWith("Report")) {
        // the report needs what only the execution knows; a failed report changes no outcome
        assertEquals("$$.Execution.Id", state.path("Parameters").path("executionArn.$").asText(), e.getKey());
        assertEquals("$", state.path("Parameters").path("recovery.$").asText(), e.getKey());
        String end = switch (e.getKey()) {
          case "Report" -> "Recovered";
          case "ReportNoAction" -> "NoAction";
          default -> "RecoveryFailed";
        };
        assertEquals(end, state.path("Next").asText(), e.getKey());
        assertEquals(end, state.path("Catch").path(0).path("Next").asText(), e.getKey());
        assertEquals("$.reportError", state.path("Catch").path(0).path("ResultPath").asText(), e.getKey());
        continue;
      }
      String resource = state.path("Resource").asText();
      assertTrue(resource.matches("<Ref:[A-Za-z0-9]+>"), e.getKey() + " Resource is the alias ARN: " + resource);
      assertTrue(aliases.containsKey(resource.substring(5, resource.length() - 1)), e.getKey() + " " + resource);
      assertEquals("$", state.path("ResultPath").asText(), e.getKey());
      assertFalse(state.has("Parameters"), e.getKey() + " takes the whole state as payload");
      JsonNode retry = state.path("Retry").path(0);
      List<String> errors = new ArrayList<>();
      retry.path("ErrorEquals").forEach(n -> errors.add(n.asText()));
      assertEquals(List.of(RetryableStepError.class.getName(), "Lambda.ServiceException",
          "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"), errors);
      assertEquals(2, retry.path("IntervalSeconds").asInt());
      assertEquals(4, retry.path("MaxAttempts").asInt());
      assertEquals(2.0, retry.path("BackoffRate").asDouble());
      JsonNode catcher = state.path("Catch").path(0);
      assertEquals("States.ALL", catcher.path("ErrorEquals").path(0).asText(), e.getKey());
      if (e.getKey().equals("NotifyFailure")) {
        assertEquals("ReportFailure", catcher.path("Next").asText());
      } else {
        assertEquals("NotifyFailure", catcher.path("Next").asText(), e.getKey());
        assertEquals("$.error", catcher.path("ResultPath").asText(), e.getKey());
      }
    }
    assertEquals(states.path("Notify").path("Resource"), states.path("NotifyFailure").path("Resource"));
    states.fields().forEachRemaining(e -> {
      if ("Wait".equals(e.getValue().path("Type").asText())) {
        assertEquals("$.options.pollSeconds", e.getValue().path("SecondsPath").asText(), e.getKey());
      }
    });
    return tasks;
  }

  @Test
  void sharedStepsAreOneFunctionInvokedByEveryStateMachine() {
    for (Class<?> handler : SHARED) {
      long count = dev.properties("AWS::Lambda::Function").stream()
          .filter(f -> f.path("Handler").asText().equals(Names.handler(handler))).count();
      assertEquals(1, count, handler.getSimpleName());
    }
    JsonNode db = dev.definition("database-failure").path("States");
    for (String scenario : List.of("redis-failure", "ecs-service-failure")) {
      JsonNode other = dev.definition(scenario).path("States");
      for (String state : List.of("AcquireLock", "Notify", "NotifyFailure")) {
        assertEquals(db.path(state).path("Resource"), other.path(state).path("Resource"), scenario + " " + state);
        assertTrue(Synth.render(other.path(state).path("Resource")).startsWith("<Ref:SharedSteps"), state);
      }
      assertEquals(db.path("Report").path("Resource"), other.path("Report").path("Resource"), scenario);
    }
    JsonNode redis = dev.definition("redis-failure").path("States");
    for (String state : List.of("RestartServices", "WaitForServices")) {
      assertEquals(db.path(state).path("Resource"), redis.path(state).path("Resource"), state);
    }
  }

  @Test
  void aCaughtErrorNeverReachesSucceed() {
    for (String scenario : List.of("database-failure", "redis-failure",
        "ecs-service-failure")) {
      JsonNode s = dev.definition(scenario).path("States");
      assertEquals("ReportFailure", s.path("NotifyFailure").path("Next").asText(), scenario);
      assertEquals("RecoveryFailed", s.path("ReportFailure").path("Next").asText(), scenario);
      assertEquals("Fail", s.path("RecoveryFailed").path("Type").asText(), scenario);
      Set<String> afterFailure = reachable(s, "NotifyFailure");
      for (String name : afterFailure) {
        assertFalse("Succeed".equals(s.path(name).path("Type").asText()), name + " reachable after a Catch");
      }
      assertEquals(Set.of("NotifyFailure", "ReportFailure", "RecoveryFailed"), afterFailure, scenario);
      // and every state can reach a terminal state: no loop without an exit
      fields(s).keySet().forEach(name -> assertTrue(reachable(s, name).stream().anyMatch(t -> Set.of("Succeed",
          "Fail").contains(s.path(t).path("Type").asText())), scenario + ": " + name + " never ends"));
    }
  }

  @Test
  void wildcardResourcesOnlyForActionsAwsCannotScope() {
    Set<String> unscopable = Set.of("rds:DescribeEvents", "cloudwatch:GetMetricStatistics",
        // the report's customer impact: the load balancer's metrics (read-only)
        "cloudwatch:GetMetricData",
        // ECS: task definitions are account-wide; ListTasks is limited by its ecs:cluster condition instead
        "ecs:ListTaskDefinitions", "ecs:DescribeTaskDefinition", "ecs:ListTasks",
        "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
        // the data-corruption maintenance rule: its load balancer, listener and rules are found by name and port
        "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        // WAF: the IP set is found by name when cdk.json gives no id (read-only)
        "wafv2:ListIPSets",
        // Scenario 6's evidence: CloudWatch Logs export tasks have no resource type (read-only)
        "logs:DescribeExportTasks",
        // Step Functions logging and tracing
        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
        "xray:GetSamplingTargets");
    dev.policyStatements().forEach((policy, statements) -> statements.forEach(s -> {
      if (Synth.list(s, "Resource").contains("*")) {
        Synth.list(s, "Action").forEach(a -> assertTrue(unscopable.contains(a), policy + ": " + a + " on *"));
      }
      Synth.list(s, "Action").forEach(a -> assertFalse(a.contains("*"), policy + ": wildcard action " + a));
      if (Synth.list(s, "Action").contains("ecs:ListTasks")) {
        assertEquals("{\"ArnEquals\":{\"ecs:cluster\":\"arn:<Ref:AWS::Partition>:ecs:us-east-1:<Ref:AWS::AccountId>:"
            + "cluster/sentinel-production\"}}", Synth.JSON.valueToTree(render(s.path("Condition"))).toString(),
            policy);
      }
    }));
  }

  @Test
  void stepsMayOnlyTouchTheConfiguredResources() {
    assertResources("SharedStepsRestartServices", "ecs:UpdateService",
        "arn:<Ref:AWS::Partition>:ecs:us-east-1:<Ref:AWS::AccountId>:service/sentinel-production/sentinel-api",
        "arn:<Ref:AWS::Partition>:ecs:us-east-1:<Ref:AWS::AccountId>:service/sentinel-production/sentinel-celery");
    String rds = "arn:<Ref:AWS::Partition>:rds:us-east-1:<Ref:AWS::AccountId>:";
    String db = "DatabaseRecoveryFunctions";
    assertTrue(resourcesOf(db + "RestoreFromSnapshot", "rds:RestoreDBInstanceFromDBSnapshot")
        .contains(rds + "db:sentinel-db-recovery"));
    assertFalse(resourcesOf(db + "RestoreFromSnapshot", "rds:RestoreDBInstanceFromDBSnapshot")
        .contains(rds + "db:sentinel-db"), "never restores over the original");
    assertTrue(resourcesOf(db + "PointInTimeRestore", "rds:RestoreDBInstanceToPointInTime")
        .containsAll(List.of(rds + "db:sentinel-db", rds + "db:sentinel-db-pitr")));
    assertTrue(resourcesOf("SharedStepsNotify", "sns:Publish").get(0).startsWith("<Ref:NotificationsTopic"));
    String executions = "arn:<Ref:AWS::Partition>:states:us-east-1:<Ref:AWS::AccountId>:execution:dev-sentinel-dr-";
    // each responder may start only the runbooks its signals start: a forged RDS event cannot start Scenario 3
    Map<Class<?>, List<String>> startable = Map.of(
        AlarmResponder.class, List.of("DatabaseRecovery", "RedisRecovery", "EcsRecovery", "DataCorruptionRecovery",
            "SecurityRecovery"),
        RdsEventResponder.class, List.of("DatabaseRecovery"),
        EcsEventResponder.class, List.of("EcsRecovery"),
        ElastiCacheEventResponder.class, List.of("RedisRecovery"),
        SecurityEventResponder.class, List.of("SecurityRecovery"),
        ManualResponder.class, List.of("DatabaseRecovery", "RedisRecovery", "EcsRecovery", "DataCorruptionRecovery",
            "SecurityRecovery",
            "DatabaseRestoreTest"));
    Map<String, String> ids = Map.of("DatabaseRecovery", "database-failure", "RedisRecovery", "redis-failure",
        "EcsRecovery", "ecs-service-failure", "SecurityRecovery", "security-incident", "DataCorruptionRecovery",
        "data-corruption", "DatabaseRestoreTest", "database-restore-test");
    assertEquals(Set.copyOf(RESPONDERS), startable.keySet());
    for (Class<?> responder : RESPONDERS) {
      String fn = "Triggers" + responder.getSimpleName();
      List<String> started = resourcesOf(fn, "states:StartExecution");
      List<String> expected = startable.get(responder);
      assertEquals(expected.size(), started.size(), fn + " " + started);
      for (String id : expected) {
        assertTrue(started.stream().anyMatch(r -> r.startsWith("<Ref:" + id + "StateMachine")), id + " " + started);
      }
      assertEquals(expected.stream().map(id -> executions + ids.get(id) + ":*").toList(),
          resourcesOf(fn, "states:DescribeExecution"), fn);
    }
    assertTrue(statementsOf(db + "ChooseOption").stream()
        .allMatch(s -> Synth.list(s, "Action").stream().allMatch(a -> a.startsWith("logs:"))), "no AWS calls");
  }

  @Test
  void rulesDeployExactlyTheTriggerPatterns() throws Exception {
    Map<String, JsonNode> rules = new LinkedHashMap<>();
    // the Testing Schedule's rules have a schedule, not a pattern (ScheduledDrillsTest)
    dev.properties("AWS::Events::Rule").stream().filter(r -> r.has("EventPattern"))
        .forEach(r -> rules.put(r.path("Name").asText(), r));
    Map<String, String> env = new LinkedHashMap<>(Map.of("SENTINEL_ENV", "dev", "AWS_REGION", "us-east-1",
        "NOTIFY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:t",
        "SETTINGS_DATABASE", "{\"instanceId\": \"sentinel-db\", \"secretId\": \"sentinel/database-url\"}",
        "SETTINGS_REDIS", "{\"clusterId\": \"sentinel-redis\", \"secretId\": \"sentinel/redis-url\"}",
        "SETTINGS_ECS", "{\"cluster\": \"sentinel-production\", \"services\": [\"sentinel-api\", \"sentinel-celery\"], "
            + "\"targetGroups\": {\"sentinel-api\": \"sentinel-api\"}}"));
    env.put("ALARM_ROUTES", Synth.JSON.writeValueAsString(dev.config.alarmRoutes()));
    env.put("SETTINGS_SECURITY", Synth.JSON.writeValueAsString(dev.config.require(SecuritySettings.class)));
    List<TriggerPatterns.Rule> expected = TriggerPatterns.of(DrConfig.fromEnv(env));
    assertEquals(expected.size(), rules.size());
    assertEquals(Set.of("dev-sentinel-dr-alarm-state-change", "dev-sentinel-dr-rds-instance-event",
        "dev-sentinel-dr-ecs-task-stopped", "dev-sentinel-dr-ecs-service-action",
        "dev-sentinel-dr-ecs-deployment-failed", "dev-sentinel-dr-security-guardduty-finding",
        "dev-sentinel-dr-security-hub-custom-action", "dev-sentinel-dr-security-hub-critical",
        "dev-sentinel-dr-security-console-sign-in", "dev-sentinel-dr-ready-rds-instance",
        "dev-sentinel-dr-ready-ecs-deployment", "dev-sentinel-dr-ready-ecs-steady-state"), rules.keySet());
    for (TriggerPatterns.Rule rule : expected) {
      JsonNode deployed = rules.get("dev-sentinel-dr-" + rule.id());
      assertNotNull(deployed, rule.id());
      assertEquals(Synth.JSON.readTree(rule.pattern()), deployed.path("EventPattern"), rule.id());
      String target = deployed.path("Targets").path(0).path("Arn").path("Ref").asText();
      assertTrue(target.matches("Triggers" + rule.responder() + "Live[0-9A-F]+"), rule.id() + " -> " + target);
    }
  }

  @Test
  void rdsEventsAndAlarmActionsReachTheirResponders() {
    JsonNode subscription = dev.properties("AWS::RDS::EventSubscription").get(0);
    assertEquals("db-instance", subscription.path("SourceType").asText());
    assertEquals("[\"sentinel-db\"]", subscription.path("SourceIds").toString());
    List<String> categories = new ArrayList<>();
    subscription.path("EventCategories").forEach(c -> categories.add(c.asText()));
    assertEquals(DatabaseFailureSignals.RDS_FAILURE_CATEGORIES, categories);

    Map<String, String> topicsByName = new LinkedHashMap<>();
    dev.resources("AWS::SNS::Topic").forEach((id, t) -> {
      String name = t.path("Properties").path("TopicName").asText();
      topicsByName.put(name, id);
      // ElastiCache cannot publish to an encrypted topic; every other topic is encrypted
      assertEquals(!name.equals("dev-sentinel-dr-elasticache-events"), t.path("Properties").has("KmsMasterKeyId"),
          id + " encrypted");
    });
    assertEquals(Set.of("dev-sentinel-dr-notifications", "dev-sentinel-dr-alarms", "dev-sentinel-dr-rds-events",
        "dev-sentinel-dr-elasticache-events"), topicsByName.keySet());
    assertEquals(topicsByName.get("dev-sentinel-dr-rds-events"),
        subscription.path("SnsTopicArn").path("Ref").asText());
    Map<String, String> lambdaSubscriptions = new LinkedHashMap<>();
    List<JsonNode> waitSubscriptions = new ArrayList<>();
    dev.properties("AWS::SNS::Subscription").forEach(s -> {
      if (s.path("Endpoint").path("Ref").asText().startsWith("TriggersWaitResponderLive")) {
        waitSubscriptions.add(s);
      } else if ("lambda".equals(s.path("Protocol").asText())) {
        lambdaSubscriptions.put(s.path("TopicArn").path("Ref").asText(), s.path("Endpoint").path("Ref").asText());
      }
    });
    // the WaitResponder gets only ElastiCache's "provisioning complete" (a filter on the body): it wakes waits
    assertEquals(1, waitSubscriptions.size());
    assertEquals(topicsByName.get("dev-sentinel-dr-elasticache-events"),
        waitSubscriptions.get(0).path("TopicArn").path("Ref").asText());
    assertEquals("MessageBody", waitSubscriptions.get(0).path("FilterPolicyScope").asText());
    assertEquals("{\"ElastiCache:CacheClusterProvisioningComplete\":[{\"exists\":true}]}",
        waitSubscriptions.get(0).path("FilterPolicy").toString());
    assertTrue(lambdaSubscriptions.get(topicsByName.get("dev-sentinel-dr-alarms"))
        .startsWith("TriggersAlarmResponderLive"));
    assertTrue(lambdaSubscriptions.get(topicsByName.get("dev-sentinel-dr-rds-events"))
        .startsWith("TriggersRdsEventResponderLive"));
    assertTrue(lambdaSubscriptions.get(topicsByName.get("dev-sentinel-dr-elasticache-events"))
        .startsWith("TriggersElastiCacheEventResponderLive"));
    assertEquals(3, lambdaSubscriptions.size(), "ManualResponder has no trigger, EcsEventResponder only rules");
    // ElastiCache publishes only where the policy names the account by AWS:SourceOwner (AWS:SourceAccount fails)
    String elastiCachePolicy = dev.properties("AWS::SNS::TopicPolicy").stream().map(JsonNode::toString)
        .filter(p -> p.contains(topicsByName.get("dev-sentinel-dr-elasticache-events"))).findFirst().orElseThrow();
    assertTrue(elastiCachePolicy.contains("\"AWS:SourceOwner\""), elastiCachePolicy);
    assertTrue(Synth.render(dev.json.path("Outputs").path("ElastiCacheEventTopicArn").path("Value"))
        .startsWith("<Ref:TriggersElastiCacheEventTopic"));
    dev.properties("AWS::SNS::TopicPolicy").forEach(p -> assertTrue(p.toString().contains("aws:SecureTransport"),
        "TLS only: " + p));
  }

  @Test
  void cdkNagReportsNoUnsuppressedError() {
    List<SynthesisMessage> errors = Annotations.fromStack(dev.stack)
        .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertEquals(List.of(), errors.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList());
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  private static Set<String> reachable(JsonNode states, String from) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(from));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!seen.add(name)) {
        continue;
      }
      JsonNode s = states.path(name);
      List<JsonNode> targets = new ArrayList<>(List.of(s.path("Next"), s.path("Default")));
      s.path("Choices").forEach(c -> targets.add(c.path("Next")));
      s.path("Catch").forEach(c -> targets.add(c.path("Next")));
      targets.stream().filter(JsonNode::isTextual).forEach(t -> todo.push(t.asText()));
    }
    return seen;
  }

  private static Map<String, JsonNode> fields(JsonNode node) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static List<JsonNode> statementsOf(String function) {
    return dev.statementsOf(function);
  }

  private static List<String> resourcesOf(String function, String action) {
    return dev.resourcesOf(function, action);
  }

  /** The handler class of a Lambda handler string's class part. */

  /** A template value with every reference rendered, as plain JSON. */
  static Object render(JsonNode value) {
    if (value.isObject()) {
      if (value.has("Fn::Join") || value.has("Ref") || value.has("Fn::GetAtt")) {
        return Synth.render(value);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      value.fields().forEachRemaining(e -> out.put(e.getKey(), render(e.getValue())));
      return out;
    }
    return value.isTextual() ? value.asText() : value;
  }

  private static void assertResources(String handler, String action, String... expected) {
    assertEquals(List.of(expected), resourcesOf(handler, action));
  }
}
