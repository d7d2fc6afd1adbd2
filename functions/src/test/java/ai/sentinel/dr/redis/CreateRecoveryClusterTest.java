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

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.PlannedCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.redis.CacheState.Diagnosis;
import ai.sentinel.dr.redis.CacheState.RecoveryCluster;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.AddTagsToResourceRequest;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheClusterAlreadyExistsException;
import software.amazon.awssdk.services.elasticache.model.CreateCacheClusterRequest;
import software.amazon.awssdk.services.elasticache.model.CreateCacheClusterResponse;
import software.amazon.awssdk.services.elasticache.model.DeleteCacheClusterRequest;
import software.amazon.awssdk.services.elasticache.model.ModifyCacheClusterRequest;
import software.amazon.awssdk.services.elasticache.model.Tag;

/** Runbook Scenario 2 recovery step 2: create-cache-cluster sentinel-redis-recovery from the chosen snapshot. */
class CreateRecoveryClusterTest {
  private final ElastiCacheClient elastiCache = Fixtures.sdkMock(ElastiCacheClient.class);
  private Cache.Fake fake;

  @BeforeEach
  void setUp() {
    fake = Cache.stubClusters(elastiCache);
    when(elastiCache.createCacheCluster(any(CreateCacheClusterRequest.class))).thenAnswer(inv -> {
      CreateCacheClusterRequest req = inv.getArgument(0);
      // ElastiCache keeps the request's tags on the cluster: what a later ListTagsForResource sees
      CacheCluster created = Cache.cluster(req.cacheClusterId(), "creating", null, null);
      fake.put(created, req.tags());
      return CreateCacheClusterResponse.builder().cacheCluster(created).build();
    });
  }

  private static Recovery chosen(boolean dryRun, Diagnosis diagnosis) {
    return Cache.recovery(dryRun, new CacheState(diagnosis, Cache.chosenSnapshot(), null, null));
  }

  private CreateCacheClusterRequest theCreateRequest() {
    ArgumentCaptor<CreateCacheClusterRequest> sent = ArgumentCaptor.forClass(CreateCacheClusterRequest.class);
    verify(elastiCache, times(1)).createCacheCluster(sent.capture());
    return sent.getValue();
  }

  private void neverChangedAnyCluster() {
    verify(elastiCache, never()).createCacheCluster(any(CreateCacheClusterRequest.class));
    verify(elastiCache, never()).deleteCacheCluster(any(DeleteCacheClusterRequest.class));
    verify(elastiCache, never()).modifyCacheCluster(any(ModifyCacheClusterRequest.class));
    verify(elastiCache, never()).addTagsToResource(any(AddTagsToResourceRequest.class));
  }

  private static Map<String, String> asMap(List<Tag> tags) {
    return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
  }

  @Test
  void createsFromTheSnapshotWithTheOriginalsSettingsAndOurTag() {
    Recovery out = invoke(new CreateRecoveryCluster(Cache.deps(elastiCache)), chosen(false, Cache.seenOriginal()));
    CreateCacheClusterRequest req = theCreateRequest();
    assertEquals(Cache.RECOVERY, req.cacheClusterId());
    assertEquals("redis", req.engine());
    assertEquals("cache.r6g.large", req.cacheNodeType());
    assertEquals("7.1", req.engineVersion());
    assertEquals("orig-cache-subnet", req.cacheSubnetGroupName());
    assertEquals(List.of("sg-0orig1", "sg-0orig2"), req.securityGroupIds());
    assertEquals(1, req.numCacheNodes());
    assertEquals(Cache.SNAPSHOT, req.snapshotName());
    assertEquals(Map.of("sentinel-dr:execution", Cache.EXECUTION, "sentinel-dr:snapshot", Cache.SNAPSHOT,
        "sentinel-dr:recovery-point", Cache.SNAPSHOT_TIME), asMap(req.tags()));

    RecoveryCluster c = out.part(CacheState.PART).cluster();
    assertEquals(Cache.RECOVERY, c.clusterId());
    assertEquals("creating", c.status());
    assertEquals(Fixtures.NOW.toString(), c.requestedAt());
    assertFalse(c.available());
    assertEquals(0, c.polls());
    assertNull(c.address());
    assertTrue(out.plan().isEmpty());
    assertEquals(Cache.seenOriginal(), out.part(CacheState.PART).diagnosis()); // earlier facts kept
    assertTrue(only(out, "CreateRecoveryCluster", "requested").detail().contains("CreateCacheCluster on "
        + Cache.RECOVERY));
    String detail = only(out, "CreateRecoveryCluster", "restoring").detail();
    assertTrue(detail.contains(Cache.SNAPSHOT), detail);
    assertTrue(detail.contains("cache.r6g.large, redis 7.1"), detail);
  }

