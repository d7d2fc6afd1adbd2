package ai.sentinel.dr.report;

import ai.sentinel.dr.recovery.Health;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.report.IncidentReport.Metrics;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the post-incident report of one recovery from its document and the execution's times: the runbook's
 * Post-Incident Review template frame (date, duration, timeline, metrics, objectives pass/fail, lessons, action
 * items), with what only the scenario can tell (impact, root cause, recovery point, severity rule...) asked of its
 * {@link ReportPart}. Works on whatever the document holds when it is called: a dry-run, a recovery that failed before
 * Diagnose, a document without a trigger time, a scenario no plug-in registers. Unknown values stay unknown (null,
 * "n/a", or a sentence saying why), never a template placeholder; this class never throws on a partial document.
 * The objectives are {@link ReportObjectives}', the customer impact {@link ReportImpact}'s, the lessons and action
 * items {@link ReportReview}'s.
 *
 * <p>Severity rule, first match wins:
 * <ol>
 *   <li>P4: a drill (dry-run, a trigger of kind "drill", or an exercise environment): no production incident;</li>
 *   <li>P1: the automatic recovery FAILED: the outage lasts until a human recovers it;</li>
 *   <li>the scenario's own rule ({@link ReportPart#severity}); P3 for a scenario without one, until the review sets
 *       it.</li>
 * </ol>
 */
public final class IncidentReports {
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  public static final String DRY_RUN = "DRY_RUN";
  public static final String RUNNING = "RUNNING";
  /** Diagnose found the resource healthy (or could not tell) and the recovery changed nothing. */
  public static final String NO_ACTION = "NO_ACTION";

  /** Runbook: "After every incident, complete within 48 hours". */
  public static final Duration REVIEW_WITHIN = Duration.ofHours(48);

  private IncidentReports() {}

  /**
   * The report of one recovery.
   *
   * @param recovery       the recovery document as the state machine carries it (may be partial)
   * @param executionArn   Step Functions execution ARN (may be null)
   * @param executionStart when the execution started: the end of "time to detection" (may be null)
   * @param end            when the recovery ended, or now while it runs (may be null)
   * @param status         SUCCEEDED, FAILED, DRY_RUN or RUNNING (TIMED_OUT and ABORTED count as FAILED); the document
   *                       wins where they disagree: an error makes it FAILED, a dry-run DRY_RUN
   */
  public static IncidentReport from(Recovery recovery, String executionArn, Instant executionStart, Instant end,
      String status) {
    return from(recovery, executionArn, executionStart, end, status, ReportSettings.DEFAULTS,
        CustomerImpact.NOT_CONFIGURED);
  }

  /**
   * The report of one recovery, filled as {@code settings} say (owner of the action items, their due dates, whether
   * the environment is an exercise) with the customer impact {@code meter} measures over the incident window.
   */
  public static IncidentReport from(Recovery recovery, String executionArn, Instant executionStart, Instant end,
      String status, ReportSettings settings, CustomerImpact.Meter meter) {
    Recovery r = recovery == null ? empty() : recovery;
    ReportSettings s = settings == null ? ReportSettings.DEFAULTS : settings;
    Frame f = frame(r, executionArn, executionStart, end, status, s);
    RecoveryPoint rpo = f.part.recoveryPoint(f.facts);
    Long rto = f.facts.dryRun() ? null : ReportTimes.between(f.facts.triggerTime(), f.facts.verifiedAt());
    ObjectiveResult rtoResult = ReportObjectives.rtoResult(f, rto);
    ObjectiveResult rpoResult = ReportObjectives.rpoResult(f, rpo);
    CustomerImpact measured = measure(f.facts, meter == null ? CustomerImpact.NOT_CONFIGURED : meter);
    Metrics metrics = new Metrics(
        ReportTimes.between(f.facts.triggerTime(), f.facts.start()),
        ReportObjectives.timeToResolution(f.facts),
        rto,
        rpo.seconds(),
        rpo.basis(),
        recovered(f.facts),
        ReportImpact.customerImpact(f, measured),
        measured == null ? null : measured.requests(),
        measured == null ? null : measured.failed(),
        measured == null ? null : measured.failedPercent());
    Instant from = f.facts.triggerTime() != null ? f.facts.triggerTime() : f.facts.start();
    Long duration = ReportTimes.between(from, f.facts.end());
    Severity severity = severity(f);
    return new IncidentReport(
        title(f),
        f.facts.status(),
        f.facts.drill(),
        f.facts.dryRun(),
        r.scenario(),
        r.resource(),
        r.environment(),
        f.facts.executionName(),
        executionArn,
        f.facts.option(),
        ReportTimes.date(from != null ? from : f.facts.end()),
        ReportTimes.iso(f.facts.triggerTime()),
        ReportTimes.iso(f.facts.start()),
        ReportTimes.iso(f.facts.end()),
        ReportTimes.iso(f.facts.verifiedAt()),
        duration,
        durationText(f.facts, from, duration),
        severity.level(),
        severity.reason(),
        ReportImpact.impact(f, rpo, measured),
        ReportSections.timeline(f.facts),
        rootCause(f),
        ReportSections.resolution(f.facts),
        ReportReview.lessons(f, rtoResult, rpoResult, rpo),
        ReportReview.actionItems(f, rtoResult, rpoResult),
        metrics,
        List.of(rtoResult, rpoResult),
        ReportSections.verification(f.facts));
  }

