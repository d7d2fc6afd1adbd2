package ai.sentinel.dr.safety;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * An in-memory DynamoDB table that evaluates the condition and update expressions it is sent, so a test of the lock
 * and the budget fails when a condition is wrong or missing (a mock scripted to refuse the second call does not).
 * Covers the expression forms {@link RecoveryLocks} uses: comparisons, AND/OR, parentheses,
 * attribute_exists/attribute_not_exists, {@code SET a = :v}, {@code SET a.#b = if_not_exists(a.#b, :v)},
 * {@code SET ... REMOVE a, b}, and a Scan's filter expression.
 */
public final class FakeLockTable implements DynamoDbClient {
  private static final Pattern TOKEN = Pattern.compile(
      "\\s*(<=|>=|<>|[()=<>,]|[#:][A-Za-z0-9_]+(?:\\.#[A-Za-z0-9_]+)*|[A-Za-z_]+)");

  private final Map<String, Map<String, AttributeValue>> items = new HashMap<>();
  private final List<String> conditions = new ArrayList<>();

  /** Called before each write is applied, to force an interleaving; default: nothing. */
  private volatile Runnable beforeWrite = () -> { };

  public void beforeEachWrite(Runnable hook) {
    this.beforeWrite = hook;
  }

  public synchronized Map<String, AttributeValue> item(String key) {
    Map<String, AttributeValue> item = items.get(key);
    return item == null ? null : Map.copyOf(item);
  }

  /** Condition expressions received, in order: what the code asked DynamoDB to guarantee. */
  public synchronized List<String> conditions() {
    return List.copyOf(conditions);
  }

  @Override
  public PutItemResponse putItem(PutItemRequest r) {
    beforeWrite.run();
    synchronized (this) {
      String key = r.item().get(RecoveryLocks.KEY).s();
      check(items.get(key), r.conditionExpression(), r.expressionAttributeNames(), r.expressionAttributeValues());
      items.put(key, new HashMap<>(r.item()));
      return PutItemResponse.builder().build();
    }
  }

  @Override
  public synchronized GetItemResponse getItem(GetItemRequest r) {
    Map<String, AttributeValue> item = items.get(r.key().get(RecoveryLocks.KEY).s());
    return item == null ? GetItemResponse.builder().build() : GetItemResponse.builder().item(Map.copyOf(item)).build();
  }

  @Override
  public DeleteItemResponse deleteItem(DeleteItemRequest r) {
    beforeWrite.run();
    synchronized (this) {
      String key = r.key().get(RecoveryLocks.KEY).s();
      Map<String, AttributeValue> old = items.get(key);
      check(old, r.conditionExpression(), r.expressionAttributeNames(), r.expressionAttributeValues());
      items.remove(key);
      return r.returnValues() == ReturnValue.ALL_OLD && old != null
          ? DeleteItemResponse.builder().attributes(Map.copyOf(old)).build() : DeleteItemResponse.builder().build();
    }
  }

  @Override
  public UpdateItemResponse updateItem(UpdateItemRequest r) {
    beforeWrite.run();
    synchronized (this) {
      String key = r.key().get(RecoveryLocks.KEY).s();
      Map<String, AttributeValue> old = items.get(key);
      check(old, r.conditionExpression(), r.expressionAttributeNames(), r.expressionAttributeValues());
      Map<String, AttributeValue> item = old == null ? new HashMap<>(r.key()) : new HashMap<>(old);
      String set = r.updateExpression().trim();
      if (set.startsWith("REMOVE ")) {
        Parser p = new Parser(set.substring(7), item, r.expressionAttributeNames(), r.expressionAttributeValues());
        remove(item, p.path(p.next()));
        items.put(key, item);
        return UpdateItemResponse.builder().build();
      }
      if (!set.startsWith("SET ")) {
        throw new UnsupportedOperationException(set);
      }
      // SET ... REMOVE a, b: the removals after the assignments
      int removeAt = set.indexOf(" REMOVE ");
      List<String[]> removals = new ArrayList<>();
      if (removeAt >= 0) {
        Parser rp = new Parser(set.substring(removeAt + 8), item, r.expressionAttributeNames(),
            r.expressionAttributeValues());
        do {
          removals.add(rp.path(rp.next()));
        } while (rp.accept(","));
        set = set.substring(0, removeAt);
      }
      Parser p = new Parser(set.substring(4), item, r.expressionAttributeNames(), r.expressionAttributeValues());
      Map<String[], AttributeValue> assignments = new LinkedHashMap<>();
      do {
        String[] path = p.path(p.next());
        p.expect("=");
        assignments.put(path, p.operand());
      } while (p.accept(","));
      assignments.forEach((path, value) -> assign(item, path, value));
      removals.forEach(path -> remove(item, path));
      items.put(key, item);
      return UpdateItemResponse.builder().build();
    }
  }

  /** One page holding every item the filter expression keeps (the table is small). */
  @Override
  public synchronized ScanResponse scan(ScanRequest r) {
    List<Map<String, AttributeValue>> kept = new ArrayList<>();
    for (Map<String, AttributeValue> item : items.values()) {
      if (r.filterExpression() == null || new Parser(r.filterExpression(), item, r.expressionAttributeNames(),
          r.expressionAttributeValues()).or()) {
        kept.add(Map.copyOf(item));
      }
    }
    return ScanResponse.builder().items(kept).count(kept.size()).build();
  }

  private void check(Map<String, AttributeValue> item, String condition, Map<String, String> names,
      Map<String, AttributeValue> values) {
    if (condition == null) {
      return;
    }
    conditions.add(condition);
    Parser p = new Parser(condition, item == null ? Map.of() : item, names, values);
    boolean holds = p.or();
    if (!p.done()) {
      throw new UnsupportedOperationException("unparsed rest of " + condition);
    }
    if (!holds) {
      throw ConditionalCheckFailedException.builder().message("The conditional request failed").build();
    }
  }

  private static void remove(Map<String, AttributeValue> item, String[] path) {
    if (path.length == 1) {
      item.remove(path[0]);
      return;
    }
    AttributeValue parent = item.get(path[0]);
    if (parent != null && parent.hasM()) {
      Map<String, AttributeValue> m = new HashMap<>(parent.m());
      m.remove(path[1]);
      item.put(path[0], AttributeValue.fromM(m));
    }
  }

  private static void assign(Map<String, AttributeValue> item, String[] path, AttributeValue value) {
    if (path.length == 1) {
      item.put(path[0], value);
      return;
    }
    AttributeValue parent = item.get(path[0]);
    if (parent == null || !parent.hasM()) {
      throw new IllegalArgumentException("The document path provided in the update expression is invalid for update");
    }
    Map<String, AttributeValue> m = new HashMap<>(parent.m());
    m.put(path[1], value);
    item.put(path[0], AttributeValue.fromM(m));
  }

  @Override
  public String serviceName() {
    return "dynamodb";
  }

  @Override
  public void close() {}

  /** Recursive descent over the expression grammar the lock code uses. */
  private static final class Parser {
    private final List<String> tokens = new ArrayList<>();
    private final Map<String, AttributeValue> item;
    private final Map<String, String> names;
    private final Map<String, AttributeValue> values;
    private int pos;

    Parser(String text, Map<String, AttributeValue> item, Map<String, String> names,
        Map<String, AttributeValue> values) {
      Matcher m = TOKEN.matcher(text);
      int at = 0;
      while (at < text.length() && m.find(at) && m.start() == at) {
        tokens.add(m.group(1));
        at = m.end();
      }
      if (!text.substring(at).isBlank()) {
        throw new UnsupportedOperationException("cannot tokenize " + text.substring(at));
      }
      this.item = item;
      this.names = names == null ? Map.of() : names;
      this.values = values == null ? Map.of() : values;
    }

    boolean done() {
      return pos == tokens.size();
    }

    String next() {
      return tokens.get(pos++);
    }

    boolean accept(String token) {
      if (pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(token)) {
        pos++;
        return true;
      }
      return false;
    }

    void expect(String token) {
      if (!accept(token)) {
        throw new UnsupportedOperationException("expected " + token + " at " + pos + " in " + tokens);
      }
    }

    boolean or() {
      boolean v = and();
      while (accept("OR")) {
        v |= and();
      }
      return v;
    }

    boolean and() {
      boolean v = factor();
      while (accept("AND")) {
        v &= factor();
      }
      return v;
    }

    boolean factor() {
      if (accept("(")) {
        boolean v = or();
        expect(")");
        return v;
      }
      if (accept("attribute_exists") || accept("attribute_not_exists")) {
        boolean exists = tokens.get(pos - 1).equals("attribute_exists");
        expect("(");
        AttributeValue v = resolve(path(next()));
        expect(")");
        return exists == (v != null);
      }
      AttributeValue left = operand();
      String op = next();
      AttributeValue right = operand();
      if (left == null || right == null) {
        return false; // a comparison with a missing attribute is false in DynamoDB
      }
      int cmp = left.n() != null && right.n() != null ? new BigDecimal(left.n()).compareTo(new BigDecimal(right.n()))
          : String.valueOf(left.s()).compareTo(String.valueOf(right.s()));
      return switch (op) {
        case "=" -> left.equals(right);
        case "<>" -> !left.equals(right);
        case "<" -> cmp < 0;
        case "<=" -> cmp <= 0;
        case ">" -> cmp > 0;
        case ">=" -> cmp >= 0;
        default -> throw new UnsupportedOperationException(op);
      };
    }

    AttributeValue operand() {
      String t = next();
      if (t.startsWith(":")) {
        return require(values.get(t), t);
      }
      if (t.equals("if_not_exists")) {
        expect("(");
        AttributeValue current = resolve(path(next()));
        expect(",");
        AttributeValue dflt = operand();
        expect(")");
        return current != null ? current : dflt;
      }
      return resolve(path(t));
    }

    String[] path(String token) {
      String[] parts = token.split("\\.");
      for (int i = 0; i < parts.length; i++) {
        parts[i] = parts[i].startsWith("#") ? require(names.get(parts[i]), parts[i]) : parts[i];
      }
      return parts;
    }

    AttributeValue resolve(String[] path) {
      AttributeValue v = item.get(path[0]);
      for (int i = 1; i < path.length && v != null; i++) {
        v = v.hasM() ? v.m().get(path[i]) : null;
      }
      return v;
    }

    private static <T> T require(T value, String placeholder) {
      if (value == null) {
        throw new IllegalArgumentException("expression uses " + placeholder + " but does not define it");
      }
      return value;
    }
  }
}
