package ai.sentinel.dr.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.health.CheckResult.Status;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheNode;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersRequest;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersResponse;
import software.amazon.awssdk.services.elasticache.model.Endpoint;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealth;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * The runbook appendix's health check: the five checks in its order, each PASS/WARN/FAIL against its threshold with
 * what was observed, the exit code, and one EMF metric per check; read-only calls on the configured resources only.
 */
class PlatformHealthCheckTest {
  private static final String TG_ARN =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/sentinel-api/6d0ecf831eec9f09";
  private static final String DB_HOST = "sentinel-db.c9akciq32.us-east-1.rds.amazonaws.com";
  private static final String REDIS_HOST = "sentinel-redis.abc123.0001.use1.cache.amazonaws.com";
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private final ElastiCacheClient cache = Fixtures.sdkMock(ElastiCacheClient.class);
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final ElasticLoadBalancingV2Client elb = Fixtures.sdkMock(ElasticLoadBalancingV2Client.class);
  private final SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
  private final List<String> probed = new ArrayList<>();
  private HealthChecks.ApiProbe api = url -> {
    probed.add(url);
    return 200;
  };
  private final List<String> logs = StepHarness.captureLogs();

  @AfterEach
  void release() {
    StepHarness.releaseLogs();
  }

  private DrConfig config(boolean withHealthUrl, boolean withRedis) {
    Map<String, String> env = Fixtures.env();
    if (withHealthUrl) {
      env.put("HEALTH_URL", "https://api.sentinel.ai/health");
    }
    if (!withRedis) {
      env.remove("SETTINGS_REDIS");
    }
    return DrConfig.fromEnv(env);
  }

  private PlatformHealthCheck handler(DrConfig config) {
    return new PlatformHealthCheck(Fixtures.deps(config, rds, cache, ecs, elb, secrets), url -> api.status(url));
  }

  /** The connection secrets point at the configured resources: the usual case, one Describe each. */
  @BeforeEach
  void secretsPointAtTheConfiguredResources() {
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenAnswer(call -> {
      String id = ((GetSecretValueRequest) call.getArgument(0)).secretId();
      return GetSecretValueResponse.builder().name(id).secretString(id.equals("sentinel/database-url")
          ? "postgresql://app:pw@" + DB_HOST + ":5432/sentinel" : "redis://" + REDIS_HOST + ":6379/0").build();
    });
  }

  private void database(String status) {
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(DescribeDbInstancesResponse
        .builder().dbInstances(DBInstance.builder().dbInstanceIdentifier("sentinel-db").dbInstanceStatus(status)
            .endpoint(e -> e.address(DB_HOST).port(5432)).build()).build());
  }

  private void redis(String status) {
    when(cache.describeCacheClusters(any(DescribeCacheClustersRequest.class))).thenReturn(DescribeCacheClustersResponse
        .builder().cacheClusters(CacheCluster.builder().cacheClusterId("sentinel-redis").cacheClusterStatus(status)
            .cacheNodes(CacheNode.builder().endpoint(Endpoint.builder().address(REDIS_HOST).port(6379).build())
                .build()).build()).build());
  }

