package ai.sentinel.dr.cli;

import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.ReportTimes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The leadership summary of a full DR simulation (runbook Testing Schedule, quarterly; Test Procedure steps 1-7): the
 * window as announced, one row per scenario against the runbook's Recovery Objectives, and every issue the exercise
 * met (failures, skipped checks, retries, slow steps). Built only from what the drills measured: a field nobody
 * measured says why, so the report never keeps a placeholder for someone to fill in.
 */
final class SimulationReport {
  static final String FAILURE = "failure";
  static final String SKIPPED = "skipped check";
  static final String RETRY = "retry";
  static final String SLOW = "slow step";
  /** The longest measurement a table cell shows. */
  static final int CELL_MAX = 200;

  private SimulationReport() {}

  /** One objective measured: the runbook's target, what was measured (or why not), pass/fail/n/a. */
  record Cell(String target, String measured, String verdict) {}

  /**
   * One scenario's line of the table.
   *
   * @param scenario  the drill's scenario id
   * @param objective the Recovery Objectives row it was measured against (or the scenario's rows, when not drilled)
   * @param verified  yes, no, planned, error, or "not drilled"
   * @param report    the drill's post-incident report (relative path), or why there is none
   */
  record Row(String scenario, String objective, Cell rto, Cell rpo, String verified, String report) {}

  /** One issue met during the exercise: its scenario, its kind ({@link #FAILURE}, {@link #SKIPPED}...), what. */
  record Issue(String scenario, String kind, String text) {}

  /**
   * The exercise as a whole.
   *
   * @param environment the cdk.json environment drilled
   * @param start       the recorded start (Test Procedure step 2), before the announcement
   * @param end         when the last drill ended
   * @param announced   how the window was announced to the on-call (step 1), or why it could not be
   * @param closed      how the end of the window was told, or why it could not be
   */
  record Window(String environment, Instant start, Instant end, String announced, String closed) {}

  /** The row of a drill that ran (or stopped with an error). */
  static Row row(DrillAll.Outcome o, Path root) {
    IncidentReport report = o.report();
    ObjectiveResult rto = report == null ? null : report.objective("RTO");
    ObjectiveResult rpo = report == null ? null : report.objective("RPO");
    String objective = rto != null && rto.objectiveName() != null ? rto.objectiveName() : rowsOf(o.scenario());
    String why = o.error() != null ? "not measured: the drill stopped with an error"
        : "not measured: the recovery started no execution";
    Path file = o.result() == null ? null : o.result().reportFile();
    String reportCell = file != null ? root.relativize(file).toString()
        : "none: " + (o.error() != null ? "the drill stopped with an error" : "no recovery ran");
    return new Row(o.scenario(), objective, cell(rto, "RTO", o.scenario(), why), cell(rpo, "RPO", o.scenario(), why),
        o.result() == null ? "error" : DrillAll.verified(o.result()), reportCell);
  }

  /** The row of a runbook scenario the exercise could not drill, and why. */
  static Row notDrilled(String scenario, String why) {
    Cell rto = new Cell(targets(scenario, "RTO"), "not measured: " + why, "n/a");
    Cell rpo = new Cell(targets(scenario, "RPO"), "not measured: " + why, "n/a");
    return new Row(scenario, rowsOf(scenario), rto, rpo, "not drilled", "none: " + why);
  }

