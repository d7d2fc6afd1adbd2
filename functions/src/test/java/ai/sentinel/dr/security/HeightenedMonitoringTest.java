package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmResponse;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.GetScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;

/**
 * HeightenedMonitoring and its removal: the exact alarms and schedule sent, a second run that changes nothing, a
 * dry-run that sends nothing, and EndMonitoring deleting exactly this incident's alarms.
 */
class HeightenedMonitoringTest {
  static final String END =
      "arn:aws:lambda:us-east-1:123456789012:function:dev-sentinel-dr-security-heightened-monitoring:live";
  static final String ROLE = "arn:aws:iam::123456789012:role/dev-sentinel-dr-security-monitoring-end";
  static final String PREFIX = "dev-sentinel-dr-heightened-0123456789ab-";
  private CloudWatchClient cw;
  private SchedulerClient scheduler;
  private CreateScheduleRequest created;

  @BeforeEach
  void setUp() {
    cw = Fixtures.sdkMock(CloudWatchClient.class);
    scheduler = Fixtures.sdkMock(SchedulerClient.class);
    when(cw.putMetricAlarm(any(PutMetricAlarmRequest.class))).thenReturn(PutMetricAlarmResponse.builder().build());
    when(cw.deleteAlarms(any(DeleteAlarmsRequest.class))).thenReturn(DeleteAlarmsResponse.builder().build());
    when(scheduler.getSchedule(any(GetScheduleRequest.class))).thenAnswer(i -> {
      if (created == null) {
        throw ResourceNotFoundException.builder().message("Schedule does not exist.").build();
      }
      return GetScheduleResponse.builder().name(created.name()).scheduleExpression(created.scheduleExpression())
          .build();
    });
    when(scheduler.createSchedule(any(CreateScheduleRequest.class))).thenAnswer(i -> {
      created = i.getArgument(0);
      return CreateScheduleResponse.builder().scheduleArn("arn:schedule").build();
    });
  }

  static Map<String, String> env() {
    return Fixtures.withSection(Fixtures.env(), "security", s -> s.putObject("monitoring").put("hours", 48)
        .put("loadBalancerMetric", "app/sentinel-alb/0123456789abcdef").put("http4xx", 40).put("http5xx", 5)
        .put("wafBlocked", 20).put("piiRecords", 50));
  }

  private HeightenedMonitoring step() {
    return new HeightenedMonitoring(Fixtures.deps(DrConfig.fromEnv(env()), cw, scheduler), END, ROLE);
  }

