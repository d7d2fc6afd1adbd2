package ai.sentinel.dr.corruption;

import ai.sentinel.dr.corruption.CorruptionState.Diagnosis;
import ai.sentinel.dr.corruption.CorruptionState.Repair;
import ai.sentinel.dr.corruption.sql.CorruptionTimeline;
import ai.sentinel.dr.report.RecoveryPoint;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.report.ReportTimes;
import ai.sentinel.dr.report.Severity;
import java.time.Instant;
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
    List<String> lines = new ArrayList<>();
    s.repairs().forEach((table, r) -> lines.add(table + ": " + rows(r)));
    String clean = s.diagnosis() == null ? "the clean time" : s.diagnosis().cleanTime();
    return "Rows repaired from the clean copy at " + clean + " (" + String.join("; ", lines) + "). Writes made after "
        + clean + " to those rows were replaced by their clean versions (the runbook's RPO is Variable); every "
        + "other row was left as it was" + (s.request() != null && s.request().full()
            ? " except in the fully restored tables, which now equal the clean copy" : "") + ".";
  }

  private static String rows(Repair r) {
    return r.result() == null ? "not repaired" : r.result().deleted() + " deleted, " + r.result().inserted()
        + " inserted, " + r.result().updated() + " updated";
  }

  @Override
  public String finding(ReportFacts f) {
    CorruptionState s = state(f);
    return s == null || s.diagnosis() == null ? null : s.diagnosis().finding();
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
    HoldMaintenance.tables(s).forEach(line -> out.add("Table " + line + "."));
    return out;
  }

  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    CorruptionState s = state(f);
    String clean = s == null || s.diagnosis() == null ? null : s.diagnosis().cleanTime();
    if (clean == null) {
      return RecoveryPoint.of(null, "no clean time chosen");
    }
    Instant point = ReportTimes.parse(clean);
    return RecoveryPoint.at(f, point, f.reached() + "point-in-time copy at " + clean + " (the repaired rows' "
        + "later writes are lost; other rows keep theirs)", false);
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
