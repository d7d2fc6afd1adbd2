package ai.sentinel.dr.redis;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.redis.CacheState.SnapshotChoice;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.DescribeSnapshotsRequest;
import software.amazon.awssdk.services.elasticache.model.DescribeSnapshotsResponse;
import software.amazon.awssdk.services.elasticache.model.NodeSnapshot;
import software.amazon.awssdk.services.elasticache.model.Snapshot;
import software.amazon.awssdk.services.elasticache.model.SnapshotNotFoundException;

/** Runbook Scenario 2 recovery step 1: describe-snapshots, and the choice of the one to create the cluster from. */
class FindSnapshotTest {
  private final ElastiCacheClient elastiCache = Fixtures.sdkMock(ElastiCacheClient.class);
  private List<Snapshot> snapshots;

  private static Snapshot snap(String name, String cluster, String taken, String status) {
    Snapshot.Builder b = Snapshot.builder().snapshotName(name).cacheClusterId(cluster).snapshotStatus(status)
        .engine("redis").engineVersion("7.1")
        // the cluster's creation time is on every snapshot of it: never to be mistaken for the snapshot's
        .cacheClusterCreateTime(Instant.parse("2025-06-01T00:00:00Z"));
    if (taken != null) {
      b.nodeSnapshots(NodeSnapshot.builder().cacheNodeId("0001").snapshotCreateTime(Instant.parse(taken)).build());
    }
    return b.build();
  }