  @Test
  void putsFourTighterAlarmsAndAOneTimeScheduleThatRemovesExactlyThem() {
    Recovery out = StepHarness.invoke(step(), BlockIpsTest.assessed(false, List.of("203.0.113.77/32")));
    ArgumentCaptor<PutMetricAlarmRequest> put = ArgumentCaptor.forClass(PutMetricAlarmRequest.class);
    verify(cw, times(4)).putMetricAlarm(put.capture());
    Map<String, PutMetricAlarmRequest> byName = new java.util.LinkedHashMap<>();
    put.getAllValues().forEach(r -> byName.put(r.alarmName(), r));
    assertEquals(List.of(PREFIX + "http-4xx", PREFIX + "http-5xx", PREFIX + "waf-blocked", PREFIX + "pii-records"),
        List.copyOf(byName.keySet()));
    PutMetricAlarmRequest http4xx = byName.get(PREFIX + "http-4xx");
    assertEquals("AWS/ApplicationELB", http4xx.namespace());
    assertEquals("HTTPCode_Target_4XX_Count", http4xx.metricName());
    assertEquals("app/sentinel-alb/0123456789abcdef", http4xx.dimensions().get(0).value());
    assertEquals(40.0, http4xx.threshold());
    assertEquals(5.0, byName.get(PREFIX + "http-5xx").threshold());
    PutMetricAlarmRequest waf = byName.get(PREFIX + "waf-blocked");
    assertEquals("BlockedRequests", waf.metricName());
    assertEquals("[WebACL=sentinel-waf, Region=us-east-1, Rule=ALL]", waf.dimensions().stream()
        .map(d -> d.name() + "=" + d.value()).toList().toString());
    assertEquals(20.0, waf.threshold());
    PutMetricAlarmRequest pii = byName.get(PREFIX + "pii-records");
    assertEquals("Sentinel/Security", pii.namespace());
    assertEquals("PiiRecordsRead", pii.metricName());
    for (PutMetricAlarmRequest r : put.getAllValues()) {
      assertEquals(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, r.comparisonOperator());
      assertEquals(300, r.period());
      assertEquals(List.of(Fixtures.TOPIC), r.alarmActions(), "pages the on-call topic");
      assertTrue(r.alarmDescription().contains("2026-01-19T10:05:00Z"), r.alarmDescription());
    }
    assertEquals("dev-sentinel-dr-heightened-end-0123456789ab", created.name());
    assertEquals("at(2026-01-19T10:05:00)", created.scheduleExpression(), "48 h after the fixed clock");
    assertEquals("UTC", created.scheduleExpressionTimezone());
    assertEquals(ActionAfterCompletion.DELETE, created.actionAfterCompletion());
    assertEquals("OFF", created.flexibleTimeWindow().modeAsString());
    assertEquals(END, created.target().arn());
    assertEquals(ROLE, created.target().roleArn());
    JsonNode input = Json.tree(created.target().input()).path("scheduled");
    assertEquals("0123456789ab", input.path("incident").asText());
    assertEquals(4, input.path("alarms").size());
    assertEquals(PREFIX + "http-4xx", input.path("alarms").get(0).asText());
    MonitoringState state = out.part(MonitoringState.PART);
    assertEquals("2026-01-19T10:05:00Z", state.until());
    assertEquals(4, state.alarms().size());
    assertEquals(created.name(), state.schedule());
  }

  @Test
  void aSecondRunChangesNothing() {
    Recovery out = StepHarness.invoke(step(), BlockIpsTest.assessed(false, List.of()));
    StepHarness.invoke(step(), out);
    verify(cw, times(4)).putMetricAlarm(any(PutMetricAlarmRequest.class));
    verify(scheduler, times(1)).createSchedule(any(CreateScheduleRequest.class));
  }

  @Test
  void aRerunAfterALostAnswerKeepsTheScheduleAndItsEndTime() {
    StepHarness.invoke(step(), BlockIpsTest.assessed(false, List.of()));
    // the state was lost: the step runs again on the original document
    Recovery again = StepHarness.invoke(step(), BlockIpsTest.assessed(false, List.of()));
    verify(scheduler, times(1)).createSchedule(any(CreateScheduleRequest.class));
    assertEquals("2026-01-19T10:05:00Z", again.part(MonitoringState.PART).until());
    verify(cw, times(8)).putMetricAlarm(any(PutMetricAlarmRequest.class)); // PutMetricAlarm replaces: same alarms
  }

  @Test
  void aDryRunPlansEveryAlarmAndTheScheduleAndSendsNothing() {
    Recovery out = StepHarness.invoke(step(), BlockIpsTest.assessed(true, List.of()));
    verify(cw, never()).putMetricAlarm(any(PutMetricAlarmRequest.class));
    verify(scheduler, never()).createSchedule(any(CreateScheduleRequest.class));
    assertEquals(5, out.plan().size(), out.plan().toString());
    assertNull(out.part(MonitoringState.PART).createdAt());
  }

  @Test
  void withoutTheRemovalTargetNoAlarmIsCreated() {
    HeightenedMonitoring step = new HeightenedMonitoring(Fixtures.deps(DrConfig.fromEnv(env()), cw, scheduler), END,
        null);
    assertThrows(StepFailedError.class, () -> StepHarness.invoke(step, BlockIpsTest.assessed(false, List.of())));
    verify(cw, never()).putMetricAlarm(any(PutMetricAlarmRequest.class));
  }

