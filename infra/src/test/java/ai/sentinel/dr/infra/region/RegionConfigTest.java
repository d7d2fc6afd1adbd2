package ai.sentinel.dr.infra.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.CdkJson;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.region.FailbackSettings;
import ai.sentinel.dr.region.RegionSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** cdk.json's dr section (Scenario 4): read whole, and every bad field fails naming the environment and the field. */
class RegionConfigTest {

  private static String failure(Consumer<ObjectNode> edit) throws Exception {
    return CdkJson.failure("dev", e -> edit.accept((ObjectNode) e.get("dr")));
  }

  @Test
  void devReadsItsDrRegionAndWhatIsPreProvisionedThere() {
    RegionSettings r = Synth.load("dev").require(RegionSettings.class);
    assertEquals("us-east-1", r.primaryRegion());
    assertEquals("eu-west-1", r.drRegion());
    assertEquals("sentinel-db", r.sourceInstanceId());
    assertEquals("sentinel-db-dr", r.database().instanceId());
    assertEquals("sentinel-db-subnet-dr", r.database().subnetGroup());
    assertEquals(java.util.List.of("sentinel-api", "sentinel-celery"), r.ecs().services());
    assertEquals(2, r.ecs().desiredCount());
    assertEquals("sentinel-api-dr", r.ecs().targetGroups().get("sentinel-api"));
    assertEquals(60, r.rpoMinutes());
    assertEquals(3, r.copiesToKeep());
  }

  @Test
  void aDrRegionEqualToThePrimaryIsRefused() throws Exception {
    String message = failure(r -> r.put("region", "us-east-1"));
    assertTrue(message.startsWith("Invalid environment 'dev'"), message);
    assertTrue(message.contains("dr.region must differ from the environment's region us-east-1"), message);
  }

  @Test
  void everyBadFieldIsReportedAtOnceByItsPath() throws Exception {
    String message = failure(r -> {
      r.remove("database");
      ((ObjectNode) r.get("ecs")).putArray("subnets").add("sg-123");
      ((ObjectNode) r.get("ecs").get("targetGroups")).put("sentinel-worker", "tg");
      ((ObjectNode) r.get("alb")).put("hostedZoneId", "nope");
      r.put("rpoMinutes", 0);
      r.put("primaryHealthUrl", "http://api.example.com/health");
      r.put("copySchedule", "hourly");
      r.put("surprise", true);
    });
    for (String expected : new String[] {"dr.database is missing", "dr.ecs.subnets must hold subnet ids",
        "dr.ecs.targetGroups names 'sentinel-worker', which is not one of ecs.services",
        "dr.alb.hostedZoneId must be", "dr.rpoMinutes must be an integer from 1 to 1440",
        "dr.primaryHealthUrl must be an https URL", "dr.copySchedule must be an EventBridge schedule",
        "unknown field 'dr.surprise'"}) {
      assertTrue(message.contains(expected), expected + " in " + message);
    }
  }

  @Test
  void theProbeOfThePrimaryIsReadAndEveryBadFieldOfItIsNamed() throws Exception {
    var probe = Synth.load("dev").require(RegionSettings.class).primaryProbe();
    assertEquals(new ai.sentinel.dr.region.ProbeSettings(1, 5, 3, 5), probe);
    assertEquals("rate(1 minute)", probe.schedule());
    String message = failure(r -> {
      ObjectNode p = (ObjectNode) r.get("primaryProbe");
      p.put("intervalMinutes", 61);
      p.put("timeoutSeconds", 0);
      p.put("datapointsToAlarm", 6);
      p.put("every", "minute");
    });
    assertTrue(message.startsWith("Invalid environment 'dev'"), message);
    for (String expected : new String[] {"dr.primaryProbe.intervalMinutes must be an integer from 1 to 60",
        "dr.primaryProbe.timeoutSeconds must be an integer from 1 to 30",
        "dr.primaryProbe.datapointsToAlarm (6) must be at most dr.primaryProbe.evaluationPeriods (5)",
        "unknown field 'dr.primaryProbe.every'"}) {
      assertTrue(message.contains(expected), expected + " in " + message);
    }
    String tooLong = failure(r -> ((ObjectNode) r.get("primaryProbe")).put("intervalMinutes", 60)
        .put("evaluationPeriods", 25));
    assertTrue(tooLong.contains("dr.primaryProbe.evaluationPeriods x intervalMinutes (25 x 60 min) must be at most "
        + "one day"), tooLong);
    String noUrl = failure(r -> r.remove("primaryHealthUrl"));
    assertTrue(noUrl.contains("dr.primaryProbe needs dr.primaryHealthUrl"), noUrl);
  }