  @Test
  void originalGoneCreatesWithTheConfigsSettingsAndTheDefaultVersion() {
    invoke(new CreateRecoveryCluster(Cache.deps(elastiCache)), chosen(false, Cache.originalGone()));
    CreateCacheClusterRequest req = theCreateRequest();
    assertEquals("cache.t3.medium", req.cacheNodeType());
    assertEquals("sentinel-redis-subnet", req.cacheSubnetGroupName());
    assertEquals(List.of("sg-0cachefallback"), req.securityGroupIds());
    assertNull(req.engineVersion()); // ElastiCache picks one that can load the snapshot
    assertEquals(Cache.SNAPSHOT, req.snapshotName());
  }

  @Test
  void noSecurityGroupsKnownSendsNoEmptyList() {
    Diagnosis none = new Diagnosis(Cache.ORIGINAL, false, null, "cache.t3.medium", "redis", null, null, List.of(),
        "config", null, null, false, "test", "t");
    invoke(new CreateRecoveryCluster(Cache.deps(elastiCache)), chosen(false, none));
    CreateCacheClusterRequest req = theCreateRequest();
    assertFalse(req.hasSecurityGroupIds());
    assertNull(req.cacheSubnetGroupName());
  }

  @Test
  void runTwiceCreatesOnceAndAdoptsItsOwnCluster() {
    CreateRecoveryCluster step = new CreateRecoveryCluster(Cache.deps(elastiCache));
    Recovery in = chosen(false, Cache.seenOriginal());
    invoke(step, in);
    Recovery again = invoke(step, in); // the state machine retried after a lost response
    verify(elastiCache, times(1)).createCacheCluster(any(CreateCacheClusterRequest.class));
    assertEquals(Cache.RECOVERY, again.part(CacheState.PART).cluster().clusterId());
    assertEquals("creating", again.part(CacheState.PART).cluster().status());
    assertFalse(again.part(CacheState.PART).cluster().available());
    assertTrue(only(again, "CreateRecoveryCluster", "skipped").detail().contains("adopted"));
  }

  @Test
  void anExistingClusterOfThisRecoveryIsAdoptedWithItsOwnSnapshot() {
    // created on an earlier attempt from another snapshot: that one, not today's listing, is the recovery point
    fake.put(Cache.cluster(Cache.RECOVERY, "available", Cache.NEW_HOST, 6379),
        CacheClusters.tagsFor(Cache.EXECUTION, "automatic.sentinel-redis-2026-01-17-03-00", "2026-01-17T03:00:00Z"));
    Recovery out = invoke(new CreateRecoveryCluster(Cache.deps(elastiCache)), chosen(false, Cache.seenOriginal()));
    neverChangedAnyCluster();
    assertEquals("available", out.part(CacheState.PART).cluster().status());
    assertEquals("2026-01-17T10:06:30Z", out.part(CacheState.PART).cluster().requestedAt()); // its creation, not now
    assertFalse(out.part(CacheState.PART).cluster().available()); // WaitForCluster still reads the endpoint
    assertEquals("automatic.sentinel-redis-2026-01-17-03-00", out.part(CacheState.PART).snapshot().name());
    assertEquals("2026-01-17T03:00:00Z", out.part(CacheState.PART).snapshot().createdAt());
    String detail = only(out, "CreateRecoveryCluster", "skipped").detail();
    assertTrue(detail.contains("created from automatic.sentinel-redis-2026-01-17-03-00"), detail);
  }

