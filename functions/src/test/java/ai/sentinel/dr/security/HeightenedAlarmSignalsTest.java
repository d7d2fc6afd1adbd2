package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.safety.RecoveryLocks;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.support.Signals;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.Responder;
import ai.sentinel.dr.trigger.TriggerPatterns;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.GetScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.event.ruler.Machine;

/**
 * The alarms HeightenedMonitoring puts after an incident watch the very metrics that start one (the web ACL's
 * BlockedRequests, the PII metric): when they go to ALARM they page the on-call and must never start a new security
 * incident, nor any other recovery, however they arrive (the shared alarm rule, SNS, a route by name).
 */
class HeightenedAlarmSignalsTest {
  private static final String SAMPLE = "alarm-eventbridge-heightened-waf-blocked.json";

  @Test
  void theSampleReachesNoDeployedRuleAndStartsNothing() throws Exception {
    Machine machine = deployed(Fixtures.config());
    assertEquals(List.of(), machine.rulesForJSONEvent(Signals.text(SAMPLE)),
        "the alarm rule's web ACL branch leaves out the heightened-monitoring alarms: they never reach a responder");
    String platformAlarm = Signals.text(SAMPLE).replace("dev-sentinel-dr-heightened-0123456789ab-waf-blocked",
        "sentinel-waf-blocked");
    assertEquals(List.of(TriggerPatterns.ALARM_STATE_CHANGE), machine.rulesForJSONEvent(platformAlarm),
        "the same alarm on the same web ACL under a platform name is delivered");
    // replayed by hand (./sentinel classify, a copy sent by SNS): the classifier still tells it apart
    Classification c = Signals.standard().classify(SAMPLE);
    assertEquals(Classification.IGNORE, c.action(), c.reason());
    assertNull(c.scenario(), "joins no recovery either: the incident it watches may be long over");
    assertTrue(c.reason().contains("heightened-monitoring alarm of incident 0123456789ab"), c.reason());
    assertTrue(c.reason().contains("not a new incident"), c.reason());
  }

  @Test
  void theResponderStartsNoExecution() throws Exception {
    SfnClient sfn = Fixtures.sdkMock(SfnClient.class);
    DynamoDbClient ddb = Fixtures.sdkMock(DynamoDbClient.class);
    // Scenario 6 deployed: without the exemption this alarm would start its state machine
    Map<String, String> env = Fixtures.env();
    env.put(DrConfig.Vars.STATE_MACHINE_ARNS, "{\"security-incident\":\"" + Fixtures.STATE_MACHINE.replace(
        "database-failure", "security-incident") + "\"}");
    Responder responder = new Responder(DrConfig.fromEnv(env), sfn, new RecoveryLocks(ddb, "dev-sentinel-dr-locks",
        Fixtures.CLOCK, Duration.ofHours(3)), Fixtures.sdkMock(SnsClient.class), Fixtures.CLOCK);
    Responder.Response r = responder.handle(Signals.read(SAMPLE), Set.of("alarm"), "AlarmResponder");
    assertEquals(Classification.IGNORE, r.action(), r.reason());
    verify(sfn, never()).startExecution(any(StartExecutionRequest.class));
  }

  /** Each alarm the step really puts, as EventBridge delivers it: no deployed rule matches it. */
  @Test
  void noAlarmTheStepPutsMatchesADeployedRule() throws Exception {
    Machine machine = deployed(DrConfig.fromEnv(HeightenedMonitoringTest.env()));
    for (PutMetricAlarmRequest alarm : alarmsPut()) {
      assertEquals(List.of(), machine.rulesForJSONEvent(eventBridge(alarm)), alarm.alarmName());
    }
  }

