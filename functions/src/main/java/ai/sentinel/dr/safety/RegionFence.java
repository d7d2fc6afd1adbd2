package ai.sentinel.dr.safety;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

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

  /**
   * Tells the recoveries already running in the fenced region: every lock item of {@code table} whose lease runs (not
   * the fence's owner) is marked {@code fencedBy} = {@code owner} and {@code fencedAt} (only while its holder still
   * holds it), so whoever reads it (the running recovery's own release, an operator, {@code ./sentinel}) sees that the
   * region is being failed over. Returns each execution told, once, as "execution (scenario on resource)"; it is not
   * interrupted.
   */
  public static List<String> tellRunning(DynamoDbClient ddb, String table, String owner, Instant now,
      Duration timeout) {
    java.util.Set<String> told = new java.util.LinkedHashSet<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = ddb.scan(b -> b.overrideConfiguration(o -> o.apiCallTimeout(timeout)).tableName(table)
          .filterExpression("begins_with(#pk, :lock) AND #lease >= :now AND #owner <> :fence")
          .expressionAttributeNames(Map.of("#pk", RecoveryLocks.KEY, "#lease", "leaseUntil", "#owner", "owner"))
          .expressionAttributeValues(Map.of(":lock", AttributeValue.fromS("lock#"), ":now",
              AttributeValue.fromN(Long.toString(now.getEpochSecond())), ":fence", AttributeValue.fromS(owner)))
          .exclusiveStartKey(from));
      for (Map<String, AttributeValue> item : page.items()) {
        String holder = text(item, "owner");
        try {
          ddb.updateItem(b -> b.overrideConfiguration(o -> o.apiCallTimeout(timeout)).tableName(table)
              .key(Map.of(RecoveryLocks.KEY, item.get(RecoveryLocks.KEY)))
              .updateExpression("SET fencedBy = :fence, fencedAt = :at")
              .conditionExpression("#owner = :holder")
              .expressionAttributeNames(Map.of("#owner", "owner"))
              .expressionAttributeValues(Map.of(":fence", AttributeValue.fromS(owner), ":at",
                  AttributeValue.fromS(now.toString()), ":holder", AttributeValue.fromS(holder))));
          told.add(holder + " (" + text(item, "scenario") + " on " + text(item, "resource") + ")");
        } catch (ConditionalCheckFailedException e) {
          // released (or taken by another) meanwhile: nothing to tell
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return List.copyOf(told);
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.s() == null ? "?" : v.s();
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
