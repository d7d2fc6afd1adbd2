package ai.sentinel.dr.corruption;

import ai.sentinel.dr.corruption.CorruptionState.Diagnosis;
import ai.sentinel.dr.corruption.CorruptionState.Repair;
import ai.sentinel.dr.corruption.sql.CorruptionTimeline;
import ai.sentinel.dr.report.RecoveryPoint;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.report.ReportTimes;
import ai.sentinel.dr.report.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Data corruption: its part of the post-incident report, on the runbook's template. The corruption timeline (first
 * and last corrupted row per table), the rows affected and the rows repaired per table, the suspected deployment as
 * the root cause; the RPO is "Variable" in the runbook, so the report states the data lost instead: writes made after
 * the clean time to the rows the repair replaced.
 */
final class DataCorruptionReport implements ReportPart {

  @Override
  public Set<String> verifySteps() {
    return Set.of("VerifyData");
  }

  @Override
  public String titleDetail(ReportFacts f) {
    CorruptionState s = state(f);
    return s == null || s.request() == null ? null : s.request().mode() + " repair of "
        + String.join(", ", s.request().tables());
  }

  @Override
  public Severity severity(ReportFacts f) {
    return new Severity("P1", "corrupted data served by the API; writes paused during the repair");
  }

  @Override
  public String affected(ReportFacts f) {
    CorruptionState s = state(f);
    Diagnosis d = s == null ? null : s.diagnosis();
    if (d == null) {
      return "Data corruption in " + f.resource("the database") + " (not diagnosed)";
    }
    List<String> tables = new ArrayList<>();
    for (CorruptionTimeline t : d.timelines()) {
      tables.add(t.table() + " " + t.rows() + " row(s)" + (t.rows() == 0 ? "" : " created " + t.first() + " to "
          + t.last()));
    }
    return "Corrupted rows in " + f.resource("the database") + ": " + String.join("; ", tables);
  }

  @Override
  public String dataLoss(ReportFacts f) {
    CorruptionState s = state(f);
    if (s == null || s.repairs().isEmpty()) {
      return "No row of live was changed by the recovery.";
    }
    return "Rows repaired from the clean copy at " + cleanTime(s) + " (" + perTable(s) + "). " + lost(s)
        + (s.request() != null && s.request().full() ? " The fully restored tables now equal the clean copy."
            : " Every other row kept its writes.");
  }

  /** Per repaired table: rows deleted, inserted and updated. */
  static String perTable(CorruptionState s) {
    List<String> lines = new ArrayList<>();
    s.repairs().forEach((table, r) -> lines.add(table + ": " + rows(r)));
    return String.join("; ", lines);
  }

  /**
   * The runbook's RPO for this scenario is "Variable": what was lost is the later writes of the rows the repair
   * deleted or overwrote (live's versions, written after the clean time); a re-inserted row loses nothing.
   */
  static String lost(CorruptionState s) {
    long lost = 0;
    List<String> lines = new ArrayList<>();
    for (var e : s.repairs().entrySet()) {
      var r = e.getValue().result();
      long n = r == null ? 0 : r.deleted() + r.updated();
      lost += n;
      lines.add(e.getKey() + " " + n);
    }
    return "Data lost: the writes made after " + cleanTime(s) + " to " + lost + " row(s) that the repair deleted or "
        + "overwrote (" + String.join(", ", lines) + ").";
  }

  private static String cleanTime(CorruptionState s) {
    return s.diagnosis() == null || s.diagnosis().cleanTime() == null ? "the clean time" : s.diagnosis().cleanTime();
  }

  private static String rows(Repair r) {
    return r.result() == null ? "not repaired" : (r.result().deleted() + r.result().inserted() + r.result().updated())
        + " row(s) repaired (" + r.result().deleted() + " deleted, " + r.result().inserted() + " inserted, "
        + r.result().updated() + " updated)";
  }

  @Override
  public String finding(ReportFacts f) {
    CorruptionState s = state(f);
    return s == null || s.diagnosis() == null ? null : s.diagnosis().finding();
  }

  /** The suspected deployment before the first corrupted row, else the corrupted window without a writer named. */
  @Override
  public String underlyingCause(ReportFacts f) {
    CorruptionState s = state(f);
    Diagnosis d = s == null ? null : s.diagnosis();
    if (d == null) {
      return null;
    }
    String window = d.timelines().stream().filter(t -> t.rows() > 0).map(t -> t.table() + " " + t.first() + " to "
        + t.last()).reduce((a, b) -> a + ", " + b).orElse(null);
    if (d.suspect() != null) {
      return "bad writes by the release of ECS deployment " + d.suspect().id() + " (" + d.suspect().taskDefinition()
          + "), created " + d.suspect().createdAt() + ", the last deployment before the first corrupted row"
          + (window == null ? "" : " (corrupted rows: " + window + ")") + "; its changes are the suspect to confirm.";
    }
    return window == null ? "no corrupted row found by the diagnosis (" + d.rows() + " row(s) matched the condition)."
        : "bad writes to " + window + " that no ECS deployment precedes: a writer outside the API's releases (a job, "
            + "a manual change or an integration).";
  }

  @Override
  public List<String> decisions(ReportFacts f) {
    CorruptionState s = state(f);
    List<String> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    if (s.diagnosis() != null && s.diagnosis().suspect() != null) {
      out.add("Suspected cause: ECS deployment " + s.diagnosis().suspect().id() + " ("
          + s.diagnosis().suspect().taskDefinition() + ") created " + s.diagnosis().suspect().createdAt()
          + ", before the first corrupted row.");
    }
    if (s.maintenance() != null && s.maintenance().enteredAt() != null) {
      out.add("Writes stopped at " + s.maintenance().enteredAt() + ": " + s.maintenance().describe()
          + (s.maintenance().exitedAt() != null ? "; resumed at " + s.maintenance().exitedAt()
              : s.maintenance().held() != null ? "; HELD: " + s.maintenance().held() : "; still on"));
    }
    if (s.compare() != null && s.compare().done()) {
      out.add("Compared with the clean copy: " + CompareTables.summary(s.compare()) + ".");
    }
    HoldMaintenance.tables(s, f.recovery().verification()).forEach(line -> out.add("Table " + line + "."));
    return out;
  }

  /**
   * The point-in-time copy's distance before the trigger, and, as the runbook's RPO is "Variable" here, the data lost
   * and the rows repaired per table.
   */
  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    CorruptionState s = state(f);
    String clean = s == null || s.diagnosis() == null ? null : s.diagnosis().cleanTime();
    if (clean == null) {
      return RecoveryPoint.of(null, "no clean time chosen");
    }
    String rows = s.repairs().isEmpty() ? "no row repaired, no data lost" : lost(s) + " Rows repaired: "
        + perTable(s) + "; other rows keep their writes";
    return RecoveryPoint.at(f, ReportTimes.parse(clean), f.reached() + "point-in-time copy at " + clean + "; Variable"
        + " in the runbook: " + rows, false);
  }

  @Override
  public List<String> actionItems(ReportFacts f) {
    return List.of("Find and fix the cause of the corruption (the suspected deployment) before the next release",
        "Tell the users whose records were repaired, if the corrupted data was served to them");
  }

  private static CorruptionState state(ReportFacts f) {
    return f.recovery().part(CorruptionState.PART);
  }
}