  /** The patterns the stack deploys for {@code config}, loaded into AWS's matcher. */
  private static Machine deployed(DrConfig config) {
    Machine machine = new Machine();
    for (TriggerPatterns.Rule rule : TriggerPatterns.of(config)) {
      try {
        machine.addRule(rule.id(), rule.pattern());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return machine;
  }

  /** Each alarm the step really puts, as EventBridge and SNS deliver it, routed by name or not: ignored. */
  @Test
  void everyAlarmTheStepPutsIsIgnoredHoweverItArrives() {
    List<PutMetricAlarmRequest> alarms = alarmsPut();
    assertEquals(4, alarms.size());
    Map<String, String> env = HeightenedMonitoringTest.env();
    ObjectNode routes = Json.object();
    alarms.forEach(a -> routes.put(a.alarmName(), "security-incident"));
    env.put(DrConfig.Vars.ALARM_ROUTES, routes.toString());
    for (Signals signals : List.of(Signals.with(HeightenedMonitoringTest.env()), Signals.with(env))) {
      for (PutMetricAlarmRequest alarm : alarms) {
        for (String delivered : List.of(eventBridge(alarm), Signals.snsWith(snsMessage(alarm)))) {
          Classification c = signals.classifyText(delivered);
          assertFalse(c.starts(), alarm.alarmName() + ": " + c.reason());
          assertEquals(Classification.IGNORE, c.action(), alarm.alarmName() + ": " + c.reason());
          assertTrue(c.reason().contains("heightened-monitoring alarm of incident 0123456789ab"), c.reason());
        }
      }
    }
  }

  @Test
  void anotherEnvironmentsHeightenedAlarmOnTheSameWebAclIsIgnoredToo() {
    String event = Signals.text(SAMPLE).replace("dev-sentinel-dr-heightened-", "staging-sentinel-dr-heightened-");
    Classification c = Signals.standard().classifyText(event);
    assertEquals(Classification.IGNORE, c.action(), c.reason());
    assertTrue(c.reason().contains("staging"), c.reason());
  }

  @Test
  void onlyTheExactNamesAreExempt() {
    // a platform alarm that merely resembles one (no incident id) is an attack signal as before
    String event = Signals.text(SAMPLE).replace("dev-sentinel-dr-heightened-0123456789ab-waf-blocked",
        "dev-sentinel-dr-heightened-waf-blocked");
    Classification c = Signals.standard().classifyText(event);
    assertTrue(c.starts(), c.reason());
    assertEquals("security-incident", c.scenario());
  }

  /** The alarms HeightenedMonitoring puts for incident 0123456789ab, captured from its CloudWatch calls. */
  private static List<PutMetricAlarmRequest> alarmsPut() {
    CloudWatchClient cw = Fixtures.sdkMock(CloudWatchClient.class);
    SchedulerClient scheduler = Fixtures.sdkMock(SchedulerClient.class);
    when(cw.putMetricAlarm(any(PutMetricAlarmRequest.class))).thenReturn(PutMetricAlarmResponse.builder().build());
    when(scheduler.getSchedule(any(GetScheduleRequest.class)))
        .thenThrow(ResourceNotFoundException.builder().message("Schedule does not exist.").build());
    when(scheduler.createSchedule(any(CreateScheduleRequest.class)))
        .thenReturn(CreateScheduleResponse.builder().scheduleArn("arn:schedule").build());
    StepHarness.invoke(new HeightenedMonitoring(Fixtures.deps(DrConfig.fromEnv(HeightenedMonitoringTest.env()), cw,
        scheduler), HeightenedMonitoringTest.END, HeightenedMonitoringTest.ROLE),
        BlockIpsTest.assessed(false, List.of("203.0.113.77/32")));
    ArgumentCaptor<PutMetricAlarmRequest> put = ArgumentCaptor.forClass(PutMetricAlarmRequest.class);
    verify(cw, times(4)).putMetricAlarm(put.capture());
    return put.getAllValues();
  }

  /** The sample's EventBridge state change, for {@code alarm}'s name and metric. */
  private static String eventBridge(PutMetricAlarmRequest alarm) {
    ObjectNode event = (ObjectNode) Json.tree(Signals.text(SAMPLE));
    ObjectNode detail = (ObjectNode) event.get("detail");
    detail.put("alarmName", alarm.alarmName());
    ((ArrayNode) event.get("resources")).removeAll().add("arn:aws:cloudwatch:us-east-1:123456789012:alarm:"
        + alarm.alarmName());
    ObjectNode metric = (ObjectNode) detail.at("/configuration/metrics/0/metricStat/metric");
    metric.put("namespace", alarm.namespace());
    metric.put("name", alarm.metricName());
    ObjectNode dimensions = metric.putObject("dimensions");
    alarm.dimensions().forEach(d -> dimensions.put(d.name(), d.value()));
    return event.toString();
  }

  /** CloudWatch's SNS message for {@code alarm} entering ALARM. */
  private static String snsMessage(PutMetricAlarmRequest alarm) {
    ObjectNode message = Json.object();
    message.put("AlarmName", alarm.alarmName());
    message.put("AWSAccountId", "123456789012");
    message.put("NewStateValue", "ALARM");
    message.put("NewStateReason", "Threshold Crossed");
    message.put("StateChangeTime", Fixtures.NOW.minusSeconds(90).toString());
    message.put("AlarmArn", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + alarm.alarmName());
    ObjectNode trigger = message.putObject("Trigger");
    trigger.put("MetricName", alarm.metricName());
    trigger.put("Namespace", alarm.namespace());
    ArrayNode dimensions = trigger.putArray("Dimensions");
    alarm.dimensions().forEach(d -> dimensions.addObject().put("value", d.value()).put("name", d.name()));
    return message.toString();
  }
}
