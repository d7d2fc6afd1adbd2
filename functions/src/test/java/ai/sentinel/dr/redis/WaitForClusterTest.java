package ai.sentinel.dr.redis;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.redis.CacheState.RecoveryCluster;
import ai.sentinel.dr.support.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersRequest;
import software.amazon.awssdk.services.elasticache.model.Endpoint;

/** Runbook Scenario 2 recovery steps 3-4: wait cache-cluster-available, then read the node endpoint. */
class WaitForClusterTest {
  private final ElastiCacheClient elastiCache = Fixtures.sdkMock(ElastiCacheClient.class);
  private final WaitForCluster step = new WaitForCluster(Cache.deps(elastiCache));
  private Cache.Fake fake;

  @BeforeEach
  void setUp() {
    fake = Cache.stubClusters(elastiCache);
  }

  private static Recovery waiting(boolean dryRun, int polls) {
    return Cache.recovery(dryRun, new CacheState(Cache.seenOriginal(), Cache.chosenSnapshot(), Cache.creating(polls),
        null));
  }

  @Test
  void availableWithANodeEndpointIsDoneAndRecordsWhereToConnect() {
    fake.put(Cache.cluster(Cache.RECOVERY, "available", Cache.NEW_HOST, 6380), null);
    Recovery out = invoke(step, waiting(false, 2));
    ArgumentCaptor<DescribeCacheClustersRequest> asked = ArgumentCaptor.forClass(DescribeCacheClustersRequest.class);
    verify(elastiCache).describeCacheClusters(asked.capture());
    assertEquals(Cache.RECOVERY, asked.getValue().cacheClusterId()); // the recovery cluster, not sentinel-redis
    assertEquals(Boolean.TRUE, asked.getValue().showCacheNodeInfo()); // without it there are no node endpoints
    RecoveryCluster c = out.part(CacheState.PART).cluster();
    assertTrue(c.available());
    assertEquals("available", c.status());
    assertEquals(Cache.NEW_HOST, c.address());
    assertEquals(6380, c.port());
    assertEquals(3, c.polls());
    assertEquals("2026-01-17T10:06:00Z", c.requestedAt()); // earlier facts kept
    assertEquals(Cache.SNAPSHOT, out.part(CacheState.PART).snapshot().name());
    assertTrue(only(out, "WaitForCluster", "done").detail().contains(Cache.NEW_HOST + ":6380"));
  }

  @Test
  void aConfigurationEndpointServesWhenNoNodeEndpointIsReported() {
    fake.put(Cache.cluster(Cache.RECOVERY, "available", null, null).toBuilder()
        .configurationEndpoint(Endpoint.builder().address("cfg." + Cache.NEW_HOST).port(6379).build()).build(), null);
    RecoveryCluster c = invoke(step, waiting(false, 0)).part(CacheState.PART).cluster();
    assertTrue(c.available());
    assertEquals("cfg." + Cache.NEW_HOST, c.address());
  }

  @Test
  void anEndpointWithoutAPortMeansTheRedisDefault() {
    fake.put(Cache.cluster(Cache.RECOVERY, "available", Cache.NEW_HOST, null), null);
    assertEquals(6379, invoke(step, waiting(false, 0)).part(CacheState.PART).cluster().port());
  }

  @Test
  void stillCreatingCountsThePollAndWaits() {
    fake.put(Cache.cluster(Cache.RECOVERY, "creating", Cache.NEW_HOST, 6379), null);
    Recovery out = invoke(step, waiting(false, 1));
    RecoveryCluster c = out.part(CacheState.PART).cluster();
    assertFalse(c.available());
    assertEquals(2, c.polls());
    assertEquals("creating", c.status());
    assertNull(c.address()); // an endpoint is not trusted before the cluster is available
    assertTrue(only(out, "WaitForCluster", "waiting").detail().contains("'creating' (poll 2 of 5)"));
  }

  @Test
  void availableWithoutAnyEndpointIsStillWaiting() {
    fake.put(Cache.cluster(Cache.RECOVERY, "available", null, null), null);
    Recovery out = invoke(step, waiting(false, 0));
    assertFalse(out.part(CacheState.PART).cluster().available());
    assertEquals(1, out.part(CacheState.PART).cluster().polls());
    assertTrue(only(out, "WaitForCluster", "waiting").detail().contains("reports no node endpoint"));
  }

  @Test
  void theLastAllowedPollTimesOut() {
    fake.put(Cache.cluster(Cache.RECOVERY, "creating", null, null), null);
    // the options allow 5 polls; this is the fifth
    TimedOutError e = assertThrows(TimedOutError.class, () -> invoke(step, waiting(false, 4)));
    assertTrue(e.getMessage().contains(Cache.RECOVERY + " still 'creating' after 5 polls"), e.getMessage());
  }

  @Test
  void oneBeforeTheLastPollStillWaits() {
    fake.put(Cache.cluster(Cache.RECOVERY, "creating", null, null), null);
    assertEquals(4, invoke(step, waiting(false, 3)).part(CacheState.PART).cluster().polls());
  }

  @Test
  void availableOnTheLastPollIsDoneNotTimedOut() {
    fake.put(Cache.cluster(Cache.RECOVERY, "available", Cache.NEW_HOST, 6379), null);
    assertTrue(invoke(step, waiting(false, 4)).part(CacheState.PART).cluster().available());
  }

  @Test
  void aVanishedClusterFails() {
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(step, waiting(false, 0)));
    assertTrue(e.getMessage().contains(Cache.RECOVERY + " not found"), e.getMessage());
  }

  @Test
  void noClusterRequestedFails() {
    Recovery in = Cache.recovery(false, new CacheState(Cache.seenOriginal(), Cache.chosenSnapshot(), null, null));
    assertThrows(StepFailedError.class, () -> invoke(step, in));
    verifyNoInteractions(elastiCache);
  }

  @Test
  void dryRunAsksNothingAndLetsTheLaterStepsPlan() {
    Recovery out = invoke(step, waiting(true, 0));
    verifyNoInteractions(elastiCache);
    RecoveryCluster c = out.part(CacheState.PART).cluster();
    assertTrue(c.available()); // the Choice state moves on
    assertEquals("planned", c.status());
    assertEquals("(" + Cache.RECOVERY + " endpoint)", c.address());
    assertEquals(6379, c.port());
    assertTrue(only(out, "WaitForCluster", "skipped").detail().contains("dry-run"));
  }
}
