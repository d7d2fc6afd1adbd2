package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.report.TemplatePlaceholders;
import java.util.List;

/** What every drill's post-incident report must show, whatever the scenario. */
public final class DrillReports {
  private DrillReports() {}

  /**
   * No placeholder of the runbook's template is left; the local cloud's reports are drills (P4, no customer impact
   * with the reason); every action item has the configured on-call role as owner and a date.
   */
  public static void assertComplete(String report) {
    assertEquals(List.of(), TemplatePlaceholders.in(report), report);
    assertTrue(report.contains("**Severity:** P4 (drill"), report);
    assertTrue(report.lines().anyMatch(l -> l.startsWith("- Customer Impact: none: ")), report);
    List<String> actions = report.lines().filter(l -> l.startsWith("- [ ] ")).toList();
    assertTrue(!actions.isEmpty(), report);
    actions.forEach(a -> assertTrue(a.matches(".* - Owner: Primary On-Call - Due: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d "
        + "UTC"), a));
  }
}