  @BeforeEach
  void setUp() {
    snapshots = new ArrayList<>(List.of(
        snap("automatic.sentinel-redis-2026-01-16-03-00", Cache.ORIGINAL, "2026-01-16T03:00:00Z", "available"),
        snap(Cache.SNAPSHOT, Cache.ORIGINAL, Cache.SNAPSHOT_TIME, "available"),
        snap("automatic.sentinel-redis-2026-01-17-03-00", Cache.ORIGINAL, "2026-01-17T03:00:00Z", "available"),
        snap("automatic.sentinel-redis-2026-01-17-10-00", Cache.ORIGINAL, "2026-01-17T10:00:00Z", "creating"),
        snap("sentinel-redis-broken-copy", Cache.ORIGINAL, "2026-01-17T09:00:00Z", "failed"),
        snap("billing-redis-final", "billing-redis", "2026-01-17T09:30:00Z", "available")));
    when(elastiCache.describeSnapshots(any(DescribeSnapshotsRequest.class))).thenAnswer(inv -> {
      DescribeSnapshotsRequest req = inv.getArgument(0);
      if (req.snapshotName() != null) {
        Snapshot named = snapshots.stream().filter(s -> s.snapshotName().equals(req.snapshotName())).findFirst()
            .orElseThrow(() -> SnapshotNotFoundException.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SnapshotNotFoundFault").build()).build());
        return DescribeSnapshotsResponse.builder().snapshots(named).build();
      }
      return DescribeSnapshotsResponse.builder().snapshots(snapshots.stream()
          .filter(s -> req.cacheClusterId() == null || req.cacheClusterId().equals(s.cacheClusterId())).toList())
          .build();
    });
  }

  private static Recovery named(String snapshotId) {
    return Cache.withOptions(Cache.recovery(false), Cache.options(snapshotId, false));
  }

  @Test
  void latestIsTheNewestAvailableSnapshotOfTheCluster() {
    Recovery out = invoke(new FindSnapshot(Cache.deps(elastiCache)), Cache.recovery(false));
    ArgumentCaptor<DescribeSnapshotsRequest> asked = ArgumentCaptor.forClass(DescribeSnapshotsRequest.class);
    verify(elastiCache).describeSnapshots(asked.capture());
    assertEquals(Cache.ORIGINAL, asked.getValue().cacheClusterId());

    // the manual 08:30 is newer than the automatic 03:00; 10:00 is still 'creating', 09:00 'failed', 09:30 another's
    SnapshotChoice chosen = out.part(CacheState.PART).snapshot();
    assertEquals(Cache.SNAPSHOT, chosen.name());
    assertEquals(Cache.SNAPSHOT_TIME, chosen.createdAt()); // the recovery point, for the RPO
    assertEquals("latest", chosen.how());
    String detail = only(out, "FindSnapshot", "decided").detail();
    assertTrue(detail.contains(Cache.SNAPSHOT + " (taken " + Cache.SNAPSHOT_TIME + ")"), detail);
    assertTrue(detail.contains("newest of 3 available"), detail);
    assertTrue(detail.contains("2 not available skipped"), detail);
  }

  @Test
  void theNewestIsFoundOnALaterPage() {
    when(elastiCache.describeSnapshots(any(DescribeSnapshotsRequest.class))).thenAnswer(inv -> {
      DescribeSnapshotsRequest req = inv.getArgument(0);
      return req.marker() == null
          ? DescribeSnapshotsResponse.builder().snapshots(snapshots.get(0)).marker("page-2").build()
          : DescribeSnapshotsResponse.builder().snapshots(snapshots.get(1)).build();
    });
    Recovery out = invoke(new FindSnapshot(Cache.deps(elastiCache)), Cache.recovery(false));
    assertEquals(Cache.SNAPSHOT, out.part(CacheState.PART).snapshot().name());
  }

  @Test
  void originalGoneStillFindsItsSnapshotsAndNobodyElses() {
    // DescribeSnapshots by a deleted cluster's id answers CacheClusterNotFound (moto does)
    when(elastiCache.describeSnapshots(any(DescribeSnapshotsRequest.class))).thenAnswer(inv -> {
      DescribeSnapshotsRequest req = inv.getArgument(0);
      if (req.cacheClusterId() != null) {
        throw Cache.notFound(req.cacheClusterId());
      }
      return DescribeSnapshotsResponse.builder().snapshots(snapshots).build();
    });
    Recovery out = invoke(new FindSnapshot(Cache.deps(elastiCache)), Cache.recovery(false));
    verify(elastiCache, atLeastOnce()).describeSnapshots(any(DescribeSnapshotsRequest.class));
    // not billing-redis-final, newer but not ours
    assertEquals(Cache.SNAPSHOT, out.part(CacheState.PART).snapshot().name());
  }

  @Test
  void aNamedSnapshotOfTheClusterIsUsedEvenIfNotTheNewest() {
    Recovery out = invoke(new FindSnapshot(Cache.deps(elastiCache)),
        named("automatic.sentinel-redis-2026-01-16-03-00"));
    ArgumentCaptor<DescribeSnapshotsRequest> asked = ArgumentCaptor.forClass(DescribeSnapshotsRequest.class);
    verify(elastiCache).describeSnapshots(asked.capture());
    assertEquals("automatic.sentinel-redis-2026-01-16-03-00", asked.getValue().snapshotName());
    SnapshotChoice chosen = out.part(CacheState.PART).snapshot();
    assertEquals("automatic.sentinel-redis-2026-01-16-03-00", chosen.name());
    assertEquals("2026-01-16T03:00:00Z", chosen.createdAt());
    assertEquals("named", chosen.how());
    assertTrue(only(out, "FindSnapshot", "decided").detail().contains("named by the operator"));
  }

  @Test
  void aNamedSnapshotOfAnotherClusterIsRefused() {
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new FindSnapshot(Cache.deps(elastiCache)), named("billing-redis-final")));
    assertTrue(e.getMessage().contains("belongs to billing-redis"), e.getMessage());
    assertTrue(e.getMessage().contains("refusing"), e.getMessage());
  }

  @Test
  void aNamedSnapshotThatIsNotAvailableIsRefused() {
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new FindSnapshot(Cache.deps(elastiCache)), named("automatic.sentinel-redis-2026-01-17-10-00")));
    assertTrue(e.getMessage().contains("'creating'"), e.getMessage());
  }

  @Test
  void aNamedSnapshotThatDoesNotExistSaysSo() {
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new FindSnapshot(Cache.deps(elastiCache)), named("no-such-snapshot")));
    assertEquals("snapshot no-such-snapshot not found", e.getMessage());
  }

  @Test
  void noAvailableSnapshotStopsTheRecoverySayingSo() {
    snapshots.removeIf(s -> "available".equals(s.snapshotStatus()) && Cache.ORIGINAL.equals(s.cacheClusterId()));
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new FindSnapshot(Cache.deps(elastiCache)), Cache.recovery(false)));
    assertTrue(e.getMessage().contains("no available snapshot of " + Cache.ORIGINAL), e.getMessage());
    assertTrue(e.getMessage().contains("'creating'"), e.getMessage()); // and what there is instead
  }

  @Test
  void noSnapshotAtAllStopsTheRecoveryToo() {
    snapshots.clear();
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new FindSnapshot(Cache.deps(elastiCache)), Cache.recovery(false)));
    assertEquals("no available snapshot of " + Cache.ORIGINAL + " to create the recovery cluster from",
        e.getMessage());
  }

  @Test
  void theOnlySnapshotWithoutACreationTimeIsUsedAndItsTimeLeftUnknown() {
    // moto 5.2.1 reports no NodeSnapshots; the cluster's creation time is not the snapshot's
    snapshots.clear();
    snapshots.add(snap("drill-snapshot", Cache.ORIGINAL, null, "available"));
    Recovery out = invoke(new FindSnapshot(Cache.deps(elastiCache)), Cache.recovery(false));
    assertEquals("drill-snapshot", out.part(CacheState.PART).snapshot().name());
    assertNull(out.part(CacheState.PART).snapshot().createdAt());
    assertTrue(only(out, "FindSnapshot", "decided").detail().contains("creation time unknown"));
  }

  @Test
  void severalSnapshotsWithoutCreationTimesAreNotGuessedBetween() {
    snapshots.clear();
    snapshots.add(snap("drill-snapshot-a", Cache.ORIGINAL, null, "available"));
    snapshots.add(snap("drill-snapshot-b", Cache.ORIGINAL, null, "available"));
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new FindSnapshot(Cache.deps(elastiCache)), Cache.recovery(false)));
    assertTrue(e.getMessage().contains("options.snapshotId"), e.getMessage());
  }

  @Test
  void aSnapshotWithoutACreationTimeRanksBelowTimedOnes() {
    snapshots.add(snap("untimed-manual", Cache.ORIGINAL, null, "available"));
    Recovery out = invoke(new FindSnapshot(Cache.deps(elastiCache)), Cache.recovery(false));
    assertEquals(Cache.SNAPSHOT, out.part(CacheState.PART).snapshot().name());
    assertTrue(only(out, "FindSnapshot", "decided").detail().contains("1 without a creation time ranked last"));
  }

  @Test
  void earlierStateIsKept() {
    Recovery in = Cache.recovery(false, new CacheState(Cache.seenOriginal(), null, null, null));
    Recovery out = invoke(new FindSnapshot(Cache.deps(elastiCache)), in);
    assertEquals(Cache.seenOriginal(), out.part(CacheState.PART).diagnosis());
  }
}
