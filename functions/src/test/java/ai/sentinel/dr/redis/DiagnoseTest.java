package ai.sentinel.dr.redis;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.redis.CacheState.Diagnosis;
import ai.sentinel.dr.support.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheNode;
import software.amazon.awssdk.services.elasticache.model.CreateCacheClusterRequest;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersRequest;
import software.amazon.awssdk.services.elasticache.model.SecurityGroupMembership;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/** Runbook Scenario 2 "Diagnosis": describe-cache-clusters and the cluster's CloudWatch metrics, read-only. */
class DiagnoseTest {
  private final ElastiCacheClient elastiCache = Fixtures.sdkMock(ElastiCacheClient.class);
  private final CloudWatchClient cloudWatch = Fixtures.sdkMock(CloudWatchClient.class);
  private Cache.Fake fake;

  private static Datapoint point(String at, double average) {
    return Datapoint.builder().timestamp(Instant.parse(at)).average(average).build();
  }

  @BeforeEach
  void setUp() {
    fake = Cache.stubClusters(elastiCache);
    when(cloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class))).thenAnswer(inv -> {
      String metric = inv.<GetMetricStatisticsRequest>getArgument(0).metricName();
      // datapoints out of order: the latest, not the largest or the first, is the one that describes now
      return GetMetricStatisticsResponse.builder().datapoints(metric.equals("CurrConnections")
          ? List.of(point("2026-01-17T09:55:00Z", 250.0), point("2026-01-17T10:00:00Z", 3.0),
              point("2026-01-17T09:50:00Z", 240.0))
          : List.of(point("2026-01-17T10:00:00Z", 99.2), point("2026-01-17T09:55:00Z", 41.0))).build();
    });
  }

  private static CacheCluster original(String status) {
    return Cache.cluster(Cache.ORIGINAL, status, Cache.OLD_HOST, 6379).toBuilder().cacheNodeType("cache.r6g.large")
        .engineVersion("7.1").cacheSubnetGroupName("orig-cache-subnet")
        .securityGroups(SecurityGroupMembership.builder().securityGroupId("sg-0orig1").status("active").build(),
            SecurityGroupMembership.builder().securityGroupId("sg-0orig2").status("active").build())
        .build();
  }

  @Test
  void recordsStatusSettingsAndBothMetricsAsTheRunbookReadsThem() {
    fake.put(original("available"), null);
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));

    ArgumentCaptor<DescribeCacheClustersRequest> described = ArgumentCaptor.forClass(
        DescribeCacheClustersRequest.class);
    verify(elastiCache).describeCacheClusters(described.capture());
    assertEquals(Cache.ORIGINAL, described.getValue().cacheClusterId());
    assertEquals(Boolean.TRUE, described.getValue().showCacheNodeInfo());

    ArgumentCaptor<GetMetricStatisticsRequest> metrics = ArgumentCaptor.forClass(GetMetricStatisticsRequest.class);
    verify(cloudWatch, times(2)).getMetricStatistics(metrics.capture());
    assertEquals(Set.of("CurrConnections", "EngineCPUUtilization"),
        metrics.getAllValues().stream().map(GetMetricStatisticsRequest::metricName).collect(Collectors.toSet()));
    for (GetMetricStatisticsRequest m : metrics.getAllValues()) {
      assertEquals("AWS/ElastiCache", m.namespace());
      assertEquals(1, m.dimensions().size());
      assertEquals("CacheClusterId", m.dimensions().get(0).name());
      assertEquals(Cache.ORIGINAL, m.dimensions().get(0).value());
      assertEquals(300, m.period());
      assertEquals(List.of(Statistic.AVERAGE), m.statistics());
      assertEquals(Fixtures.NOW, m.endTime());
      assertEquals(Duration.ofHours(1), Duration.between(m.startTime(), m.endTime()));
    }

    Diagnosis d = out.part(CacheState.PART).diagnosis();
    assertEquals(Cache.ORIGINAL, d.clusterId());
    assertTrue(d.found());
    assertEquals("available", d.status());
    assertTrue(d.healthy());
    assertEquals("cache.r6g.large", d.nodeType());
    assertEquals("redis", d.engine());
    assertEquals("7.1", d.engineVersion());
    assertEquals("orig-cache-subnet", d.subnetGroup());
    assertEquals(List.of("sg-0orig1", "sg-0orig2"), d.securityGroupIds());
    assertEquals("original", d.settingsSource());
    assertEquals(3.0, d.currConnections());
    assertEquals(99.2, d.engineCpu());
    assertEquals(Fixtures.NOW.toString(), d.checkedAt());
    String detail = only(out, "Diagnose", "diagnosed").detail();
    assertTrue(detail.contains("'available'"), detail);
    assertTrue(detail.contains("CurrConnections avg 3.0"), detail);
    assertTrue(detail.contains("EngineCPUUtilization avg 99.2%"), detail);
    assertTrue(detail.contains("from the original cluster"), detail);
    verify(elastiCache, never()).createCacheCluster(any(CreateCacheClusterRequest.class));
  }

  @Test
  void unavailableClusterAndItsFailingNodeAreTheFinding() {
    fake.put(original("rebooting cache cluster nodes").toBuilder().cacheNodes(CacheNode.builder()
        .cacheNodeId("0001").cacheNodeStatus("rebooting").build()).build(), null);
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));
    Diagnosis d = out.part(CacheState.PART).diagnosis();
    assertFalse(d.healthy());
    assertEquals("rebooting cache cluster nodes", d.status());
    assertTrue(d.finding().contains("node 0001 is 'rebooting'"), d.finding());
    assertEquals("original", d.settingsSource()); // still the settings to copy
  }

  @Test
  void missingClusterIsAFindingAndTheConfigGivesTheSettings() {
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));
    Diagnosis d = out.part(CacheState.PART).diagnosis();
    assertFalse(d.found());
    assertFalse(d.healthy());
    assertNull(d.status());
    assertEquals("config", d.settingsSource());
    assertEquals("cache.t3.medium", d.nodeType());
    assertEquals("sentinel-redis-subnet", d.subnetGroup());
    assertEquals(List.of("sg-0cachefallback"), d.securityGroupIds());
    assertNull(d.engineVersion()); // nothing to copy: ElastiCache's default, and the timeline says so
    assertTrue(d.finding().contains("not found (CacheClusterNotFound)"), d.finding());
    String detail = only(out, "Diagnose", "diagnosed").detail();
    assertTrue(detail.contains("from the environment config"), detail);
    assertTrue(detail.contains("ElastiCache default version"), detail);
  }

  @Test
  void missingClusterWithoutAConfiguredNodeTypeStopsTheRecoveryHere() {
    Map<String, String> env = Cache.env();
    Fixtures.withSection(env, "redis", s -> s.remove("nodeType"));
    Diagnose step = new Diagnose(Fixtures.deps(DrConfig.fromEnv(env), elastiCache, cloudWatch));
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(step, Cache.recovery(false)));
    assertTrue(e.getMessage().contains("redis.nodeType"), e.getMessage());
    assertTrue(e.getMessage().contains(Cache.ORIGINAL), e.getMessage());
  }

  @Test
  void clusterReportingNoSecurityGroupsTakesThemFromTheConfigAndSaysSo() {
    // moto 5.2.1 reports no SecurityGroups for a cluster created with some
    fake.put(original("available").toBuilder().securityGroups(List.of()).build(), null);
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));
    Diagnosis d = out.part(CacheState.PART).diagnosis();
    assertEquals(List.of("sg-0cachefallback"), d.securityGroupIds());
    assertEquals("cache.r6g.large", d.nodeType());
    assertEquals("original+config", d.settingsSource());
    String detail = only(out, "Diagnose", "diagnosed").detail();
    assertTrue(detail.contains("except security groups from the environment config (the cluster reports none)"),
        detail);
  }

  @Test
  void aMetricThatCannotBeReadDegradesToNullAndTheRecoveryGoesOn() {
    fake.put(original("available"), null);
    when(cloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class))).thenAnswer(inv -> {
      if (inv.<GetMetricStatisticsRequest>getArgument(0).metricName().equals("EngineCPUUtilization")) {
        throw CloudWatchException.builder().statusCode(403).message("not authorized")
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build()).build();
      }
      return GetMetricStatisticsResponse.builder().datapoints(point("2026-01-17T10:00:00Z", 7.0)).build();
    });
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));
    Diagnosis d = out.part(CacheState.PART).diagnosis();
    assertEquals(7.0, d.currConnections());
    assertNull(d.engineCpu());
    assertTrue(d.finding().contains("EngineCPUUtilization avg unknown (AccessDenied)"), d.finding());
    assertEquals("cache.r6g.large", d.nodeType());
  }

  @Test
  void cloudWatchUnreachableLeavesBothMetricsNull() {
    fake.put(original("available"), null);
    when(cloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class)))
        .thenThrow(SdkClientException.create("Unable to execute HTTP request: connect timed out"));
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));
    assertNull(out.part(CacheState.PART).diagnosis().currConnections());
    assertNull(out.part(CacheState.PART).diagnosis().engineCpu());
    assertTrue(out.part(CacheState.PART).diagnosis().finding()
        .contains("CurrConnections avg unknown (SdkClientException)"));
  }

  @Test
  void noDatapointsIsNoDataNotAnError() {
    fake.put(original("available"), null);
    when(cloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class)))
        .thenReturn(GetMetricStatisticsResponse.builder().build());
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));
    assertNull(out.part(CacheState.PART).diagnosis().currConnections());
    assertTrue(out.part(CacheState.PART).diagnosis().finding().contains("CurrConnections avg no data"));
  }

  @Test
  void aClusterOtherThanTheProtectedOneIsNotEvenDescribed() {
    OutsideBlastRadiusError e = assertThrows(OutsideBlastRadiusError.class, () -> invoke(
        new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.withResource(Cache.recovery(false),
            "billing-redis")));
    assertTrue(e.getMessage().contains("billing-redis"), e.getMessage());
    verifyNoInteractions(elastiCache, cloudWatch);
  }

  @Test
  void anEnvironmentWithoutRedisRefusesTheScenario() {
    Map<String, String> env = Fixtures.env();
    env.remove("SETTINGS_REDIS");
    Diagnose step = new Diagnose(Fixtures.deps(DrConfig.fromEnv(env), elastiCache, cloudWatch));
    OutsideBlastRadiusError e = assertThrows(OutsideBlastRadiusError.class,
        () -> invoke(step, Cache.recovery(false)));
    assertTrue(e.getMessage().contains("SETTINGS_REDIS"), e.getMessage());
    verifyNoInteractions(elastiCache, cloudWatch);
  }

  // ---- the verdict: act only on a confirmed failure

  private final SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);

  private Recovery pinging(FakeRedis redis) {
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("redis://:" + "s3cr3t-pw@" + Cache.OLD_HOST + ":6379").versionId("v1").build());
    return invoke(new Diagnose(Cache.deps(s -> s.put("verifyConnect", true).put("connectHost", redis.address()),
        elastiCache, cloudWatch, secrets)), Cache.recovery(false));
  }

  @Test
  void anAvailableClusterThatAnswersPingIsHealthyAndNothingIsReplaced() throws Exception {
    fake.put(original("available"), null);
    try (FakeRedis redis = FakeRedis.answering("s3cr3t-pw")) {
      Recovery out = pinging(redis);
      assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
      assertFalse(out.diagnosis().act(), "a healthy cache is not replaced by an older snapshot");
      assertTrue(out.diagnosis().evidence().stream().anyMatch(e -> e.contains("answered +PONG")),
          out.diagnosis().evidence().toString());
      assertTrue(out.diagnosis().evidence().stream().anyMatch(e -> e.contains("EngineCPUUtilization 99.2%")),
          "the high CPU that raised the alarm is evidence, not a failure");
      assertFalse(Json.write(out).contains("s3cr3t-pw"), "the password never enters the document");
    }
    verify(elastiCache, never()).createCacheCluster(any(CreateCacheClusterRequest.class));
  }

  @Test
  void anAvailableClusterThatDoesNotAnswerIsInconclusive() throws Exception {
    fake.put(original("available"), null);
    try (FakeRedis redis = new FakeRedis(cmd -> "-LOADING Redis is loading the dataset in memory")) {
      Recovery out = pinging(redis);
      assertEquals(Verdict.INCONCLUSIVE, out.diagnosis().verdict());
      assertFalse(out.diagnosis().act());
    }
  }

  @Test
  void withoutAConfiguredPingAvailableIsHealthyAndSaysWhatWasNotChecked() {
    fake.put(original("available"), null);
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
    assertTrue(out.diagnosis().evidence().stream().anyMatch(e -> e.contains("PING not run")),
        out.diagnosis().evidence().toString());
  }

  @Test
  void aMissingClusterIsAConfirmedFailure() {
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));
    assertEquals(Verdict.FAILED, out.diagnosis().verdict());
    assertTrue(out.diagnosis().act());
  }

  @Test
  void aClusterInTransitionIsLeftToAHuman() {
    fake.put(original("rebooting cache cluster nodes"), null);
    Recovery out = invoke(new Diagnose(Cache.deps(elastiCache, cloudWatch)), Cache.recovery(false));
    assertEquals(Verdict.INCONCLUSIVE, out.diagnosis().verdict());
    assertFalse(out.diagnosis().act());
  }
}