  /**
   * The issues of one drill, failures first: why it stopped or did not verify, each failed or skipped check, each
   * missed objective, then what its timeline and its own output show (retries, skipped steps, slow steps).
   */
  static List<Issue> issues(DrillAll.Outcome o) {
    String s = o.scenario();
    Set<Issue> out = new LinkedHashSet<>();
    if (o.error() != null) {
      out.add(new Issue(s, FAILURE, "the drill stopped: " + o.error()));
    }
    Drill.Result r = o.result();
    if (r != null && !r.passed()) {
      String cause = r.execution() == null || r.execution().error() == null ? ""
          : " (" + r.execution().error() + (r.execution().cause() == null ? "" : ": " + oneLine(r.execution().cause()))
              + ")";
      out.add(new Issue(s, FAILURE, "not verified: execution " + (r.status() == null ? "never started"
          : r.status().toString()) + cause));
    }
    for (var check : checks(o)) {
      if (check.result().equals("FAIL")) {
        out.add(new Issue(s, FAILURE, "check " + check.check() + " failed: " + oneLine(check.detail())));
      } else if (!check.result().equals("PASS")) {
        out.add(new Issue(s, SKIPPED, check.check() + " (" + check.result() + "): " + oneLine(check.detail())));
      }
    }
    if (o.report() != null) {
      for (ObjectiveResult obj : o.report().objectives()) {
        if (obj.verdict() == IncidentReport.Verdict.FAIL) {
          out.add(new Issue(s, FAILURE, obj.measure() + " missed: " + obj.measured() + " against "
              + obj.target() + " (" + obj.objectiveName() + ")"));
        }
      }
      for (String lesson : o.report().lessons()) {
        // TimelineLessons' wording: "STEP was skipped (why)", "STEP ran N times", "STEP took ... its share"
        String kind = lesson.matches("\\S+ was skipped \\(.*") ? SKIPPED : lesson.matches(".* ran \\d+ times.*") ? RETRY
            : lesson.contains("more than its share of the RTO") ? SLOW : null;
        if (kind != null) {
          out.add(new Issue(s, kind, oneLine(lesson)));
        }
      }
    }
    for (String line : o.printed()) {
      // its own "FAILED: the drill stopped" line is the error above
      if (line.startsWith("FAILED: the drill stopped")) {
        continue;
      }
      String kind = line.startsWith("FAILED") ? FAILURE : line.contains("attempt") ? RETRY : SKIPPED;
      out.add(new Issue(s, kind, "the drill printed: " + oneLine(line.replaceFirst("^! ", ""))));
    }
    return List.copyOf(out);
  }

