package ai.sentinel.dr.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.region.RegionState.DnsSwitch;
import ai.sentinel.dr.support.Fixtures;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.SetAlarmStateRequest;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * Route 53's data-plane alternative ({@code dr.dns.failoverSwitch}): SwitchDns never calls Route 53's API; it flips the
 * failover records' health check alarm in the DR region (metric 0, state ALARM) and reads it back; WaitForDns waits for
 * ALARM; a dry-run plans the flip; the section is validated.
 */
class DataPlaneDnsTest {
  private static final String SWITCH = ",\"failoverSwitch\":{\"alarmName\":\"sentinel-primary-serving\"}}";
  private final CloudWatchClient cloudWatch = Fixtures.sdkMock(CloudWatchClient.class);
  private final Route53Client route53 = Fixtures.sdkMock(Route53Client.class);

  private Deps deps() {
    Map<String, String> env = new HashMap<>(Regions.env(null));
    String section = env.get("SETTINGS_DR");
    String dns = "\"recordNames\":[\"api.sentinel.example.com\"]}";
    env.put("SETTINGS_DR", section.replace(dns, dns.substring(0, dns.length() - 1) + SWITCH));
    return Regions.deps(env, Map.of(CloudWatchClient.class, cloudWatch, Route53Client.class, route53), Map.of());
  }

  private void alarmIs(StateValue state) {
    when(cloudWatch.describeAlarms(any(DescribeAlarmsRequest.class))).thenReturn(DescribeAlarmsResponse.builder()
        .metricAlarms(MetricAlarm.builder().alarmName("sentinel-primary-serving").stateValue(state).build()).build());
  }

  @Test
  void theSwitchFlipsTheHealthCheckAlarmInTheDrRegionWithoutAnyRoute53Call() {
    alarmIs(StateValue.ALARM);
    Recovery out = new SwitchDns(deps()).run(Regions.recovery(false));
    ArgumentCaptor<PutMetricDataRequest> metric = ArgumentCaptor.forClass(PutMetricDataRequest.class);
    verify(cloudWatch).putMetricData(metric.capture());
    assertEquals(FailoverSwitch.DEFAULT_NAMESPACE, metric.getValue().namespace());
    assertEquals(FailoverSwitch.DEFAULT_METRIC, metric.getValue().metricData().get(0).metricName());
    assertEquals(0.0, metric.getValue().metricData().get(0).value());
    ArgumentCaptor<SetAlarmStateRequest> state = ArgumentCaptor.forClass(SetAlarmStateRequest.class);
    verify(cloudWatch).setAlarmState(state.capture());
    assertEquals("sentinel-primary-serving", state.getValue().alarmName());
    assertEquals(StateValue.ALARM, state.getValue().stateValue());
    verifyNoInteractions(route53);
    DnsSwitch dns = out.part(RegionState.PART).dns();
    assertTrue(dns.insync(), dns.toString());
    assertEquals("ALARM", dns.status());
    assertTrue(out.timeline().stream().anyMatch(e -> e.detail().contains("no Route 53 API call")),
        out.timeline().toString());
  }

  @Test
  void waitForDnsWaitsForTheAlarmAndADryRunPlansTheFlip() {
    alarmIs(StateValue.OK);
    Recovery switched = new SwitchDns(deps()).run(Regions.recovery(false));
    assertFalse(switched.part(RegionState.PART).dns().insync(), "not in ALARM yet");
    Recovery waiting = new WaitForDns(deps()).run(switched);
    assertFalse(waiting.part(RegionState.PART).dns().insync());
    alarmIs(StateValue.ALARM);
    Recovery done = new WaitForDns(deps()).run(waiting);
    assertTrue(done.part(RegionState.PART).dns().insync(), done.part(RegionState.PART).dns().toString());
    verifyNoInteractions(route53);

    CloudWatchClient planned = Fixtures.sdkMock(CloudWatchClient.class);
    Deps dry = deps();
    Recovery plan = new SwitchDns(new Deps(dry.config(), ai.sentinel.dr.common.Clients.preset(
        software.amazon.awssdk.regions.Region.EU_WEST_1, Map.of(CloudWatchClient.class, planned,
            Route53Client.class, route53)), Fixtures.CLOCK)).run(Regions.recovery(true));
    assertEquals("PutMetricData+SetAlarmState eu-west-1:sentinel-primary-serving", plan.plan().get(0).api() + " "
        + plan.plan().get(0).target());
    verify(planned, never()).putMetricData(any(PutMetricDataRequest.class));
    verify(planned, never()).setAlarmState(any(SetAlarmStateRequest.class));
  }

  @Test
  void theSwitchIsValidated() {
    String root = "{\"region\":\"us-east-1\",\"database\":{\"instanceId\":\"sentinel-db\"},\"ecs\":{\"services\":"
        + "[\"sentinel-api\"]}}";
    for (String bad : new String[] {"{\"alarmName\":\"\"}", "{\"alarmName\":\"ok\",\"extra\":1}", "\"x\""}) {
      ConfigReader config = new ConfigReader(Json.tree(root));
      var node = Json.tree("{\"hostedZoneId\":\"Z0SENTINEL\",\"recordNames\":[\"api.sentinel.example.com\"],"
          + "\"failoverSwitch\":" + bad + "}");
      var dr = (com.fasterxml.jackson.databind.node.ObjectNode) Json.tree("{}");
      dr.set("dns", node);
      invokeDns(dr, config);
      assertFalse(config.problems().isEmpty(), bad);
    }
  }

  private static void invokeDns(com.fasterxml.jackson.databind.JsonNode dr, ConfigReader config) {
    try {
      var m = RegionSettings.class.getDeclaredMethod("dns", com.fasterxml.jackson.databind.JsonNode.class,
          ConfigReader.class);
      m.setAccessible(true);
      m.invoke(null, dr, config);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
