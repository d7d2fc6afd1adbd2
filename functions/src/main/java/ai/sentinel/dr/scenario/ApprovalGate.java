package ai.sentinel.dr.scenario;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.recovery.Recovery;

/** How a scenario explains one of its approval gates ({@link Scenario#gates()}) from the recovery so far. */
@FunctionalInterface
public interface ApprovalGate {
  /**
   * @param recovery the recovery document as it reaches the gate
   * @param config   the environment (the names of the resources the step changes)
   * @return the explanation, or null when the recovery does not know enough yet (the gate then names the step)
   */
  GateExplanation explain(Recovery recovery, DrConfig config);
}
