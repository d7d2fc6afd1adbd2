package ai.sentinel.dr.oncall;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.wait.WaitTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Who was paged when, for the pages an approval gate sends: RequestApproval runs as a task-token wait, whose own
 * answer Step Functions discards, so it records each page here (the wait table {@code <env>-sentinel-dr-waits},
 * partition {@code paged#<execution>}, one item per page, expiring after {@link #TTL}) and AcknowledgeApproval copies
 * them into the recovery's timeline once the gate is answered. Without a table (null) nothing is recorded and the
 * timeline says so.
 */
public final class PagingLog {
  /** Long enough for any gate (a Standard execution's approval waits at most the lock lease). */
  static final Duration TTL = Duration.ofDays(2);
  private static final String PREFIX = "paged#";
  private static final String ENTRY = "entry";

  private final DynamoDbClient ddb;
  private final String table;
  private final Clock clock;

  public PagingLog(DynamoDbClient ddb, String table, Clock clock) {
    this.ddb = ddb;
    this.table = table;
    this.clock = clock;
  }

  /** Records {@code entry} (a page: its time, target and how it went) for {@code execution}. */
  public void record(String execution, TimelineEntry entry) {
    long now = clock.millis();
    ddb.putItem(b -> b.tableName(table).item(Map.of(
        WaitTokens.KEY, s(PREFIX + execution),
        // the sort key orders the pages by time; the nanos keep two pages of one millisecond apart
        WaitTokens.SORT, s(entry.at() + "#" + System.nanoTime()),
        ENTRY, s(Json.write(entry)),
        WaitTokens.TTL, AttributeValue.builder().n(Long.toString(now / 1000 + TTL.toSeconds())).build())));
  }

  /** The pages recorded for {@code execution}, oldest first. */
  public List<TimelineEntry> pages(String execution) {
    List<TimelineEntry> out = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page = ddb.query(b -> b.tableName(table).keyConditionExpression("#pk = :pk")
          .expressionAttributeNames(Map.of("#pk", WaitTokens.KEY))
          .expressionAttributeValues(Map.of(":pk", s(PREFIX + execution)))
          .consistentRead(true).exclusiveStartKey(from));
      for (Map<String, AttributeValue> item : page.items()) {
        out.add(Json.read(item.get(ENTRY).s().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            TimelineEntry.class));
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return out;
  }

  private static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }
}
