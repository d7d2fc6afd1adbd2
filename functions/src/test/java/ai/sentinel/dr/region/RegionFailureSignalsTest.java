package ai.sentinel.dr.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.safety.LockedResource;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.EventClassifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who may start a failover: a person, through the DR stack's manual responder in the DR region, for this environment's
 * region pair only. Anything else is refused with the reason before any AWS call.
 */
class RegionFailureSignalsTest {

  private static Classification classify(Map<String, String> env, String payload) {
    return new EventClassifier(DrConfig.fromEnv(env), Fixtures.CLOCK)
        .classify(payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aManualInvokeInTheDrRegionStartsTheAssessmentOfThePrimaryRegion() {
    Classification c = classify(Regions.env(null), "{\"runbook\":\"region-failure\",\"requestId\":\"r1\"}");
    assertTrue(c.starts(), c.reason());
    assertEquals("region-failure", c.scenario());
    assertEquals("us-east-1", c.resource());
    assertEquals("latest", c.options().snapshotId());
  }

  @Test
  void theEventsSampleStartsInTheDrStackAndIsRefusedByThePrimarys() throws Exception {
    String sample = java.nio.file.Files.readString(Fixtures.events().resolve("manual-region-failure.json"));
    Classification dr = classify(Regions.env(null), sample);
    assertTrue(dr.starts(), dr.reason());
    assertTrue(dr.reason().contains("region-failure on us-east-1"), dr.reason());
    Map<String, String> primary = Regions.env(null);
    primary.put("AWS_REGION", "us-east-1");
    primary.put("NOTIFY_TOPIC_ARN", Fixtures.TOPIC);
    Classification refused = classify(primary, sample);
    assertEquals(Classification.REJECT, refused.action());
    assertTrue(refused.reason().contains("runs from the DR region eu-west-1"), refused.reason());
  }

  @Test
  void anAwsHealthIssueOfThePrimaryStartsTheAssessmentInTheDrStackOnly() throws Exception {
    String sample = java.nio.file.Files.readString(Fixtures.events().resolve(
        "health-eventbridge-primary-rds-issue.json"));
    Classification dr = classify(Regions.env(null), sample);
    assertTrue(dr.starts(), dr.reason());
    assertEquals("us-east-1", dr.resource());
    assertEquals("health-event", dr.trigger().kind());
    // the event's own words travel with it: ConfirmPrimaryDown lists them as evidence
    assertEquals("{\"eventArn\":\"arn:aws:health:us-east-1::event/RDS/AWS_RDS_OPERATIONAL_ISSUE/"
        + "AWS_RDS_OPERATIONAL_ISSUE_7F35C8AE\",\"service\":\"RDS\",\"eventTypeCode\":\"AWS_RDS_OPERATIONAL_ISSUE\","
        + "\"eventTypeCategory\":\"issue\",\"statusCode\":\"open\",\"eventRegion\":\"us-east-1\","
        + "\"startTime\":\"Sat, 17 Jan 2026 09:40:00 GMT\"}", dr.trigger().detail().toString());
    assertTrue(dr.reason().contains("waits for approval"), dr.reason());
    // the same issue resolved, or of another service, starts nothing
    Classification closed = classify(Regions.env(null), sample.replace("\"open\"", "\"closed\""));
    assertFalse(closed.starts(), closed.reason());
    Classification s3 = classify(Regions.env(null), sample.replace("\"service\": \"RDS\"", "\"service\": \"S3\""));
    assertFalse(s3.starts(), s3.reason());
    // another region's issue is still foreign to the DR stack
    Classification other = classify(Regions.env(null), sample.replace("us-east-1", "ap-south-1"));
    assertFalse(other.starts(), other.reason());
  }

  @Test
  void theDrProbesAlarmStartsTheAssessmentInTheDrStackOnlyAndOnlyInAlarm() throws Exception {
    String sample = java.nio.file.Files.readString(Fixtures.events().resolve(
        "alarm-eventbridge-dr-primary-unreachable.json"));
    Map<String, String> probed = Regions.probed("https://api.example.com/health", 5);
    Classification dr = classify(probed, sample);
    assertTrue(dr.starts(), dr.reason());
    assertEquals("region-failure", dr.scenario());
    assertEquals("us-east-1", dr.resource());
    assertEquals("alarm", dr.trigger().kind());
    assertTrue(dr.reason().contains("waits for approval"), dr.reason());
    // the probe succeeding again (OK), or a DR stack that deploys no probe, starts nothing
    Classification ok = classify(probed, sample.replace("\"value\": \"ALARM\"", "\"value\": \"OK\""));
    assertFalse(ok.starts(), ok.reason());
    Classification unprobed = classify(Regions.env(null), sample);
    assertFalse(unprobed.starts(), unprobed.reason());
    // the same metric naming another primary region or environment is not this stack's
    Classification other = classify(probed, sample.replace("\"PrimaryRegion\": \"us-east-1\"",
        "\"PrimaryRegion\": \"us-west-2\""));
    assertFalse(other.starts(), other.reason());
    Classification staging = classify(probed, sample.replace("\"Environment\": \"dev\"",
        "\"Environment\": \"staging\""));
    assertFalse(staging.starts(), staging.reason());
    // and the primary stack's responders never act on it
    Map<String, String> primary = new java.util.HashMap<>(probed);
    primary.put("AWS_REGION", "us-east-1");
    primary.put("NOTIFY_TOPIC_ARN", Fixtures.TOPIC);
    Classification there = classify(primary, sample);
    assertFalse(there.starts(), there.reason());
  }

  @Test
  void theSamePairNamedExplicitlyAndANamedCopyAreAccepted() {
    Classification c = classify(Regions.env(null), "{\"runbook\":\"region-failure\",\"resource\":\"us-east-1\","
        + "\"drRegion\":\"eu-west-1\",\"snapshotId\":\"sentinel-db-cross-region-20260117-090000\"}");
    assertTrue(c.starts(), c.reason());
    assertEquals("sentinel-db-cross-region-20260117-090000", c.options().snapshotId());
  }

  @Test
  void aResponderOutsideTheDrRegionRefusesAndSaysWhereToInvoke() {
    Map<String, String> env = Regions.env(null);
    env.put("AWS_REGION", "us-east-1");
    env.put("NOTIFY_TOPIC_ARN", Fixtures.TOPIC);
    Classification c = classify(env, "{\"runbook\":\"region-failure\"}");
    assertEquals(Classification.REJECT, c.action());
    assertTrue(c.reason().contains("runs from the DR region eu-west-1, not from us-east-1"), c.reason());
    assertTrue(c.reason().contains("dev-sentinel-dr-region's manual responder"), c.reason());
  }

  @Test
  void anotherRegionPairIsRefused() {
    Classification other = classify(Regions.env(null), "{\"runbook\":\"region-failure\",\"resource\":\"us-west-2\"}");
    assertEquals(Classification.REJECT, other.action());
    assertTrue(other.reason().contains("not this environment's primary region"), other.reason());
    Classification dr = classify(Regions.env(null), "{\"runbook\":\"region-failure\",\"drRegion\":\"eu-central-1\"}");
    assertEquals(Classification.REJECT, dr.action());
    assertTrue(dr.reason().contains("not this environment's DR region eu-west-1"), dr.reason());
  }

  @Test
  void optionsOfOtherRunbooksAndSnapshotsThatAreNotCopiesAreRefused() {
    Classification option = classify(Regions.env(null), "{\"runbook\":\"region-failure\",\"option\":\"B\"}");
    assertEquals(Classification.REJECT, option.action());
    assertTrue(option.reason().startsWith("option does not apply to region-failure"), option.reason());
    Classification snapshot = classify(Regions.env(null), "{\"runbook\":\"region-failure\","
        + "\"snapshotId\":\"rds:sentinel-db-2026-01-17-09-00\"}");
    assertEquals(Classification.REJECT, snapshot.action());
    assertTrue(snapshot.reason().contains("one of the cross-region copies"), snapshot.reason());
  }

  @Test
  void anEnvironmentWithoutARegionSectionDoesNotDeployIt() {
    Classification c = classify(Fixtures.env(), "{\"runbook\":\"region-failure\"}");
    assertEquals(Classification.REJECT, c.action());
    assertTrue(c.reason().contains("SETTINGS_DR is not set"), c.reason());
  }

  @Test
  void theFailoverLocksThePrimaryRegionAndEveryDrResourceItChangesEachNamedWithItsRegion() {
    List<LockedResource> locks = ScenarioRegistry.get("region-failure").mutates("us-east-1",
        DrConfig.fromEnv(Regions.env(null)));
    assertEquals(List.of("region:us-east-1", "rds-instance:eu-west-1:sentinel-db-dr",
        "secret:eu-west-1:sentinel/database-url", "ecs-service:eu-west-1:sentinel-dr/sentinel-api",
        "ecs-service:eu-west-1:sentinel-dr/sentinel-celery"), locks.stream().map(LockedResource::key).toList());
    assertFalse(locks.contains(LockedResource.secret("sentinel/database-url")), "never the primary's secret");
  }

  @Test
  void theBlastRadiusIsTheDrRegionsOwnResourcesOnly() {
    DrConfig config = DrConfig.fromEnv(Regions.env(null));
    RegionSettings region = RegionSettings.of(config);
    assertTrue(region.allows("secretsmanager", "eu-west-1:sentinel/database-url"));
    assertFalse(region.allows("secretsmanager", "us-east-1:sentinel/database-url"));
    assertFalse(region.allows("secretsmanager", "sentinel/database-url"));
    assertTrue(region.allows("rds", "eu-west-1:sentinel-db-dr"));
    assertTrue(region.allows("rds", "eu-west-1:sentinel-db-cross-region-20260117-090000"));
    assertFalse(region.allows("rds", "eu-west-1:sentinel-db"));
    assertTrue(region.allows("ecs", "eu-west-1:sentinel-dr/sentinel-api"));
    assertFalse(region.allows("ecs", "eu-west-1:sentinel-production/sentinel-api"));
    assertTrue(region.allows("route53", "eu-west-1:Z0SENTINEL/api.sentinel.example.com"));
    assertTrue(region.allows("cloudfront", "eu-west-1:E2SENTINEL"));
  }
}
