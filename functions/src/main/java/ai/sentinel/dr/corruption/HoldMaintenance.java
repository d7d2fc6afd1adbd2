package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.corruption.CorruptionState.MaintenanceState;
import ai.sentinel.dr.corruption.CorruptionState.Repair;
import ai.sentinel.dr.corruption.sql.CompareProgress;
import ai.sentinel.dr.errors.ErrorCauses;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5's failure path after EnterMaintenance: maintenance stays on, because resuming writes on a half-repaired
 * database is worse than a read-only API, and the on-call (NotifyFailure, next) is told exactly what is on and which
 * state each table is in (diagnosed, compared, repaired, verified), with the clean instance kept for a manual repair.
 * Changes nothing; cannot fail on a partial document. A rejected approval does not come here: live was not changed,
 * so ExitMaintenance runs.
 */
public final class HoldMaintenance extends Step {

  public HoldMaintenance() {
    this(Deps.fromProcessEnv());
  }

  public HoldMaintenance(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public HoldMaintenance(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "HoldMaintenance";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CorruptionState state = recovery.part(CorruptionState.PART);
    MaintenanceState m = state == null ? null : state.maintenance();
    // VerifyData returns a failed verdict rather than throwing (so that each table's check is kept): no $.error then
    String cause = recovery.error() != null ? ErrorCauses.describe(recovery.error())
        : recovery.verification() != null && !recovery.verification().verified()
            ? VerifyData.failures(recovery.verification()) : "unknown failure";
    if (m == null || m.enteredAt() == null || m.exitedAt() != null) {
      return recovery.log(entry("not-held", "maintenance is not on (" + (m == null || m.enteredAt() == null
          ? "never entered" : "exited at " + m.exitedAt()) + "): nothing to hold"));
    }
    String why = "held after a failure: " + cause;
    Recovery out = recovery.update(CorruptionState.PART, st -> st.withMaintenance(m.holding(why)))
        .log(entry("maintenance-held", m.describe() + " stays ON after " + cause + ": resuming writes on a partly "
            + "repaired database would be worse; a human ends it (ExitMaintenance by hand, or undo the above)"));
    for (String line : tables(state, recovery.verification())) {
      out = out.log(entry("table-state", line));
    }
    if (state.clean() != null) {
      out = out.log(entry("clean-kept", state.clean().instanceId() + " (restored to " + state.clean().restoreTime()
          + ", " + state.clean().status() + ") is kept for a manual repair"));
    }
    return out;
  }

  /**
   * One line per requested table: the furthest stage it reached, exactly: repaired and verified, repaired with its
   * verification failed (and why), repaired and not verified (VerifyData did not judge it), or not repaired (live's
   * rows of it unchanged) and how far its compare got. {@code verification}: VerifyData's verdict, or null.
   */
  static List<String> tables(CorruptionState state, Verification verification) {
    List<String> out = new ArrayList<>();
    if (state.request() == null) {
      return out;
    }
    for (String table : state.request().tables()) {
      Repair repair = state.repairs().get(table);
      CompareProgress progress = state.compare() == null ? null : state.compare().progress().get(table);
      String stage;
      if (repair != null && repair.repaired()) {
        var r = repair.result();
        stage = "REPAIRED in live (" + r.deleted() + " deleted, " + r.inserted() + " inserted, " + r.updated()
            + " updated; committed), " + verified(verification, table);
      } else if (progress != null && progress.done()) {
        var d = progress.diff();
        stage = "compared, NOT repaired (live unchanged): " + d.onlyInClean() + " only in clean, " + d.onlyInLive()
            + " only in live, " + d.changed() + " changed";
        if (verification != null && check(verification, table) != null) {
          stage += "; " + verified(verification, table);
        }
      } else if (progress != null) {
        stage = "compare incomplete, NOT repaired (live unchanged)";
      } else {
        stage = "not compared, NOT repaired (live unchanged)";
      }
      out.add(table + ": " + stage);
    }
    return out;
  }

  /** The table's own check in VerifyData's verdict: verified, FAILED with why, or not verified. */
  private static String verified(Verification verification, String table) {
    Check c = verification == null ? null : check(verification, table);
    if (c == null || c.result() == Result.SKIP) {
      return "not verified";
    }
    return c.result() == Result.PASS ? "verified" : "verification FAILED (" + c.detail() + ")";
  }

  private static Check check(Verification verification, String table) {
    return verification.checks().stream().filter(c -> c.name().equals(VerifyData.CHECK_PREFIX + table)).findFirst()
        .orElse(null);
  }
}
