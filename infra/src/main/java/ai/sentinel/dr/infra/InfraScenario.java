package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/**
 * A runbook scenario (or a Testing Schedule test) as the CDK app deploys it: its state machine with its functions and
 * their IAM, the signals that start it, its scheduled tests and its outputs. Implemented once in the scenario's own
 * package ({@code ai.sentinel.dr.infra.<scenario>}) and listed once in {@link InfraScenarios}; the shared constructs
 * ({@link SentinelDrStack}, {@link Triggers}, {@link ScheduledDrills}, {@link Names}) loop over the list and never name
 * a scenario.
 */
public interface InfraScenario {

  /** The runbook id: names the state machine ({@link Names#stateMachine}) and keys STATE_MACHINE_ARNS. */
  String id();

  /**
   * The functions module's package holding the scenario's step handlers (e.g. {@code ai.sentinel.dr.<scenario>}).
   * Step class names repeat across scenarios (every scenario has a Diagnose), so their functions carry the package's
   * last segment: {@code <env>-sentinel-dr-<package>-<step>} ({@link Names#function}).
   */
  String stepsPackage();

  /** True for a Testing Schedule test (never touches production), false for a recovery. */
  default boolean test() {
    return false;
  }

  /** Whether {@code config}'s environment deploys it (e.g. not without the cdk.json section it recovers). */
  default boolean deployedIn(EnvironmentConfig config) {
    return true;
  }

  /**
   * Builds the scenario's state machine construct (its functions, their IAM, its states) under {@code stack}. Its
   * construct id is part of every logical id beneath it: it must never change, or a deployed stack replaces the
   * scenario's functions.
   *
   * @param built the state machines of the scenarios listed before this one, by id (a test may reuse a recovery's
   *              functions)
   */
  RecoveryStateMachine stateMachine(Construct stack, RecoveryStateMachine.Props props,
      Map<String, RecoveryStateMachine> built);

  /** The steps of its state machine an environment may put behind an approval gate ({@code safety.approvalSteps}). */
  default List<String> gateableSteps() {
    return List.of();
  }

  /**
   * Responder handlers only this scenario's signals need (each becomes a function of {@link Triggers}, allowed to start
   * every deployed state machine); the shared alarm and manual responders are not listed.
   */
  default List<Class<?>> responders() {
    return List.of();
  }

  /** Adds the scenario's own signal sources (topics, event subscriptions) to {@code triggers}. */
  default void signals(Triggers triggers) {}

  /** The scenario's entries of the runbook's Testing Schedule that {@code config} turns on. */
  default List<ScheduledDrills.Drill> drills(EnvironmentConfig config) {
    return List.of();
  }

  /**
   * What the scenario runs in the quarterly full DR simulation ({@code drills.fullSimulation}, off unless set): a
   * dry-run drill of its recovery through the ManualResponder, like every scheduled drill; null for a test (its own
   * schedule covers it). A scenario whose manual payload needs a resource or fields says which.
   */
  default ScheduledDrills.Target simulation(EnvironmentConfig config) {
    return test() ? null : new ScheduledDrills.Target(id(), null, Map.of());
  }

  /** Adds the scenario's stack outputs (at least its state machine's ARN) through {@link SentinelDrStack#output}. */
  void outputs(SentinelDrStack stack, RecoveryStateMachine stateMachine);

  /**
   * Stacks of its own beside the environment's stack, added to {@code app} (a scenario that must not run in the region
   * it recovers, e.g. in a DR region); none by default.
   */
  default List<Stack> stacks(Construct app, EnvironmentConfig config, Path lambdaJar) {
    return List.of();
  }

  /**
   * Settings sections only its own {@link #stacks} read: the environment's stack gives them to none of its functions
   * (Lambda's 4 KB of variables are better spent on what a function uses).
   */
  default List<Class<? extends Settings>> ownStackSettings() {
    return List.of();
  }
}
