package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.corruption.CorruptionState.Repair;
import ai.sentinel.dr.corruption.sql.CompareProgress;
import ai.sentinel.dr.corruption.sql.TableChecks;
import ai.sentinel.dr.corruption.sql.TableCompare;
import ai.sentinel.dr.corruption.sql.TableDiff;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5, recovery step 6, "Verify data integrity", before maintenance ends: per table, the table is compared
 * with the clean copy again from scratch (not only where the first compare looked, so a row written after it is
 * caught): {@code full}, nothing may differ; {@code selective}, the repair planned on the fresh diff must change
 * nothing (rows outside the condition are not the repair's to judge and are reported as kept). The runbook's
 * {@code SELECT COUNT(*), MIN(created_at), MAX(created_at)} is recorded beside the values before the repair. Throws
 * unless every check passes: maintenance is then held. A compare that does not finish within the run fails too.
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
      return recovery.withVerification(v).log(entry("skipped", "dry-run: would compare again (the repaired rows "
          + "must equal the clean copy) and record COUNT(*), MIN/MAX per table"));
    }
    DataCorruptionSettings s = DataCorruptionSettings.of(deps.config());
    Instant deadline = Instant.now().plusSeconds(CompareTables.WORK_SECONDS);
    try (Connection clean = databases.clean(recovery); Connection live = databases.live()) {
      clean.setReadOnly(true);
      for (String table : request.tables()) {
        TableSpec spec = CompareTables.spec(s, table);
        // compared again from scratch, not only where the first compare found differences: a row written after
        // CompareTables (during the approval wait) must fail the verification, not be missed
        CompareProgress fresh = TableCompare.advance(clean, live, spec, TableCompare.start(clean, live, spec),
            deadline);
        checks.add(check(table, request, fresh, fresh.done() && !request.full() ? TableRepair.planSelective(clean,
            live, spec, request.conditions(), fresh.diff()) : null));
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

  /**
   * The table's check from a fresh compare: {@code full}, no difference at all; {@code selective}, no row matching
   * the condition still differs ({@code left}, the repair planned on the fresh diff, changes nothing), while rows
   * outside the condition may differ (writes since the clean time, kept). An unfinished compare fails: unverified.
   */
  static Check check(String table, CorruptionRequest request, CompareProgress fresh, TableRepair.Result left) {
    String name = "repaired-" + table;
    TableDiff d = fresh.diff();
    long differing = d.onlyInClean() + d.onlyInLive() + d.changed();
    if (!fresh.done()) {
      return new Check(name, Result.FAIL, "the compare did not finish within " + CompareTables.WORK_SECONDS
          + " s: not verified");
    }
    if (request.full()) {
      return differing == 0 ? new Check(name, Result.PASS, "compared again: live equals the clean copy (every row)")
          : new Check(name, Result.FAIL, "compared again: " + differing + " row(s) still differ from the clean copy ("
              + d.onlyInClean() + " only in clean, " + d.onlyInLive() + " only in live, " + d.changed()
              + " changed)");
    }
    long rows = left.deleted() + left.inserted() + left.updated();
    String where = CorruptionRequest.describe(request.conditions());
    return rows == 0 ? new Check(name, Result.PASS, "compared again: live equals the clean copy for every row where "
        + where + (differing == 0 ? "" : "; " + differing + " row(s) outside it differ (writes since the clean "
            + "time, kept)"))
        : new Check(name, Result.FAIL, "compared again: " + rows + " row(s) where " + where + " still differ from "
            + "the clean copy (" + left.deleted() + " to delete, " + left.inserted() + " to insert, " + left.updated()
            + " to update)");
  }
}
