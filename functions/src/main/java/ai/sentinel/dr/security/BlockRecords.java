package ai.sentinel.dr.security;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Who blocked which range at WAF, why and until when: one item per range in {@code <env>-sentinel-dr-security-blocks}
 * (the stack's table). Only ranges recorded here are ever pruned; an entry someone added to the IP set by hand has no
 * record and stays. A later block of the same range only extends its expiry, never shortens it.
 */
final class BlockRecords {
  static final String SUFFIX = "-sentinel-dr-security-blocks";
  static final String CIDR = "cidr";
  static final String EXPIRES = "expiresAt";

  private BlockRecords() {}

  /** The table of an environment. */
  static String table(String environment) {
    return environment + SUFFIX;
  }

  /**
   * The record of {@code cidr} blocked until {@code expires}; refused by DynamoDB when a later expiry is recorded, and,
   * with {@code extendOnly}, when there is no record (a range someone put in the set by hand must not start expiring).
   */
  static PutItemRequest put(String table, String cidr, Instant expires, String blockedBy, String reason, Instant at,
      boolean extendOnly) {
    return PutItemRequest.builder().tableName(table).item(Map.of(
            CIDR, AttributeValue.fromS(cidr),
            EXPIRES, AttributeValue.fromN(Long.toString(expires.getEpochSecond())),
            "expiresAtIso", AttributeValue.fromS(expires.toString()),
            "blockedBy", AttributeValue.fromS(blockedBy),
            "reason", AttributeValue.fromS(reason.length() > 512 ? reason.substring(0, 512) : reason),
            "blockedAt", AttributeValue.fromS(at.toString())))
        .conditionExpression(extendOnly ? "attribute_exists(#c) AND #e < :e" : "attribute_not_exists(#c) OR #e < :e")
        .expressionAttributeNames(Map.of("#c", CIDR, "#e", EXPIRES))
        .expressionAttributeValues(Map.of(":e", AttributeValue.fromN(Long.toString(expires.getEpochSecond()))))
        .build();
  }

  /** Writes the record; false when a later expiry was already recorded (kept). */
  static boolean write(DynamoDbClient dynamo, PutItemRequest request) {
    try {
      dynamo.putItem(request);
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** A range whose block has expired, with the expiry it was recorded with (the delete is conditional on it). */
  record Expired(String cidr, long expiresAt) {}

  static List<Expired> expired(DynamoDbClient dynamo, String table, Instant now) {
    List<Expired> out = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = dynamo.scan(b -> b.tableName(table).exclusiveStartKey(from)
          .filterExpression("#e <= :now").expressionAttributeNames(Map.of("#e", EXPIRES))
          .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())))));
      page.items().forEach(i -> out.add(new Expired(i.get(CIDR).s(), Long.parseLong(i.get(EXPIRES).n()))));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return out;
  }

  /** Forgets an expired record unless a new block extended it meanwhile; false then. */
  static boolean forget(DynamoDbClient dynamo, String table, Expired e) {
    try {
      dynamo.deleteItem(b -> b.tableName(table).key(Map.of(CIDR, AttributeValue.fromS(e.cidr())))
          .conditionExpression("#e = :e").expressionAttributeNames(Map.of("#e", EXPIRES))
          .expressionAttributeValues(Map.of(":e", AttributeValue.fromN(Long.toString(e.expiresAt())))));
      return true;
    } catch (ConditionalCheckFailedException ex) {
      return false;
    }
  }
}
