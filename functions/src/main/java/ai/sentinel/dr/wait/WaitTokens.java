package ai.sentinel.dr.wait;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The task tokens of waiting recoveries, in the table {@code <env>-sentinel-dr-waits}: partition key {@link #KEY} =
 * what is awaited ({@link Awaited#key()}), sort key {@link #SORT} = the execution, so several recoveries may wait for
 * one resource and each keeps only its latest token. Items expire by themselves ({@link #TTL}): a token is useless once
 * its wait has timed out, and the state machine has polled by then.
 */
public final class WaitTokens {
  public static final String KEY = "pk";
  public static final String SORT = "execution";
  public static final String TTL = "expiresAt";
  private static final String TOKEN = "token";
  private static final String AT = "registeredAt";

  /** A registered token: the execution that waits and the token that wakes it. */
  public record Waiter(String execution, String token) {}

  private final DynamoDbClient ddb;
  private final String table;
  private final Clock clock;

  public WaitTokens(DynamoDbClient ddb, String table, Clock clock) {
    this.ddb = ddb;
    this.table = table;
    this.clock = clock;
  }

  /**
   * Registers {@code token} of {@code execution} against each of {@code awaited}, for {@code ttl}. Conditional: a
   * token registered later by the same execution is never replaced by an older one (a delayed retry).
   */
  public void register(List<Awaited> awaited, String execution, String token, Duration ttl) {
    long now = clock.millis();
    for (Awaited a : awaited) {
      try {
        ddb.putItem(b -> b.tableName(table)
            .item(Map.of(KEY, s(a.key()), SORT, s(execution), TOKEN, s(token), AT, n(now),
                TTL, n(now / 1000 + ttl.toSeconds())))
            .conditionExpression("attribute_not_exists(#pk) OR #at <= :at")
            .expressionAttributeNames(Map.of("#pk", KEY, "#at", AT))
            .expressionAttributeValues(Map.of(":at", n(now))));
      } catch (ConditionalCheckFailedException e) {
        // a newer token of this execution is already registered: it is the one to answer
      }
    }
  }

  /** The recoveries waiting for {@code awaited}, expired items excluded (TTL deletion may lag by hours). */
  public List<Waiter> waiting(Awaited awaited) {
    List<Waiter> out = new ArrayList<>();
    long nowSeconds = clock.millis() / 1000;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page = ddb.query(b -> b.tableName(table).keyConditionExpression("#pk = :pk")
          .expressionAttributeNames(Map.of("#pk", KEY)).expressionAttributeValues(Map.of(":pk", s(awaited.key())))
          .consistentRead(true).exclusiveStartKey(from));
      for (Map<String, AttributeValue> item : page.items()) {
        AttributeValue expires = item.get(TTL);
        if (expires != null && Long.parseLong(expires.n()) < nowSeconds) {
          continue;
        }
        out.add(new Waiter(item.get(SORT).s(), item.get(TOKEN).s()));
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return out;
  }

  /** Forgets an answered token, unless the execution has registered a newer one meanwhile. */
  public void forget(Awaited awaited, Waiter waiter) {
    try {
      ddb.deleteItem(b -> b.tableName(table).key(Map.of(KEY, s(awaited.key()), SORT, s(waiter.execution())))
          .conditionExpression("#token = :token")
          .expressionAttributeNames(Map.of("#token", TOKEN))
          .expressionAttributeValues(Map.of(":token", s(waiter.token()))));
    } catch (ConditionalCheckFailedException e) {
      // replaced by a newer wait of the same execution: that one is still waiting
    }
  }

  private static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  private static AttributeValue n(long value) {
    return AttributeValue.builder().n(Long.toString(value)).build();
  }
}
