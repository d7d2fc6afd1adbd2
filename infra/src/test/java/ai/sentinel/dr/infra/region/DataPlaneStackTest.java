package ai.sentinel.dr.infra.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.region.FailoverSwitch;
import ai.sentinel.dr.region.RegionSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * Route 53's data-plane alternative as the DR stack deploys it ({@code dr.dns.failoverSwitch}, set here on dev's
 * section since no cdk.json environment sets it): the alarm the failover flips, in the DR region; the CLOUDWATCH_METRIC
 * health check on it that the platform's PRIMARY failover records use; SwitchDns and WaitForDns allowed that alarm
 * and that metric namespace only; cdk-nag clean.
 */
class DataPlaneStackTest {
  private static final String ALARM = "dev-sentinel-primary-serving";
  private final RegionSynth plain = RegionSynth.of("dev");
  private final RegionSynth dataPlane = RegionSynth.of("dev with dr.dns.failoverSwitch", DataPlaneStackTest::config);

  /** dev with {@code dr.dns.failoverSwitch: {alarmName: dev-sentinel-primary-serving}} (namespace, metric default). */
  private static EnvironmentConfig config() {
    EnvironmentConfig dev = Synth.load("dev");
    RegionSettings r = dev.require(RegionSettings.class);
    RegionSettings.Dns dns = new RegionSettings.Dns(r.dns().hostedZoneId(), r.dns().recordNames(),
        new FailoverSwitch(ALARM, null, null));
    return dev.with(new RegionSettings(r.primaryRegion(), r.sourceInstanceId(), r.drRegion(), r.primaryHealthUrl(),
        r.drHealthUrl(), r.database(), r.ecs(), r.alb(), dns, r.cloudFrontDistributionId(), r.rpoMinutes(),
        r.copiesToKeep(), r.copySchedule(), r.failback(), r.maxCopyAgeMinutes(), r.customerNotification(),
        r.primaryProbe()));
  }

  private static Map.Entry<String, JsonNode> only(RegionSynth synth, String type) {
    Map<String, JsonNode> found = synth.resources(type);
    assertEquals(1, found.size(), type + ": " + found.keySet());
    return found.entrySet().iterator().next();
  }

  @Test
  void theHealthCheckOfThePrimaryRecordsWatchesTheSwitchAlarmInTheDrRegion() {
    assertEquals(Map.of(), plain.resources("AWS::Route53::HealthCheck"), "dev does not set the option");
    Map.Entry<String, JsonNode> alarm = dataPlane.resources("AWS::CloudWatch::Alarm").entrySet().stream()
        .filter(e -> ALARM.equals(e.getValue().path("Properties").path("AlarmName").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no alarm " + ALARM));
    JsonNode a = alarm.getValue().path("Properties");
    assertEquals(FailoverSwitch.DEFAULT_NAMESPACE, a.path("Namespace").asText());
    assertEquals(FailoverSwitch.DEFAULT_METRIC, a.path("MetricName").asText());
    assertEquals("Minimum", a.path("Statistic").asText());
    assertEquals(60, a.path("Period").asInt());
    assertEquals(1, a.path("Threshold").asInt());
    assertEquals("LessThanThreshold", a.path("ComparisonOperator").asText());
    // no data means the primary serves: a switch nobody flipped never fails over
    assertEquals("notBreaching", a.path("TreatMissingData").asText());
    assertFalse(a.has("AlarmActions"), "the flip pages through the failover's own notices, not the alarm");
    JsonNode check = only(dataPlane, "AWS::Route53::HealthCheck").getValue().path("Properties")
        .path("HealthCheckConfig");
    assertEquals("CLOUDWATCH_METRIC", check.path("Type").asText());
    assertEquals("<Ref:" + alarm.getKey() + ">", Synth.render(check.path("AlarmIdentifier").path("Name")));
    assertEquals("eu-west-1", check.path("AlarmIdentifier").path("Region").asText());
    assertEquals("LastKnownStatus", check.path("InsufficientDataHealthStatus").asText());
    // its id is what the operator puts on the PRIMARY failover records
    assertTrue(dataPlane.json.path("Outputs").toString().contains("Fn::GetAtt\":[\""
        + only(dataPlane, "AWS::Route53::HealthCheck").getKey() + "\",\"HealthCheckId\""),
        dataPlane.json.path("Outputs").toString());
  }

  @Test
  void switchDnsMayFlipOnlyThatAlarmAndPublishOnlyInItsNamespace() {
    String alarmArn = "arn:<Ref:AWS::Partition>:cloudwatch:eu-west-1:<Ref:AWS::AccountId>:alarm:" + ALARM;
    String fn = "RegionRecoveryFunctionsSwitchDns";
    assertEquals(List.of(alarmArn), dataPlane.resourcesOf(fn, "cloudwatch:SetAlarmState"));
    assertEquals(List.of(alarmArn), dataPlane.resourcesOf(fn, "cloudwatch:DescribeAlarms"));
    JsonNode put = dataPlane.statements(fn).stream().filter(s -> Synth.list(s, "Action")
        .contains("cloudwatch:PutMetricData")).findFirst().orElseThrow();
    assertEquals(List.of("*"), Synth.list(put, "Resource"));
    assertEquals(FailoverSwitch.DEFAULT_NAMESPACE, put.path("Condition").path("StringEquals")
        .path("cloudwatch:namespace").asText(), put.toString());
    assertEquals(List.of(alarmArn), dataPlane.resourcesOf("RegionRecoveryFunctionsWaitForDns",
        "cloudwatch:DescribeAlarms"));
    // no other function of the DR stack may flip it; without the option SwitchDns has no CloudWatch right at all
    dataPlane.resources("AWS::IAM::Policy").forEach((id, p) -> {
      if (!id.startsWith(fn) && p.toString().contains("cloudwatch:SetAlarmState")) {
        throw new AssertionError(id + " may set alarm states: " + p);
      }
    });
    assertEquals(List.of(), plain.resourcesOf(fn, "cloudwatch:SetAlarmState"));
    assertEquals(List.of(), plain.resourcesOf(fn, "cloudwatch:PutMetricData"));
  }

  @Test
  void cdkNagReportsNoUnsuppressedErrorWithTheOption() {
    List<SynthesisMessage> errors = Annotations.fromStack(dataPlane.stack)
        .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertEquals(List.of(), errors.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList());
  }
}
