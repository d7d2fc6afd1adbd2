package ai.sentinel.dr.infra.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.region.CopySnapshots;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * Scenario 4's stack: deployed in the DR region, with its own topic and lock table, the scheduled cross-region copy
 * and the RPO alarm; IAM reads the primary region and writes only the DR region's copies.
 */
class RegionStackTest {
  private final RegionSynth dev = RegionSynth.of("dev");

  @Test
  void anEnvironmentWithARegionSectionGetsASecondStackInItsDrRegion() {
    assertNotNull(dev.stack, "dev has a dr section");
    assertEquals("dev-sentinel-dr-region", dev.stack.getStackName());
    assertEquals("eu-west-1", dev.stack.getRegion());
    assertEquals(List.of("dev-sentinel-dr", "dev-sentinel-dr-region"),
        dev.stacks().stream().map(s -> s.getStackName()).toList());
    assertEquals("us-east-1", dev.stacks().get(0).getRegion());
  }

  @Test
  void anEnvironmentWithoutOneGetsNone() {
    RegionSynth local = RegionSynth.of("local");
    assertNull(local.stack);
    assertEquals(1, local.stacks().size());
  }

  @Test
  void itHasItsOwnTopicAndLockTableInTheDrRegion() {
    assertEquals(List.of("dev-sentinel-dr-region-notifications"), dev.properties("AWS::SNS::Topic").stream()
        .map(p -> p.path("TopicName").asText()).toList());
    assertEquals(List.of("dev-sentinel-dr-region-locks"), dev.properties("AWS::DynamoDB::Table").stream()
        .map(p -> p.path("TableName").asText()).toList());
  }

  @Test
  void theCopyFunctionKnowsBothRegionsAndGetsOnlyTheRegionSettings() {
    JsonNode fn = dev.function("dev-sentinel-dr-region-copy-snapshots");
    assertEquals(CopySnapshots.class.getName() + "::handleRequest", fn.path("Handler").asText());
    JsonNode vars = fn.path("Environment").path("Variables");
    JsonNode region = Json.tree(vars.path("SETTINGS_DR").asText());
    assertEquals("us-east-1", region.path("primaryRegion").asText());
    assertEquals("eu-west-1", region.path("drRegion").asText());
    assertEquals("sentinel-db", region.path("sourceInstanceId").asText());
    assertTrue(vars.path("SETTINGS_DATABASE").isMissingNode(), "only the sections it reads");
    assertTrue(Synth.render(vars.path("NOTIFY_TOPIC_ARN")).startsWith("<Ref:NotificationsTopic"));
    assertTrue(Synth.render(vars.path("LOCK_TABLE")).startsWith("<Ref:LocksTable"));
  }

  @Test
  void noFunctionOfThePrimaryStackCarriesTheDrSectionItNeverReads() {
    JsonNode primary = Synth.of("dev").json;
    List<String> carrying = new java.util.ArrayList<>();
    primary.path("Resources").forEach(r -> {
      if (r.path("Properties").path("Environment").path("Variables").has("SETTINGS_DR")) {
        carrying.add(r.path("Properties").path("FunctionName").asText());
      }
    });
    assertEquals(List.of(), carrying);
  }

  @Test
  void theCopyRunsOnTheConfiguredSchedule() {
    List<JsonNode> rules = dev.properties("AWS::Events::Rule");
    assertEquals(1, rules.size());
    assertEquals("dev-sentinel-dr-region-copy-snapshots", rules.get(0).path("Name").asText());
    assertEquals("rate(1 hour)", rules.get(0).path("ScheduleExpression").asText());
    assertTrue(Synth.render(rules.get(0).path("Targets").get(0).path("Arn")).contains("CopySnapshotsLive"));
  }

  @Test
  void theRpoAlarmPagesWhenTheNewestCopyIsOlderThanTheRpoOrNotMeasured() {
    List<JsonNode> alarms = dev.properties("AWS::CloudWatch::Alarm");
    assertEquals(1, alarms.size());
    JsonNode alarm = alarms.get(0);
    assertEquals("dev-sentinel-dr-region-rpo-at-risk", alarm.path("AlarmName").asText());
    assertEquals("SentinelDR", alarm.path("Namespace").asText());
    assertEquals(CopySnapshots.METRIC, alarm.path("MetricName").asText());
    assertEquals("[{\"Name\":\"Environment\",\"Value\":\"dev\"}]", alarm.path("Dimensions").toString());
    assertEquals(3600, alarm.path("Threshold").asInt());
    assertEquals("GreaterThanThreshold", alarm.path("ComparisonOperator").asText());
    assertEquals("breaching", alarm.path("TreatMissingData").asText());
    assertTrue(Synth.render(alarm.path("AlarmActions").get(0)).startsWith("<Ref:NotificationsTopic"));
  }

  @Test
  void theCopyReadsThePrimaryAndWritesOnlyItsOwnCopiesInTheDrRegion() {
    String fn = "PrerequisitesCopySnapshots";
    List<String> copy = dev.resourcesOf(fn, "rds:CopyDBSnapshot");
    assertTrue(copy.stream().anyMatch(r -> r.matches("arn:.*:rds:us-east-1:.*:snapshot:\\*")), copy.toString());
    assertTrue(copy.stream().anyMatch(r -> r.matches("arn:.*:rds:eu-west-1:.*:snapshot:sentinel-db-cross-region-\\*")),
        copy.toString());
    List<String> delete = dev.resourcesOf(fn, "rds:DeleteDBSnapshot");
    assertEquals(1, delete.size());
    assertTrue(delete.get(0).matches("arn:.*:rds:eu-west-1:.*:snapshot:sentinel-db-cross-region-\\*"), delete.get(0));
    assertFalse(dev.statements(fn).toString().contains("rds:Restore"), "the copy restores nothing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void cdkNagReportsNoUnsuppressedError(String env) {
    List<SynthesisMessage> errors = Annotations.fromStack(RegionSynth.of(env).stack)
        .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertEquals(List.of(), errors.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList());
  }
}