  /** The Markdown summary for leadership. */
  static String markdown(Window w, List<Row> rows, List<Issue> issues) {
    StringBuilder md = new StringBuilder();
    long verified = rows.stream().filter(r -> r.verified().equals("yes")).count();
    long missed = rows.stream().flatMap(r -> java.util.stream.Stream.of(r.rto(), r.rpo()))
        .filter(c -> c.verdict().equals("fail")).count();
    List<Issue> failures = issues.stream().filter(i -> i.kind().equals(FAILURE)).toList();
    List<Issue> skipped = issues.stream().filter(i -> i.kind().equals(SKIPPED)).toList();
    List<Issue> other = issues.stream().filter(i -> !i.kind().equals(FAILURE) && !i.kind().equals(SKIPPED)).toList();
    md.append("## Full DR Simulation Report: ").append(w.environment()).append(" environment, ")
        .append(ReportTimes.date(w.start())).append("\n\n");
    md.append("**Exercise:** the runbook's quarterly Full DR simulation (Testing Schedule): every scenario drilled as ")
        .append("one exercise on the local cloud, following the Test Procedure\n");
    md.append("**Window:** ").append(ReportTimes.dateTime(w.start())).append(" to ")
        .append(ReportTimes.dateTime(w.end())).append(" (")
        .append(ReportTimes.human(ReportTimes.between(w.start(), w.end()))).append(")\n");
    md.append("**Started:** ").append(ReportTimes.iso(w.start())).append("\n");
    md.append("**Announced:** ").append(oneLine(w.announced())).append("\n");
    md.append("**Closed:** ").append(oneLine(w.closed())).append("\n");
    md.append("**Outcome:** ").append(verified == rows.size() ? "PASSED" : "NOT PASSED").append(": ")
        .append(verified).append(" of ").append(rows.size()).append(" scenarios verified, ").append(missed)
        .append(" objective(s) missed, ").append(failures.size()).append(" failure(s), ").append(skipped.size())
        .append(" skipped check(s), ").append(other.size()).append(" other issue(s)\n\n");

    md.append("### Results against the Recovery Objectives\n\n");
    md.append("| Scenario | Objective (runbook row) | RTO objective | RTO measured | RPO objective | RPO achieved "
        + "| Verified | Report |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append("| ").append(String.join(" | ", r.scenario(), r.objective(), r.rto().target(),
          r.rto().measured() + " (" + r.rto().verdict() + ")", r.rpo().target(),
          r.rpo().measured() + " (" + r.rpo().verdict() + ")", r.verified(), r.report()).replace("\n", " "))
          .append(" |\n");
    }
    section(md, "Failures", failures, "none: every drill ran to a verified recovery and met its objectives.");
    section(md, "Skipped checks", skipped, "none: every verification check ran.");
    section(md, "Retries and slow steps", other, "none: no step ran twice and none took more than its share of "
        + "the RTO.");
    md.append("\n### Runbook follow-up (Test Procedure step 6)\n\n");
    List<String> follow = new ArrayList<>();
    for (Row r : rows) {
      if (r.verified().equals("not drilled")) {
        follow.add(r.scenario() + " was not exercised (" + r.rto().measured().replaceFirst("^not measured: ", "")
            + "): the next simulation should cover it.");
      } else if (!r.verified().equals("yes")) {
        follow.add(r.scenario() + " did not verify: review its recovery steps against the failures above ("
            + (r.report().startsWith("none: ") ? "no report: " + r.report().substring(6) : "report " + r.report())
            + ").");
      } else if (r.rto().verdict().equals("fail") || r.rpo().verdict().equals("fail")) {
        follow.add(r.scenario() + " missed an objective: review its recovery steps or the objective itself.");
      }
    }
    if (follow.isEmpty()) {
      follow.add("No runbook change indicated: every scenario verified within its objectives.");
    }
    follow.forEach(f -> md.append("- ").append(f).append("\n"));
    return md.toString();
  }

  private static void section(StringBuilder md, String title, List<Issue> issues, String none) {
    md.append("\n### ").append(title).append(" (").append(issues.size()).append(")\n\n");
    if (issues.isEmpty()) {
      md.append(none.substring(0, 1).toUpperCase()).append(none.substring(1)).append("\n");
    }
    issues.forEach(i -> md.append("- **").append(i.scenario()).append("**: ").append(i.text()).append("\n"));
  }

  private static Cell cell(ObjectiveResult r, String measure, String scenario, String why) {
    return r == null ? new Cell(targets(scenario, measure), why, "n/a")
        : new Cell(r.target(), shorten(r.measured()), r.verdict().label());
  }

  /** The verification checks as the report lists them, else as the recovery document holds them. */
  private static List<IncidentReport.VerificationResult> checks(DrillAll.Outcome o) {
    if (o.report() != null && !o.report().verification().isEmpty()) {
      return o.report().verification();
    }
    Verification v = o.result() == null || o.result().recovery() == null ? null
        : o.result().recovery().verification();
    return v == null ? List.of() : v.checks().stream()
        .map(c -> new IncidentReport.VerificationResult(c.name(), c.result().name(), c.detail())).toList();
  }

  /** The scenario's Recovery Objectives rows by name, or that the runbook has none for it (a test's own id). */
  private static String rowsOf(String scenario) {
    List<Objectives.Objective> rows = Objectives.forScenario(scenario);
    return rows.isEmpty() ? "none in the runbook for " + scenario
        : rows.stream().map(Objectives.Objective::name).collect(Collectors.joining(" / "));
  }

  private static String targets(String scenario, String measure) {
    List<Objectives.Objective> rows = Objectives.forScenario(scenario);
    return rows.isEmpty() ? "none in the runbook" : rows.stream()
        .map(o -> measure.equals("RTO") ? o.rtoText() : o.rpoText()).distinct().collect(Collectors.joining(" / "));
  }

  /**
   * A table cell stays readable: a long measurement (Scenario 5's RPO lists every table's rows) is cut, and the
   * scenario's own report, named on the same row, has all of it.
   */
  static String shorten(String measured) {
    String line = oneLine(measured);
    return line.length() <= CELL_MAX ? line : line.substring(0, CELL_MAX) + "... (the rest in its report)";
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }
}
