package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.corruption.CorruptionState.Repair;
import ai.sentinel.dr.corruption.CorruptionState.Verify;
import ai.sentinel.dr.corruption.sql.CompareProgress;
import ai.sentinel.dr.corruption.sql.TableChecks;
import ai.sentinel.dr.corruption.sql.TableCompare;
import ai.sentinel.dr.corruption.sql.TableDiff;
import ai.sentinel.dr.corruption.sql.TableRepair;
import ai.sentinel.dr.corruption.sql.TableSpec;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5, recovery step 6, "Verify data integrity", before maintenance ends: per table, the table is compared
 * with the clean copy again from scratch (not only where the first compare looked, so a row written after it is
 * caught): {@code full}, nothing may differ; {@code selective}, the repair planned on the fresh diff must change
 * nothing (rows outside the condition are not the repair's to judge and are reported as kept). The runbook's
 * {@code SELECT COUNT(*), MIN(created_at), MAX(created_at)} is recorded beside the values before the repair. Resumable
 * like CompareTables: each invocation works until its deadline and keeps the fresh compare's progress in
 * {@code $.corruption.verify} (bounded by the differing ranges, not the rows); the state machine loops on
 * {@code $.corruption.verify.done}, and only the run that finishes every table judges. A failed check does not throw:
 * the verdict ({@code $.verification.verified} false, each table's check) stays in the document, and the state
 * machine holds maintenance (HoldMaintenance tells which table passed and which did not).
 */
@UsesSettings({DataCorruptionSettings.class, DatabaseSettings.class})
public final class VerifyData extends Step {
  /** The name of a table's verification check: {@code repaired-<table>}. */
  static final String CHECK_PREFIX = "repaired-";
  private final Databases databases;
  /** Work per invocation (CompareTables': well inside Lambda's 15 minutes). */
  private final Duration work;

  public VerifyData() {
    this(Deps.fromProcessEnv());
  }

  public VerifyData(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public VerifyData(Deps deps) {
    this(deps, Duration.ofSeconds(CompareTables.WORK_SECONDS));
  }

  /** {@code work}: how long one invocation compares before handing back (tests: zero, one unit a run). */
  VerifyData(Deps deps, Duration work) {
    super(deps);
    this.databases = new Databases(deps);
    this.work = work;
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
    Verify before = state.verify() == null ? new Verify(null, 0, false) : state.verify();
    if (before.done()) {
      return recovery.log(entry("skipped", "already verified"));
    }
    List<Check> checks = new ArrayList<>();
    if (recovery.dryRun()) {
      for (String table : request.tables()) {
        checks.add(new Check(CHECK_PREFIX + table, Result.SKIP, "dry-run: nothing was repaired"));
      }
      Verification v = Verification.of(checks);
      return recovery.withVerification(v).update(CorruptionState.PART, st -> st.withVerify(new Verify(null,
          before.runs() + 1, true))).log(entry("skipped", "dry-run: would compare again (the repaired rows must "
              + "equal the clean copy) and record COUNT(*), MIN/MAX per table"));
    }
    DataCorruptionSettings s = DataCorruptionSettings.of(deps.config());
    Map<String, CompareProgress> progress = new LinkedHashMap<>(before.progress());
    Instant deadline = Instant.now().plus(work);
    try (Connection clean = databases.clean(recovery); Connection live = databases.live()) {
      clean.setReadOnly(true);
      for (String table : request.tables()) {
        TableSpec spec = CompareTables.spec(s, table);
        // compared again from scratch, not only where the first compare found differences: a row written after
        // CompareTables (during the approval wait) must fail the verification, not be missed
        CompareProgress p = progress.get(table);
        if (p == null) {
          p = TableCompare.start(clean, live, spec);
        }
        if (!p.done()) {
          p = TableCompare.advance(clean, live, spec, p, deadline);
        }
        progress.put(table, p);
        if (!p.done() || Instant.now().isAfter(deadline)) {
          break;
        }
      }
      if (!request.tables().stream().allMatch(t -> progress.containsKey(t) && progress.get(t).done())) {
        Verify next = new Verify(progress, before.runs() + 1, false);
        return recovery.update(CorruptionState.PART, st -> st.withVerify(next)).log(entry(Recovery.WAITING,
            "verification continues (run " + next.runs() + "): " + describe(request, progress)));
      }
      for (String table : request.tables()) {
        TableSpec spec = CompareTables.spec(s, table);
        CompareProgress fresh = progress.get(table);
        checks.add(check(table, request, fresh, request.full() ? null : TableRepair.planSelective(clean, live,
            spec, request.conditions(), fresh.diff())));
        TableChecks after = TableChecks.of(live, spec);
        Repair repair = state.repairs().get(table);
        TableChecks was = repair == null ? null : repair.before();
        checks.add(new Check("counts-" + table, Result.PASS, "COUNT(*) " + after.rows() + ", MIN " + after
            .minTimestamp() + ", MAX " + after.maxTimestamp() + (was == null ? " (not repaired)" : " (before: "
                + was.rows() + ", " + was.minTimestamp() + ", " + was.maxTimestamp() + ")")));
      }
    } catch (SQLException e) {
      throw Databases.typed(name(), e);
    }
    Verification v = Verification.of(checks);
    Verify finished = new Verify(progress, before.runs() + 1, true);
    Recovery out = recovery.withVerification(v).update(CorruptionState.PART, st -> st.withVerify(finished));
    if (!v.verified()) {
      // returned, not thrown: a throw would lose which tables passed (the Catch keeps only the input), and
      // HoldMaintenance must tell each table's state; the state machine holds maintenance on verified = false
      return out.log(entry("not-verified", failures(v)));
    }
    return out.log(entry("verified", checks.stream().map(c -> c.name() + "=" + c.result()).toList().toString()
        + (finished.runs() > 1 ? " (compared again over " + finished.runs() + " runs)" : "")));
  }

  /** The failed checks, one line. */
  static String failures(Verification v) {
    return "verification failed: " + v.checks().stream().filter(c -> c.result() == Result.FAIL)
        .map(c -> c.name() + ": " + c.detail()).toList();
  }

  /** Where each table's fresh compare stands, one line. */
  private static String describe(CorruptionRequest request, Map<String, CompareProgress> progress) {
    List<String> parts = new ArrayList<>();
    for (String table : request.tables()) {
      CompareProgress p = progress.get(table);
      parts.add(table + ": " + (p == null ? "not started" : p.done() ? "compared" : "top ranges " + p.nextTop()
          + "/" + p.topBuckets() + ", " + p.pending().size() + " range(s) to look at closer"));
    }
    return String.join("; ", parts);
  }

  /**
   * The table's check from a fresh compare: {@code full}, no difference at all; {@code selective}, no row matching
   * the condition still differs ({@code left}, the repair planned on the fresh diff, changes nothing), while rows
   * outside the condition may differ (writes since the clean time, kept). An unfinished compare fails: unverified.
   */
  static Check check(String table, CorruptionRequest request, CompareProgress fresh, TableRepair.Result left) {
    String name = CHECK_PREFIX + table;
    TableDiff d = fresh.diff();
    long differing = d.onlyInClean() + d.onlyInLive() + d.changed();
    if (!fresh.done()) {
      return new Check(name, Result.FAIL, "the compare did not finish: not verified");
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
