package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lessons read from the timeline, whatever the scenario: the steps that took longer than their share of the RTO,
 * the steps that ran more than once (a loop or a retry), the approvals a recovery waited on and the steps it skipped.
 *
 * <p>A step's handler logs when it has done its work, so a step's time is from the previous step's last entry to its
 * own last entry; a wait collapses its polls into one entry, so its time covers every poll. An approval's wait (from
 * the previous step's last entry to the answer's time) is the human's, not the next step's.
 */
final class TimelineLessons {
  /** After the recovery: the outcome and the report, never the subject of a timing lesson. */
  private static final List<String> AFTER = List.of("Notify", "Report");
  private static final Pattern ANSWERED_AT = Pattern.compile(" at (\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z)");
  /** At most this many slow steps are named: the review starts with the slowest. */
  private static final int SLOWEST = 3;

  private TimelineLessons() {}

  /** One step's runs: time spent (approvals excluded), how many separate runs, and its last detail. */
  private static final class StepTime {
    long seconds;
    int runs;
  }

  static List<String> of(ReportFacts f, Long rtoTargetSeconds) {
    List<String> lessons = new ArrayList<>();
    List<TimelineEntry> entries = f.recovery().timeline().stream()
        .filter(e -> e != null && e.step() != null && ReportTimes.parse(e.at()) != null
            && AFTER.stream().noneMatch(a -> e.step().startsWith(a)))
        .toList();
    if (!f.dryRun()) {
      entries.stream().filter(e -> "skipped".equals(e.event())).forEach(e -> lessons.add(e.step()
          + " was skipped (" + oneLine(e.detail()) + "): the recovery went on without it; check that it may."));
    }
    if (f.dryRun() || f.noAction() || entries.isEmpty()) {
      return lessons;
    }
    Map<String, StepTime> steps = new LinkedHashMap<>();
    Instant previousEnd = f.start() != null ? f.start() : f.triggerTime();
    String previousStep = null;
    for (int i = 0; i < entries.size(); i++) {
      TimelineEntry e = entries.get(i);
      Instant at = ReportTimes.parse(e.at());
      StepTime t = steps.computeIfAbsent(e.step(), s -> new StepTime());
      if (!e.step().equals(previousStep)) {
        t.runs++;
      }
      if ("approved".equals(e.event())) {
        Instant answered = answeredAt(e, at);
        Long waited = ReportTimes.between(previousEnd, answered);
        if (waited != null) {
          lessons.add(approvalLesson(e, waited, previousEnd, answered, rtoTargetSeconds));
          previousEnd = answered;
        }
      }
      Long spent = ReportTimes.between(previousEnd, at);
      if (spent != null) {
        t.seconds += spent;
        previousEnd = at;
      }
      previousStep = e.step();
    }
    if (rtoTargetSeconds != null && !steps.isEmpty()) {
      long share = rtoTargetSeconds / steps.size();
      steps.entrySet().stream().filter(s -> s.getValue().seconds > share)
          .sorted(Comparator.comparingLong((Map.Entry<String, StepTime> s) -> s.getValue().seconds).reversed())
          .limit(SLOWEST)
          .forEach(s -> lessons.add(s.getKey() + " took " + ReportTimes.human(s.getValue().seconds)
              + ", more than its share of the RTO (" + ReportTimes.human(share) + ": the objective over "
              + steps.size() + " steps): " + percent(s.getValue().seconds, rtoTargetSeconds)
              + " of the objective; the first place to look for a faster recovery."));
    }
    steps.forEach((name, t) -> {
      if (t.runs > 1) {
        lessons.add(name + " ran " + t.runs + " times (a loop or a retry of the step): each run after the first is "
            + "time the recovery did not plan for.");
      }
    });
    return lessons;
  }

  /** What to say when nothing went wrong enough to learn from. */
  static String nothingToLearn(ReportFacts f, ObjectiveResult rto) {
    if (f.dryRun()) {
      return "Dry-run: nothing was changed, so no timing lesson; the plan shows what a real recovery would do.";
    }
    if (f.running()) {
      return "Recovery in progress: the lessons are derived when it ends.";
    }
    return "Nothing to improve found in the timeline: every step finished within its share of the "
        + (rto.target() == null ? "recovery" : rto.target() + " RTO") + ", no step ran twice, no approval was waited "
        + "on and no check was skipped.";
  }

  private static String approvalLesson(TimelineEntry e, long waited, Instant from, Instant to, Long target) {
    String by = e.detail() == null ? "" : e.detail().replaceFirst(" at .*$", "");
    return e.step() + " waited " + ReportTimes.human(waited) + " for its approval (" + ReportTimes.hhmm(from)
        + " to " + ReportTimes.hhmm(to) + " UTC, " + oneLine(by) + ")" + (target == null ? "."
            : ": " + percent(waited, target) + " of the RTO spent waiting for a human.");
  }

  /** The answer's own time from "approved by X at T", else the entry's. */
  private static Instant answeredAt(TimelineEntry e, Instant logged) {
    Matcher m = e.detail() == null ? null : ANSWERED_AT.matcher(e.detail());
    Instant answered = m != null && m.find() ? ReportTimes.parse(m.group(1)) : null;
    return answered != null && !answered.isAfter(logged) ? answered : logged;
  }

  private static String percent(long part, long whole) {
    return whole <= 0 ? "n/a" : Math.round(part * 100.0 / whole) + "%";
  }
}
