package ai.sentinel.dr.report;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.IncidentReport.ObjectiveResult;
import ai.sentinel.dr.report.Objectives.Objective;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A scenario's part of the post-incident report: what only the scenario's own state can tell (its impact, root cause,
 * recovery point, severity rule, objective row and the action its RPO asks for). {@link IncidentReports} keeps the
 * runbook's template frame (date, duration, timeline, metrics, pass/fail, the review's action items) and asks the
 * scenario for these. Every default is what the frame says of a scenario that has nothing of its own to add, so a new
 * scenario overrides only what it knows. Like the frame, a part never throws on a partial document: any part of the
 * scenario's state may be missing.
 */
public interface ReportPart {

  /** The runbook option the recovery took (A, B, C), or null when the scenario has none or none was chosen. */
  default String option(Recovery recovery) {
    return null;
  }

  /**
   * The row of the runbook's Recovery Objectives table this recovery is measured against, or empty when it cannot be
   * told yet (nothing is then passed or failed against a guess).
   *
   * @param option the runbook option from {@link #option}, or null
   * @param rows   the scenario's rows of the table
   */
  default Optional<Objective> objective(String option, List<Objective> rows) {
    return rows.size() == 1 ? Optional.of(rows.get(0)) : Optional.empty();
  }

  /** The steps whose "verified" timeline entry ends the measured RTO. */
  default Set<String> verifySteps() {
    return Set.of("Verify");
  }

  /** Said in the title's brackets after the resource, e.g. "rolled back to sentinel-api:7"; null for nothing. */
  default String titleDetail(ReportFacts f) {
    return null;
  }

  /** The severity of a production incident that did not fail (drills and failed recoveries are the frame's). */
  default Severity severity(ReportFacts f) {
    return Severity.UNCLASSIFIED;
  }

  /**
   * The whole Impact line of a run that never touches production (a Testing Schedule test), or null for the frame's
   * impact composed from {@link #affected} and the recovery point. A dry-run's impact is always the frame's.
   */
  default String impactWithoutProduction(ReportFacts f) {
    return null;
  }

  /**
   * What failed and what it took down, the start of the Impact line, e.g. "ECS service sentinel-api had 0/2 tasks
   * running"; null for the frame's "scenario affecting resource".
   */
  default String affected(ReportFacts f) {
    return null;
  }

  /** What the recovery loses by design, replacing the frame's data-loss sentence from the recovery point; or null. */
  default String dataLoss(ReportFacts f) {
    return null;
  }

  /** True when the scenario diagnoses before it acts: the report then says when its diagnosis is missing. */
  default boolean diagnoses() {
    return true;
  }

  /** What the scenario's diagnosis observed, in one line, or null when it has not run. */
  default String finding(ReportFacts f) {
    return null;
  }

  /** Root-cause sentences on the decisions the recovery made (the option, a rollback, a scale-up), in order. */
  default List<String> decisions(ReportFacts f) {
    return List.of();
  }

  /**
   * The underlying cause as the scenario's diagnosis tells it (what made the resource fail, e.g. "the container image
   * of sentinel-api:9 could not be pulled"), or that there was none (a scheduled test); null for the frame's "not
   * established by the automation".
   */
  default String underlyingCause(ReportFacts f) {
    return null;
  }

  /**
   * The recovery point achieved (or planned), measured as a distance before the failure. The frame measures it
   * against the RPO objective, states the data loss in the impact and asks for a lesson when it misses.
   */
  default RecoveryPoint recoveryPoint(ReportFacts f) {
    return RecoveryPoint.UNKNOWN;
  }

  /**
   * Action items of the scenario's own that stay with a human whatever the automation did (e.g. the runbook's
   * Security Incident Recovery list: "force password reset for affected users"), after the frame's review item.
   */
  default List<String> actionItems(ReportFacts f) {
    return List.of();
  }

  /** The action item for a missed RPO, e.g. "Snapshot X at least every ...", or null for the frame's generic one. */
  default String rpoAction(ReportFacts f, ObjectiveResult rpo) {
    return null;
  }
}
