package ai.sentinel.dr.report;

import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The leadership summary of a full DR simulation (runbook Testing Schedule, quarterly; Test Procedure steps 1-7): the
 * window as announced, one row per runbook scenario against its Recovery Objectives, and every issue the exercise met
 * (failures, skipped checks, retries, slow steps). One code for both exercises: {@code ./sentinel drill --full} on the
 * local cloud and the scheduled simulation in AWS ({@code drills.fullSimulation}). Built only from what was measured:
 * a field nobody measured says why, so the summary never keeps a placeholder for someone to fill in.
 */
public final class SimulationSummary {
  public static final String FAILURE = "failure";
  public static final String SKIPPED = "skipped check";
  public static final String RETRY = "retry";
  public static final String SLOW = "slow step";
  /** The longest measurement a table cell shows. */
  public static final int CELL_MAX = 200;
  /** The file name (and S3 key suffix) of the summary. */
  public static final String FILE = "full-dr-simulation-report.md";
  /** What the local exercise is, for the header. */
  public static final String LOCAL = "every scenario drilled as one exercise on the local cloud, following the Test "
      + "Procedure";

  private SimulationSummary() {}

  /** One objective measured: the runbook's target, what was measured (or why not), pass/fail/n/a. */
  public record Cell(String target, String measured, String verdict) {}

  /**
   * One scenario's line of the table.
   *
   * @param scenario  the drill's scenario id
   * @param objective the Recovery Objectives row it was measured against (or the scenario's rows, when not drilled)
   * @param verified  yes, no, planned (a dry-run that ran to its end), error, or "not drilled"
   * @param report    the drill's post-incident report (file or S3 location), or why there is none
   */
  public record Row(String scenario, String objective, Cell rto, Cell rpo, String verified, String report) {}

  /** One issue met during the exercise: its scenario, its kind ({@link #FAILURE}, {@link #SKIPPED}...), what. */
  public record Issue(String scenario, String kind, String text) {}

  /**
   * The exercise as a whole.
   *
   * @param environment the cdk.json environment drilled
   * @param exercise    what ran, for the header (e.g. {@link #LOCAL})
   * @param start       the recorded start (Test Procedure step 2), before the announcement
   * @param end         when the last drill ended
   * @param announced   how the window was announced to the on-call (step 1), or why it could not be
   * @param closed      how the end of the window was told, or why it could not be
   */
  public record Window(String environment, String exercise, Instant start, Instant end, String announced,
      String closed) {
    public Window(String environment, Instant start, Instant end, String announced, String closed) {
      this(environment, LOCAL, start, end, announced, closed);
    }
  }

  /**
   * What one drill of the exercise gave, whoever ran it.
   *
   * @param scenario    the drill's scenario id
   * @param report      the recovery's report as rebuilt from its execution; null without an execution
   * @param verified    yes, no, planned or error
   * @param error       why the drill stopped before it had a result (could not start, a call failed), or null
   * @param notVerified why the recovery did not verify (its execution's status and error), or null
   * @param checks      the verification checks, for a drill whose report lists none
   * @param printed     the warnings and failures the drill printed ("! ...", "FAILED..."), none in the cloud
   * @param reportRef   where its report is (a file relative to the project, an S3 location), or null
   */
  public record Drilled(String scenario, IncidentReport report, String verified, String error, String notVerified,
      List<IncidentReport.VerificationResult> checks, List<String> printed, String reportRef) {
    public Drilled {
      checks = checks == null ? List.of() : List.copyOf(checks);
      printed = printed == null ? List.of() : List.copyOf(printed);
    }
  }

  /**
   * The whole summary: a row and the issues of each drill, then a row for every registered recovery the runbook sets
   * objectives for that was not drilled, with {@code whyNotDrilled}'s reason.
   */
  public static String of(Window w, List<Drilled> drilled, Function<String, String> whyNotDrilled) {
    List<Row> rows = new ArrayList<>();
    List<Issue> issues = new ArrayList<>();
    for (Drilled d : drilled) {
      rows.add(row(d));
      issues.addAll(issues(d));
    }
    for (String scenario : notDrilled(drilled.stream().map(Drilled::scenario).toList())) {
      String why = whyNotDrilled.apply(scenario);
      rows.add(notDrilled(scenario, why));
      issues.add(new Issue(scenario, SKIPPED, "the scenario was not drilled: " + why));
    }
    return markdown(w, rows, issues);
  }