  @Test
  void anExistingClusterOfAnotherRecoveryIsRefusedAndNeverTouched() {
    fake.put(Cache.cluster(Cache.RECOVERY, "available", Cache.NEW_HOST, 6379), Cache.tags("an-old-drill"));
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(
        new CreateRecoveryCluster(Cache.deps(elastiCache)), chosen(false, Cache.seenOriginal())));
    assertTrue(e.getMessage().contains("a cluster named " + Cache.RECOVERY + " already exists and was not created "
        + "by this recovery"), e.getMessage());
    assertTrue(e.getMessage().contains("an-old-drill"), e.getMessage());
    assertTrue(e.getMessage().contains("delete or rename it first"), e.getMessage());
    neverChangedAnyCluster();
  }

  @Test
  void anExistingUntaggedClusterIsRefused() {
    fake.put(Cache.cluster(Cache.RECOVERY, "available", Cache.NEW_HOST, 6379), List.of(Tag.builder().key("team")
        .value("payments").build()));
    assertThrows(StepFailedError.class, () -> invoke(new CreateRecoveryCluster(Cache.deps(elastiCache)),
        chosen(false, Cache.seenOriginal())));
    neverChangedAnyCluster();
  }

  @Test
  void anExistingClusterWhoseTagsCannotBeReadIsRefused() {
    fake.put(Cache.cluster(Cache.RECOVERY, "available", Cache.NEW_HOST, 6379).toBuilder().arn(null).build(), null);
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(
        new CreateRecoveryCluster(Cache.deps(elastiCache)), chosen(false, Cache.seenOriginal())));
    assertTrue(e.getMessage().contains("no ARN"), e.getMessage());
    neverChangedAnyCluster();
  }

  @Test
  void aClusterCreatedBetweenOurLookAndOurRequestIsAdoptedWhenOurs() {
    when(elastiCache.createCacheCluster(any(CreateCacheClusterRequest.class))).thenAnswer(inv -> {
      fake.put(Cache.cluster(Cache.RECOVERY, "creating", null, null), Cache.tags(Cache.EXECUTION));
      throw CacheClusterAlreadyExistsException.builder().statusCode(400)
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("CacheClusterAlreadyExists").build()).build();
    });
    Recovery out = invoke(new CreateRecoveryCluster(Cache.deps(elastiCache)), chosen(false, Cache.seenOriginal()));
    assertEquals("creating", out.part(CacheState.PART).cluster().status());
    assertTrue(only(out, "CreateRecoveryCluster", "skipped").detail().contains("adopted"));
  }

  @Test
  void aClusterCreatedBetweenOurLookAndOurRequestIsRefusedWhenNotOurs() {
    when(elastiCache.createCacheCluster(any(CreateCacheClusterRequest.class))).thenAnswer(inv -> {
      fake.put(Cache.cluster(Cache.RECOVERY, "creating", null, null), Cache.tags("someone-else"));
      throw CacheClusterAlreadyExistsException.builder().statusCode(400).build();
    });
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(
        new CreateRecoveryCluster(Cache.deps(elastiCache)), chosen(false, Cache.seenOriginal())));
    assertTrue(e.getMessage().contains("not created by this recovery"), e.getMessage());
  }

  @Test
  void dryRunCreatesNothingAndRecordsThePlannedCall() {
    Recovery out = invoke(new CreateRecoveryCluster(Cache.deps(elastiCache)), chosen(true, Cache.seenOriginal()));
    verify(elastiCache, never()).createCacheCluster(any(CreateCacheClusterRequest.class));
    assertEquals(1, out.plan().size());
    PlannedCall planned = out.plan().get(0);
    assertEquals("CreateRecoveryCluster", planned.step());
    assertEquals("elasticache", planned.service());
    assertEquals("CreateCacheCluster", planned.api());
    assertEquals(Cache.RECOVERY, planned.target());
    assertTrue(planned.request().contains(Cache.SNAPSHOT), planned.request());
    assertTrue(planned.request().contains("cache.r6g.large"), planned.request());
    assertEquals("planned", out.part(CacheState.PART).cluster().status());
    assertFalse(out.part(CacheState.PART).cluster().available());
    assertTrue(only(out, "CreateRecoveryCluster", "planned").detail().contains("dry-run"));
    assertTrue(only(out, "CreateRecoveryCluster", "would-restore").detail().contains(Cache.SNAPSHOT));
  }

  @Test
  void noChosenSnapshotCreatesNothing() {
    Recovery in = Cache.recovery(false, new CacheState(Cache.seenOriginal(), null, null, null));
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new CreateRecoveryCluster(Cache.deps(elastiCache)), in));
    assertTrue(e.getMessage().contains("FindSnapshot"), e.getMessage());
    verifyNoInteractions(elastiCache);
  }
}
