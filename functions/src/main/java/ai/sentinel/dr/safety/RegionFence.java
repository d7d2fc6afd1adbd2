package ai.sentinel.dr.safety;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * A region being failed over (Scenario 4): one item {@code fence#region:<region>} in a lock table, written by the
 * failover, read by the responders of that region's own stack before they start a per-resource recovery. An alarm
 * storm in a dying region must not start database, Redis or ECS recoveries there while the platform moves away.
 * The item expires with its lease like a lock, so a crashed failover does not fence the region forever.
 */
public final class RegionFence {
  private RegionFence() {}

  /** The fence item's key for {@code region}. */
  public static String key(String region) {
    return "fence#region:" + region;
  }

  /**
   * Writes (or renews) the fence of {@code region}, held by the failover {@code owner}, for {@code lease}, giving up
   * after {@code timeout}.
   */
  public static void set(DynamoDbClient ddb, String table, String region, String owner, Instant now, Duration lease,
      Duration timeout) {
    ddb.putItem(b -> b.overrideConfiguration(o -> o.apiCallTimeout(timeout)).tableName(table).item(Map.of(
        RecoveryLocks.KEY, AttributeValue.fromS(key(region)),
        "owner", AttributeValue.fromS(owner), "setAt", AttributeValue.fromS(now.toString()),
        "leaseUntil", AttributeValue.fromN(Long.toString(now.plus(lease).getEpochSecond())),
        RecoveryLocks.TTL, AttributeValue.fromN(Long.toString(now.plus(lease).plus(lease)
            .getEpochSecond())))));
  }

  /** The failover fencing {@code region} now, if any (an expired fence fences nothing). */
  public static Optional<String> holder(DynamoDbClient ddb, String table, String region, Instant now) {
    GetItemResponse found = ddb.getItem(b -> b.tableName(table).key(Map.of(RecoveryLocks.KEY,
        AttributeValue.fromS(key(region)))).consistentRead(true));
    AttributeValue pk = found == null || !found.hasItem() ? null : found.item().get(RecoveryLocks.KEY);
    if (pk == null || !key(region).equals(pk.s()) || !found.item().containsKey("owner")) {
      return Optional.empty();
    }
    AttributeValue until = found.item().get("leaseUntil");
    if (until != null && until.n() != null && Long.parseLong(until.n()) < now.getEpochSecond()) {
      return Optional.empty();
    }
    return Optional.of(found.item().get("owner").s());
  }
}