  /** The registry's recoveries with a Recovery Objectives row that are not in {@code drilled}, in runbook order. */
  public static List<String> notDrilled(List<String> drilled) {
    return ScenarioRegistry.recoveries().stream().map(Scenario::id)
        .filter(id -> !Objectives.forScenario(id).isEmpty() && !drilled.contains(id)).toList();
  }

  /** The row of a drill that ran (or stopped with an error). */
  public static Row row(Drilled d) {
    IncidentReport report = d.report();
    ObjectiveResult rto = report == null ? null : report.objective("RTO");
    ObjectiveResult rpo = report == null ? null : report.objective("RPO");
    String objective = rto != null && rto.objectiveName() != null ? rto.objectiveName() : rowsOf(d.scenario());
    String why = d.error() != null ? "not measured: the drill stopped with an error"
        : "not measured: the recovery started no execution";
    String reportCell = d.reportRef() != null ? d.reportRef()
        : "none: " + (d.error() != null ? "the drill stopped with an error" : "no recovery ran");
    return new Row(d.scenario(), objective, cell(rto, "RTO", d.scenario(), why), cell(rpo, "RPO", d.scenario(), why),
        d.verified(), reportCell);
  }

  /** The row of a runbook scenario the exercise could not drill, and why. */
  public static Row notDrilled(String scenario, String why) {
    Cell rto = new Cell(targets(scenario, "RTO"), "not measured: " + why, "n/a");
    Cell rpo = new Cell(targets(scenario, "RPO"), "not measured: " + why, "n/a");
    return new Row(scenario, rowsOf(scenario), rto, rpo, "not drilled", "none: " + why);
  }

  /**
   * The issues of one drill, failures first: why it stopped or did not verify, each failed or skipped check, each
   * missed objective, then what its timeline and its own output show (retries, skipped steps, slow steps).
   */
  public static List<Issue> issues(Drilled d) {
    String s = d.scenario();
    Set<Issue> out = new LinkedHashSet<>();
    if (d.error() != null) {
      out.add(new Issue(s, FAILURE, "the drill stopped: " + d.error()));
    }
    if (d.notVerified() != null) {
      out.add(new Issue(s, FAILURE, "not verified: " + oneLine(d.notVerified())));
    }
    List<IncidentReport.VerificationResult> checks = d.report() != null && !d.report().verification().isEmpty()
        ? d.report().verification() : d.checks();
    for (var check : checks) {
      if (check.result().equals("FAIL")) {
        out.add(new Issue(s, FAILURE, "check " + check.check() + " failed: " + oneLine(check.detail())));
      } else if (!check.result().equals("PASS")) {
        out.add(new Issue(s, SKIPPED, check.check() + " (" + check.result() + "): " + oneLine(check.detail())));
      }
    }
    if (d.report() != null) {
      for (ObjectiveResult obj : d.report().objectives()) {
        if (obj.verdict() == IncidentReport.Verdict.FAIL) {
          out.add(new Issue(s, FAILURE, obj.measure() + " missed: " + obj.measured() + " against "
              + obj.target() + " (" + obj.objectiveName() + ")"));
        }
      }
      for (String lesson : d.report().lessons()) {
        // TimelineLessons' wording: "STEP was skipped (why)", "STEP ran N times", "STEP took ... its share"
        String kind = lesson.matches("\\S+ was skipped \\(.*") ? SKIPPED : lesson.matches(".* ran \\d+ times.*") ? RETRY
            : lesson.contains("more than its share of the RTO") ? SLOW : null;
        if (kind != null) {
          out.add(new Issue(s, kind, oneLine(lesson)));
        }
      }
    }
    for (String line : d.printed()) {
      // its own "FAILED: the drill stopped" line is the error above
      if (line.startsWith("FAILED: the drill stopped")) {
        continue;
      }
      String kind = line.startsWith("FAILED") ? FAILURE : line.contains("attempt") ? RETRY : SKIPPED;
      out.add(new Issue(s, kind, "the drill printed: " + oneLine(line.replaceFirst("^! ", ""))));
    }
    return List.copyOf(out);
  }

