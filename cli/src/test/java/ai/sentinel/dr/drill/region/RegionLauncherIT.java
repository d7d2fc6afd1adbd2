package ai.sentinel.dr.drill.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.AvailabilityZones;
import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.localcloud.FunctionRegistry;
import ai.sentinel.dr.localcloud.LocalCloud;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.region.SwitchCloudFront;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.GetDistributionConfigRequest;
import software.amazon.awssdk.services.cloudfront.model.PreconditionFailedException;

/**
 * The launcher's Scenario 4 gaps, closed (moto_launcher.py F11 and S4): CloudFront gives each UpdateDistribution a new
 * ETag and refuses a stale IfMatch with 412 PreconditionFailed, so SwitchCloudFront's re-read-and-retry runs against
 * the local cloud; a region impaired at the gateway answers EC2 with every zone "unavailable" and nothing else.
 */
class RegionLauncherIT {
  private static final String PRIMARY_ALB = "sentinel-alb-1.us-east-1.elb.amazonaws.com";
  private static final String DR_ALB = "sentinel-dr-alb-1.eu-west-1.elb.amazonaws.com";
  private static LocalCloud cloud;
  private static Map<String, String> env;
  private static Clients dr;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(FunctionRegistry.empty());
    env = new HashMap<>(Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL", cloud.endpoint().toString(),
        "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
    dr = new Clients(env);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static String distribution(CloudFrontClient cf, String reference) {
    return cf.createDistribution(b -> b.distributionConfig(c -> c.callerReference(reference).comment("sentinel")
        .enabled(true).origins(o -> o.quantity(1).items(i -> i.id("api").domainName(PRIMARY_ALB)
            .customOriginConfig(x -> x.httpPort(80).httpsPort(443).originProtocolPolicy("https-only"))))
        .defaultCacheBehavior(d -> d.targetOriginId("api").viewerProtocolPolicy("redirect-to-https").minTTL(0L)
            .forwardedValues(f -> f.queryString(false).cookies(k -> k.forward("none"))))))
        .distribution().id();
  }

  @Test
  void eachUpdateDistributionMakesANewETagAndAStaleIfMatchIsRefusedWith412() {
    CloudFrontClient cf = dr.cloudFront();
    String id = distribution(cf, "etag-it");
    var read = cf.getDistributionConfig(b -> b.id(id));
    var updated = cf.updateDistribution(b -> b.id(id).ifMatch(read.eTag()).distributionConfig(read
        .distributionConfig().toBuilder().comment("first").build()));
    assertNotEquals(read.eTag(), updated.eTag(), "a new version, a new ETag");
    assertEquals(updated.eTag(), cf.getDistributionConfig(b -> b.id(id)).eTag());
    PreconditionFailedException stale = assertThrows(PreconditionFailedException.class, () -> cf.updateDistribution(
        b -> b.id(id).ifMatch(read.eTag()).distributionConfig(read.distributionConfig().toBuilder().comment("lost")
            .build())));
    assertEquals(412, stale.statusCode());
    assertEquals("first", cf.getDistributionConfig(b -> b.id(id)).distributionConfig().comment());
  }

  /**
   * Someone changes the distribution between SwitchCloudFront's read and its update: its IfMatch is stale, CloudFront
   * refuses it, and the step reads again and re-applies the origin change to the new version (the other change kept).
   */
  @Test
  void switchCloudFrontReReadsAndReappliesWhenTheDistributionChangesUnderIt() throws Exception {
    String id = distribution(dr.cloudFront(), "retry-it");
    AtomicInteger reads = new AtomicInteger();
    CloudFrontClient racing = CloudFrontClient.builder().region(Region.AWS_GLOBAL).endpointOverride(cloud.endpoint())
        .credentialsProvider(() -> AwsBasicCredentials.create("test", "test"))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof GetDistributionConfigRequest && reads.incrementAndGet() == 1) {
              var now = dr.cloudFront().getDistributionConfig(b -> b.id(id));
              dr.cloudFront().updateDistribution(b -> b.id(id).ifMatch(now.eTag()).distributionConfig(now
                  .distributionConfig().toBuilder().comment("changed by someone else").build()));
            }
          }
        })).build();
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("primaryRegion", "us-east-1");
    section.put("sourceInstanceId", "sentinel-db");
    section.put("drRegion", "eu-west-1");
    section.put("database", Map.of("instanceId", "sentinel-db-dr", "instanceClass", "db.t3.medium", "subnetGroup",
        "sentinel-db-subnet-dr", "securityGroups", List.of(), "secretId", "sentinel/database-url", "kmsKeyId",
        "alias/sentinel-dr"));
    section.put("ecs", Map.of("cluster", "sentinel-dr", "services", List.of("sentinel-api"), "subnets", List.of(),
        "securityGroups", List.of(), "desiredCount", 2, "targetGroups", Map.of("sentinel-api", "sentinel-api-dr")));
    section.put("alb", Map.of("dnsName", DR_ALB, "hostedZoneId", "Z32O12XQLNTSW2"));
    section.put("dns", Map.of("hostedZoneId", "Z0SENTINEL", "recordNames", List.of("api.sentinel.example.com")));
    section.put("cloudFrontDistributionId", id);
    Map<String, String> stepEnv = new HashMap<>(env);
    stepEnv.put("SENTINEL_ENV", "dev");
    stepEnv.put("NOTIFY_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:dev-sentinel-dr-region-notifications");
    stepEnv.put("SETTINGS_DR", Json.write(section));
    Clients clients = Clients.preset(Region.EU_WEST_1, Map.of(CloudFrontClient.class, racing));
    Deps deps = new Deps(DrConfig.fromEnv(stepEnv), clients, Clock.systemUTC());
    Recovery in = Recovery.start("region-failure", "us-east-1", "launcher-it", "dev", new Trigger("manual",
        "manual", "launcher-it", java.time.Instant.now().toString(), "it", null), new Options(null, "latest", null,
        false, 1, 10));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new SwitchCloudFront(deps).handleRequest(new ByteArrayInputStream(Json.bytes(in)), out, null);
    Recovery done = Json.read(out.toByteArray(), Recovery.class);
    assertEquals(2, reads.get(), "read, refused (412), read again: " + done.timeline());
    var now = dr.cloudFront().getDistributionConfig(b -> b.id(id)).distributionConfig();
    assertEquals(DR_ALB, now.origins().items().get(0).domainName(), "the origin moved");
    assertEquals("changed by someone else", now.comment(), "the other change kept");
  }

  @Test
  void anImpairedRegionReportsEveryZoneUnavailableAndAnswersNothingElse() {
    Clients primary = dr.in("us-east-1");
    AvailabilityZones zones = primary.availabilityZones();
    assertTrue(zones.describe(Duration.ofSeconds(5)).stream().allMatch(z -> z.state().equals("available")));
    cloud.setRegionImpaired("us-east-1");
    try {
      List<AvailabilityZones.Zone> down = zones.describe(Duration.ofSeconds(5));
      assertTrue(!down.isEmpty() && down.stream().allMatch(z -> z.state().equals("unavailable")), down.toString());
      assertThrows(SdkClientException.class, () -> primary.rds().describeDBInstances());
      assertTrue(dr.availabilityZones().describe(Duration.ofSeconds(5)).stream()
          .allMatch(z -> z.state().equals("available")), "eu-west-1 is fine");
    } finally {
      cloud.setRegionDown(null);
    }
    assertTrue(zones.describe(Duration.ofSeconds(5)).stream().allMatch(z -> z.state().equals("available")),
        "back up: available again");
  }
}
