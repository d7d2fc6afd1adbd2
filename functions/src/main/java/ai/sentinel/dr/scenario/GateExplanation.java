package ai.sentinel.dr.scenario;

import java.util.List;

/**
 * What an approval gate asks the on-call to approve, as its scenario explains it ({@link Scenario#gates()}): what
 * will change, on which resources, and what it means (what is lost or kept, what follows, what a rejection leaves).
 * The approval request shows it as three lines ({@link #lines()}).
 *
 * @param change   what the gated step does, e.g. "repoint the database secret at sentinel-db-recovery (...)"
 * @param resource the resources it changes, by name, e.g. "secret sentinel/db-url; ECS services ..."
 * @param meaning  what it means for the platform and its data, and what a rejection leaves as it is
 */
public record GateExplanation(String change, String resource, String meaning) {
  public static final String CHANGE = "About to: ";
  public static final String RESOURCE = "On: ";
  public static final String MEANING = "What it means: ";

  public GateExplanation {
    for (String part : new String[] {change, resource, meaning}) {
      if (part == null || part.isBlank()) {
        throw new IllegalArgumentException("a gate explains what changes, on which resource and what it means: "
            + change + " | " + resource + " | " + meaning);
      }
    }
  }

  /** The request's lines: "About to: CHANGE", "On: RESOURCE", "What it means: MEANING". */
  public List<String> lines() {
    return List.of(CHANGE + change, RESOURCE + resource, MEANING + meaning);
  }

  /** The three lines as one text. */
  public String text() {
    return String.join("\n", lines());
  }
}
