package ai.sentinel.dr.wait;

/**
 * What a wait loop waits for: a resource of an AWS kind reaching a condition, named as AWS's own events name it, so
 * that the event saying so can find the waiting recovery ({@link WaitTokens}). Kinds and conditions are AWS's, never a
 * scenario's: every scenario that waits for an RDS instance waits for the same thing.
 *
 * @param kind      {@link #RDS_INSTANCE}, {@link #CACHE_CLUSTER}, {@link #ECS_SERVICE}, {@link #RDS_SNAPSHOT} or
 *                  {@link #SECRET}
 * @param resource  the instance id, cache cluster id, ECS service name, DB snapshot id or secret name
 * @param condition {@link #AVAILABLE}, {@link #STABLE} or {@link #AWSCURRENT}
 */
public record Awaited(String kind, String resource, String condition) {
  public static final String RDS_INSTANCE = "rds-instance";
  public static final String CACHE_CLUSTER = "cache-cluster";
  public static final String ECS_SERVICE = "ecs-service";
  public static final String AVAILABLE = "available";
  public static final String STABLE = "stable";
  // ---- Scenario 6's waits (issue 15): a manual DB snapshot, a secret's rotation --------------------------------
  public static final String RDS_SNAPSHOT = "rds-snapshot";
  public static final String SECRET = "secret";
  /** Secrets Manager's staging label of the version in use: a rotation ends when it moves to the new version. */
  public static final String AWSCURRENT = "AWSCURRENT";

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

  public static Awaited rdsSnapshotAvailable(String snapshotId) {
    return new Awaited(RDS_SNAPSHOT, snapshotId, AVAILABLE);
  }

  /**
   * A secret's AWSCURRENT label moving to a new version, by the secret's name: Secrets Manager's event names it so
   * ({@code detail.name}); a full ARN ({@code ...:secret:NAME-AbCdEf}) is reduced to the name.
   */
  public static Awaited secretCurrentMoved(String secretId) {
    String name = secretId;
    int at = name.startsWith("arn:") ? name.indexOf(":secret:") : -1;
    if (at >= 0) {
      name = name.substring(at + ":secret:".length());
      // Secrets Manager appends a hyphen and six random characters to the name in the ARN
      name = name.matches(".+-[A-Za-z0-9]{6}") ? name.substring(0, name.length() - 7) : name;
    }
    return new Awaited(SECRET, name, AWSCURRENT);
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
