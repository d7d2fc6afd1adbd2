package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.IncidentReports.DRY_RUN;
import static ai.sentinel.dr.report.IncidentReports.FAILED;
import static ai.sentinel.dr.report.IncidentReports.NO_ACTION;
import static ai.sentinel.dr.report.IncidentReports.RUNNING;
import static ai.sentinel.dr.report.IncidentReports.SUCCEEDED;

import ai.sentinel.dr.errors.ErrorCauses;
import ai.sentinel.dr.recovery.Health;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * What a recovery's document and its execution say, read once and null-safe: what the report frame and a scenario's
 * {@link ReportPart} build the report from.
 */
public final class ReportFacts {
  private final Recovery recovery;
  private final String status;
  private final boolean dryRun;
  private final boolean drill;
  private final String option;
  private final String executionName;
  private final Instant triggerTime;
  private final Instant start;
  private final Instant end;
  private final Instant verifiedAt;
  private final String errorType;
  private final String cause;
  private final String exercise;

  ReportFacts(Recovery r, ReportPart part, String executionArn, Instant start, Instant end, String status,
      String exercise) {
    this.recovery = r;
    this.status = status(status, r);
    this.dryRun = r.dryRun() || DRY_RUN.equals(this.status) || DRY_RUN.equals(normal(status));
    Trigger t = r.trigger();
    this.exercise = exercise;
    this.drill = dryRun || exercise != null || (t != null && "drill".equalsIgnoreCase(t.kind()));
    this.option = part.option(r);
    this.executionName = r.executionName() != null ? r.executionName() : nameFromArn(executionArn);
    this.triggerTime = t == null ? null : ReportTimes.parse(t.time());
    this.start = start;
    this.end = end;
    Set<String> verifySteps = part.verifySteps();
    this.verifiedAt = r.timeline().stream()
        .filter(e -> e != null && e.step() != null && verifySteps.contains(e.step()) && "verified".equals(e.event()))
        .reduce((a, b) -> b).map(e -> ReportTimes.parse(e.at())).orElse(null);
    this.errorType = errorType(r.error());
    this.cause = ErrorCauses.describe(r.error());
  }

  /** The recovery document (never null; maybe partial). */
  public Recovery recovery() {
    return recovery;
  }

  /**
   * SUCCEEDED, FAILED, DRY_RUN, NO_ACTION or RUNNING, the document winning where it disagrees with the execution (a
   * succeeded execution whose diagnosis said not to act ended with no action).
   */
  public String status() {
    return status;
  }

  /** Nothing was changed: the recovery only recorded its plan. */
  public boolean dryRun() {
    return dryRun;
  }

  /**
   * A drill (a dry-run, a trigger of kind "drill", or any recovery of an environment that is an exercise), not a
   * production incident.
   */
  public boolean drill() {
    return drill;
  }

  /** Why every recovery of this environment is an exercise (a local cloud), or null. */
  public String exercise() {
    return exercise;
  }

  /** The automatic recovery failed (or timed out, or was aborted). */
  public boolean failed() {
    return FAILED.equals(status);
  }

  /** The recovery ended and was not a dry-run. */
  public boolean succeeded() {
    return SUCCEEDED.equals(status);
  }

  /** Diagnose found nothing to act on and the recovery changed nothing ({@link Health#act} false). */
  public boolean noAction() {
    return NO_ACTION.equals(status);
  }

  /** No action because the resource was healthy (not because the diagnosis could not tell). */
  public boolean healthy() {
    return noAction() && recovery.diagnosis().verdict() == Health.Verdict.HEALTHY;
  }

  /** The recovery has not ended yet. */
  public boolean running() {
    return RUNNING.equals(status);
  }

  /** The runbook option taken, as the scenario's part reads it, or null. */
  public String option() {
    return option;
  }

  /** When the signal was raised: where the RTO and RPO are measured from; null when unknown. */
  public Instant triggerTime() {
    return triggerTime;
  }

  /** When the execution started, or null. */
  public Instant start() {
    return start;
  }

  /** When the recovery ended (or now, while it runs), or null. */
  public Instant end() {
    return end;
  }

  /** When the scenario's verify step declared the recovery verified, or null. */
  public Instant verifiedAt() {
    return verifiedAt;
  }

  /** The protected resource, or {@code unknown} when the document does not name it. */
  public String resource(String unknown) {
    return recovery.resource() == null ? unknown : recovery.resource();
  }

  /**
   * How far a recovery point was reached, to put before its basis: "planned: " in a dry-run, "" once the recovery
   * succeeded, "intended, not reached: " otherwise.
   */
  public String reached() {
    return dryRun ? "planned: " : succeeded() ? "" : "intended, not reached: ";
  }

  String executionName() {
    return executionName;
  }

  /** The simple name of the error that stopped the recovery, or null. */
  String errorType() {
    return errorType;
  }

  /** The error that stopped the recovery, for people, or null. */
  String cause() {
    return cause;
  }

  private static String normal(String status) {
    return status == null ? "" : status.trim().toUpperCase(Locale.ROOT);
  }

  private static String status(String given, Recovery r) {
    String s = normal(given);
    if ((r.error() != null && !r.error().isNull()) || Set.of(FAILED, "TIMED_OUT", "ABORTED").contains(s)) {
      return FAILED;
    }
    if (r.dryRun() || DRY_RUN.equals(s)) {
      return DRY_RUN;
    }
    boolean noAction = r.diagnosis() != null && r.diagnosis().noAction() && r.verification() == null;
    if (noAction && (NO_ACTION.equals(s) || SUCCEEDED.equals(s) || s.isEmpty())) {
      return NO_ACTION;
    }
    if (SUCCEEDED.equals(s) || RUNNING.equals(s)) {
      return s;
    }
    // no status given: what the document shows
    return r.verification() != null && r.verification().verified() ? SUCCEEDED : RUNNING;
  }

  private static String nameFromArn(String arn) {
    if (arn == null || arn.isBlank()) {
      return null;
    }
    return arn.substring(arn.lastIndexOf(':') + 1);
  }

  private static String errorType(JsonNode error) {
    if (error == null || error.isNull() || error.isMissingNode()) {
      return null;
    }
    return ErrorCauses.simpleName(error.path("Error").asText(""));
  }
}