  private void services(int apiRunning, int apiDesired, int celeryRunning, int celeryDesired) {
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(service("sentinel-api", apiRunning, apiDesired), service("sentinel-celery", celeryRunning,
            celeryDesired)).build());
  }

  private static Service service(String name, int running, int desired) {
    return Service.builder().serviceName(name).status("ACTIVE").runningCount(running).desiredCount(desired).build();
  }

  private void targets(String... states) {
    when(elb.describeTargetGroups(any(DescribeTargetGroupsRequest.class))).thenReturn(DescribeTargetGroupsResponse
        .builder().targetGroups(TargetGroup.builder().targetGroupName("sentinel-api").targetGroupArn(TG_ARN).build())
        .build());
    List<TargetHealthDescription> all = new ArrayList<>();
    for (int i = 0; i < states.length; i++) {
      all.add(TargetHealthDescription.builder().target(TargetDescription.builder().id("10.0.1." + i).port(8000)
          .build()).targetHealth(TargetHealth.builder().state(states[i]).build()).build());
    }
    when(elb.describeTargetHealth(any(DescribeTargetHealthRequest.class))).thenReturn(DescribeTargetHealthResponse
        .builder().targetHealthDescriptions(all).build());
  }

  private void healthyPlatform() {
    database("available");
    redis("available");
    services(3, 3, 2, 2);
    targets("healthy", "healthy", "healthy");
  }

  private JsonNode emf() {
    List<JsonNode> lines = logs.stream().map(Json::tree).filter(l -> l.has("_aws")).toList();
    assertEquals(1, lines.size(), logs::toString);
    return lines.get(0);
  }

  @Test
  void aHealthyPlatformPassesTheFiveChecksInTheAppendixOrderAndExitsZero() {
    healthyPlatform();
    ObjectNode out = handler(config(true, true)).run();

    assertEquals("HEALTHY", out.get("overall").asText());
    assertEquals(0, out.get("exitCode").asInt());
    List<String> order = new ArrayList<>();
    out.get("checks").forEach(c -> order.add(c.get("check").asText()));
    assertEquals(List.of("rds", "redis", "ecs", "alb", "api"), order);
    out.get("checks").forEach(c -> assertEquals("PASS", c.get("status").asText(), c.toString()));
    assertEquals("sentinel-db available", out.get("checks").get(0).get("observed").asText());
    assertEquals("sentinel-production: sentinel-api 3/3, sentinel-celery 2/2",
        out.get("checks").get(2).get("observed").asText());
    assertEquals("sentinel-api 3/3 healthy", out.get("checks").get(3).get("observed").asText());
    assertEquals(List.of("https://api.sentinel.ai/health"), probed);
  }

  @Test
  void itReadsOnlyTheConfiguredResourcesAndChangesNothing() {
    healthyPlatform();
    handler(config(true, true)).run();

    ArgumentCaptor<DescribeDbInstancesRequest> db = ArgumentCaptor.forClass(DescribeDbInstancesRequest.class);
    verify(rds).describeDBInstances(db.capture());
    assertEquals("sentinel-db", db.getValue().dbInstanceIdentifier());
    ArgumentCaptor<DescribeCacheClustersRequest> c = ArgumentCaptor.forClass(DescribeCacheClustersRequest.class);
    verify(cache).describeCacheClusters(c.capture());
    assertEquals("sentinel-redis", c.getValue().cacheClusterId());
    ArgumentCaptor<DescribeServicesRequest> s = ArgumentCaptor.forClass(DescribeServicesRequest.class);
    verify(ecs).describeServices(s.capture());
    assertEquals("sentinel-production", s.getValue().cluster());
    assertEquals(List.of("sentinel-api", "sentinel-celery"), s.getValue().services());
    ArgumentCaptor<DescribeTargetHealthRequest> t = ArgumentCaptor.forClass(DescribeTargetHealthRequest.class);
    verify(elb).describeTargetHealth(t.capture());
    assertEquals(TG_ARN, t.getValue().targetGroupArn());
    // every call above is a Describe; the consumer overloads delegate to them, nothing else was called
    verify(rds).describeDBInstances(any(java.util.function.Consumer.class));
    verify(cache).describeCacheClusters(any(java.util.function.Consumer.class));
    verify(ecs).describeServices(any(java.util.function.Consumer.class));
    verify(elb).describeTargetGroups(any(java.util.function.Consumer.class));
    verify(elb).describeTargetHealth(any(java.util.function.Consumer.class));
    verify(elb).describeTargetGroups(any(DescribeTargetGroupsRequest.class));
    // the connection secrets are read for their host only (which resource the application uses)
    ArgumentCaptor<GetSecretValueRequest> read = ArgumentCaptor.forClass(GetSecretValueRequest.class);
    verify(secrets, times(2)).getSecretValue(read.capture());
    assertEquals(List.of("sentinel/database-url", "sentinel/redis-url"), read.getAllValues().stream()
        .map(GetSecretValueRequest::secretId).toList());
    verify(secrets, times(2)).getSecretValue(any(java.util.function.Consumer.class));
    verifyNoMoreInteractions(rds, cache, ecs, elb, secrets);
  }

  @Test
  void aServiceBelowItsDesiredCountOrATargetNotHealthyIsDegradedAndExitsOne() {
    database("available");
    redis("available");
    services(2, 3, 2, 2);
    targets("healthy", "healthy", "draining");
    PlatformHealth health = new HealthChecks(HealthChecks.Targets.of(config(true, true)), rds, cache, ecs, elb,
        secrets, api, Fixtures.CLOCK).run();

    assertEquals(Status.WARN, health.check("ecs").status());
    assertEquals("sentinel-production: sentinel-api 2/3, sentinel-celery 2/2", health.check("ecs").observed());
    assertEquals(Status.WARN, health.check("alb").status());
    assertEquals("sentinel-api 2/3 healthy", health.check("alb").observed());
    assertEquals("DEGRADED", health.overall());
    assertEquals(1, health.exitCode());
  }

  @Test
  void aMaintenanceStateWarnsAndAFailedOrMissingResourceFailsWithExitTwo() {
    database("backing-up");
    redis("snapshotting");
    services(3, 3, 2, 2);
    targets("healthy");
    HealthChecks checks = new HealthChecks(HealthChecks.Targets.of(config(true, true)), rds, cache, ecs, elb,
        secrets, api, Fixtures.CLOCK);
    assertEquals(Status.WARN, checks.rds().status());
    assertEquals(Status.WARN, checks.redis().status());
    assertEquals(1, checks.run().exitCode());

    database("failed");
    assertEquals(Status.FAIL, checks.rds().status());
    assertEquals("sentinel-db failed", checks.rds().observed());
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class)))
        .thenThrow(DbInstanceNotFoundException.builder().message("DBInstance sentinel-db not found").build());
    assertEquals("sentinel-db not found", checks.rds().observed());
    assertEquals(Status.FAIL, checks.rds().status());
    PlatformHealth health = checks.run();
    assertEquals("FAILING", health.overall());
    assertEquals(2, health.exitCode());
  }

  @Test
  void noRunningTaskAMissingServiceOrNoHealthyTargetFails() {
    database("available");
    redis("available");
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(service("sentinel-api", 0, 3)).failures(Failure.builder()
            .arn("arn:aws:ecs:us-east-1:123456789012:service/sentinel-production/sentinel-celery").reason("MISSING")
            .build()).build());
    targets("unhealthy", "unhealthy");
    HealthChecks checks = new HealthChecks(HealthChecks.Targets.of(config(true, true)), rds, cache, ecs, elb,
        secrets, api, Fixtures.CLOCK);
    CheckResult ecsCheck = checks.ecs();
    assertEquals(Status.FAIL, ecsCheck.status());
    assertEquals("sentinel-production: sentinel-api 0/3, sentinel-celery MISSING", ecsCheck.observed());
    assertEquals(Status.FAIL, checks.alb().status());
    assertEquals("sentinel-api 0/2 healthy", checks.alb().observed());
  }

  @Test
  void anApiThatAnswersAnErrorOrNothingFailsAndUnreadableAwsFailsWithTheCode() {
    healthyPlatform();
    api = url -> 503;
    HealthChecks checks = new HealthChecks(HealthChecks.Targets.of(config(true, true)), rds, cache, ecs, elb,
        secrets, url -> api.status(url), Fixtures.CLOCK);
    assertEquals(Status.FAIL, checks.api().status());
    assertEquals("https://api.sentinel.ai/health HTTP 503", checks.api().observed());
    api = url -> {
      throw new ConnectException("refused");
    };
    assertEquals("https://api.sentinel.ai/health no answer (ConnectException)", checks.api().observed());

    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenThrow((RdsException) RdsException
        .builder().statusCode(403).awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build())
        .build());
    CheckResult rdsCheck = checks.rds();
    assertEquals(Status.FAIL, rdsCheck.status());
    assertEquals("sentinel-db unreadable (AccessDenied)", rdsCheck.observed());
    // one check's error never stops the others
    assertEquals(Status.PASS, checks.run().check("ecs").status());
  }

  @Test
  void whatTheEnvironmentDoesNotConfigureIsSkippedNotCountedAndNotPublished() {
    database("available");
    services(3, 3, 2, 2);
    targets("healthy");
    ObjectNode out = handler(config(false, false)).run();

    assertEquals("HEALTHY", out.get("overall").asText());
    assertEquals("SKIP", out.get("checks").get(1).get("status").asText());
    assertEquals("no redis section in dev", out.get("checks").get(1).get("observed").asText());
    assertEquals("SKIP", out.get("checks").get(4).get("status").asText());
    assertTrue(probed.isEmpty());
    JsonNode emf = emf();
    assertFalse(emf.has("HealthRedis"));
    assertFalse(emf.has("HealthApi"));
    assertEquals(3, emf.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").size());
  }

  @Test
  void oneEmfMetricPerCheckZeroPassOneWarnTwoFailInNamespaceSentinelDrByEnvironment() {
    database("available");
    redis("modifying");
    services(0, 3, 2, 2);
    targets("healthy");
    handler(config(true, true)).run();

    JsonNode emf = emf();
    JsonNode directive = emf.get("_aws").get("CloudWatchMetrics").get(0);
    assertEquals("SentinelDR", directive.get("Namespace").asText());
    assertEquals("[[\"Environment\"]]", directive.get("Dimensions").toString());
    assertEquals("dev", emf.get("Environment").asText());
    List<String> names = new ArrayList<>();
    directive.get("Metrics").forEach(m -> names.add(m.get("Name").asText()));
    assertEquals(List.of("HealthRds", "HealthRedis", "HealthEcs", "HealthAlb", "HealthApi"), names);
    assertEquals(0, emf.get("HealthRds").asInt());
    assertEquals(1, emf.get("HealthRedis").asInt());
    assertEquals(2, emf.get("HealthEcs").asInt());
    assertEquals(Fixtures.NOW.toEpochMilli(), emf.get("_aws").get("Timestamp").asLong());
    assertEquals("FAILING", emf.get("overall").asText());
  }

  @Test
  void theTextIsOneLinePerCheckStatusFirstWithObservedAndThreshold() {
    healthyPlatform();
    database("modifying");
    PlatformHealth health = new HealthChecks(HealthChecks.Targets.of(config(true, true)), rds, cache, ecs, elb,
        secrets, api, Fixtures.CLOCK).run();
    List<String> lines = health.lines();
    assertEquals(7, lines.size(), String.join("\n", lines));
    assertEquals("Sentinel platform health (dev) at 2026-01-17T10:05:00Z", lines.get(0));
    assertTrue(lines.get(1).startsWith("  WARN  RDS status    sentinel-db modifying  [available; WARN while"),
        lines.get(1));
    assertTrue(lines.get(5).startsWith("  PASS  API health    https://api.sentinel.ai/health HTTP 200  [HTTP 2xx"),
        lines.get(5));
    assertEquals("overall: DEGRADED (exit 1)", lines.get(6));
    assertNull(Status.SKIP.metricValue());
  }
}
