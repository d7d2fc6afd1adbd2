package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.report.IncidentReport.VerificationResult;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The report sections read straight from the recovery document, whatever the scenario: the timeline, the steps taken
 * (Resolution) and the verification checks.
 */
final class ReportSections {

  /** Timeline events that are steps taken, for the Resolution section (as the step handlers log them). */
  private static final Set<String> RESOLUTION_EVENTS = Set.of("decided", "approved", "requested", "restoring",
      "repointed", "restarted", "done", "verified", "rolled-back", "scaled", "created", "adopted", "cleaned-up",
      "redeploying", "rolling-back", "scaling");

  private ReportSections() {}

  /** "HH:MM - ..." lines: the trigger, the execution's start, every timeline entry, the approval, the end. */
  static List<String> timeline(ReportFacts f) {
    List<String> lines = new ArrayList<>();
    Trigger t = f.recovery().trigger();
    if (t != null) {
      lines.add(line(f.triggerTime(), "Trigger: " + t.kind() + " via " + t.source() + " (" + t.id() + "): "
          + t.summary()));
    }
    if (f.start() != null) {
      lines.add(line(f.start(), "Execution started: " + (f.executionName() == null ? "?" : f.executionName())
          + (f.dryRun() ? " (dry-run)" : "")));
    }
    boolean approvalLogged = false;
    for (TimelineEntry e : f.recovery().timeline()) {
      if (e == null) {
        continue;
      }
      approvalLogged |= "approved".equals(e.event());
      lines.add(line(ReportTimes.parse(e.at()), entryText(e)));
    }
    JsonNode approval = f.recovery().approval();
    if (approval != null && approval.isObject() && !approvalLogged) {
      // the gate's answer reaches the timeline at the next step; a report made right after the gate shows it here
      lines.add(line(ReportTimes.parse(approval.path("at").asText(null)), "Approval "
          + approval.path("decision").asText("approved") + " by " + approval.path("by").asText("unknown")
          + (approval.hasNonNull("identity") ? " (" + approval.get("identity").asText() + ")" : "")
          + (approval.hasNonNull("reason") ? ": " + approval.get("reason").asText() : "")));
    }
    if (f.end() != null && !f.running()) {
      lines.add(line(f.end(), "Execution ended: " + f.status() + (f.cause() == null ? "" : " (" + f.cause() + ")")));
    }
    lines.addAll(PagingSection.lines(f.recovery()));
    return lines;
  }

  /** "Step event: detail", leaving out what the entry lacks. */
  private static String entryText(TimelineEntry e) {
    String head = ((e.step() == null ? "" : e.step()) + " " + (e.event() == null ? "" : e.event())).trim();
    String detail = e.detail() == null ? "" : e.detail();
    return head.isEmpty() ? (detail.isEmpty() ? "(empty entry)" : detail)
        : detail.isEmpty() ? head : head + ": " + detail;
  }

  private static String line(Instant at, String text) {
    return ReportTimes.hhmm(at) + " - " + oneLine(text);
  }

  /** The steps taken (a dry-run: the steps planned), or why there are none. */
  static List<String> resolution(ReportFacts f) {
    List<String> steps = new ArrayList<>();
    for (TimelineEntry e : f.recovery().timeline()) {
      if (e == null || e.event() == null) {
        continue;
      }
      boolean taken = RESOLUTION_EVENTS.contains(e.event());
      boolean planned = f.dryRun() && (e.event().startsWith("would-") || "planned".equals(e.event()));
      if ((taken && !f.dryRun()) || planned || (f.dryRun() && "decided".equals(e.event()))) {
        steps.add(oneLine(ReportTimes.hhmm(ReportTimes.parse(e.at())) + " " + entryText(e)));
      }
    }
    if (f.dryRun()) {
      steps.add("Nothing was changed (dry-run): " + f.recovery().plan().size()
          + " call(s) recorded in the plan, none sent.");
    }
    if (f.failed()) {
      steps.add("Automatic recovery stopped (" + f.cause() + "); the on-call was notified to finish it by hand.");
    }
    if (f.noAction()) {
      steps.add("No action taken (" + f.recovery().diagnosis().verdict() + "): " + oneLine(f.recovery().diagnosis()
          .reason()) + "; nothing was changed and the attempt was not counted.");
    }
    if (steps.isEmpty()) {
      steps.add(f.running() ? "No recovery step completed yet." : "No recovery step completed.");
    }
    return steps;
  }

  /** The checks that did not run in a real recovery: success was declared without them. */
  static List<VerificationResult> skippedChecks(ReportFacts f) {
    if (f.dryRun() || f.recovery().verification() == null || f.recovery().verification().checks() == null) {
      return List.of();
    }
    return f.recovery().verification().checks().stream()
        .filter(c -> c != null && c.result() == Verification.Result.SKIP)
        .map(c -> new VerificationResult(c.name(), c.result().name(), oneLine(c.detail())))
        .toList();
  }

  /** Every check run before success was declared, or one NOT_RUN entry saying why none ran. */
  static List<VerificationResult> verification(ReportFacts f) {
    Verification v = f.recovery().verification();
    if (v != null && v.checks() != null && !v.checks().isEmpty()) {
      return v.checks().stream().filter(c -> c != null)
          .map(c -> new VerificationResult(c.name(), c.result() == null ? "UNKNOWN" : c.result().name(),
              oneLine(c.detail())))
          .toList();
    }
    if (f.noAction()) {
      return List.of(new VerificationResult("diagnosis", f.recovery().diagnosis().verdict().name(),
          oneLine(String.join("; ", f.recovery().diagnosis().evidence()))));
    }
    String why = f.dryRun() ? "dry-run: nothing was changed, nothing to verify"
        : f.failed() ? "the recovery failed before verification passed"
        : f.running() ? "not reached yet" : "no checks recorded";
    return List.of(new VerificationResult("verification", "NOT_RUN", why));
  }
}
