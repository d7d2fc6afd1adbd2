package ai.sentinel.dr.corruption.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.errors.StepFailedError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rendering: identifiers quoted whatever they contain, values only ever as bound parameters. */
class ConditionTest {
  static final TableSpec SPEC = new TableSpec("audit_logs", "id", "created_at");

  @Test
  void valuesAreBoundNeverWrittenIntoTheSql() {
    String hostile = "x'); DROP TABLE audit_logs; --";
    Sql.Fragment f = Condition.render(SPEC, List.of(Condition.of("action", "=", hostile),
        Condition.of("user_id", "IN", "1", "2", hostile), Condition.window("2026-01-17T09:00:00Z", null)), "t");
    assertEquals("(t.\"action\" = ? AND t.\"user_id\" IN (?, ?, ?) AND (t.\"created_at\" >= ?))", f.sql());
    assertEquals(List.of(hostile, "1", "2", hostile, "2026-01-17T09:00:00Z"), f.params());
    assertFalse(f.sql().contains("DROP"));
  }

  @Test
  void identifiersAreQuotedWhateverTheyContain() {
    Sql.Fragment f = Condition.render(SPEC, List.of(Condition.of("we\"ird; DROP", "IS NOT NULL")), "c");
    assertEquals("(c.\"we\"\"ird; DROP\" IS NOT NULL)", f.sql());
    assertTrue(f.params().isEmpty());
    assertEquals("\"audit_logs\"", Sql.quote("audit_logs"));
    assertThrows(IllegalArgumentException.class, () -> Sql.quote("a\0b"));
  }

  @Test
  void windowIsOnTheTablesTimestampColumnHalfOpen() {
    Sql.Fragment f = Condition.render(SPEC, List.of(Condition.window("2026-01-17T09:00:00Z",
        "2026-01-17T10:00:00Z")), "t");
    assertEquals("((t.\"created_at\" >= ? AND t.\"created_at\" < ?))", f.sql());
    StepFailedError e = assertThrows(StepFailedError.class, () -> Condition.render(SPEC,
        List.of(new Condition("user_id", "WINDOW", java.util.Arrays.asList("2026-01-17T09:00:00Z", null))), "t"));
    assertEquals("a WINDOW is on audit_logs's timestamp column created_at, not user_id", e.getMessage());
    assertThrows(StepFailedError.class, () -> Condition.render(SPEC, List.of(Condition.window(null, null)), "t"));
  }

  @Test
  void noConditionIsEveryRow() {
    assertEquals(new Sql.Fragment("TRUE", List.of()), Condition.render(SPEC, List.of(), "t"));
  }

  @Test
  void operatorsOutsideTheListAndWrongValueCountsAreRejected() {
    for (String op : List.of("OR 1=1 --", "between", "~", "", "like")) {
      StepFailedError e = assertThrows(StepFailedError.class,
          () -> Condition.render(SPEC, List.of(Condition.of("action", op, "x")), "t"));
      assertTrue(e.getMessage().startsWith("operator " + op + " is not one of"), e.getMessage());
    }
    assertThrows(StepFailedError.class, () -> Condition.render(SPEC, List.of(Condition.of("action", "=")), "t"));
    assertThrows(StepFailedError.class,
        () -> Condition.render(SPEC, List.of(Condition.of("action", "IS NULL", "x")), "t"));
    assertThrows(StepFailedError.class, () -> Condition.render(SPEC, List.of(Condition.of("action", "IN")), "t"));
    assertThrows(StepFailedError.class, () -> Condition.render(SPEC, List.of(Condition.of(null, "=", "x")), "t"));
  }

  @Test
  void conditionsAndDiffsRoundTripThroughJson() throws Exception {
    List<Condition> conditions = List.of(Condition.of("action", "IN", "a", "b"), Condition.window(null, "2026-01-17"));
    String json = Json.MAPPER.writeValueAsString(conditions);
    assertEquals(conditions, List.of(Json.MAPPER.readValue(json, Condition[].class)));
    TableDiff diff = new TableDiff("audit_logs", 10, 11, 1, 2, 3,
        List.of(new TableDiff.DiffKey("7", TableDiff.Kind.CHANGED, List.of("action"))),
        new KeyScope(0, List.of(new long[] {7, 8})));
    TableDiff back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(diff), TableDiff.class);
    assertEquals(diff.sample(), back.sample());
    assertEquals(7, back.scope().ranges().get(0)[0]);
  }
}
