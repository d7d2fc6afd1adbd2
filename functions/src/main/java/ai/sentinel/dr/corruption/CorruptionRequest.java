package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.corruption.sql.Condition;
import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a person says about the corruption (manual invoke {@code runbook: data-corruption}), carried to Diagnose in the
 * trigger's detail: the tables, how to recognise a corrupted row, the clean time and the repair mode. The condition is
 * structured and checked here for its shape (identifiers, the fixed operator list, values as text); Diagnose checks it
 * against the database's catalog before any row is read, and values only ever travel as bound parameters.
 *
 * @param tables     configured tables (cdk.json dataCorruption.tables), at least one
 * @param conditions all of them identify a corrupted row (AND), at least one
 * @param cleanTime  the operator's clean point in time (ISO-8601), or null for Diagnose's proposal
 * @param mode       selective (only differing rows that match the condition) or full (whole tables)
 */
public record CorruptionRequest(List<String> tables, List<Condition> conditions, String cleanTime, String mode) {
  public static final String SELECTIVE = "selective";
  public static final String FULL = "full";
  static final int MAX_CONDITIONS = 10;
  static final int MAX_VALUES = 1000;
  static final int MAX_VALUE_CHARS = 1024;
  private static final Set<String> CONDITION_FIELDS = Set.of("column", "operator", "value", "values", "window");

  public CorruptionRequest {
    tables = tables == null ? List.of() : List.copyOf(tables);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
    mode = mode == null ? SELECTIVE : mode;
  }

  public boolean full() {
    return FULL.equals(mode);
  }

