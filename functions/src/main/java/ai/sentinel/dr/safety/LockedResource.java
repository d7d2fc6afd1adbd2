package ai.sentinel.dr.safety;

import java.util.Comparator;

/**
 * A resource a recovery mutates, as the lock table names it: {@code <kind>:<name>}. The kind keeps an instance and a
 * service of the same name apart; every scenario that mutates the same thing must name it the same way, which is what
 * the factories are for.
 *
 * @param kind what it is ({@code rds-instance}, {@code cache-cluster}, {@code ecs-service}, {@code secret}, ...)
 * @param name its identity within the kind (an ECS service is {@code <cluster>/<service>})
 */
public record LockedResource(String kind, String name) implements Comparable<LockedResource> {
  /** The one order every recovery locks its resources in, so two recoveries never wait on each other in a circle. */
  public static final Comparator<LockedResource> ORDER = Comparator.comparing(LockedResource::key);

  public LockedResource {
    if (kind == null || kind.isBlank() || kind.contains(":") || name == null || name.isBlank()) {
      throw new IllegalArgumentException("a locked resource needs a kind without ':' and a name, got " + kind + ":"
          + name);
    }
  }

  public static LockedResource rdsInstance(String id) {
    return new LockedResource("rds-instance", id);
  }

  public static LockedResource cacheCluster(String id) {
    return new LockedResource("cache-cluster", id);
  }

  public static LockedResource ecsService(String cluster, String service) {
    return new LockedResource("ecs-service", cluster + "/" + service);
  }

  /** A Secrets Manager secret, by name (not ARN). */
  public static LockedResource secret(String name) {
    return new LockedResource("secret", name);
  }

  /** The lock table's name for it. */
  public String key() {
    return kind + ":" + name;
  }

  @Override
  public int compareTo(LockedResource other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return key();
  }
}
