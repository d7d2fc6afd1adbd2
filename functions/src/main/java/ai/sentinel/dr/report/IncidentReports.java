package ai.sentinel.dr.report;

import ai.sentinel.dr.recovery.Health;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.report.IncidentReport.ActionItem;
import ai.sentinel.dr.report.IncidentReport.Metrics;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReport.VerificationResult;
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
 * "n/a" or the template's placeholder); this class never throws on a partial document.
 *
 * <p>Severity rule, first match wins:
 * <ol>
 *   <li>P4: a drill (dry-run, or a trigger of kind "drill"): no production incident;</li>
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

  /** The template's placeholders, kept where the document cannot tell. */
  public static final String CUSTOMER_IMPACT_PLACEHOLDER = "[X users / X% requests]";
  public static final String LESSON_PLACEHOLDER = "[Lesson]";
  public static final String ACTION_PLACEHOLDER = "[Action]";
  public static final String OWNER_PLACEHOLDER = "[Name]";
  public static final String DATE_PLACEHOLDER = "[Date]";
  public static final String ROOT_CAUSE_PLACEHOLDER = "[Description of root cause]";

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
    Recovery r = recovery == null ? empty() : recovery;
    Frame f = frame(r, executionArn, executionStart, end, status);
    RecoveryPoint rpo = f.part.recoveryPoint(f.facts);
    Long rto = f.facts.dryRun() ? null : ReportTimes.between(f.facts.triggerTime(), f.facts.verifiedAt());
    ObjectiveResult rtoResult = rtoResult(f, rto);
    ObjectiveResult rpoResult = rpoResult(f, rpo);
    Metrics metrics = new Metrics(
        ReportTimes.between(f.facts.triggerTime(), f.facts.start()),
        f.facts.succeeded() ? ReportTimes.between(f.facts.triggerTime(), f.facts.end()) : null,
        rto,
        rpo.seconds(),
        rpo.basis(),
        recovered(f.facts),
        f.facts.dryRun() ? "None (dry-run: nothing was changed)"
            : f.facts.noAction() ? "None caused by the automation (no action: nothing was changed)"
            : CUSTOMER_IMPACT_PLACEHOLDER);
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
        impact(f, rpo),
        ReportSections.timeline(f.facts),
        rootCause(f),
        ReportSections.resolution(f.facts),
        lessons(f.facts, rtoResult, rpoResult, rpo),
        actionItems(f, rtoResult, rpoResult),
        metrics,
        List.of(rtoResult, rpoResult),
        ReportSections.verification(f.facts));
  }

  /**
   * The scenario as the report sees it: its title, its report part, the facts read through that part and the
   * objective row the recovery is measured against.
   */
  private record Frame(String scenario, ReportPart part, ReportFacts facts, Optional<Objective> objective,
      boolean hasObjectives) {}

  private static Frame frame(Recovery r, String executionArn, Instant start, Instant end, String status) {
    Optional<Scenario> registered = ScenarioRegistry.find(r.scenario());
    String title = registered.map(Scenario::title).orElseGet(() -> UnregisteredScenario.of(r.scenario()).title());
    ReportPart part = registered.map(Scenario::report).orElseGet(() -> UnregisteredScenario.of(r.scenario()));
    ReportFacts facts = new ReportFacts(r, part, executionArn, start, end, status);
    boolean hasObjectives = registered.map(s -> !s.objectives().isEmpty())
        .orElseGet(() -> !Objectives.forScenario(r.scenario()).isEmpty());
    return new Frame(title, part, facts, Objectives.forRecovery(r.scenario(), facts.option()), hasObjectives);
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

  private static Severity severity(Frame frame) {
    ReportFacts f = frame.facts;
    if (f.drill()) {
      return new Severity("P4", f.dryRun() ? "drill (dry-run): nothing was changed"
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

  private static String impact(Frame frame, RecoveryPoint rpo) {
    ReportFacts f = frame.facts;
    if (f.dryRun()) {
      long planned = f.recovery().plan().size();
      return "None: dry-run drill, nothing was changed (" + planned + " call(s) planned, none sent).";
    }
    if (f.noAction()) {
      return f.healthy() ? "None found: " + f.resource("the resource") + " was healthy when diagnosed; no action "
          + "was taken, nothing was changed."
          : "Unknown: the diagnosis could not tell whether " + f.resource("the resource") + " failed; no action was "
              + "taken, nothing was changed (a human judges).";
    }
    String untouched = frame.part.impactWithoutProduction(f);
    if (untouched != null) {
      return oneLine(untouched);
    }
    StringBuilder b = new StringBuilder(f.drill() ? "Drill (failure injected on purpose): " : "");
    String affected = frame.part.affected(f);
    b.append(affected != null ? affected : frame.scenario + " affecting " + f.resource("the resource"));
    if (f.triggerTime() != null) {
      b.append(" from ").append(ReportTimes.hhmm(f.triggerTime())).append(" UTC");
    }
    if (f.succeeded() && f.verifiedAt() != null) {
      b.append(" until the recovery was verified at ").append(ReportTimes.hhmm(f.verifiedAt())).append(" UTC");
    } else if (f.failed()) {
      b.append("; not recovered automatically (the recovery failed")
          .append(f.end() == null ? "" : " at " + ReportTimes.hhmm(f.end()) + " UTC").append(')');
    } else if (f.running()) {
      b.append("; recovery in progress");
    }
    b.append('.');
    String loss = frame.part.dataLoss(f);
    if (loss != null) {
      b.append(' ').append(loss);
    } else if (rpo.seconds() != null) {
      b.append(rpo.seconds() == 0 ? " No data loss expected (" + rpo.basis() + ")."
          : " Writes made in the " + ReportTimes.human(rpo.seconds()) + " before the failure may be lost ("
              + rpo.basis() + ").");
    }
    return oneLine(b.toString());
  }

  private static String durationText(ReportFacts f, Instant from, Long seconds) {
    if (seconds == null) {
      return from == null ? "unknown (no trigger or start time)" : f.running() ? "ongoing" : "unknown";
    }
    String text = ReportTimes.human(seconds) + (f.running() ? " so far" : "") + " ("
        + ReportTimes.hhmm(from) + " to " + ReportTimes.hhmm(f.end()) + " UTC)";
    return f.triggerTime() == null ? text + ", from the execution start: trigger time unknown" : text;
  }

  // ---------------------------------------------------------------- objectives

  private static ObjectiveResult rtoResult(Frame frame, Long rto) {
    ReportFacts f = frame.facts;
    if (frame.objective.isEmpty()) {
      return new ObjectiveResult("RTO", null, noObjective(frame), null, rto,
          rto == null ? notMeasured(f) : ReportTimes.human(rto), Verdict.NOT_APPLICABLE);
    }
    Objective o = frame.objective.get();
    long target = o.rto().getSeconds();
    if (rto != null) {
      return new ObjectiveResult("RTO", o.name(), o.rtoText(), target, rto,
          ReportTimes.human(rto) + " (trigger to verified)", rto <= target ? Verdict.PASS : Verdict.FAIL);
    }
    Long elapsed = ReportTimes.between(f.triggerTime(), f.end());
    if (!f.dryRun() && (f.failed() || f.running()) && elapsed != null && elapsed > target) {
      // not recovered yet and already past the objective: missed whatever happens next
      return new ObjectiveResult("RTO", o.name(), o.rtoText(), target, null,
          "not recovered " + ReportTimes.human(elapsed) + " after the trigger", Verdict.FAIL);
    }
    return new ObjectiveResult("RTO", o.name(), o.rtoText(), target, null, notMeasured(f), Verdict.NOT_APPLICABLE);
  }

  private static ObjectiveResult rpoResult(Frame frame, RecoveryPoint rpo) {
    String measured = rpo.seconds() == null ? (rpo.basis() == null ? "not measured" : "not measured: " + rpo.basis())
        : ReportTimes.human(rpo.seconds()) + " (" + rpo.basis() + ")";
    if (frame.objective.isEmpty()) {
      return new ObjectiveResult("RPO", null, noObjective(frame), null, rpo.seconds(), measured,
          Verdict.NOT_APPLICABLE);
    }
    Objective o = frame.objective.get();
    if (o.rpo() == null) {
      return new ObjectiveResult("RPO", o.name(), o.rpoText(), null, rpo.seconds(), measured,
          Verdict.NOT_APPLICABLE);
    }
    long target = o.rpo().getSeconds();
    if (frame.facts.failed()) {
      // nothing was recovered: whatever point the recovery aimed at, the data is not back
      return new ObjectiveResult("RPO", o.name(), o.rpoText(), target, rpo.seconds(), "not met: the recovery failed, "
          + "no data was recovered" + (rpo.seconds() == null ? "" : " (aimed at " + measured + ")"), Verdict.FAIL);
    }
    Verdict verdict = rpo.seconds() == null ? Verdict.NOT_APPLICABLE
        : rpo.seconds() <= target ? Verdict.PASS : Verdict.FAIL;
    return new ObjectiveResult("RPO", o.name(), o.rpoText(), target, rpo.seconds(), measured, verdict);
  }

  /** Why no row applies: the scenario has rows but the recovery did not choose between them, or it has none. */
  private static String noObjective(Frame frame) {
    return frame.hasObjectives ? "undetermined (no runbook option chosen)" : "none in the runbook";
  }

  private static String notMeasured(ReportFacts f) {
    if (f.dryRun()) {
      return "not measured: dry-run, nothing was recovered";
    }
    if (f.failed()) {
      return "not measured: the recovery failed before it was verified";
    }
    if (f.noAction()) {
      return "not measured: no action, nothing was recovered";
    }
    if (f.running()) {
      return "not measured yet: recovery in progress";
    }
    if (f.triggerTime() == null) {
      return "not measured: trigger time unknown";
    }
    return "not measured: no Verify 'verified' entry in the timeline";
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

  // ---------------------------------------------------------------- lessons, action items

  private static boolean timedOut(ReportFacts f) {
    return f.errorType() != null && (f.errorType().contains("Timeout") || f.errorType().contains("TimedOut"));
  }

  private static List<String> lessons(ReportFacts f, ObjectiveResult rto, ObjectiveResult rpo, RecoveryPoint point) {
    List<String> lessons = new ArrayList<>();
    if (rto.verdict() == Verdict.FAIL) {
      lessons.add(rto.measuredSeconds() != null
          ? "Recovery took " + ReportTimes.human(rto.measuredSeconds()) + " from trigger to verified, beyond the "
              + rto.target() + " RTO of " + rto.objectiveName() + "."
          : "The " + rto.target() + " RTO of " + rto.objectiveName() + " was missed: " + rto.measured() + ".");
    }
    if (missed(rpo)) {
      String what = !point.snapshot() ? "The recovery point was "
          : f.dryRun() ? "The snapshot the dry-run chose was "
          : f.succeeded() ? "The snapshot restored was " : "The snapshot being restored was ";
      lessons.add(what + ReportTimes.human(rpo.measuredSeconds()) + " older than the failure, beyond the "
          + rpo.target() + " RPO of " + rpo.objectiveName() + ".");
    }
    if (f.failed()) {
      lessons.add("Automatic recovery failed: " + f.cause() + ".");
      if ("Rejected".equals(f.errorType())) {
        lessons.add("The approval gate was rejected, so nothing more was changed.");
      } else if (timedOut(f)) {
        Options o = f.recovery().options();
        lessons.add("A wait or an approval timed out" + (o == null || o.pollSeconds() <= 0 ? ""
            : " (wait budget: " + o.maxPolls() + " polls x " + o.pollSeconds() + " s = "
                + ReportTimes.human((long) o.maxPolls() * o.pollSeconds()) + ")")
            + ": check the budget against how long the step really takes.");
      }
    }
    for (VerificationResult v : ReportSections.skippedChecks(f)) {
      lessons.add("Verification check " + v.check() + " did not run (" + v.detail()
          + "): success was declared without it.");
    }
    if (f.noAction() && f.healthy()) {
      Trigger t = f.recovery().trigger();
      lessons.add("A signal started a recovery of a healthy " + f.resource("resource")
          + (t == null ? "" : " (" + t.kind() + " " + t.id() + ")") + ": nothing was changed; check what raised it.");
    }
    if (lessons.isEmpty()) {
      return List.of(LESSON_PLACEHOLDER, LESSON_PLACEHOLDER);
    }
    return lessons;
  }

  private static List<ActionItem> actionItems(Frame frame, ObjectiveResult rto, ObjectiveResult rpo) {
    ReportFacts f = frame.facts;
    List<ActionItem> items = new ArrayList<>();
    Instant base = f.end() != null ? f.end() : f.start() != null ? f.start() : f.triggerTime();
    String due = base == null ? DATE_PLACEHOLDER : ReportTimes.dateTime(base.plus(REVIEW_WITHIN));
    items.add(new ActionItem((f.drill() ? "Review this drill" : "Complete this post-incident review")
        + " and replace the remaining placeholders", OWNER_PLACEHOLDER, due));
    frame.part.actionItems(f).forEach(text -> items.add(action(text)));
    if (f.failed()) {
      items.add(action("Investigate " + f.cause()));
      if (!f.drill()) {
        items.add(action("Confirm " + f.resource("the resource")
            + " was recovered by hand and verified (runbook Verification)"));
      }
    }
    if (rto.verdict() == Verdict.FAIL) {
      items.add(action("Bring " + rto.objectiveName() + " recovery within its " + rto.target() + " RTO (measured: "
          + rto.measured() + ")"));
    }
    if (missed(rpo)) {
      String own = frame.part.rpoAction(f, rpo);
      items.add(action(own != null ? own : "Meet the " + rpo.target() + " RPO of " + rpo.objectiveName()
          + " (recovery point was " + ReportTimes.human(rpo.measuredSeconds()) + " old)"));
    }
    for (VerificationResult v : ReportSections.skippedChecks(f)) {
      items.add(action("Enable verification check " + v.check() + " (" + v.detail() + ")"));
    }
    if (f.noAction()) {
      items.add(action(f.healthy() ? "Review the signal that started a recovery of a healthy "
          + f.resource("resource") + " (threshold, source)" : "Check " + f.resource("the resource")
          + " by hand: the diagnosis was inconclusive and nothing was changed"));
    }
    if (f.drill()) {
      items.add(action("Record the drill in the runbook's Testing Schedule and report the results (Test Procedure "
          + "steps 5-7)"));
    }
    if (items.size() < 2) {
      items.add(action(ACTION_PLACEHOLDER));
    }
    return items;
  }

  /** The recovery point was older than the objective (not merely a failed recovery's RPO). */
  private static boolean missed(ObjectiveResult rpo) {
    return rpo.verdict() == Verdict.FAIL && rpo.measuredSeconds() != null && rpo.targetSeconds() != null
        && rpo.measuredSeconds() > rpo.targetSeconds();
  }

  private static ActionItem action(String text) {
    return new ActionItem(oneLine(text), OWNER_PLACEHOLDER, DATE_PLACEHOLDER);
  }

  /** Report lines are single lines: a newline in a detail must not break the Markdown structure. */
  public static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n]+", " ").trim();
  }
}
