package ai.sentinel.dr.wait;

/**
 * What a wait loop waits for: a resource of an AWS kind reaching a condition, named as AWS's own events name it, so
 * that the event saying so can find the waiting recovery ({@link WaitTokens}). Kinds and conditions are AWS's, never a
 * scenario's: every scenario that waits for an RDS instance waits for the same thing.
 *
 * @param kind      {@link #RDS_INSTANCE}, {@link #CACHE_CLUSTER} or {@link #ECS_SERVICE}
 * @param resource  the instance id, cache cluster id or ECS service name
 * @param condition {@link #AVAILABLE} or {@link #STABLE}
 */
public record Awaited(String kind, String resource, String condition) {
  public static final String RDS_INSTANCE = "rds-instance";
  public static final String CACHE_CLUSTER = "cache-cluster";
  public static final String ECS_SERVICE = "ecs-service";
  public static final String AVAILABLE = "available";
  public static final String STABLE = "stable";

  public Awaited {
    if (kind == null || resource == null || resource.isBlank() || condition == null) {
      throw new IllegalArgumentException("a wait needs a kind, a resource and a condition");
    }
  }

  public static Awaited rdsInstanceAvailable(String instanceId) {
    return new Awaited(RDS_INSTANCE, instanceId, AVAILABLE);
  }

  public static Awaited cacheClusterAvailable(String clusterId) {
    return new Awaited(CACHE_CLUSTER, clusterId, AVAILABLE);
  }

  /** An ECS service by name: its events name it by ARN, whose old format has no cluster, so the name is the key. */
  public static Awaited ecsServiceStable(String service) {
    return new Awaited(ECS_SERVICE, service.substring(service.lastIndexOf('/') + 1), STABLE);
  }

  /** The table key: {@code rds-instance:sentinel-db-recovery#available}. */
  public String key() {
    return kind + ":" + resource + "#" + condition;
  }

  @Override
  public String toString() {
    return key();
  }
}