  @Test
  void withoutALoadBalancerOnlyTheWafAndPiiAlarms() {
    Map<String, String> env = Fixtures.withSection(env(), "security",
        s -> ((com.fasterxml.jackson.databind.node.ObjectNode) s.get("monitoring")).remove("loadBalancerMetric"));
    StepHarness.invoke(new HeightenedMonitoring(Fixtures.deps(DrConfig.fromEnv(env), cw, scheduler), END, ROLE),
        BlockIpsTest.assessed(false, List.of()));
    verify(cw, times(2)).putMetricAlarm(any(PutMetricAlarmRequest.class));
  }

  private EndMonitoring end() {
    return new EndMonitoring(Fixtures.deps(DrConfig.fromEnv(env()), cw));
  }

  @Test
  void theRemovalDeletesExactlyThisIncidentsAlarmsAndASecondRunNothing() {
    List<String> present = new java.util.ArrayList<>(List.of(PREFIX + "http-4xx", PREFIX + "waf-blocked"));
    when(cw.describeAlarms(any(DescribeAlarmsRequest.class))).thenAnswer(i -> DescribeAlarmsResponse.builder()
        .metricAlarms(i.<DescribeAlarmsRequest>getArgument(0).alarmNames().stream().filter(present::contains)
            .map(n -> MetricAlarm.builder().alarmName(n).build()).toList()).build());
    when(cw.deleteAlarms(any(DeleteAlarmsRequest.class))).thenAnswer(i -> {
      present.removeAll(i.<DeleteAlarmsRequest>getArgument(0).alarmNames());
      return DeleteAlarmsResponse.builder().build();
    });
    JsonNode input = Json.tree("{\"incident\":\"0123456789ab\",\"alarms\":[\"" + PREFIX + "http-4xx\",\"" + PREFIX
        + "waf-blocked\",\"" + PREFIX + "pii-records\",\"sentinel-rds-connections\","
        + "\"dev-sentinel-dr-heightened-ffffffffffff-http-4xx\",\"prod-sentinel-dr-heightened-0123456789ab-http-4xx\"]}");
    Map<String, Object> result = end().end(input);
    ArgumentCaptor<DeleteAlarmsRequest> deleted = ArgumentCaptor.forClass(DeleteAlarmsRequest.class);
    verify(cw).deleteAlarms(deleted.capture());
    assertEquals(List.of(PREFIX + "http-4xx", PREFIX + "waf-blocked"), deleted.getValue().alarmNames());
    assertEquals(List.of(PREFIX + "pii-records"), result.get("absent"));
    assertEquals(3, ((List<?>) result.get("refused")).size(), "another alarm, another incident's, another env's");
    Map<String, Object> again = end().end(input);
    verify(cw, times(1)).deleteAlarms(any(DeleteAlarmsRequest.class));
    assertEquals(List.of(), again.get("deleted"));
  }

  @Test
  void theSchedulesInvocationOfTheStepsOwnFunctionRunsTheRemoval() throws Exception {
    when(cw.describeAlarms(any(DescribeAlarmsRequest.class))).thenReturn(DescribeAlarmsResponse.builder()
        .metricAlarms(MetricAlarm.builder().alarmName(PREFIX + "pii-records").build()).build());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    step().handleRequest(new java.io.ByteArrayInputStream(("{\"scheduled\":{\"incident\":\"0123456789ab\","
        + "\"alarms\":[\"" + PREFIX + "pii-records\"]}}").getBytes(java.nio.charset.StandardCharsets.UTF_8)), out,
        null);
    ArgumentCaptor<DeleteAlarmsRequest> deleted = ArgumentCaptor.forClass(DeleteAlarmsRequest.class);
    verify(cw).deleteAlarms(deleted.capture());
    assertEquals(List.of(PREFIX + "pii-records"), deleted.getValue().alarmNames());
    assertEquals(List.of(PREFIX + "pii-records").toString(), Json.tree(out.toString(
        java.nio.charset.StandardCharsets.UTF_8)).path("deleted").toString().replace("\"", ""));
  }

  @Test
  void theRemovalRefusesAnInputWithoutAnIncident() {
    assertThrows(IllegalArgumentException.class, () -> end().end(Json.tree("{\"alarms\":[\"x\"]}")));
    verify(cw, never()).deleteAlarms(any(DeleteAlarmsRequest.class));
  }
}
