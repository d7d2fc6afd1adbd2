package ai.sentinel.dr.report;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of the runbook's Post-Incident Review template (the bracketed text a human fills in). A generated
 * report fills every one of them from what the recovery knows, or says why it cannot; tests and drills check that
 * none is left.
 */
public final class TemplatePlaceholders {
  /** Every bracketed field of the template, as the runbook writes it. */
  public static final List<String> ALL = List.of("[TITLE]", "[DATE]", "[DURATION]", "[P1/P2/P3/P4]",
      "[Description of user/business impact]", "[Event]", "[Description of root cause]", "[Steps taken to resolve]",
      "[Lesson]", "[Action]", "[Name]", "[Date]", "[X minutes]", "[X users / X% requests]");

  /** The template's way of writing a field: "[X ...]", "[Description of ...]", "[Steps ...]". */
  private static final Pattern FIELD = Pattern.compile("\\[(X [^\\]]*|Description of [^\\]]*|Steps [^\\]]*)\\]");

  private TemplatePlaceholders() {}

  /** The placeholders left in {@code report} (Markdown or JSON), in order of the list, then any field-like text. */
  public static List<String> in(String report) {
    List<String> found = new java.util.ArrayList<>(ALL.stream().filter(report::contains).toList());
    Matcher m = FIELD.matcher(report);
    while (m.find()) {
      if (!found.contains(m.group())) {
        found.add(m.group());
      }
    }
    return found;
  }
}