  @Test
  void theDrInstanceMustNotBeThePrimaryOne() throws Exception {
    String message = failure(r -> ((ObjectNode) r.get("database")).put("instanceId", "sentinel-db"));
    assertTrue(message.contains("dr.database.instanceId must not be the primary's instance sentinel-db"),
        message);
  }

  @Test
  void theAnnualFailoverTestNeedsTheDrSection() throws Exception {
    JsonNode envs = Synth.JSON.readTree(Files.readString(RepoPaths.cdkJson(RepoPaths.root()))).path("context")
        .path("environments").deepCopy();
    ((ObjectNode) envs.get("dev")).remove("dr");
    String message = assertThrows(EnvironmentConfig.InvalidConfigException.class,
        () -> EnvironmentConfig.load(envs, "dev")).getMessage();
    assertTrue(message.contains("drills.regionFailoverTest needs a dr section"), message);
    assertEquals("cron(0 6 15 1 ? *)", Synth.load("dev").drills().test("regionFailoverTest").schedule());
  }

  @Test
  void devReadsItsFailbackWithThePrimarysSecretAndServicesFilledIn() {
    FailbackSettings f = Synth.load("dev").require(RegionSettings.class).failback();
    assertEquals("sentinel-db-failback", f.instanceId(), "default: <source>-failback");
    assertEquals(java.util.List.of(10, 50, 100), f.trafficPercents());
    assertEquals("sentinel/database-url", f.primarySecretId());
    assertEquals("sentinel-production", f.primaryCluster());
    assertEquals(java.util.List.of("sentinel-api", "sentinel-celery"), f.primaryServices());
    assertEquals(50, f.nextPercent(10));
    assertEquals(100, f.nextPercent(100));
  }

  @Test
  void aBadFailbackIsRefusedFieldByField() throws Exception {
    String message = failure(r -> {
      ObjectNode f = (ObjectNode) r.get("failback");
      f.putArray("trafficPercents").add(50).add(10).add(100);
      f.put("instanceId", "sentinel-db");
      ((ObjectNode) f.get("primaryAlb")).put("dnsName", "sentinel-alb-1.eu-west-1.elb.amazonaws.com");
      f.put("maxErrorRatePercent", 150);
    });
    assertTrue(message.contains("dr.failback.trafficPercents must be rising whole percents"), message);
    assertTrue(message.contains("dr.failback.instanceId must not be the primary's instance sentinel-db"), message);
    assertTrue(message.contains("dr.failback.primaryAlb.dnsName must be a load balancer in us-east-1"), message);
    assertTrue(message.contains("dr.failback.maxErrorRatePercent must be a number from 0 to 100"), message);
    String missing = failure(r -> ((ObjectNode) r.get("failback")).remove("primaryAlb"));
    assertTrue(missing.contains("dr.failback.primaryAlb is missing"), missing);
  }

  @Test
  void theMaximumCopyAgeDefaultsToADayAndIsNeverBelowTheRpo() throws Exception {
    assertEquals(1440, Synth.load("dev").require(RegionSettings.class).maxCopyAgeMinutes());
    String message = failure(r -> r.put("maxCopyAgeMinutes", 30));
    assertTrue(message.contains("dr.maxCopyAgeMinutes (30) must be at least dr.rpoMinutes (60)"), message);
  }
}
