package ai.sentinel.dr.redis;

import java.util.List;
import ai.sentinel.dr.wait.Awaited;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.redis.CacheState.RecoveryCluster;
import java.util.Map;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.Endpoint;

/**
 * Scenario 2, recovery steps 3-4: one poll of the recovery cluster ("wait cache-cluster-available"), then its node
 * endpoint. Available means status available and an endpoint to connect to: a status alone is not enough to repoint
 * the secret. The state machine's Wait state spaces the polls (no sleeping in Lambda).
 */
public final class WaitForCluster extends Step {
  private final ElastiCacheClient elastiCache;

  public WaitForCluster() {
    this(Deps.fromProcessEnv());
  }

  public WaitForCluster(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForCluster(Deps deps) {
    super(deps);
    this.elastiCache = deps.clients().elastiCache();
  }

  @Override
  public String name() {
    return "WaitForCluster";
  }

  /** ElastiCache says so on the stack's topic (CacheClusterProvisioningComplete). */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    CacheState state = recovery.part(CacheState.PART);
    return state == null || state.cluster() == null ? List.of()
        : List.of(Awaited.cacheClusterAvailable(state.cluster().clusterId()));
  }

  @Override
  protected Recovery run(Recovery recovery) {
    RecoveryCluster cluster = CacheClusters.requireCluster(recovery, name());
    String id = cluster.clusterId();
    if (recovery.dryRun()) {
      // nothing was created: later steps plan against a placeholder endpoint
      RecoveryCluster planned = cluster.polled("planned", "(" + id + " endpoint)", CacheClusters.DEFAULT_PORT, true);
      return recovery.update(CacheState.PART, s -> s.withCluster(planned))
          .log(entry("skipped", "dry-run: would wait for " + id + " to be available"));
    }
    CacheCluster seen = CacheClusters.find(elastiCache, id)
        .orElseThrow(() -> new StepFailedError(id + " not found while waiting for it to be available"));
    String status = seen.cacheClusterStatus();
    Endpoint endpoint = CacheClusters.endpoint(seen);
    boolean available = "available".equals(status) && endpoint != null;
    RecoveryCluster next = cluster.polled(status, available ? endpoint.address() : null,
        available ? CacheClusters.portOf(endpoint) : null, available);
    Recovery out = recovery.update(CacheState.PART, s -> s.withCluster(next));
    if (available) {
      return out.log(entry("done", id + " available at " + next.address() + ":" + next.port() + " after "
          + next.polls() + " poll(s)"));
    }
    String seenAs = "available".equals(status) ? "available but reports no node endpoint yet" : "'" + status + "'";
    if (next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError(id + " still " + seenAs + " after " + next.polls() + " polls");
    }
    return out.log(entry(Recovery.WAITING, id + " is " + seenAs + " (poll " + next.polls() + " of "
        + recovery.options().maxPolls() + ")"));
  }
}
