package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.database.DatabaseState.Decision;
import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 1, Recovery Steps: picks Option A (Multi-AZ failover, verify), B (restore from snapshot) or C (point-in-time
 * recovery). An operator's explicit option wins; otherwise the diagnosis decides. A state the runbook does not cover
 * stops here and goes to a human rather than guessing. Pure decision: no AWS call.
 */
public final class ChooseOption extends Step {
  /** Statuses that mean the instance will not come back by itself: restore from a snapshot (Option B). */
  static final Set<String> LOST = Set.of("failed", "incompatible-restore", "incompatible-network",
      "incompatible-parameters", "incompatible-option-group", "inaccessible-encryption-credentials",
      "inaccessible-encryption-credentials-recoverable", "restore-error", "deleting", "storage-full");

  /** Statuses a human must handle: restoring would throw away a healthy database. */
  static final Set<String> NOT_COVERED = Set.of("stopped", "stopping", "creating");

  public ChooseOption() {
    this(Deps.fromProcessEnv());
  }

  public ChooseOption(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ChooseOption(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "ChooseOption";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Diagnosis d = recovery.part(DatabaseState.PART) == null ? null : recovery.part(DatabaseState.PART).diagnosis();
    if (d == null) {
      throw new StepFailedError("ChooseOption needs the Diagnose step's result");
    }
    Decision decision = decide(recovery.options() == null ? null : recovery.options().option(), d);
    return recovery.update(DatabaseState.PART, s -> s.withDecision(decision))
        .log(entry("decided", "Option " + decision.option() + ": " + decision.reason()));
  }

  static Decision decide(String forced, Diagnosis d) {
    if (forced != null) {
      return switch (forced) {
        case "A" -> {
          if (!d.instanceFound()) {
            throw new StepFailedError("Option A (failover) requested but the instance does not exist");
          }
          yield new Decision("A", "requested by the operator");
        }
        case "B" -> new Decision("B", "requested by the operator");
        case "C" -> new Decision("C", "requested by the operator");
        default -> throw new StepFailedError("unknown option '" + forced + "' (A, B or C)");
      };
    }
    if (!d.instanceFound()) {
      return new Decision("B", "instance not found: restore the latest snapshot");
    }
    if (d.status() == null) {
      throw new StepFailedError("instance exists but reports no status: a human must look");
    }
    if (LOST.contains(d.status())) {
      return new Decision("B", "instance is '" + d.status() + "', which does not recover by itself: restore the "
          + "latest snapshot");
    }
    if (NOT_COVERED.contains(d.status())) {
      throw new StepFailedError("instance is '" + d.status() + "': not covered by the runbook's automatic "
          + "options; a human must decide (invoke manually with option B or C to restore)");
    }
    if (d.multiAz()) {
      return new Decision("A", "instance exists and is Multi-AZ ('" + d.status() + "'): AWS fails over to the "
          + "standby by itself; verify the failover completed");
    }
    return new Decision("A", "instance exists ('" + d.status() + "'), single-AZ: no standby, but nothing is "
        + "lost; wait until available and verify rather than restore over live data");
  }
}
