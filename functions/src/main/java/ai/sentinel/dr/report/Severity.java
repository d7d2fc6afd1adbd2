package ai.sentinel.dr.report;

/**
 * A report's severity and the rule that gave it.
 *
 * @param level  P1..P4
 * @param reason which rule, in words, e.g. "cache and queues degraded, data intact"
 */
public record Severity(String level, String reason) {

  /** A scenario without a rule of its own: P3 until the review sets it. */
  public static final Severity UNCLASSIFIED =
      new Severity("P3", "scenario not classified: the review sets the severity");
}
