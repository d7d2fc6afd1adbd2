package ai.sentinel.dr.scenario;

import ai.sentinel.dr.common.Clients.Priming;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.safety.LockedResource;
import ai.sentinel.dr.trigger.SignalRules;
import java.util.List;
import java.util.Map;

/**
 * A runbook scenario (or a Testing Schedule test) as a plug-in: everything the shared core needs to know about it.
 * Implemented once per scenario in the scenario's own package and listed once in {@link ScenarioRegistry}; shared
 * code loops over the registry and never names a scenario.
 */
public interface Scenario {

  /** The runbook id used in events/, manual payloads, state machine names and reports ({@code <name>-failure}). */
  String id();

  /** The scenario as a report title names it, e.g. "Database failure". */
  String title();

  /** The rows of the runbook's Recovery Objectives table this scenario is measured against. */
  List<Objective> objectives();

  /** True for a Testing Schedule test (never touches production, always a drill), false for a recovery. */
  default boolean test() {
    return false;
  }

  /**
   * Every resource a recovery of {@code resource} will mutate, its own first, then what it changes besides (the
   * instances or clusters it creates, the secret it repoints, the services it restarts: {@code
   * RestartServices.targets(config)}). The recovery locks all of them before its first mutation, all-or-nothing, so no
   * other recovery, of any scenario, changes one of them meanwhile. A test names only its scratch resources. Name a
   * resource with {@link LockedResource}'s factories so that two scenarios mutating it lock the same item.
   */
  List<LockedResource> mutates(String resource, DrConfig config);

  /**
   * Why the locks of this recovery must outlive it, or null (the default) to release them when it ends: a recovery
   * that ends leaving its resources in a state only a human may end (a change held on after a failure) keeps them
   * locked without lease, so no other recovery, of any scenario, acts on them meanwhile; a human releases them
   * ({@code ./sentinel release EXECUTION}). Read by the final step on every path; begin the reason with what is held
   * and by which execution, e.g. "X held by EXECUTION".
   */
  default String locksHeldAfter(ai.sentinel.dr.recovery.Recovery recovery) {
    return null;
  }

  /** Its part of the post-incident report. */
  ReportPart report();

  /** Which signals start it, and its manual-payload fields. */
  SignalRules signals();

  /**
   * SnapStart priming: one cheap read-only call per client the scenario's steps use, on the resources it protects
   * (only the clients a function built are primed; see {@link ai.sentinel.dr.common.Clients#prime}). None by default.
   */
  default List<Priming<?>> priming(DrConfig config) {
    return List.of();
  }

  /**
   * The steps an environment may put an approval gate before ({@code safety.approvalSteps}), each with how it explains
   * what is about to happen, read from the recovery so far: what changes, on which resources, and what it means
   * ({@link GateExplanation}). The on-call approves exactly that. None by default.
   */
  default Map<String, ApprovalGate> gates() {
    return Map.of();
  }

  /** The settings sections of cdk.json this scenario reads (a section may serve several scenarios). */
  default List<SettingsSection<?>> settings() {
    return List.of();
  }
}
