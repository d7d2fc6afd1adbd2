package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ./sentinel drill --all, as a user runs it: every drill, then one table against the Recovery Objectives. */
class DrillAllIT {
  @Test
  void printsOneRowPerScenarioWithMeasuredFiguresAgainstTheObjectives() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"drill", "--all"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    List<String> rows = text.lines().filter(l -> l.startsWith("| database-failure |")).toList();
    assertEquals(1, rows.size(), text);
    String row = rows.get(0);
    assertTrue(row.matches("\\| database-failure \\| \\d+s .* vs 30 minutes \\(PASS\\) \\| .* vs 1 hour \\(PASS\\) "
        + "\\| yes \\| .*report-database-failure-.*\\.md \\|"), row);
  }
}
