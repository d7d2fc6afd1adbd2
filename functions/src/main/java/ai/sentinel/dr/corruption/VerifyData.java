package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.corruption.CorruptionState.Repair;
import ai.sentinel.dr.corruption.sql.CompareProgress;
import ai.sentinel.dr.corruption.sql.TableChecks;
import ai.sentinel.dr.corruption.sql.TableRepair;
import ai.sentinel.dr.corruption.sql.TableSpec;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5, recovery step 6, "Verify data integrity", before maintenance ends: per table, the repair planned again
 * over the same scope must change nothing (the repaired rows now equal the clean copy's; rows outside the condition
 * are not the repair's to judge), and the runbook's {@code SELECT COUNT(*), MIN(created_at), MAX(created_at)} is
 * recorded beside the values before the repair. Throws unless every check passes: maintenance is then held.
 */
@UsesSettings({DataCorruptionSettings.class, DatabaseSettings.class})
public final class VerifyData extends Step {
  private final Databases databases;

  public VerifyData() {
    this(Deps.fromProcessEnv());
  }

  public VerifyData(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public VerifyData(Deps deps) {
    super(deps);
    this.databases = new Databases(deps);
  }

  @Override
  public String name() {
    return "VerifyData";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CorruptionState state = recovery.part(CorruptionState.PART);
    if (state == null || state.compare() == null || !state.compare().done()) {
      throw new StepFailedError("VerifyData needs a finished compare first");
    }
    CorruptionRequest request = state.request();
    List<Check> checks = new ArrayList<>();
    if (recovery.dryRun()) {
      for (String table : request.tables()) {
        checks.add(new Check("repaired-" + table, Result.SKIP, "dry-run: nothing was repaired"));
      }
      Verification v = Verification.of(checks);
      return recovery.withVerification(v).log(entry("skipped", "dry-run: would plan the repair again (must change "
          + "nothing) and record COUNT(*), MIN/MAX per table"));
    }
    DataCorruptionSettings s = DataCorruptionSettings.of(deps.config());
    try (Connection clean = databases.clean(recovery); Connection live = databases.live()) {
      clean.setReadOnly(true);
      for (String table : request.tables()) {
        TableSpec spec = CompareTables.spec(s, table);
        CompareProgress progress = state.compare().progress().get(table);
        TableRepair.Result left = request.full() ? TableRepair.planFull(clean, live, spec)
            : TableRepair.planSelective(clean, live, spec, request.conditions(), progress.diff());
        long rows = left.deleted() + left.inserted() + left.updated();
        checks.add(new Check("repaired-" + table, rows == 0 ? Result.PASS : Result.FAIL, rows == 0
            ? "live equals the clean copy for every " + (request.full() ? "row" : "differing row where "
                + CorruptionRequest.describe(request.conditions()))
            : rows + " row(s) still differ from the clean copy (" + left.deleted() + " to delete, "
                + left.inserted() + " to insert, " + left.updated() + " to update)"));
        TableChecks after = TableChecks.of(live, spec);
        Repair repair = state.repairs().get(table);
        TableChecks before = repair == null ? null : repair.before();
        checks.add(new Check("counts-" + table, Result.PASS, "COUNT(*) " + after.rows() + ", MIN " + after
            .minTimestamp() + ", MAX " + after.maxTimestamp() + (before == null ? " (not repaired)" : " (before: "
                + before.rows() + ", " + before.minTimestamp() + ", " + before.maxTimestamp() + ")")));
      }
    } catch (SQLException e) {
      throw Databases.typed(name(), e);
    }
    Verification v = Verification.of(checks);
    Recovery out = recovery.withVerification(v);
    if (!v.verified()) {
      throw new VerificationFailedError("verification failed: " + checks.stream()
          .filter(c -> c.result() == Result.FAIL).map(c -> c.name() + ": " + c.detail()).toList());
    }
    return out.log(entry("verified", checks.stream().map(c -> c.name() + "=" + c.result()).toList().toString()));
  }
}
