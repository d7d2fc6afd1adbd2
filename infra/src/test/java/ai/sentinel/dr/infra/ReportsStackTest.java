package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Post-incident reports: where they are kept, who may write them, and the alarm on a missed RTO. */
class ReportsStackTest {
  private final Synth dev = Synth.of("dev");

  private JsonNode reportsBucket() {
    return dev.resources("AWS::S3::Bucket").entrySet().stream()
        .filter(e -> e.getKey().startsWith("ReportsBucket")).map(Map.Entry::getValue).findFirst().orElseThrow()
        .path("Properties");
  }

  @Test
  void reportsAreKeptEncryptedVersionedPrivateAndAged() {
    JsonNode bucket = reportsBucket();
    assertEquals("Enabled", bucket.path("VersioningConfiguration").path("Status").asText());
    assertEquals("AES256", bucket.path("BucketEncryption").path("ServerSideEncryptionConfiguration").path(0)
        .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText());
    assertTrue(bucket.path("PublicAccessBlockConfiguration").path("BlockPublicPolicy").asBoolean());
    assertTrue(bucket.path("LoggingConfiguration").has("DestinationBucketName"));
    JsonNode rule = bucket.path("LifecycleConfiguration").path("Rules").path(0);
    assertEquals("STANDARD_IA", rule.path("Transitions").path(0).path("StorageClass").asText());
    assertEquals(365, rule.path("NoncurrentVersionExpiration").path("NoncurrentDays").asInt());
    boolean sslOnly = dev.properties("AWS::S3::BucketPolicy").stream().anyMatch(p -> p.toString()
        .contains("aws:SecureTransport"));
    assertTrue(sslOnly);
  }

  @Test
  void onlyTheReportFunctionWritesAndOnlyUnderReports() {
    JsonNode report = dev.function("dev-sentinel-dr-report");
    assertTrue(report.path("Environment").path("Variables").has("REPORT_BUCKET"));
    // writers of any bucket but Scenario 6's evidence bucket (incidents/, see SecurityRecoveryStackTest)
    List<String> writers = dev.policyStatements().entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(s -> Synth.list(s, "Action").contains("s3:PutObject")
            && !Synth.list(s, "Resource").stream().allMatch(r -> r.endsWith("/incidents/*"))))
        .map(Map.Entry::getKey).toList();
    assertEquals(1, writers.size(), writers.toString());
    assertTrue(writers.get(0).contains("Report"), writers.toString());
    dev.policyStatements().get(writers.get(0)).stream()
        .filter(s -> Synth.list(s, "Action").contains("s3:PutObject"))
        .forEach(s -> Synth.list(s, "Resource").forEach(r -> {
          assertTrue(r.endsWith("/reports/*"), r);
          assertFalse(r.equals("*"), r);
        }));
  }

  @Test
  void theFunctionsThatPageAreToldWhereReportsAreAndNothingElse() {
    // a page links the report the Report step will write (recovery/PageLinks): the same bucket, by an environment
    // variable only (the primary stack is at 497 of 500 resources); no right on the bucket: the name is all they use
    JsonNode bucket = dev.function("dev-sentinel-dr-report").path("Environment").path("Variables")
        .path("REPORT_BUCKET");
    assertTrue(bucket.has("Ref"), bucket.toString());
    for (String name : List.of("dev-sentinel-dr-notify", "dev-sentinel-dr-request-approval")) {
      assertEquals(bucket, dev.function(name).path("Environment").path("Variables").path("REPORT_BUCKET"), name);
    }
    List<String> readers = dev.policyStatements().entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(s -> s.toString().contains(bucket.path("Ref").asText())))
        .map(Map.Entry::getKey).toList();
    assertTrue(readers.stream().noneMatch(r -> r.contains("Notify") || r.contains("RequestApproval")),
        readers.toString());
  }

  @Test
  void theReportReadsTheLoadBalancersMetricsAndKnowsWhoOwnsTheActions() {
    JsonNode variables = dev.function("dev-sentinel-dr-report").path("Environment").path("Variables");
    JsonNode section = ai.sentinel.dr.common.Json.tree(variables.path("SETTINGS_REPORT").asText());
    assertEquals("Primary On-Call", section.path("owner").asText(), variables.toString());
    assertEquals(14, section.path("actionDueDays").asInt());
    assertEquals("sentinel-alb", section.path("loadBalancer").asText());
    assertTrue(section.path("exercise").isMissingNode() || section.path("exercise").isNull(), "dev is no exercise");
    List<String> actions = dev.policyStatements().entrySet().stream().filter(e -> e.getKey().contains("Report"))
        .flatMap(e -> e.getValue().stream()).flatMap(s -> Synth.list(s, "Action").stream()).toList();
    assertTrue(actions.containsAll(List.of("cloudwatch:GetMetricData", "elasticloadbalancing:DescribeLoadBalancers")),
        actions.toString());
    assertFalse(actions.stream().anyMatch(a -> a.startsWith("cloudwatch:Put")), actions.toString());
  }

  @Test
  void aMissedRtoPagesTheOnCallOneAlarmPerScenario() {
    List<JsonNode> alarms = dev.properties("AWS::CloudWatch::Alarm").stream()
        .filter(a -> "RtoObjectiveMet".equals(a.path("MetricName").asText())).toList();
    List<String> scenarios = List.of("database-failure", "redis-failure", "ecs-service-failure",
        "data-corruption", "security-incident", "database-restore-test");
    assertEquals(scenarios.size(), alarms.size());
    for (String scenario : scenarios) {
      JsonNode alarm = alarms.stream().filter(a -> a.path("AlarmName").asText()
          .equals("dev-sentinel-dr-" + scenario + "-rto-missed")).findFirst().orElseThrow(() ->
              new AssertionError("no RTO alarm for " + scenario));
      assertEquals("SentinelDR", alarm.path("Namespace").asText());
      assertEquals("LessThanThreshold", alarm.path("ComparisonOperator").asText());
      assertEquals(1, alarm.path("Threshold").asInt());
      assertEquals("notBreaching", alarm.path("TreatMissingData").asText());
      assertTrue(alarm.path("AlarmActions").size() == 1);
      assertTrue(alarm.path("Dimensions").toString().contains("{\"Name\":\"Scenario\",\"Value\":\"" + scenario
          + "\"}"), alarm.toString());
    }
  }
}
