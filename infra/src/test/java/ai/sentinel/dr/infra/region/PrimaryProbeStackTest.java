package ai.sentinel.dr.infra.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.infra.SentinelDrApp;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.region.ProbePrimary;
import ai.sentinel.dr.region.RegionSettings;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import ai.sentinel.dr.trigger.TriggerPatterns;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.Machine;

/**
 * Scenario 4's alarm trigger in the DR stack (dr.primaryProbe): the probe of the primary's public /health on its
 * schedule with no AWS permission, the N-of-M alarm on its metric in the DR region, and the shared alarm rule that
 * takes that alarm (and nothing of the primary's routes) to an AlarmResponder allowed to start the failover only,
 * deployed exactly as the responder matches it: the events/ sample matches it with AWS's event-ruler and starts the
 * assessment when classified with the responder's deployed variables.
 */
class PrimaryProbeStackTest {
  private static final String PREFIX = "dev-sentinel-dr-region-";
  private static final Path SAMPLE = Path.of("..", "events", "alarm-eventbridge-dr-primary-unreachable.json");
  private final RegionSynth dev = RegionSynth.of("dev");

  private JsonNode rule(String name) {
    return dev.properties("AWS::Events::Rule").stream().filter(r -> name.equals(r.path("Name").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no rule " + name));
  }

  private JsonNode alarm() {
    return dev.properties("AWS::CloudWatch::Alarm").stream()
        .filter(a -> (PREFIX + "primary-unreachable").equals(a.path("AlarmName").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no probe alarm"));
  }

  @Test
  void theProbeRunsOncePerPeriodWithItsOwnSettingsAndNoAwsPermissionAtAll() {
    JsonNode fn = dev.function(PREFIX + "probe-primary");
    assertEquals(ProbePrimary.class.getName() + "::handleRequest", fn.path("Handler").asText());
    JsonNode section = Json.tree(fn.path("Environment").path("Variables").path("SETTINGS_DR").asText());
    assertEquals("https://api.dev.sentinel.example.com/health", section.path("primaryHealthUrl").asText());
    assertEquals(5, section.path("primaryProbe").path("timeoutSeconds").asInt());
    JsonNode schedule = rule(PREFIX + "probe-primary");
    assertEquals("rate(1 minute)", schedule.path("ScheduleExpression").asText());
    JsonNode target = schedule.path("Targets").get(0);
    assertTrue(Synth.render(target.path("Arn")).contains("PrimaryProbeProbePrimaryLive"), target.toString());
    assertEquals(0, target.path("RetryPolicy").path("MaximumRetryAttempts").asInt(), target.toString());
    // its role writes its own log group, and nothing else: the metric is a log line (EMF), the probe is plain HTTP
    List<JsonNode> statements = dev.statements("PrimaryProbeProbePrimaryRole");
    assertTrue(!statements.isEmpty());
    for (JsonNode st : statements) {
      Synth.list(st, "Action").forEach(a -> assertTrue(a.startsWith("logs:"), a + " in " + st));
      Synth.list(st, "Resource").forEach(r -> assertTrue(r.contains("PrimaryProbeProbePrimaryLogs"), r));
    }
    JsonNode logs = dev.resources("AWS::Logs::LogGroup").entrySet().stream()
        .filter(e -> e.getKey().startsWith("PrimaryProbeProbePrimaryLogs")).findFirst().orElseThrow().getValue();
    assertEquals("/aws/lambda/" + PREFIX + "probe-primary", logs.path("Properties").path("LogGroupName").asText());
    assertEquals(dev.config.logRetentionDays(), logs.path("Properties").path("RetentionInDays").asInt());
  }

  @Test
  void theAlarmIsThreeFailedProbesOfTheLastFiveInTheDrRegionAndAProbeThatDoesNotRunNeverBreaches() {
    JsonNode alarm = alarm();
    assertEquals("eu-west-1", dev.stack.getRegion());
    assertEquals("SentinelDR", alarm.path("Namespace").asText());
    assertEquals(ProbePrimary.METRIC, alarm.path("MetricName").asText());
    List<String> dimensions = new ArrayList<>();
    alarm.path("Dimensions").forEach(d -> dimensions.add(d.path("Name").asText() + "=" + d.path("Value").asText()));
    assertEquals(List.of("Environment=dev", "PrimaryRegion=us-east-1"), dimensions.stream().sorted().toList());
    assertEquals("Minimum", alarm.path("Statistic").asText());
    assertEquals(60, alarm.path("Period").asInt());
    assertEquals(1, alarm.path("Threshold").asInt());
    assertEquals("GreaterThanOrEqualToThreshold", alarm.path("ComparisonOperator").asText());
    assertEquals(5, alarm.path("EvaluationPeriods").asInt());
    assertEquals(3, alarm.path("DatapointsToAlarm").asInt());
    assertEquals("notBreaching", alarm.path("TreatMissingData").asText());
    assertTrue(Synth.render(alarm.path("AlarmActions").get(0)).startsWith("<Ref:NotificationsTopic"),
        "its ALARM pages the DR stack's on-call topic too");
  }

  @Test
  void aProbeThatStopsRunningPagesButStartsNothing() throws Exception {
    JsonNode silent = dev.properties("AWS::CloudWatch::Alarm").stream()
        .filter(a -> (PREFIX + "primary-probe-silent").equals(a.path("AlarmName").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no alarm for a probe that stopped running"));
    // the probe's invocations, not its metric: missing probe data never breaches the failover's alarm
    assertEquals("AWS/Lambda", silent.path("Namespace").asText());
    assertEquals("Invocations", silent.path("MetricName").asText());
    assertTrue(Synth.render(silent.path("Dimensions").get(0).path("Value"))
        .contains("PrimaryProbeProbePrimaryFunction"), silent.toString());
    assertEquals("Sum", silent.path("Statistic").asText());
    assertEquals("LessThanThreshold", silent.path("ComparisonOperator").asText());
    assertEquals(1, silent.path("Threshold").asInt());
    assertEquals("breaching", silent.path("TreatMissingData").asText());
    assertEquals(5 * 60, silent.path("Period").asInt() * silent.path("EvaluationPeriods").asInt(),
        "silent for as long as the failover's alarm looks back (5 periods of 1 minute)");
    assertTrue(Synth.render(silent.path("AlarmActions").get(0)).startsWith("<Ref:NotificationsTopic"));
    // its state change reaches no responder: a silent probe is a page, not evidence that the primary is down
    String event = Files.readString(SAMPLE).replace("\"SentinelDR\"", "\"AWS/Lambda\"")
        .replace("\"PrimaryHealthProbeFailed\"", "\"Invocations\"")
        .replace(PREFIX + "primary-unreachable", PREFIX + "primary-probe-silent");
    assertTrue(event.contains("AWS/Lambda") && event.contains("primary-probe-silent"), event);
    assertEquals(List.of(), matches(event));
  }

  /** The AlarmResponder's deployed variables, with the values Lambda and the stack fill in at run time. */
  private Map<String, String> responderEnvironment() {
    JsonNode vars = dev.function(PREFIX + "alarm-responder").path("Environment").path("Variables");
    Map<String, String> env = new HashMap<>();
    vars.fields().forEachRemaining(f -> env.put(f.getKey(), Synth.render(f.getValue())));
    env.put("AWS_REGION", "eu-west-1");
    env.put("NOTIFY_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:dev-sentinel-dr-region-notifications");
    env.put("STATE_MACHINE_ARNS", "{\"region-failure\":\"arn:aws:states:eu-west-1:123456789012:stateMachine:"
        + "dev-sentinel-dr-region-failure\"}");
    return env;
  }

  @Test
  void theAlarmRuleIsDeployedExactlyAsTheDrAlarmResponderMatchesAndStartsOnlyTheFailover() {
    JsonNode rule = rule(PREFIX + TriggerPatterns.ALARM_STATE_CHANGE);
    assertTrue(Synth.render(rule.path("Targets").get(0).path("Arn")).contains("TriggersAlarmResponderLive"));
    Map<String, String> env = responderEnvironment();
    assertEquals("{}", env.get("ALARM_ROUTES"), "the primary's alarm routes are not the DR stack's");
    String matched = TriggerPatterns.of(DrConfig.fromEnv(env)).stream()
        .filter(r -> r.id().equals(TriggerPatterns.ALARM_STATE_CHANGE)).findFirst().orElseThrow().pattern();
    assertEquals(Json.tree(matched), rule.path("EventPattern"));
    String arns = Synth.render(dev.function(PREFIX + "alarm-responder").path("Environment").path("Variables")
        .path("STATE_MACHINE_ARNS"));
    assertTrue(arns.matches("\\{\"region-failure\":\"<Ref:RegionRecoveryStateMachine[0-9A-F]+>\"}"), arns);
    long permissions = dev.properties("AWS::Lambda::Permission").stream()
        .filter(p -> Synth.render(p.path("FunctionName")).contains("TriggersAlarmResponderLive")).count();
    assertEquals(1, permissions, "only its rule may invoke it");
  }

  /** The DR stack's EventBridge rules, loaded into event-ruler under their ids. */
  private List<String> matches(String event) throws Exception {
    Machine machine = new Machine();
    for (JsonNode rule : dev.properties("AWS::Events::Rule")) {
      if (rule.has("EventPattern")) {
        machine.addRule(rule.path("Name").asText().substring(PREFIX.length()), rule.path("EventPattern").toString());
      }
    }
    return new ArrayList<>(new TreeSet<>(machine.rulesForJSONEvent(event)));
  }

  @Test
  void theSampleAlarmMatchesTheDeployedDrRuleAndStartsTheAssessmentWhileOkAndTheRpoAlarmMatchNothing()
      throws Exception {
    String sample = Files.readString(SAMPLE);
    assertEquals(List.of(TriggerPatterns.ALARM_STATE_CHANGE), matches(sample));
    Clock at = Clock.fixed(Instant.parse("2026-01-17T10:05:00Z"), ZoneOffset.UTC);
    Classification c = new EventClassifier(DrConfig.fromEnv(responderEnvironment()), at)
        .classify(sample.getBytes(StandardCharsets.UTF_8));
    assertTrue(c.starts(), c.reason());
    assertEquals("region-failure", c.scenario());
    assertEquals("us-east-1", c.resource());
    // a primary healthy again (OK), and the DR stack's other alarm in the same namespace, reach no responder
    assertEquals(List.of(), matches(sample.replace("\"value\": \"ALARM\"", "\"value\": \"OK\"")));
    String rpo = sample.replace("\"PrimaryHealthProbeFailed\"", "\"CrossRegionSnapshotAge\"")
        .replace(",\n                \"PrimaryRegion\": \"us-east-1\"", "");
    assertTrue(!rpo.contains("PrimaryRegion"), rpo);
    assertEquals(List.of(), matches(rpo));
  }

  @Test
  void withoutAProbeSectionThereIsNoProbeNoAlarmAndNoAlarmResponder() {
    EnvironmentConfig devConfig = Synth.load("dev");
    RegionSettings r = devConfig.require(RegionSettings.class);
    RegionSettings unprobed = new RegionSettings(r.primaryRegion(), r.sourceInstanceId(), r.drRegion(),
        r.primaryHealthUrl(), r.drHealthUrl(), r.database(), r.ecs(), r.alb(), r.dns(), r.cloudFrontDistributionId(),
        r.rpoMinutes(), r.copiesToKeep(), r.copySchedule(), r.failback(), r.maxCopyAgeMinutes(),
        r.customerNotification(), null);
    software.amazon.awscdk.App app = new software.amazon.awscdk.App();
    SentinelDrApp.build(app, devConfig.with(unprobed), RepoPaths.lambdaJar(RepoPaths.root()));
    RegionStack stack = app.getNode().getChildren().stream().filter(RegionStack.class::isInstance)
        .map(RegionStack.class::cast).findFirst().orElseThrow();
    assertNull(stack.primaryProbe());
    assertNull(stack.primaryUnreachableAlarm());
    JsonNode json = Synth.JSON.valueToTree(software.amazon.awscdk.assertions.Template.fromStack(stack).toJSON());
    List<String> names = new ArrayList<>();
    json.path("Resources").forEach(x -> names.add(x.path("Properties").path("FunctionName").asText()
        + x.path("Properties").path("Name").asText() + x.path("Properties").path("AlarmName").asText()));
    assertTrue(names.stream().noneMatch(n -> n.contains("probe-primary") || n.contains("alarm-responder")
        || n.contains("alarm-state-change") || n.contains("primary-unreachable")), names.toString());
  }
}
