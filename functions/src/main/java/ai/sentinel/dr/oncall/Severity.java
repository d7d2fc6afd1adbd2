package ai.sentinel.dr.oncall;

/**
 * How urgent a message is, in the four levels PagerDuty's Events API v2 accepts (its {@code payload.severity}), so an
 * adapter maps it one to one.
 */
public enum Severity {
  CRITICAL, ERROR, WARNING, INFO;

  /** The Events API v2 spelling: critical, error, warning, info. */
  public String eventsApiName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The runbook's incident priority (P1 to P4) as a severity; anything else is INFO. */
  public static Severity ofPriority(String priority) {
    return switch (priority == null ? "" : priority.trim().toUpperCase(java.util.Locale.ROOT)) {
      case "P1" -> CRITICAL;
      case "P2" -> ERROR;
      case "P3" -> WARNING;
      default -> INFO;
    };
  }

  /**
   * One level more urgent, capped at CRITICAL: an approval still unanswered is re-paged "at higher urgency" (issue 14)
   * than the incident's priority gave its first page (P3 warning -&gt; error, P2 error -&gt; critical, P1 stays
   * critical); INFO (P4 and unclassified) becomes WARNING.
   */
  public Severity higher() {
    return this == CRITICAL ? CRITICAL : values()[ordinal() - 1];
  }

  /** A drill (a planned exercise, P4) never pages at more than INFO, whatever it reports. */
  public Severity forDrill(boolean drill) {
    return drill ? INFO : this;
  }
}
