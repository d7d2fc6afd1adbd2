package ai.sentinel.dr.scenario;

import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.trigger.SignalRules;
import java.util.List;

/**
 * A runbook scenario (or a Testing Schedule test) as a plug-in: everything the shared core needs to know about it.
 * Implemented once per scenario in the scenario's own package and listed once in {@link ScenarioRegistry}; shared
 * code loops over the registry and never names a scenario.
 */
public interface Scenario {

  /** The runbook id used in events/, manual payloads, state machine names and reports, e.g. redis-failure. */
  String id();

  /** The scenario as a report title names it, e.g. "Redis failure". */
  String title();

  /** The rows of the runbook's Recovery Objectives table this scenario is measured against. */
  List<Objective> objectives();

  /** True for a Testing Schedule test (never touches production, always a drill), false for a recovery. */
  default boolean test() {
    return false;
  }

  /** Its part of the post-incident report. */
  ReportPart report();

  /** Which signals start it, and its manual-payload fields. */
  SignalRules signals();
}