  /** True when every row verified, or (a dry-run exercise) ran its plan to the end. */
  public static boolean passed(List<Row> rows) {
    return rows.stream().allMatch(r -> r.verified().equals("yes") || r.verified().equals("planned"));
  }

  /** The Markdown summary for leadership. */
  public static String markdown(Window w, List<Row> rows, List<Issue> issues) {
    StringBuilder md = new StringBuilder();
    long verified = rows.stream().filter(r -> r.verified().equals("yes")).count();
    long planned = rows.stream().filter(r -> r.verified().equals("planned")).count();
    long missed = rows.stream().flatMap(r -> Stream.of(r.rto(), r.rpo()))
        .filter(c -> c.verdict().equals("fail")).count();
    List<Issue> failures = issues.stream().filter(i -> i.kind().equals(FAILURE)).toList();
    List<Issue> skipped = issues.stream().filter(i -> i.kind().equals(SKIPPED)).toList();
    List<Issue> other = issues.stream().filter(i -> !i.kind().equals(FAILURE) && !i.kind().equals(SKIPPED)).toList();
    md.append("## Full DR Simulation Report: ").append(w.environment()).append(" environment, ")
        .append(ReportTimes.date(w.start())).append("\n\n");
    md.append("**Exercise:** the runbook's quarterly Full DR simulation (Testing Schedule): ").append(w.exercise())
        .append("\n");
    md.append("**Window:** ").append(ReportTimes.dateTime(w.start())).append(" to ")
        .append(ReportTimes.dateTime(w.end())).append(" (")
        .append(ReportTimes.human(ReportTimes.between(w.start(), w.end()))).append(")\n");
    md.append("**Started:** ").append(ReportTimes.iso(w.start())).append("\n");
    md.append("**Announced:** ").append(oneLine(w.announced())).append("\n");
    md.append("**Closed:** ").append(oneLine(w.closed())).append("\n");
    md.append("**Outcome:** ").append(passed(rows) ? "PASSED" : "NOT PASSED").append(": ")
        .append(verified).append(" of ").append(rows.size()).append(" scenarios verified")
        .append(planned == 0 ? "" : ", " + planned + " planned (dry-run to the end, checks skipped)").append(", ")
        .append(missed).append(" objective(s) missed, ").append(failures.size()).append(" failure(s), ")
        .append(skipped.size()).append(" skipped check(s), ").append(other.size()).append(" other issue(s)\n\n");

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
    section(md, "Failures", failures, "none: every drill ran to its end and met its objectives.");
    section(md, "Skipped checks", skipped, "none: every verification check ran.");
    section(md, "Retries and slow steps", other, "none: no step ran twice and none took more than its share of "
        + "the RTO.");
    md.append("\n### Runbook follow-up (Test Procedure step 6)\n\n");
    List<String> follow = new ArrayList<>();
    for (Row r : rows) {
      if (r.verified().equals("not drilled")) {
        follow.add(r.scenario() + " was not exercised (" + r.rto().measured().replaceFirst("^not measured: ", "")
            + "): the next simulation should cover it.");
      } else if (!r.verified().equals("yes") && !r.verified().equals("planned")) {
        follow.add(r.scenario() + " did not verify: review its recovery steps against the failures above ("
            + (r.report().startsWith("none: ") ? "no report: " + r.report().substring(6) : "report " + r.report())
            + ").");
      } else if (r.rto().verdict().equals("fail") || r.rpo().verdict().equals("fail")) {
        follow.add(r.scenario() + " missed an objective: review its recovery steps or the objective itself.");
      }
    }
    if (follow.isEmpty()) {
      follow.add("No runbook change indicated: every scenario " + (planned == 0 ? "verified" : "ran to its end")
          + " within its objectives.");
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
  public static String shorten(String measured) {
    String line = oneLine(measured);
    return line.length() <= CELL_MAX ? line : line.substring(0, CELL_MAX) + "... (the rest in its report)";
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }
}
