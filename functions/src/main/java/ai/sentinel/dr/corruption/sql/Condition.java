package ai.sentinel.dr.corruption.sql;

import ai.sentinel.dr.errors.StepFailedError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * How to recognise a corrupted row, structured and never an SQL fragment: a column, an operator from a fixed list
 * and its values (text, parsed by the server as the column's type), or a time window on the table's timestamp
 * column ({@link #window}: from inclusive, to exclusive, either end open). A list of conditions means all of them.
 * Identifiers are quoted, values are bound parameters: nothing a caller gives ever becomes SQL text.
 */
public record Condition(String column, String operator, List<String> values) {
  /** The operators a condition may use; WINDOW is the timestamp window ({@code column} null means the table's). */
  public static final List<String> OPERATORS = List.of("=", "<>", "<", "<=", ">", ">=", "IS NULL", "IS NOT NULL",
      "IN", "NOT IN", "LIKE", "NOT LIKE", "WINDOW");

  public Condition {
    values = values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
  }

  public static Condition of(String column, String operator, String... values) {
    return new Condition(column, operator, Arrays.asList(values));
  }

  /** Rows whose timestamp column is in [from, to); null for an open end. ISO-8601 text. */
  public static Condition window(String from, String to) {
    return new Condition(null, "WINDOW", Arrays.asList(from, to));
  }

  /**
   * The time window that bounds every row matching all {@code conditions} ([from, to), either end null), or null when
   * none is a WINDOW: a compare may then look only at rows in it.
   */
  public static List<String> boundingWindow(List<Condition> conditions) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> "WINDOW".equals(c.operator()) && c.values().size() == 2
        && (c.values().get(0) != null || c.values().get(1) != null)).map(Condition::values).findFirst().orElse(null);
  }

  /**
   * Checks every condition against the table as the database describes it: the table and its configured key (see
   * {@link TableSchema}), each column, the operator, the number of values, and each value against its column's
   * type (the server parses them in a query that reads no row). Throws {@link StepFailedError} with the reason.
   */
  public static void check(Connection c, TableSpec spec, List<Condition> conditions) throws SQLException {
    TableSchema schema = TableSchema.load(c, spec);
    Sql.Fragment where = render(schema.spec(), conditions, "t");
    for (Condition condition : conditions) {
      String column = condition.columnOf(spec);
      if (!schema.columns().containsKey(column)) {
        throw new StepFailedError("unknown column " + spec.table() + "." + column + " in the condition");
      }
    }
    String probe = "SELECT 1 FROM " + schema.table() + " t WHERE " + where.sql() + " LIMIT 0";
    try (PreparedStatement ps = Sql.prepare(c, probe, where.params())) {
      ps.executeQuery().close();
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.startsWith("22") || state.equals("42883") || state.equals("42804")) {
        throw new StepFailedError("condition on " + spec.table() + " does not fit the columns' types ("
            + describe(schema, conditions) + "): " + firstLine(e.getMessage()));
      }
      throw e;
    }
  }

  /** The SQL condition over alias's row: quoted identifiers, one ? per value; TRUE for no condition. */
  static Sql.Fragment render(TableSpec spec, List<Condition> conditions, String alias) {
    if (conditions == null || conditions.isEmpty()) {
      return new Sql.Fragment("TRUE", List.of());
    }
    List<String> parts = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    for (Condition condition : conditions) {
      parts.add(condition.render(spec, alias, params));
    }
    return new Sql.Fragment("(" + String.join(" AND ", parts) + ")", params);
  }

  private String render(TableSpec spec, String alias, List<Object> params) {
    if (operator == null || !OPERATORS.contains(operator)) {
      throw new StepFailedError("operator " + operator + " is not one of " + OPERATORS);
    }
    String col = alias + "." + Sql.quote(columnOf(spec));
    switch (operator) {
      case "IS NULL", "IS NOT NULL" -> {
        values(0, 0);
        return col + " " + operator;
      }
      case "IN", "NOT IN" -> {
        values(1, 1000);
        params.addAll(values);
        return col + " " + operator + " (" + String.join(", ", Collections.nCopies(values.size(), "?")) + ")";
      }
      case "WINDOW" -> {
        if (values.size() != 2 || (values.get(0) == null && values.get(1) == null)) {
          throw new StepFailedError("a WINDOW condition needs [from, to] with at least one end, got " + values);
        }
        List<String> ends = new ArrayList<>();
        if (values.get(0) != null) {
          ends.add(col + " >= ?");
          params.add(values.get(0));
        }
        if (values.get(1) != null) {
          ends.add(col + " < ?");
          params.add(values.get(1));
        }
        return "(" + String.join(" AND ", ends) + ")";
      }
      default -> {
        values(1, 1);
        params.add(values.get(0));
        return col + " " + operator + " ?";
      }
    }
  }

  private void values(int min, int max) {
    if (values.size() < min || values.size() > max || values.contains(null)) {
      throw new StepFailedError("operator " + operator + " takes " + (min == max ? min : min + " to " + max)
          + " non-null value(s), got " + values.size());
    }
  }

  private String columnOf(TableSpec spec) {
    if ("WINDOW".equals(operator)) {
      if (column != null && !column.equals(spec.timestamp())) {
        throw new StepFailedError("a WINDOW is on " + spec.table() + "'s timestamp column " + spec.timestamp()
            + ", not " + column);
      }
      return spec.timestamp();
    }
    if (column == null || column.isBlank()) {
      throw new StepFailedError("a condition on " + spec.table() + " needs a column");
    }
    return column;
  }

  private static String describe(TableSchema schema, List<Condition> conditions) {
    List<String> parts = new ArrayList<>();
    for (Condition condition : conditions) {
      String column = condition.columnOf(schema.spec());
      parts.add(column + " is " + schema.columns().get(column));
    }
    return String.join(", ", parts);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int cut = message.indexOf('\n');
    return cut < 0 ? message : message.substring(0, cut);
  }
}
