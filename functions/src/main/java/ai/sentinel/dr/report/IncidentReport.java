package ai.sentinel.dr.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * A post-incident report (runbook "Post-Incident Review") built from a recovery's document: what the template asks
 * for, plus the measured recovery objectives and the verification checks. Stored as JSON next to its Markdown
 * rendering; times are ISO-8601 strings and durations whole seconds so the JSON needs no extra Jackson module.
 * Anything unknown is null (or an empty list), never invented.
 *
 * @param title              e.g. "Database failure on sentinel-db (Option B: restore from snapshot)"; drills are
 *                           prefixed "[DRILL]" or "[DRILL, DRY-RUN]"
 * @param status             SUCCEEDED, FAILED, DRY_RUN or RUNNING
 * @param drill              a drill (dry-run or a trigger of kind "drill"), not a production incident
 * @param dryRun             nothing was changed: the recovery only recorded its plan
 * @param scenario           runbook scenario id
 * @param resource           the protected resource
 * @param environment        SENTINEL_ENV of the deployment
 * @param executionName      Step Functions execution name
 * @param executionArn       Step Functions execution ARN
 * @param option             runbook option taken (A, B, C) or null
 * @param date               UTC date the incident began (yyyy-MM-dd)
 * @param triggeredAt        when the signal was raised
 * @param executionStartedAt when the recovery started
 * @param endedAt            when the recovery ended (or the report was made, while running)
 * @param verifiedAt         when the Verify step declared the recovery verified
 * @param durationSeconds    trigger (else execution start) to end
 * @param duration           the same, for people
 * @param severity           P1..P4
 * @param severityReason     which rule gave the severity
 * @param impact             user and business impact as far as the document tells
 * @param timeline           "HH:MM - ..." lines (UTC)
 * @param rootCause          what was observed and, for a failed recovery, why it stopped; the underlying cause is
 *                           left for the review
 * @param resolution         the steps taken
 * @param lessons            lessons derived from the outcome and the timeline, or why there are none
 * @param actionItems        the review itself (due 48 h after the end) and derived actions, owned by the on-call role
 * @param metrics            time to detection and resolution, RTO and RPO as measured
 * @param objectives         RTO and RPO against the runbook's objectives
 * @param verification       the checks run before success was declared (or why none ran)
 */
public record IncidentReport(
    String title,
    String status,
    boolean drill,
    boolean dryRun,
    String scenario,
    String resource,
    String environment,
    String executionName,
    String executionArn,
    String option,
    String date,
    String triggeredAt,
    String executionStartedAt,
    String endedAt,
    String verifiedAt,
    Long durationSeconds,
    String duration,
    String severity,
    String severityReason,
    String impact,
    List<String> timeline,
    String rootCause,
    List<String> resolution,
    List<String> lessons,
    List<ActionItem> actionItems,
    Metrics metrics,
    List<ObjectiveResult> objectives,
    List<VerificationResult> verification) {

  public IncidentReport {
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
    resolution = resolution == null ? List.of() : List.copyOf(resolution);
    lessons = lessons == null ? List.of() : List.copyOf(lessons);
    actionItems = actionItems == null ? List.of() : List.copyOf(actionItems);
    objectives = objectives == null ? List.of() : List.copyOf(objectives);
    verification = verification == null ? List.of() : List.copyOf(verification);
  }

  /** The objective result for one measure (RTO or RPO), or null. */
  public ObjectiveResult objective(String measure) {
    return objectives.stream().filter(o -> o.measure().equals(measure)).findFirst().orElse(null);
  }

  /**
   * The template's Metrics section plus the recovery objectives as measured. Null means unknown or not applicable.
   *
   * @param timeToDetectionSeconds  trigger time to execution start
   * @param timeToResolutionSeconds trigger time to end (never before verified), only for a SUCCEEDED recovery
   * @param rtoSeconds              trigger time to the Verify step's "verified" entry
   * @param rpoSeconds              trigger time minus the recovery point (Option A: 0)
   * @param rpoBasis                what the recovery point was (snapshot, point in time, failover)
   * @param recovered               true when SUCCEEDED and verified, false when FAILED, null otherwise
   * @param customerImpact          the template's "[X users / X% requests]": measured on the load balancer, or
   *                                 "none" with the reason (drill, dry-run, no action), or why it was not measured
   * @param requests                requests the load balancer received over the incident window, or null
   * @param failedRequests          of those, answered with a 5XX (load balancer or target), or null
   * @param failedRequestPercent    failed in percent of requests, or null
   */
  public record Metrics(
      Long timeToDetectionSeconds,
      Long timeToResolutionSeconds,
      Long rtoSeconds,
      Long rpoSeconds,
      String rpoBasis,
      Boolean recovered,
      String customerImpact,
      Long requests,
      Long failedRequests,
      Double failedRequestPercent) {}

  /**
   * One recovery objective against what was measured.
   *
   * @param measure         RTO or RPO
   * @param objectiveName   the runbook row, e.g. "Database Failure (Complete)"; null when none applies
   * @param target          the objective as the runbook writes it ("30 minutes", "Variable", ...)
   * @param targetSeconds   the objective in seconds; null when the runbook sets none
   * @param measuredSeconds what was measured; null when nothing was
   * @param measured        the measurement for people, or why there is none
   * @param verdict         pass, fail or n/a
   */
  public record ObjectiveResult(
      String measure,
      String objectiveName,
      String target,
      Long targetSeconds,
      Long measuredSeconds,
      String measured,
      Verdict verdict) {}

  /** An objective's outcome. */
  public enum Verdict {
    PASS("pass"), FAIL("fail"), NOT_APPLICABLE("n/a");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    @JsonValue
    public String label() {
      return label;
    }
  }

  /** One action item: "- [ ] action - Owner: owner - Due: due". */
  public record ActionItem(String action, String owner, String due) {}

  /** One verification check: name, PASS/FAIL/SKIP (or NOT_RUN) and what was seen. */
  public record VerificationResult(String check, String result, String detail) {}
}
