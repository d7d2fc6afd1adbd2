package ai.sentinel.dr.drill;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health check a drill printed at one point ({@code health after the recovery: ...}, then one
 * {@code "  STATUS  Title: observed"} line per check), by title: what the ITs assert the recovery left behind.
 */
public final class HealthLines {
  private HealthLines() {}

  /** Title to {@code "STATUS  observed"} of the block printed {@code when}; empty when the drill printed none. */
  public static Map<String, String> at(String drillOutput, String when) {
    Map<String, String> checks = new LinkedHashMap<>();
    List<String> lines = drillOutput.lines().toList();
    int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("health " + when + ":")).findFirst()
        .orElse(null));
    if (at < 0) {
      return checks;
    }
    for (String line : lines.subList(at + 1, lines.size())) {
      if (!line.startsWith("  ") || line.indexOf(": ") < 0) {
        break;
      }
      String trimmed = line.trim();
      int gap = trimmed.indexOf("  ");
      int colon = trimmed.indexOf(": ");
      if (gap < 0 || colon < gap) {
        break;
      }
      String title = trimmed.substring(gap, colon).trim();
      checks.put(title, trimmed.substring(0, gap) + "  " + trimmed.substring(colon + 2));
    }
    return checks;
  }
}
