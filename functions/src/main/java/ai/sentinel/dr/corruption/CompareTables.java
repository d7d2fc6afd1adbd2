package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.corruption.CorruptionState.Compare;
import ai.sentinel.dr.corruption.sql.CompareProgress;
import ai.sentinel.dr.corruption.sql.Condition;
import ai.sentinel.dr.corruption.sql.TableCompare;
import ai.sentinel.dr.corruption.sql.TableDiff;
import ai.sentinel.dr.corruption.sql.TableRepair;
import ai.sentinel.dr.corruption.sql.TableSpec;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5, recovery step 4, "Compare data between instances", in the databases rather than as dumps: per key
 * range, a row count and a hash of the rows computed in SQL on both sides at once; only ranges that differ are split
 * and finally fetched ({@link TableCompare}); a selective repair's compare looks only at the rows in the condition's
 * time window when it has one (the only rows the repair may change). Resumable: each invocation works until its deadline and stores the
 * progress (bounded by the differing ranges, not the rows) in the document; the state machine loops on
 * {@code $.corruption.compare.done}. Once every table is compared it plans the repair (the statements run and rolled
 * back) so that the approval gate shows exactly how many rows will be deleted, inserted and updated per table. Reads
 * only: both connections are read-only except for the plan's rolled-back transaction on live.
 */
@UsesSettings({DataCorruptionSettings.class, DatabaseSettings.class})
public final class CompareTables extends Step {
  /** Work per invocation: well inside the function's 15-minute timeout, the rest is the plan's. */
  static final long WORK_SECONDS = 600;

  private final Databases databases;

  public CompareTables() {
    this(Deps.fromProcessEnv());
  }

  public CompareTables(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public CompareTables(Deps deps) {
    super(deps);
    this.databases = new Databases(deps);
  }

  @Override
  public String name() {
    return "CompareTables";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    CorruptionState state = recovery.part(CorruptionState.PART);
    if (state == null || state.request() == null) {
      throw new StepFailedError("CompareTables needs Diagnose's request first");
    }
    Compare before = state.compare() == null ? new Compare(null, null, 0, false, false) : state.compare();
    if (before.done()) {
      return recovery.log(entry("skipped", "already compared"));
    }
    if (recovery.dryRun()) {
      // no clean copy exists in a plan: the repair is planned on the diagnosis' counts
      Compare planned = new Compare(null, null, before.runs() + 1, true, true);
      return recovery.update(CorruptionState.PART, s -> s.withCompare(planned)).log(entry("skipped",
          "dry-run: would compare " + state.request().tables() + " between the clean copy and live"));
    }
    DataCorruptionSettings s = DataCorruptionSettings.of(deps.config());
    Map<String, CompareProgress> progress = new LinkedHashMap<>(before.progress());
    Map<String, TableRepair.Result> plans = new LinkedHashMap<>(before.plans());
    Instant deadline = Instant.now().plusSeconds(WORK_SECONDS);
    try (Connection clean = databases.clean(recovery); Connection live = databases.live()) {
      clean.setReadOnly(true);
      for (String table : state.request().tables()) {
        TableSpec spec = spec(s, table);
        CompareProgress p = progress.get(table);
        if (p == null) {
          // selective: only rows the condition's time window bounds can be repaired, so only they are compared
          p = TableCompare.start(clean, live, spec, state.request().full() ? null
              : Condition.boundingWindow(state.request().conditions()));
        }
        if (!p.done()) {
          p = TableCompare.advance(clean, live, spec, p, deadline);
        }
        progress.put(table, p);
        if (!p.done()) {
          break;
        }
        if (!plans.containsKey(table)) {
          TableDiff diff = p.diff();
          plans.put(table, state.request().full() ? TableRepair.planFull(clean, live, spec)
              : TableRepair.planSelective(clean, live, spec, state.request().conditions(), diff));
        }
        if (Instant.now().isAfter(deadline)) {
          break;
        }
      }
    } catch (SQLException e) {
      throw Databases.typed(name(), e);
    }
    boolean done = state.request().tables().stream().allMatch(plans::containsKey);
    boolean differs = plans.values().stream().anyMatch(r -> r.deleted() + r.inserted() + r.updated() > 0);
    Compare next = new Compare(progress, plans, before.runs() + 1, done, differs);
    Recovery out = recovery.update(CorruptionState.PART, st -> st.withCompare(next));
    if (!done) {
      return out.log(entry(Recovery.WAITING, "compare continues (run " + next.runs() + "): " + summary(next)));
    }
    return out.log(entry("compared", summary(next) + (differs ? "" : "; nothing to repair")));
  }

  static TableSpec spec(DataCorruptionSettings s, String table) {
    TableSpec spec = s.table(table);
    if (spec == null) {
      throw new StepFailedError("table " + table + " is not in dataCorruption.tables");
    }
    return spec;
  }

  /** Per table: the diff and, once planned, the repair; one line. */
  static String summary(Compare c) {
    List<String> parts = new ArrayList<>();
    c.progress().forEach((table, p) -> {
      TableDiff d = p.diff();
      String line = table + (p.done() ? "" : " (in progress)") + ": " + d.onlyInClean() + " only in clean, "
          + d.onlyInLive() + " only in live, " + d.changed() + " changed of " + d.rowsLive() + " live row(s)"
          + (p.window() == null ? "" : " in the window");
      TableRepair.Result plan = c.plans().get(table);
      if (plan != null) {
        line += " -> repair deletes " + plan.deleted() + ", inserts " + plan.inserted() + ", updates "
            + plan.updated();
      }
      parts.add(line);
    });
    return parts.isEmpty() ? "nothing compared yet" : String.join("; ", parts);
  }
}
