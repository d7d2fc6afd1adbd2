package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.IncidentReports.REVIEW_WITHIN;
import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.report.IncidentReport.ActionItem;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.IncidentReport.Verdict;
import ai.sentinel.dr.report.IncidentReport.VerificationResult;
import ai.sentinel.dr.report.IncidentReports.Frame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The review's part of the report: the lessons learned, derived from the outcome, the objectives and the timeline
 * ({@link TimelineLessons}), and the action items, each owned by the configured on-call role and due at a date.
 */
final class ReportReview {
  private ReportReview() {}

  private static boolean timedOut(ReportFacts f) {
    return f.errorType() != null && (f.errorType().contains("Timeout") || f.errorType().contains("TimedOut"));
  }

  static List<String> lessons(Frame frame, ObjectiveResult rto, ObjectiveResult rpo, RecoveryPoint point) {
    ReportFacts f = frame.facts();
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
    lessons.addAll(TimelineLessons.of(f, rto.targetSeconds()));
    if (lessons.isEmpty()) {
      lessons.add(TimelineLessons.nothingToLearn(f, rto));
    }
    return lessons;
  }

  /**
   * The review first (due within 48 hours of the end, as the runbook says), then what the scenario and the outcome
   * ask for, due {@link ReportSettings#actionDueDays} after the end; all owned by the configured on-call role.
   */
  static List<ActionItem> actionItems(Frame frame, ObjectiveResult rto, ObjectiveResult rpo) {
    ReportFacts f = frame.facts();
    ReportSettings settings = frame.settings();
    Instant base = f.end() != null ? f.end() : f.start() != null ? f.start() : f.triggerTime();
    String owner = settings.owner();
    String due = base == null ? "within " + settings.actionDueDays() + " days of the recovery's end"
        : ReportTimes.dateTime(base.plus(Duration.ofDays(settings.actionDueDays())));
    List<ActionItem> items = new ArrayList<>();
    Function<String, ActionItem> action = text -> new ActionItem(oneLine(text), owner, due);
    items.add(new ActionItem((f.drill() ? "Review this drill" : "Complete this post-incident review")
        + ": confirm the root cause and the lessons learned, agree the actions (runbook Post-Incident Review)", owner,
        base == null ? "within 48 hours of the recovery's end" : ReportTimes.dateTime(base.plus(REVIEW_WITHIN))));
    frame.part().actionItems(f).forEach(text -> items.add(action.apply(text)));
    if (f.failed()) {
      items.add(action.apply("Investigate " + f.cause()));
      if (!f.drill()) {
        items.add(action.apply("Confirm " + f.resource("the resource")
            + " was recovered by hand and verified (runbook Verification)"));
      }
    }
    if (rto.verdict() == Verdict.FAIL) {
      items.add(action.apply("Bring " + rto.objectiveName() + " recovery within its " + rto.target()
          + " RTO (measured: " + rto.measured() + ")"));
    }
    if (missed(rpo)) {
      String own = frame.part().rpoAction(f, rpo);
      items.add(action.apply(own != null ? own : "Meet the " + rpo.target() + " RPO of " + rpo.objectiveName()
          + " (recovery point was " + ReportTimes.human(rpo.measuredSeconds()) + " old)"));
    }
    for (VerificationResult v : ReportSections.skippedChecks(f)) {
      items.add(action.apply("Enable verification check " + v.check() + " (" + v.detail() + ")"));
    }
    if (f.noAction()) {
      items.add(action.apply(f.healthy() ? "Review the signal that started a recovery of a healthy "
          + f.resource("resource") + " (threshold, source)" : "Check " + f.resource("the resource")
          + " by hand: the diagnosis was inconclusive and nothing was changed"));
    }
    if (f.drill()) {
      items.add(action.apply("Record the drill in the runbook's Testing Schedule and report the results (Test "
          + "Procedure steps 5-7)"));
    }
    return items;
  }

  /** The recovery point was older than the objective (not merely a failed recovery's RPO). */
  private static boolean missed(ObjectiveResult rpo) {
    return rpo.verdict() == Verdict.FAIL && rpo.measuredSeconds() != null && rpo.targetSeconds() != null
        && rpo.measuredSeconds() > rpo.targetSeconds();
  }
}
