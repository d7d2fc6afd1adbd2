package ai.sentinel.dr.safety;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * One recovery per resource at a time, and a budget of automatic attempts, kept in one DynamoDB table (pk {@code pk}).
 *
 * <p>Lock item {@code lock#<scenario>#<resource>}: owner (execution name), token (which acquisition wrote it), lease
 * end, signals that joined. Taken with a conditional write (free, or its lease ran out: a crashed run cannot hold a
 * resource forever). Two copies of one signal share one execution name, so the name alone does not say who took the
 * lock: the execution releases its lock by name when it ends, a responder only the acquisition it made (name and
 * token). Attempts item {@code attempts#<scenario>#<resource>}: start times of automatic recoveries.
 */
public final class RecoveryLocks {
  public static final String KEY = "pk";
  public static final String TTL = "expiresAt";

  private final DynamoDbClient ddb;
  private final String table;
  private final Clock clock;
  private final Duration lease;

  public RecoveryLocks(DynamoDbClient ddb, String table, Clock clock, Duration lease) {
    this.ddb = ddb;
    this.table = table;
    this.clock = clock;
    this.lease = lease;
  }

  /**
   * Outcome of {@link #acquire}: who holds the lock now.
   *
   * @param ours the lock is held under the owner name asked for (taken now, or earlier for the same execution)
   * @param token set only when this call wrote the lock: what {@link #release(String, String, Lock)} needs
   */
  public record Lock(boolean ours, String owner, String token) {
    /** This call took the lock (and may give it back); false when it was already held, even under the same name. */
    public boolean acquired() {
      return token != null;
    }
  }

  public static String lockKey(String scenario, String resource) {
    return "lock#" + scenario + "#" + resource;
  }

  static String attemptsKey(String scenario, String resource) {
    return "attempts#" + scenario + "#" + resource;
  }

  /** Takes the lock for {@code owner}; taking it again as the same owner is fine (retries, redeliveries). */
  public Lock acquire(String scenario, String resource, String owner) {
    Instant now = clock.instant();
    String key = lockKey(scenario, resource);
    String token = UUID.randomUUID().toString();
    try {
      ddb.putItem(b -> b.tableName(table)
          .item(Map.of(KEY, s(key), "owner", s(owner), "token", s(token), "acquiredAt", s(now.toString()),
              "joined", AttributeValue.fromM(Map.of()),
              "leaseUntil", n(now.plus(lease).getEpochSecond()), TTL, n(now.plus(lease).plus(lease)
                  .getEpochSecond())))
          // only a free or expired lock is written: the owner's own lock is left as is, with the joins it holds
          .conditionExpression("attribute_not_exists(#pk) OR #lease < :now")
          .expressionAttributeNames(Map.of("#pk", KEY, "#lease", "leaseUntil"))
          .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))));
      return new Lock(true, owner, token);
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table).key(Map.of(KEY, s(key)))
          .consistentRead(true)).item();
      String holder = item == null || !item.containsKey("owner") ? "(released meanwhile)" : item.get("owner").s();
      return new Lock(owner.equals(holder), holder, null);
    }
  }

  /**
   * Records that another signal arrived while {@code owner} recovers the resource; the owner's final step puts it in
   * the timeline. A signal joins once however often it is redelivered. False when the lock is no longer that
   * owner's (the recovery just ended): the caller then starts over.
   */
  public boolean join(String scenario, String resource, String owner, String signalKey, String description) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(Map.of(KEY, s(lockKey(scenario, resource))))
          .updateExpression("SET #joined.#signal = if_not_exists(#joined.#signal, :description)")
          .conditionExpression("#owner = :owner AND attribute_exists(#joined)")
          .expressionAttributeNames(Map.of("#joined", "joined", "#signal", signalKey, "#owner", "owner"))
          .expressionAttributeValues(Map.of(":description", s(clock.instant() + " " + description),
              ":owner", s(owner))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * The execution's release when it ends: frees the lock held under its name, whichever acquisition wrote it; returns
   * the signals that joined it. Someone else's lock is left alone.
   */
  public List<String> release(String scenario, String resource, String owner) {
    try {
      DeleteItemResponse r = ddb.deleteItem(b -> b.tableName(table).key(Map.of(KEY, s(lockKey(scenario, resource))))
          .conditionExpression("#owner = :owner")
          .expressionAttributeNames(Map.of("#owner", "owner"))
          .expressionAttributeValues(Map.of(":owner", s(owner)))
          .returnValues(ReturnValue.ALL_OLD));
      List<String> joined = new ArrayList<>();
      if (r != null && r.hasAttributes() && r.attributes().containsKey("joined")) {
        r.attributes().get("joined").m().values().forEach(v -> joined.add(v.s()));
        joined.sort(null);
      }
      return joined;
    } catch (ConditionalCheckFailedException e) {
      return List.of();
    }
  }

  /**
   * Gives back a lock this process acquired, if it still holds it (same owner and token): a late or repeated release
   * never frees a lock taken since, nor one another copy of the signal took under the same name.
   */
  public void release(String scenario, String resource, Lock acquired) {
    if (!acquired.acquired()) {
      throw new IllegalArgumentException("lock on " + resource + " was not acquired by this call: nothing to release");
    }
    try {
      ddb.deleteItem(b -> b.tableName(table).key(Map.of(KEY, s(lockKey(scenario, resource))))
          .conditionExpression("#owner = :owner AND #token = :token")
          .expressionAttributeNames(Map.of("#owner", "owner", "#token", "token"))
          .expressionAttributeValues(Map.of(":owner", s(acquired.owner()), ":token", s(acquired.token()))));
    } catch (ConditionalCheckFailedException e) {
      // taken since by someone else, or already gone: not ours to touch
    }
  }

  /** Automatic recoveries of this resource started within the window. */
  public List<Instant> recentStarts(String scenario, String resource, Duration window) {
    Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(table)
        .key(Map.of(KEY, s(attemptsKey(scenario, resource)))).consistentRead(true)).item();
    Instant since = clock.instant().minus(window);
    List<Instant> out = new ArrayList<>();
    if (item != null && item.containsKey("starts")) {
      for (AttributeValue v : item.get("starts").m().values()) {
        Instant t = Instant.ofEpochSecond(Long.parseLong(v.n()));
        if (t.isAfter(since)) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** Counts a start once per execution, however often a redelivered signal gets here. */
  public void recordStart(String scenario, String resource, String executionName) {
    Instant now = clock.instant();
    Map<String, AttributeValue> key = Map.of(KEY, s(attemptsKey(scenario, resource)));
    ddb.updateItem(b -> b.tableName(table).key(key)
        .updateExpression("SET #starts = if_not_exists(#starts, :empty)")
        .expressionAttributeNames(Map.of("#starts", "starts"))
        .expressionAttributeValues(Map.of(":empty", AttributeValue.fromM(Map.of()))));
    ddb.updateItem(b -> b.tableName(table).key(key)
        .updateExpression("SET #starts.#name = if_not_exists(#starts.#name, :now)")
        .expressionAttributeNames(Map.of("#starts", "starts", "#name", executionName))
        .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))));
  }

  /**
   * Records an escalation; true when it is the first in the window (so the on-call is paged once, not per signal).
   */
  public boolean recordEscalation(String scenario, String resource, Duration window) {
    Instant now = clock.instant();
    try {
      ddb.updateItem(b -> b.tableName(table).key(Map.of(KEY, s(attemptsKey(scenario, resource))))
          .updateExpression("SET #esc = :now")
          .conditionExpression("attribute_not_exists(#esc) OR #esc < :since")
          .expressionAttributeNames(Map.of("#esc", "escalatedAt"))
          .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()),
              ":since", n(now.minus(window).getEpochSecond()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  private static AttributeValue n(long v) {
    return AttributeValue.fromN(Long.toString(v));
  }
}
