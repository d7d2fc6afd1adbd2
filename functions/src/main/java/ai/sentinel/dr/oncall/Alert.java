package ai.sentinel.dr.oncall;

/**
 * One message to the on-call: one line that says what it is about and what happened, the details, and what an
 * incident tool needs to group it (the fields of a PagerDuty Events API v2 event).
 *
 * @param environment SENTINEL_ENV of the deployment, named in every headline (a dev page is not a prod page)
 * @param about       what it is about, e.g. "&lt;scenario&gt; on &lt;resource&gt;"; shortened first when too long
 * @param happened    what happened, e.g. "RECOVERED (verified)"; kept whole by every truncation
 * @param details     the full text (timeline, commands, report); SNS message body, PagerDuty custom details
 * @param source      the affected resource (PagerDuty {@code payload.source})
 * @param dedupKey    one incident per key: a page, its re-pages and its resolve share it (the execution name)
 * @param severity    how urgent
 * @param links       where to look (the execution's console page...), PagerDuty's {@code links}; may be empty
 * @param facts       named one-line facts for an incident tool, in order (PagerDuty {@code custom_details} entries,
 *                    e.g. the report's s3:// location); may be empty; SNS has them in {@code details} if anywhere
 */
public record Alert(String environment, String about, String happened, String details, String source,
    String dedupKey, Severity severity, java.util.List<Link> links, java.util.Map<String, String> facts) {
  /** A link for the on-call: PagerDuty's Events API v2 {@code links} entry ({@code href}, {@code text}). */
  public record Link(String href, String text) {}

  /** SNS subjects must be shorter than 100 characters. */
  public static final int SUBJECT_MAX = 99;
  /** PagerDuty's {@code payload.summary} limit. */
  public static final int SUMMARY_MAX = 1024;
  /** What is left of {@code about} at the least, "..." included, when {@code happened} is long. */
  private static final int ABOUT_MIN = 10;

  public Alert {
    environment = oneLine(environment);
    about = oneLine(about);
    happened = oneLine(happened);
    details = details == null ? "" : details;
    severity = severity == null ? Severity.INFO : severity;
    links = links == null ? java.util.List.of() : java.util.List.copyOf(links);
    facts = facts == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(facts));
  }

  /** An alert without facts. */
  public Alert(String environment, String about, String happened, String details, String source, String dedupKey,
      Severity severity, java.util.List<Link> links) {
    this(environment, about, happened, details, source, dedupKey, severity, links, java.util.Map.of());
  }

  /** An alert without links. */
  public Alert(String environment, String about, String happened, String details, String source, String dedupKey,
      Severity severity) {
    this(environment, about, happened, details, source, dedupKey, severity, java.util.List.of());
  }

  /** The same alert with {@code more} links after its own. */
  public Alert withLinks(java.util.List<Link> more) {
    java.util.List<Link> all = new java.util.ArrayList<>(links);
    all.addAll(more);
    return new Alert(environment, about, happened, details, source, dedupKey, severity, all, facts);
  }

  /**
   * The same alert with {@code more} links after its own, {@code more} facts after its own, and {@code moreDetails}
   * at the end of its text (where the SNS fallback, which has neither links nor facts, shows them).
   */
  public Alert with(java.util.List<Link> moreLinks, java.util.Map<String, String> moreFacts, String moreDetails) {
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>(facts);
    all.putAll(moreFacts);
    return new Alert(environment, about, happened, details + (moreDetails == null ? "" : moreDetails), source,
        dedupKey, severity, links, all).withLinks(moreLinks);
  }

  /** A message about one scenario's recovery of one resource: "&lt;scenario&gt; on &lt;resource&gt;". */
  public static Alert about(String environment, String scenario, String resource, String happened, String details,
      String dedupKey, Severity severity) {
    return new Alert(environment, scenario + " on " + resource, happened, details, resource, dedupKey, severity);
  }

  /**
   * The one headline rule: {@code [Sentinel DR][<env>] <about>: <happened>}, at most {@code max} characters. A long
   * line loses the end of what it is about, never what happened (the on-call reads the outcome first).
   */
  public String headline(int max) {
    String head = "[Sentinel DR][" + environment + "] ";
    String tail = ": " + happened;
    String line = head + truncate(about, Math.max(ABOUT_MIN, max - head.length() - tail.length())) + tail;
    return truncate(line, max);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