  /** The tables field: a list of configured table names. */
  static List<String> tables(JsonNode node, DataCorruptionSettings settings) {
    if (node == null) {
      throw new BadInput("tables is missing: name the corrupted tables (configured: " + settings.tableNames()
          + ")");
    }
    if (!node.isArray() || node.isEmpty() || node.size() > DataCorruptionSettings.MAX_TABLES) {
      throw new BadInput("tables must be a list of 1 to " + DataCorruptionSettings.MAX_TABLES + " table names, got "
          + Fields.quote(node));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual() || settings.table(item.asText()) == null) {
        throw new BadInput("unknown table " + Fields.quote(item) + ": only the tables of "
            + "dataCorruption.tables can be repaired " + settings.tableNames() + "; nothing was started");
      }
      if (!out.contains(item.asText())) {
        out.add(item.asText());
      }
    }
    return out;
  }

  /** The condition field: one structured condition or a list of them, never SQL text. */
  static List<Condition> conditions(JsonNode node) {
    if (node == null) {
      throw new BadInput("condition is missing: say how to recognise a corrupted row, e.g. {\"column\": "
          + "\"is_threat\", \"operator\": \"=\", \"value\": \"false\"} or {\"window\": {\"from\": "
          + "\"2026-01-17T08:40:00Z\"}}");
    }
    if (node.isTextual()) {
      throw new BadInput("condition must be structured ({column, operator, value} or {window}), never SQL text: got "
          + Fields.quote(node));
    }
    List<JsonNode> items = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(items::add);
    } else {
      items.add(node);
    }
    if (items.isEmpty() || items.size() > MAX_CONDITIONS) {
      throw new BadInput("condition must hold 1 to " + MAX_CONDITIONS + " conditions");
    }
    List<Condition> out = new ArrayList<>();
    for (JsonNode item : items) {
      out.add(condition(item));
    }
    return out;
  }

  private static Condition condition(JsonNode item) {
    if (!item.isObject()) {
      throw new BadInput("each condition must be an object {column, operator, value} or {window}, never SQL text: "
          + "got " + Fields.quote(item));
    }
    item.fieldNames().forEachRemaining(f -> {
      if (!CONDITION_FIELDS.contains(f)) {
        throw new BadInput("a condition has unknown field " + Fields.quote(f) + " (known: "
            + CONDITION_FIELDS.stream().sorted().toList() + ")");
      }
    });
    if (item.has("window")) {
      if (item.size() != 1) {
        throw new BadInput("a window condition has only {window: {from, to}} (the table's timestamp column)");
      }
      return window(item.get("window"));
    }
    JsonNode column = item.get("column");
    if (column == null || !column.isTextual()
        || !DataCorruptionSettings.SQL_IDENTIFIER.matcher(column.asText()).matches()) {
      throw new BadInput("condition column must be a column name (lower-case letters, digits, _), got "
          + Fields.quote(column));
    }
    JsonNode operator = item.get("operator");
    List<String> allowed = Condition.OPERATORS.subList(0, Condition.OPERATORS.size() - 1);
    if (operator == null || !operator.isTextual() || !allowed.contains(operator.asText())) {
      throw new BadInput("condition operator must be one of " + allowed + " (a fixed list, never SQL), got "
          + Fields.quote(operator));
    }
    if (item.has("value") && item.has("values")) {
      throw new BadInput("a condition gives value or values, not both");
    }
    List<String> values = new ArrayList<>();
    if (item.has("value")) {
      values.add(scalar(item.get("value")));
    } else if (item.has("values")) {
      JsonNode list = item.get("values");
      if (!list.isArray() || list.size() > MAX_VALUES) {
        throw new BadInput("condition values must be a list of at most " + MAX_VALUES + " values");
      }
      list.forEach(v -> values.add(scalar(v)));
    }
    Condition c = new Condition(column.asText(), operator.asText(), values);
    int n = values.size();
    boolean fits = switch (c.operator()) {
      case "IS NULL", "IS NOT NULL" -> n == 0;
      case "IN", "NOT IN" -> n >= 1;
      default -> n == 1;
    };
    if (!fits) {
      throw new BadInput("operator " + c.operator() + " takes " + (c.operator().startsWith("IS") ? "no value"
          : c.operator().endsWith("IN") ? "a list of values" : "exactly one value") + ", got " + n);
    }
    return c;
  }

  /** A value as text: the database parses it as the column's type (Diagnose rejects one that does not fit). */
  private static String scalar(JsonNode v) {
    if (v == null || !(v.isTextual() || v.isNumber() || v.isBoolean())) {
      throw new BadInput("condition values must be strings, numbers or booleans, got "
          + Fields.quote(v));
    }
    String text = v.asText();
    if (text.length() > MAX_VALUE_CHARS || text.indexOf('\0') >= 0) {
      throw new BadInput("a condition value must be at most " + MAX_VALUE_CHARS + " characters without NUL");
    }
    return text;
  }

  private static Condition window(JsonNode w) {
    if (w == null || !w.isObject()) {
      throw new BadInput("window must be {from, to} (ISO-8601 instants, either may be left out)");
    }
    w.fieldNames().forEachRemaining(f -> {
      if (!f.equals("from") && !f.equals("to")) {
        throw new BadInput("window has unknown field " + Fields.quote(f) + " (known: [from, to])");
      }
    });
    Instant from = instant(w.get("from"), "window.from");
    Instant to = instant(w.get("to"), "window.to");
    if (from == null && to == null) {
      throw new BadInput("window needs from, to or both");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new BadInput("window.from " + from + " is not before window.to " + to);
    }
    return new Condition(null, "WINDOW", Arrays.asList(from == null ? null : from.toString(),
        to == null ? null : to.toString()));
  }

  /** An ISO-8601 instant, or null when absent. */
  static Instant instant(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    Instant at = node.isTextual() ? EventTimes.parse(node.asText()) : null;
    if (at == null) {
      throw new BadInput(field + " must be an ISO-8601 instant such as 2026-01-17T09:00:00Z, got "
          + Fields.quote(node));
    }
    return at;
  }

  /** The condition as a person reads it (values quoted, never more than a few). */
  public static String describe(List<Condition> conditions) {
    List<String> parts = new ArrayList<>();
    for (Condition c : conditions) {
      if ("WINDOW".equals(c.operator())) {
        parts.add("timestamp in [" + (c.values().get(0) == null ? "-inf" : c.values().get(0)) + ", "
            + (c.values().get(1) == null ? "now" : c.values().get(1)) + ")");
      } else if (c.values().isEmpty()) {
        parts.add(c.column() + " " + c.operator());
      } else {
        List<String> shown = c.values().stream().limit(3).map(v -> "'" + Fields.quote(v) + "'")
            .toList();
        parts.add(c.column() + " " + c.operator() + " " + (c.values().size() == 1 ? shown.get(0)
            : "(" + String.join(", ", shown) + (c.values().size() > 3 ? ", ..." : "") + ")"));
      }
    }
    return String.join(" AND ", parts);
  }
}
