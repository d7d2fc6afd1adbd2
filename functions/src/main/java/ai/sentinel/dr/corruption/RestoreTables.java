package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.corruption.CorruptionState.Repair;
import ai.sentinel.dr.corruption.sql.CompareProgress;
import ai.sentinel.dr.corruption.sql.CorruptionTimeline;
import ai.sentinel.dr.corruption.sql.TableChecks;
import ai.sentinel.dr.corruption.sql.TableRepair;
import ai.sentinel.dr.corruption.sql.TableSpec;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5, recovery step 5, "Restore clean data", after the approval gate: per table, in one transaction each,
 * {@code selective} (Option B: only rows the compare found differing that match the condition, on live's row or on
 * clean's: deleted where clean lacks them, inserted where live lacks them, updated where they differ) or {@code full}
 * (Option A: the table's content made equal to clean). Rows copied with COPY from clean into a temporary table on
 * live, foreign keys checked as declared. The runbook's COUNT(*)/MIN/MAX check is recorded before and after. One
 * table per invocation, so each committed repair is in the document before the next table's can fail; the state
 * machine loops on {@code $.corruption.restored}. Safe to run twice: a repaired table is skipped, and a repair only
 * touches rows that still differ.
 */
@UsesSettings({DataCorruptionSettings.class, DatabaseSettings.class})
public final class RestoreTables extends Step {
  private final Databases databases;

  public RestoreTables() {
    this(Deps.fromProcessEnv());
  }

  public RestoreTables(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RestoreTables(Deps deps) {
    super(deps);
    this.databases = new Databases(deps);
  }

  @Override
  public String name() {
    return "RestoreTables";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CorruptionState state = recovery.part(CorruptionState.PART);
    if (state == null || state.compare() == null || !state.compare().done()) {
      throw new StepFailedError("RestoreTables needs a finished compare first");
    }
    DataCorruptionSettings s = DataCorruptionSettings.of(deps.config());
    CorruptionRequest request = state.request();
    if (recovery.dryRun()) {
      return plan(recovery, state).update(CorruptionState.PART, st -> st.withRestored(true));
    }
    List<String> pending = request.tables().stream().filter(t -> needsRepair(state, t)).toList();
    if (pending.isEmpty()) {
      return finished(recovery.log(entry("skipped", "every table already repaired or unchanged")), state);
    }
    // one table per invocation: a repair that fails (or a Lambda that times out) loses only its own, rolled-back
    // transaction; every repair committed before it is already in the document the Catch hands to HoldMaintenance
    String table = pending.get(0);
    TableSpec spec = CompareTables.spec(s, table);
    CompareProgress progress = state.compare().progress().get(table);
    Recovery out;
    try (Connection clean = databases.clean(recovery); Connection live = databases.live()) {
      clean.setReadOnly(true);
      TableChecks before = TableChecks.of(live, spec);
      String what = (request.full() ? "full" : "selective") + " repair of " + table + " from the clean copy";
      Mutation<TableRepair.Result> sent;
      try {
        sent = mutate(recovery, "postgres", request.full() ? "RepairFull" : "RepairSelective", table, what,
            () -> repair(clean, live, spec, request, progress));
      } catch (UncheckedSql e) {
        // the table's one transaction did not commit: the message names it for the on-call's page
        throw Databases.typed(name() + ": repair of " + table + " failed", e.getCause());
      }
      TableRepair.Result result = sent.response();
      TableChecks after = checksAfterCommit(live, spec);
      Repair repair = new Repair(before, result, after, true);
      out = sent.recovery().update(CorruptionState.PART, st -> st.withRepair(table, repair))
          .log(entry("repaired", table + ": " + result.deleted() + " deleted, " + result.inserted()
              + " inserted, " + result.updated() + " updated (committed); COUNT(*) " + before.rows() + " -> "
              + (after == null ? "not read again" : after.rows())));
    } catch (SQLException e) {
      throw Databases.typed(name(), e);
    }
    return pending.size() == 1 ? finished(out, state) : out.log(entry(Recovery.WAITING, "repairs continue: "
        + String.join(", ", pending.subList(1, pending.size())) + " next"));
  }

  /** Not yet repaired, and the compare's plan changes at least one of its rows. */
  private static boolean needsRepair(CorruptionState state, String table) {
    Repair done = state.repairs().get(table);
    TableRepair.Result plan = state.compare().plans().get(table);
    return !(done != null && done.repaired())
        && (plan == null || plan.deleted() + plan.inserted() + plan.updated() > 0);
  }

  /** Every table is repaired or needs nothing: says which needed nothing, and lets the state machine go on. */
  private Recovery finished(Recovery recovery, CorruptionState state) {
    Recovery out = recovery;
    for (String table : state.request().tables()) {
      if (!state.repairs().containsKey(table) && !needsRepair(state, table)) {
        out = out.log(entry("unchanged", table + ": nothing to repair"));
      }
    }
    return out.update(CorruptionState.PART, st -> st.withRestored(true));
  }

  /**
   * The runbook's check after a committed repair; a failure to read it (a dropped connection) must not lose the
   * commit from the document, so it is recorded as not read instead of failing the step.
   */
  private TableChecks checksAfterCommit(Connection live, TableSpec spec) {
    try {
      return TableChecks.of(live, spec);
    } catch (SQLException e) {
      return null;
    }
  }

  private static TableRepair.Result repair(Connection clean, Connection live, TableSpec spec,
      CorruptionRequest request, CompareProgress progress) {
    try {
      return request.full() ? TableRepair.full(clean, live, spec)
          : TableRepair.selective(clean, live, spec, request.conditions(), progress.diff());
    } catch (SQLException e) {
      throw new UncheckedSql(e);
    }
  }

  /** A dry-run: every table's repair is a planned call; its size is the diagnosis' count of matching rows. */
  private Recovery plan(Recovery recovery, CorruptionState state) {
    Recovery out = recovery;
    for (String table : state.request().tables()) {
      long rows = state.diagnosis() == null ? -1 : state.diagnosis().timelines().stream()
          .filter(t -> t.table().equals(table)).mapToLong(CorruptionTimeline::rows).sum();
      String what = (state.request().full() ? "full repair of " + table : "selective repair of the rows of " + table
          + " where " + CorruptionRequest.describe(state.request().conditions()) + " (" + rows + " now)")
          + " from the clean copy";
      out = mutate(out, "postgres", state.request().full() ? "RepairFull" : "RepairSelective", table, what,
          () -> null).recovery();
    }
    return out;
  }

  /** An SQL failure inside the mutation's supplier, typed again by {@link #run}. */
  static final class UncheckedSql extends RuntimeException {
    UncheckedSql(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }
}
