package ai.sentinel.dr.redis;

import ai.sentinel.dr.recovery.Part;
import java.util.List;

/**
 * Scenario 2 (Redis Failure) working state, filled in step by step. Choice states read
 * {@code $.cache.cluster.available}.
 *
 * @param diagnosis what Diagnose saw of the protected cluster
 * @param snapshot  the snapshot FindSnapshot chose (its age is the RPO achieved)
 * @param cluster   the recovery cluster: creation and availability
 * @param secret    the repointed Redis URL secret (never its value)
 */
public record CacheState(Diagnosis diagnosis, SnapshotChoice snapshot, RecoveryCluster cluster,
    SecretUpdate secret) {
  /** Where Scenario 2 keeps its state in the recovery document (Choice states read $.cache...). */
  public static final Part<CacheState> PART = new Part<>("cache", CacheState.class);


  public CacheState withDiagnosis(Diagnosis value) {
    return new CacheState(value, snapshot, cluster, secret);
  }

  public CacheState withSnapshot(SnapshotChoice value) {
    return new CacheState(diagnosis, value, cluster, secret);
  }

  public CacheState withCluster(RecoveryCluster value) {
    return new CacheState(diagnosis, snapshot, value, secret);
  }

  public CacheState withSecret(SecretUpdate value) {
    return new CacheState(diagnosis, snapshot, cluster, value);
  }

  /**
   * Runbook "Diagnosis": cluster status and its CurrConnections / EngineCPUUtilization.
   *
   * @param clusterId       the protected cluster
   * @param found           false when DescribeCacheClusters says CacheClusterNotFound
   * @param status          CacheClusterStatus
   * @param nodeType        the original's node type (the recovery cluster copies it)
   * @param engine          redis
   * @param engineVersion   the original's engine version
   * @param subnetGroup     the original's cache subnet group
   * @param securityGroupIds the original's VPC security groups
   * @param settingsSource  where the recovery cluster's settings come from: "original" when read from the cluster,
   *                        "config" when it could not be described, "original+config" when it was described but
   *                        lacked some (e.g. reported no security groups) and the config filled them in
   * @param currConnections latest CurrConnections average, null when there is no datapoint
   * @param engineCpu       latest EngineCPUUtilization average, null when there is no datapoint
   * @param healthy         the cluster answers as available
   * @param finding         one line for the timeline and the report's root cause
   * @param checkedAt       when
   */
  public record Diagnosis(String clusterId, boolean found, String status, String nodeType, String engine,
      String engineVersion, String subnetGroup, List<String> securityGroupIds, String settingsSource,
      Double currConnections, Double engineCpu, boolean healthy, String finding, String checkedAt) {}

  /**
   * @param name      snapshot name
   * @param createdAt its creation time (ISO-8601): the recovery point
   * @param how       "latest" (newest available) or "named" (the operator's choice)
   */
  public record SnapshotChoice(String name, String createdAt, String how) {}

  /**
   * @param clusterId   recovery cluster id (the runbook's sentinel-redis-recovery)
   * @param requestedAt when CreateCacheCluster was sent (or found already created by this execution)
   * @param status      CacheClusterStatus at the last poll
   * @param address     node endpoint address, once known
   * @param port        node endpoint port
   * @param available   true once available with an endpoint
   * @param polls       availability polls so far
   */
  public record RecoveryCluster(String clusterId, String requestedAt, String status, String address, Integer port,
      boolean available, int polls) {

    /** One more availability poll: what it saw. */
    public RecoveryCluster polled(String newStatus, String newAddress, Integer newPort, boolean isAvailable) {
      return new RecoveryCluster(clusterId, requestedAt, newStatus, newAddress, newPort, isAvailable, polls + 1);
    }
  }

  /**
   * @param secretId  the secret repointed (sentinel/redis-url)
   * @param versionId the new secret version
   * @param updatedAt when (RestartServices restarts only deployments older than this)
   * @param host      the endpoint it now points at
   */
  public record SecretUpdate(String secretId, String versionId, String updatedAt, String host) {}
}