  /**
   * The load balancer's counts over the incident window (the signal to verified, else to the end), or null when
   * there is nothing to measure: a dry-run or a no-action run changed nothing.
   */
  private static CustomerImpact measure(ReportFacts f, CustomerImpact.Meter meter) {
    if (f.dryRun() || f.noAction()) {
      return null;
    }
    Instant from = f.triggerTime() != null ? f.triggerTime() : f.start();
    Instant to = f.verifiedAt() != null ? f.verifiedAt() : f.end();
    try {
      return meter.measure(from, to);
    } catch (RuntimeException e) {
      return CustomerImpact.notMeasured(e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()));
    }
  }

  /**
   * The scenario as the report sees it: its title, its report part, the facts read through that part and the
   * objective row the recovery is measured against.
   */
  record Frame(String scenario, ReportPart part, ReportFacts facts, Optional<Objective> objective,
      boolean hasObjectives, ReportSettings settings) {}

  private static Frame frame(Recovery r, String executionArn, Instant start, Instant end, String status,
      ReportSettings settings) {
    Optional<Scenario> registered = ScenarioRegistry.find(r.scenario());
    String title = registered.map(Scenario::title).orElseGet(() -> UnregisteredScenario.of(r.scenario()).title());
    ReportPart part = registered.map(Scenario::report).orElseGet(() -> UnregisteredScenario.of(r.scenario()));
    ReportFacts facts = new ReportFacts(r, part, executionArn, start, end, status, settings.exercise());
    boolean hasObjectives = registered.map(s -> !s.objectives().isEmpty())
        .orElseGet(() -> !Objectives.forScenario(r.scenario()).isEmpty());
    return new Frame(title, part, facts, Objectives.forRecovery(r.scenario(), facts.option()), hasObjectives,
        settings);
  }

  private static Recovery empty() {
    return Recovery.start(null, null, null, null, null, null);
  }

  private static Boolean recovered(ReportFacts f) {
    if (f.failed()) {
      return false;
    }
    if (f.succeeded()) {
      return f.recovery().verification() != null && f.recovery().verification().verified();
    }
    return null;
  }

  // ---------------------------------------------------------------- title, severity, impact

  private static String title(Frame frame) {
    ReportFacts f = frame.facts;
    StringBuilder b = new StringBuilder();
    if (f.dryRun()) {
      b.append("[DRILL, DRY-RUN] ");
    } else if (f.drill()) {
      b.append("[DRILL] ");
    }
    b.append(frame.scenario).append(" on ").append(f.resource("unknown resource"));
    String detail = frame.part.titleDetail(f);
    if (detail != null) {
      b.append(" (").append(detail).append(')');
    }
    if (f.failed()) {
      b.append(" - automatic recovery FAILED");
    } else if (f.noAction()) {
      b.append(f.healthy() ? " - no action: healthy" : " - no action: diagnosis inconclusive");
    } else if (f.running()) {
      b.append(" - in progress");
    }
    return oneLine(b.toString());
  }

  /**
   * The incident's priority (P1-P4) by the severity rule above, as the report would give it with {@code status}
   * (RUNNING while a gate waits, FAILED when a human must take over): the pages (RequestApproval, Notify) carry the
   * priority the review will read, PagerDuty's severity being its mapping (oncall.Severity#ofPriority).
   */
  public static Severity priority(Recovery recovery, String status, ReportSettings settings) {
    return severity(frame(recovery == null ? empty() : recovery, null, null, null, status,
        settings == null ? ReportSettings.DEFAULTS : settings));
  }

  private static Severity severity(Frame frame) {
    ReportFacts f = frame.facts;
    if (f.drill()) {
      return new Severity("P4", f.dryRun() ? "drill (dry-run): nothing was changed"
          : f.exercise() != null ? "drill (" + f.exercise() + "): not a production incident"
          : "drill: a planned exercise, not a production incident");
    }
    if (f.failed()) {
      return new Severity("P1", "automatic recovery failed: the outage lasts until a human recovers it");
    }
    if (f.noAction()) {
      return f.healthy() ? new Severity("P4", "no incident found: " + f.resource("the resource") + " was healthy")
          : new Severity("P2", "diagnosis inconclusive: a human must judge " + f.resource("the resource"));
    }
    return frame.part.severity(f);
  }

  private static String durationText(ReportFacts f, Instant from, Long seconds) {
    if (seconds == null) {
      return from == null ? "unknown (no trigger or start time)" : f.running() ? "ongoing" : "unknown";
    }
    String text = ReportTimes.human(seconds) + (f.running() ? " so far" : "") + " ("
        + ReportTimes.hhmm(from) + " to " + ReportTimes.hhmm(f.end()) + " UTC)";
    return f.triggerTime() == null ? text + ", from the execution start: trigger time unknown" : text;
  }

  // ---------------------------------------------------------------- root cause

  private static String rootCause(Frame frame) {
    ReportFacts f = frame.facts;
    List<String> parts = new ArrayList<>();
    String finding = frame.part.finding(f);
    if (finding != null && !finding.isBlank()) {
      parts.add("Observed: " + oneLine(finding) + ".");
    } else if (frame.part.diagnoses()) {
      parts.add(f.running() ? "Observed: not diagnosed yet."
          : "Observed: not diagnosed (the recovery stopped before Diagnose ran).");
    }
    Trigger t = f.recovery().trigger();
    if (t != null) {
      parts.add("Signal: " + oneLine(t.kind() + " via " + t.source() + " (" + t.id() + ")"
          + (t.time() == null ? "" : " at " + t.time()) + ": " + t.summary()) + ".");
    }
    parts.addAll(frame.part.decisions(f));
    if (f.cause() != null) {
      parts.add("Recovery stopped: " + f.cause() + ".");
    }
    String underlying = frame.part.underlyingCause(f);
    Health health = f.recovery().diagnosis();
    if (f.noAction()) {
      parts.add("Decision: " + oneLine(health.reason()) + ". Evidence: " + oneLine(String.join("; ",
          health.evidence())) + ".");
      parts.add("Underlying cause: " + (f.healthy() ? "none found: the signal did not reflect a failure of "
          + f.resource("the resource") + " (check the alarm or event that started it)."
          : "unknown: the diagnosis could not tell whether " + f.resource("the resource") + " failed and nothing was "
              + "changed; a human checks it."));
    } else if (f.dryRun()) {
      parts.add("Underlying cause: none (dry-run drill, no failure).");
    } else if (underlying != null) {
      boolean injected = f.drill() && frame.part.impactWithoutProduction(f) == null;
      parts.add("Underlying cause: " + oneLine(underlying) + (injected ? " (The failure was injected by the drill.)"
          : ""));
    } else if (f.drill()) {
      parts.add("Underlying cause: failure injected by the drill.");
    } else {
      parts.add("Underlying cause: not established by the automation: "
          + (frame.part.finding(f) != null ? "the diagnosis saw the symptom above, not what caused it"
              : "no diagnosis ran") + "; the review establishes it from the signal and the timeline.");
    }
    return String.join("\n", parts);
  }

  /** Report lines are single lines: a newline in a detail must not break the Markdown structure. */
  public static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n]+", " ").trim();
  }
}
