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
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * One recovery per resource at a time, and a budget of automatic attempts, kept in one DynamoDB table (pk {@code pk}).
 *
 * <p>A recovery locks every resource it will mutate ({@link Claim}: its own, the secret it repoints, the services it
 * restarts), so recoveries of different scenarios never change one resource at the same time. One item per resource,
 * {@code lock#<kind>:<name>}: owner (execution name), token (which acquisition wrote it), the holder's scenario and
 * resource, lease end, and on the recovery's own resource the signals that joined. Each is taken with a conditional
 * write (free, or its lease ran out: a crashed run cannot hold a resource forever), all in {@link LockedResource#ORDER}
 * and all-or-nothing: an acquisition that finds one resource held gives back what it wrote and waits for nothing, so
 * two recoveries never deadlock. Two copies of one signal share one execution name, so the name alone does not say who
 * took the lock: the execution releases its locks by name when it ends, a responder only what its acquisition wrote
 * (name and token), unless its scenario says what it leaves must stay locked ({@link #hold}: kept without lease until
 * a human releases it, {@link #releaseHeld}). Attempts item {@code attempts#<scenario>#<resource>}: start times of
 * automatic recoveries.
 */
public final class RecoveryLocks {
  public static final String KEY = "pk";
  public static final String TTL = "expiresAt";
  /** On a lock kept after its recovery ended ({@link #hold}): why. Such a lock has no lease and no expiry. */
  public static final String HELD = "held";
  /** The operator's command that frees a held lock, followed by the owner's execution name. */
  public static final String RELEASE_HINT = "./sentinel release";

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
   * Outcome of {@link #acquire}.
   *
   * @param ours           every resource of the claim is held under the owner name asked for (taken now, or earlier
   *                       for the same execution)
   * @param owner          the owner asked for when ours; else the holder of {@code busy}
   * @param token          set only when this call wrote lock items: what {@link #release(Claim, Lock)} needs
   * @param holderScenario the scenario of the recovery holding {@code busy} (null when ours)
   * @param holderResource the resource that recovery recovers (null when ours)
   * @param busy           the first resource of the claim found held by another recovery (null when ours)
   * @param held           why {@code busy} stays locked after its recovery ended ({@link #hold}), else null
   */
  public record Lock(boolean ours, String owner, String token, String holderScenario, String holderResource,
      LockedResource busy, String held) {
    public Lock(boolean ours, String owner, String token, String holderScenario, String holderResource,
        LockedResource busy) {
      this(ours, owner, token, holderScenario, holderResource, busy, null);
    }

    /** This call took locks (and may give them back); false when all were already held, even under the same name. */
    public boolean acquired() {
      return token != null;
    }

    /** Held by a recovery of the same scenario on the same resource: a new signal joins it instead of starting. */
    public boolean heldBySameRecovery(Claim claim) {
      // a recovery that ended holding its locks runs no more: nothing to join, a human is needed
      return !ours && held == null && claim.scenario().equals(holderScenario)
          && claim.resource().equals(holderResource);
    }

    /** Why the claim cannot be taken, for a reason or a page. */
    public String describeBusy() {
      if (held != null) {
        return held + " (" + busy + " stays locked by " + owner + ", " + holderScenario + " on " + holderResource
            + ", which has ended: " + RELEASE_HINT + " " + owner + " once a human has ended what it left)";
      }
      return busy + " is held by " + holderScenario + " on " + holderResource + " (" + owner + ")";
    }
  }

  /** The failover fencing {@code region} now (Scenario 4, {@link RegionFence}), if any. */
  public java.util.Optional<String> regionFence(String region) {
    return RegionFence.holder(ddb, table, region, clock.instant());
  }

  public static String lockKey(LockedResource resource) {
    return "lock#" + resource.key();
  }

  static String attemptsKey(String scenario, String resource) {
    return "attempts#" + scenario + "#" + resource;
  }

  /**
   * Takes every lock of the claim for {@code owner}, in order, all or none; taking it again as the same owner is fine
   * (retries, redeliveries, the execution's first state after the responder).
   */
  public Lock acquire(Claim claim, String owner) {
    Instant now = clock.instant();
    String token = UUID.randomUUID().toString();
    List<LockedResource> written = new ArrayList<>();
    for (LockedResource resource : claim.resources()) {
      Map<String, AttributeValue> holder = null;
      boolean taken = false;
      // twice: a lock released between our write and our read is free again
      for (int round = 0; round < 2 && !taken; round++) {
        taken = put(claim, resource, owner, token, now);
        if (!taken) {
          holder = ddb.getItem(b -> b.tableName(table).key(Map.of(KEY, s(lockKey(resource)))).consistentRead(true))
              .item();
          if (holder != null && holder.containsKey("owner")) {
            break;
          }
        }
      }
      if (taken) {
        written.add(resource);
        continue;
      }
      String holderName = text(holder, "owner");
      if (owner.equals(holderName)) {
        continue;
      }
      // all-or-nothing: what this call wrote is given back at once, and nobody waits while holding a lock
      written.forEach(r -> deleteOwn(r, owner, token));
      return new Lock(false, holderName == null ? "(changing hands)" : holderName, null, text(holder, "scenario"),
          text(holder, "resource"), resource, text(holder, HELD));
    }
    return new Lock(true, owner, written.isEmpty() ? null : token, null, null, null);
  }

  private boolean put(Claim claim, LockedResource resource, String owner, String token, Instant now) {
    try {
      ddb.putItem(b -> b.tableName(table)
          .item(Map.of(KEY, s(lockKey(resource)), "owner", s(owner), "token", s(token), "scenario",
              s(claim.scenario()), "resource", s(claim.resource()), "acquiredAt", s(now.toString()),
              "joined", AttributeValue.fromM(Map.of()),
              "leaseUntil", n(now.plus(lease).getEpochSecond()), TTL, n(now.plus(lease).plus(lease)
                  .getEpochSecond())))
          // only a free or expired lock is written: the owner's own lock is left as is, with the joins it holds; a
          // held lock never expires (its recovery ended leaving what only a human may end)
          .conditionExpression("attribute_not_exists(#pk) OR (#lease < :now AND attribute_not_exists(#held))")
          .expressionAttributeNames(Map.of("#pk", KEY, "#lease", "leaseUntil", "#held", HELD))
          .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Records that another signal arrived while {@code owner} recovers the claim's resource (same scenario, same
   * resource); the owner's final step puts it in the timeline. A signal joins once however often it is redelivered.
   * False when the lock is no longer that recovery's (it just ended): the caller then starts over.
   */
  public boolean join(Claim claim, String owner, String signalKey, String description) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(Map.of(KEY, s(lockKey(claim.own()))))
          .updateExpression("SET #joined.#signal = if_not_exists(#joined.#signal, :description)")
          .conditionExpression("#owner = :owner AND #scenario = :scenario AND #resource = :resource "
              + "AND attribute_exists(#joined)")
          .expressionAttributeNames(Map.of("#joined", "joined", "#signal", signalKey, "#owner", "owner",
              "#scenario", "scenario", "#resource", "resource"))
          .expressionAttributeValues(Map.of(":description", s(clock.instant() + " " + description),
              ":owner", s(owner), ":scenario", s(claim.scenario()), ":resource", s(claim.resource()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Joins {@code signalKey} to the recovery that holds the claim's own resource, if one does (same scenario and
   * resource, lease running): evidence for it, never a start. Returns its owner, or null when none runs.
   */
  public String joinRunning(Claim claim, String signalKey, String description) {
    Map<String, AttributeValue> holder = ddb.getItem(b -> b.tableName(table)
        .key(Map.of(KEY, s(lockKey(claim.own())))).consistentRead(true)).item();
    String owner = text(holder, "owner");
    if (owner == null || !holder.containsKey("leaseUntil") || holder.containsKey(HELD)
        || Long.parseLong(holder.get("leaseUntil").n()) < clock.instant().getEpochSecond()) {
      return null;
    }
    return join(claim, owner, signalKey, description) ? owner : null;
  }

  /**
   * The execution's release when it ends: frees every lock of the claim held under its name, whichever acquisition
   * wrote it; returns the signals that joined it. Someone else's locks are left alone.
   */
  public List<String> release(Claim claim, String owner) {
    List<String> joined = new ArrayList<>();
    for (LockedResource resource : claim.resources()) {
      try {
        DeleteItemResponse r = ddb.deleteItem(b -> b.tableName(table).key(Map.of(KEY, s(lockKey(resource))))
            .conditionExpression("#owner = :owner")
            .expressionAttributeNames(Map.of("#owner", "owner"))
            .expressionAttributeValues(Map.of(":owner", s(owner)))
            .returnValues(ReturnValue.ALL_OLD));
        if (resource.equals(claim.own()) && r != null && r.hasAttributes() && r.attributes().containsKey("joined")) {
          r.attributes().get("joined").m().values().forEach(v -> joined.add(v.s()));
        }
      } catch (ConditionalCheckFailedException e) {
        // not held under this name (never taken, or taken since by another recovery): not ours to touch
      }
    }
    joined.sort(null);
    return joined;
  }

  /**
   * The execution's end when it leaves its resources in a state only a human may end: instead of being released, every
   * lock of the claim held under its name is kept, marked {@link #HELD} with {@code reason}, without lease or expiry,
   * so that no recovery (of any scenario) takes them until {@link #releaseHeld} by a human. Returns the resources
   * kept; someone else's locks are left alone. Safe to run twice.
   */
  public List<LockedResource> hold(Claim claim, String owner, String reason) {
    List<LockedResource> kept = new ArrayList<>();
    for (LockedResource resource : claim.resources()) {
      try {
        ddb.updateItem(b -> b.tableName(table).key(Map.of(KEY, s(lockKey(resource))))
            .updateExpression("SET #held = :reason, #heldAt = :now REMOVE #ttl")
            .conditionExpression("#owner = :owner")
            .expressionAttributeNames(Map.of("#held", HELD, "#heldAt", "heldAt", "#ttl", TTL, "#owner", "owner"))
            .expressionAttributeValues(Map.of(":reason", s(reason), ":now", s(clock.instant().toString()),
                ":owner", s(owner))));
        kept.add(resource);
      } catch (ConditionalCheckFailedException e) {
        // not held under this name: not ours to keep
      }
    }
    return kept;
  }

  /**
   * A human's release of the locks {@code owner} kept when it ended ({@link #hold}), once they have ended what it left:
   * every held lock of that owner, wherever it is; a running recovery's locks (not held) are never touched. Returns
   * the released resources' keys with the reason each was held.
   */
  public Map<String, String> releaseHeld(String owner) {
    Map<String, String> released = new java.util.TreeMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = ddb.scan(b -> b.tableName(table).consistentRead(true).exclusiveStartKey(from)
          .filterExpression("#owner = :owner AND attribute_exists(#held)")
          .expressionAttributeNames(Map.of("#owner", "owner", "#held", HELD))
          .expressionAttributeValues(Map.of(":owner", s(owner))));
      for (Map<String, AttributeValue> item : page.items()) {
        String key = item.get(KEY).s();
        try {
          ddb.deleteItem(b -> b.tableName(table).key(Map.of(KEY, s(key)))
              .conditionExpression("#owner = :owner AND attribute_exists(#held)")
              .expressionAttributeNames(Map.of("#owner", "owner", "#held", HELD))
              .expressionAttributeValues(Map.of(":owner", s(owner))));
          released.put(key.substring("lock#".length()), text(item, HELD));
        } catch (ConditionalCheckFailedException e) {
          // released meanwhile by someone else: nothing to do
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return released;
  }

  /**
   * Gives back the locks this process acquired, where it still holds them (same owner and token): a late or repeated
   * release never frees a lock taken since, nor one another copy of the signal took under the same name.
   */
  public void release(Claim claim, Lock acquired) {
    if (!acquired.acquired()) {
      throw new IllegalArgumentException("locks on " + claim.resource() + " were not acquired by this call: nothing "
          + "to release");
    }
    claim.resources().forEach(r -> deleteOwn(r, acquired.owner(), acquired.token()));
  }

  private void deleteOwn(LockedResource resource, String owner, String token) {
    try {
      ddb.deleteItem(b -> b.tableName(table).key(Map.of(KEY, s(lockKey(resource))))
          .conditionExpression("#owner = :owner AND #token = :token")
          .expressionAttributeNames(Map.of("#owner", "owner", "#token", "token"))
          .expressionAttributeValues(Map.of(":owner", s(owner), ":token", s(token))));
    } catch (ConditionalCheckFailedException e) {
      // taken since by someone else, or already gone: not ours to touch
    }
  }

  private static String text(Map<String, AttributeValue> item, String field) {
    return item == null || !item.containsKey(field) ? null : item.get(field).s();
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
   * Gives back the attempt {@link #recordStart} counted for {@code executionName}: a recovery that found its resource
   * healthy (or could not tell) and changed nothing did not spend the budget, so alarms on a healthy resource cannot
   * exhaust it before a real failure. True when an attempt was given back; false when none was counted (an operator's
   * start, or given back already): nothing is written then, not even an empty item.
   */
  public boolean refund(String scenario, String resource, String executionName) {
    try {
      ddb.updateItem(b -> b.tableName(table).key(Map.of(KEY, s(attemptsKey(scenario, resource))))
          .updateExpression("REMOVE #starts.#name")
          .conditionExpression("attribute_exists(#starts.#name)")
          .expressionAttributeNames(Map.of("#starts", "starts", "#name", executionName)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
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
