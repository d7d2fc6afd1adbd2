package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.redis.CacheState.SnapshotChoice;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheClusterNotFoundException;
import software.amazon.awssdk.services.elasticache.model.DescribeSnapshotsRequest;
import software.amazon.awssdk.services.elasticache.model.NodeSnapshot;
import software.amazon.awssdk.services.elasticache.model.Snapshot;
import software.amazon.awssdk.services.elasticache.model.SnapshotNotFoundException;

/**
 * Scenario 2, recovery step 1: "describe-snapshots --cache-cluster-id". Chooses the newest available snapshot of the
 * protected cluster, or checks the one the operator named. Read-only; the choice and its reason go into the timeline.
 */
public final class FindSnapshot extends Step {
  private final ElastiCacheClient elastiCache;

  public FindSnapshot() {
    this(Deps.fromProcessEnv());
  }

  public FindSnapshot(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public FindSnapshot(Deps deps) {
    super(deps);
    this.elastiCache = deps.clients().elastiCache();
  }

  @Override
  public String name() {
    return "FindSnapshot";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String source = CacheClusters.protectedCluster(recovery, deps.config());
    String requested = recovery.options() == null ? null : recovery.options().snapshotId();
    Chosen chosen = requested == null || requested.isBlank() || requested.equals("latest")
        ? latest(source) : named(source, requested);
    Instant taken = takenAt(chosen.snapshot());
    SnapshotChoice choice = new SnapshotChoice(chosen.snapshot().snapshotName(),
        taken == null ? null : taken.toString(), chosen.how());
    return recovery.with(CacheState.PART, CacheClusters.state(recovery).withSnapshot(choice))
        .log(entry("decided", "restore from snapshot " + choice.name() + " ("
            + (taken == null ? "creation time unknown" : "taken " + taken) + "): " + chosen.reason()));
  }

  private record Chosen(Snapshot snapshot, String how, String reason) {}

  private Chosen latest(String source) {
    List<Snapshot> all = snapshotsOf(source);
    List<Snapshot> available = all.stream().filter(s -> "available".equals(s.snapshotStatus())).toList();
    if (available.isEmpty()) {
      throw new StepFailedError("no available snapshot of " + source + " to create the recovery cluster from"
          + (all.isEmpty() ? "" : " (" + all.size() + " snapshot(s), none available: "
              + all.stream().map(s -> s.snapshotName() + " '" + s.snapshotStatus() + "'").toList() + ")"));
    }
    List<Snapshot> timed = available.stream().filter(s -> takenAt(s) != null).toList();
    int untimed = available.size() - timed.size();
    if (timed.isEmpty()) {
      if (available.size() > 1) {
        // picking one at random could restore older data than the operator expects: a human names it
        throw new StepFailedError(available.size() + " available snapshots of " + source + " and none reports "
            + "when it was taken (NodeSnapshots[].SnapshotCreateTime), so the latest cannot be told: name one in "
            + "options.snapshotId");
      }
      return new Chosen(available.get(0), "latest", "the only available snapshot of " + source);
    }
    Snapshot newest = timed.stream().max(Comparator.comparing(FindSnapshot::takenAt)).orElseThrow();
    return new Chosen(newest, "latest", "newest of " + available.size() + " available snapshot(s) of " + source
        + (all.size() > available.size() ? ", " + (all.size() - available.size()) + " not available skipped" : "")
        + (untimed > 0 ? ", " + untimed + " without a creation time ranked last" : ""));
  }

  /**
   * Every snapshot of the cluster, all pages. When the cluster itself is gone (the failure being recovered),
   * DescribeSnapshots by CacheClusterId may answer CacheClusterNotFound although its snapshots outlive it: then
   * every snapshot is listed and filtered here.
   */
  private List<Snapshot> snapshotsOf(String source) {
    List<Snapshot> listed;
    try {
      listed = elastiCache.describeSnapshotsPaginator(b -> b.cacheClusterId(source)).snapshots().stream().toList();
    } catch (CacheClusterNotFoundException e) {
      listed = elastiCache.describeSnapshotsPaginator(DescribeSnapshotsRequest.builder().build()).snapshots()
          .stream().toList();
    }
    // the filter also drops a replication group's snapshots that share the id
    return listed.stream().filter(s -> source.equals(s.cacheClusterId())).toList();
  }

  private Chosen named(String source, String requested) {
    Snapshot named;
    try {
      named = elastiCache.describeSnapshots(b -> b.snapshotName(requested)).snapshots().stream().findFirst()
          .orElseThrow(() -> new StepFailedError("snapshot " + requested + " not found"));
    } catch (SnapshotNotFoundException e) {
      throw new StepFailedError("snapshot " + requested + " not found");
    }
    if (!source.equals(named.cacheClusterId())) {
      String owner = named.cacheClusterId() != null ? named.cacheClusterId()
          : "replication group " + named.replicationGroupId();
      throw new StepFailedError("snapshot " + requested + " belongs to " + owner + ", not " + source
          + ": refusing to restore another cache's data");
    }
    if (!"available".equals(named.snapshotStatus())) {
      throw new StepFailedError("snapshot " + requested + " is '" + named.snapshotStatus() + "', not available");
    }
    return new Chosen(named, "named", "named by the operator");
  }

  /** When the snapshot was taken: the newest of its node snapshots' times (one node here), null when unreported. */
  static Instant takenAt(Snapshot snapshot) {
    return snapshot.nodeSnapshots().stream().map(NodeSnapshot::snapshotCreateTime).filter(Objects::nonNull)
        .max(Comparator.naturalOrder()).orElse(null);
  }
}
