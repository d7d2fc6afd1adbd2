package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.support.Fixtures;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.regions.Region;

/** Scenario 4 test data: a function of the DR stack (in eu-west-1) protecting a platform in us-east-1. */
final class Regions {
  static final String PRIMARY = "us-east-1";
  static final String DR = "eu-west-1";
  static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:dev-sentinel-dr-region-notifications";
  static final String STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:dev-sentinel-dr-"
      + "region-failure";
  static final String EXECUTION = "region-failure-us-east-1-0123456789abcdef";
  static final String SECTION = "{\"primaryRegion\":\"us-east-1\",\"sourceInstanceId\":\"sentinel-db\","
      + "\"drRegion\":\"eu-west-1\",\"primaryHealthUrl\":\"%s\",\"drHealthUrl\":null,"
      + "\"database\":{\"instanceId\":\"sentinel-db-dr\",\"instanceClass\":\"db.t3.medium\","
      + "\"subnetGroup\":\"sentinel-db-subnet-dr\",\"securityGroups\":[\"sg-0dr000000000001\"],"
      + "\"secretId\":\"sentinel/database-url\",\"kmsKeyId\":\"alias/sentinel-dr\"},"
      + "\"ecs\":{\"cluster\":\"sentinel-dr\",\"services\":[\"sentinel-api\",\"sentinel-celery\"],"
      + "\"subnets\":[\"subnet-0dr00000000001\",\"subnet-0dr00000000002\"],"
      + "\"securityGroups\":[\"sg-0dr000000000002\"],\"desiredCount\":2,"
      + "\"targetGroups\":{\"sentinel-api\":\"sentinel-api-dr\"}},"
      + "\"alb\":{\"dnsName\":\"sentinel-dr-123.eu-west-1.elb.amazonaws.com\",\"hostedZoneId\":\"Z32O12XQLNTSW2\"},"
      + "\"dns\":{\"hostedZoneId\":\"Z0SENTINEL\",\"recordNames\":[\"api.sentinel.example.com\"]},"
      + "\"cloudFrontDistributionId\":\"E2SENTINEL\",\"rpoMinutes\":60,\"copiesToKeep\":2,"
      + "\"copySchedule\":\"rate(1 hour)\"}";

  private Regions() {}

  /** The DR stack's function environment; {@code healthUrl} is the primary's public /health (null: none). */
  static Map<String, String> env(String healthUrl) {
    Map<String, String> env = new HashMap<>(Fixtures.env());
    env.put("AWS_REGION", DR);
    env.put("NOTIFY_TOPIC_ARN", TOPIC);
    env.put("LOCK_TABLE", "dev-sentinel-dr-region-locks");
    env.put("STATE_MACHINE_ARNS", "{\"region-failure\":\"" + STATE_MACHINE + "\"}");
    env.put("SETTINGS_DR", healthUrl == null ? String.format(SECTION, "").replace("\"primaryHealthUrl\":\"\",",
        "") : String.format(SECTION, healthUrl));
    return env;
  }

  /**
   * The DR stack's function environment with the probe of the primary's public /health ({@code dr.primaryProbe}):
   * {@code timeoutSeconds} per probe, 3 failed of the last 5.
   */
  static Map<String, String> probed(String healthUrl, int timeoutSeconds) {
    Map<String, String> env = env(healthUrl);
    String section = env.get("SETTINGS_DR");
    env.put("SETTINGS_DR", section.substring(0, section.length() - 1) + ",\"primaryProbe\":{\"intervalMinutes\":1,"
        + "\"timeoutSeconds\":" + timeoutSeconds + ",\"datapointsToAlarm\":3,\"evaluationPeriods\":5}}");
    return env;
  }

  /** Deps whose DR-region clients are {@code dr} and primary-region clients are {@code primary}. */
  static Deps deps(Map<String, String> env, Map<Class<?>, Object> dr, Map<Class<?>, Object> primary) {
    Clients clients = Clients.preset(Region.EU_WEST_1, dr).presetRegion(Region.US_EAST_1, primary);
    return new Deps(DrConfig.fromEnv(env), clients, Fixtures.CLOCK);
  }

  static Recovery recovery(boolean dryRun) {
    return Recovery.start("region-failure", PRIMARY, EXECUTION, "dev",
        new Trigger("manual", "manual", "req-1", "2026-01-17T10:01:00Z", "manual invoke"),
        new Options(null, "latest", null, dryRun, 30, 5));
  }
}
