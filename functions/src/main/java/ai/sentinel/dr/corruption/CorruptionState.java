package ai.sentinel.dr.corruption;

import ai.sentinel.dr.corruption.sql.CompareProgress;
import ai.sentinel.dr.corruption.sql.CorruptionTimeline;
import ai.sentinel.dr.corruption.sql.TableChecks;
import ai.sentinel.dr.corruption.sql.TableDiff;
import ai.sentinel.dr.corruption.sql.TableRepair;
import ai.sentinel.dr.recovery.Part;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5 (data corruption) working state, filled in step by step. Choice states read
 * {@code $.corruption.clean.available}, {@code $.corruption.compare.done}, {@code $.corruption.compare.differs} and
 * {@code $.corruption.restored} and {@code $.corruption.verify.done}.
 *
 * @param request     what the person asked for (tables, condition, clean time, mode), from the trigger
 * @param diagnosis   the corruption timeline per table, recent deployments, the clean time chosen
 * @param maintenance exactly what EnterMaintenance changed (ExitMaintenance undoes only that)
 * @param clean       the clean instance restored to the clean time
 * @param compare     the resumable compare per table and its diffs
 * @param repairs     per table: the runbook's checks before and after, and the rows changed
 * @param verify      VerifyData's resumable fresh compare per table
 * @param restored    RestoreTables has repaired every table that needed it (it repairs one table per invocation, so
 *                    that each committed repair is in the document before the next one can fail)
 */
public record CorruptionState(CorruptionRequest request, Diagnosis diagnosis, MaintenanceState maintenance,
    CleanInstance clean, Compare compare, Map<String, Repair> repairs, Verify verify, boolean restored) {
  /** Where Scenario 5 keeps its state in the recovery document. */
  public static final Part<CorruptionState> PART = new Part<>("corruption", CorruptionState.class);

  public CorruptionState {
    repairs = repairs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(repairs));
  }

  public CorruptionState(CorruptionRequest request, Diagnosis diagnosis, MaintenanceState maintenance,
      CleanInstance clean, Compare compare, Map<String, Repair> repairs) {
    this(request, diagnosis, maintenance, clean, compare, repairs, null, false);
  }

  public CorruptionState withRequest(CorruptionRequest value) {
    return new CorruptionState(value, diagnosis, maintenance, clean, compare, repairs, verify, restored);
  }

  public CorruptionState withDiagnosis(Diagnosis value) {
    return new CorruptionState(request, value, maintenance, clean, compare, repairs, verify, restored);
  }

  public CorruptionState withMaintenance(MaintenanceState value) {
    return new CorruptionState(request, diagnosis, value, clean, compare, repairs, verify, restored);
  }

  public CorruptionState withClean(CleanInstance value) {
    return new CorruptionState(request, diagnosis, maintenance, value, compare, repairs, verify, restored);
  }

  public CorruptionState withCompare(Compare value) {
    return new CorruptionState(request, diagnosis, maintenance, clean, value, repairs, verify, restored);
  }

  public CorruptionState withRepair(String table, Repair value) {
    Map<String, Repair> next = new LinkedHashMap<>(repairs);
    next.put(table, value);
    return new CorruptionState(request, diagnosis, maintenance, clean, compare, next, verify, restored);
  }

  public CorruptionState withVerify(Verify value) {
    return new CorruptionState(request, diagnosis, maintenance, clean, compare, repairs, value, restored);
  }

  public CorruptionState withRestored(boolean value) {
    return new CorruptionState(request, diagnosis, maintenance, clean, compare, repairs, verify, value);
  }

  /**
   * Runbook "Diagnosis": the corruption timeline and the recent deployments.
   *
   * @param timelines       per table: rows matching the condition, first and last timestamp among them
   * @param deployments     the API service's deployments (createdAt, status), newest first
   * @param suspect         the deployment created shortly before the first corrupted row (the usual cause), or null
   * @param cleanTime       the restore time chosen: the operator's, or before the first bad row less the margin
   * @param cleanTimeSource "operator" or "proposed"
   * @param restorable      the instance's restorable window, "EARLIEST/LATEST" (from its backup retention)
   * @param finding         one line for the timeline and the report's root cause
   */
  public record Diagnosis(List<CorruptionTimeline> timelines, List<Deployment> deployments, Deployment suspect,
      String cleanTime, String cleanTimeSource, String restorable, String finding) {
    public Diagnosis {
      timelines = timelines == null ? List.of() : List.copyOf(timelines);
      deployments = deployments == null ? List.of() : List.copyOf(deployments);
    }

    public long rows() {
      return timelines.stream().mapToLong(CorruptionTimeline::rows).sum();
    }
  }

  /** One ECS deployment of the API service: id, status, task definition, when it was created. */
  public record Deployment(String id, String status, String taskDefinition, String createdAt) {}

  /**
   * @param listenerArn        the listener of the rule, or null when none is configured
   * @param ruleArn            the 503 rule, when this recovery created (or adopted its own) rule
   * @param mode               non-get or all
   * @param parameter          the SSM parameter, or null
   * @param parameterValue     the value EnterMaintenance set
   * @param parameterPrevious  the value it had before, null when it did not exist
   * @param parameterChanged   EnterMaintenance changed it (false: it already held the value; nothing to undo)
   * @param enteredAt          when writes stopped
   * @param exitedAt           when ExitMaintenance undid the changes, or null while maintenance is on
   * @param held               why maintenance was left on (a failure after it was entered), or null
   */
  public record MaintenanceState(String listenerArn, String ruleArn, String mode, String parameter,
      String parameterValue, String parameterPrevious, boolean parameterChanged, String enteredAt,
      String exitedAt, String held) {
    public MaintenanceState exited(String at) {
      return new MaintenanceState(listenerArn, ruleArn, mode, parameter, parameterValue, parameterPrevious,
          parameterChanged, enteredAt, at, held);
    }

    public MaintenanceState holding(String why) {
      return new MaintenanceState(listenerArn, ruleArn, mode, parameter, parameterValue, parameterPrevious,
          parameterChanged, enteredAt, exitedAt, why);
    }

    /** What is on, in one line. */
    public String describe() {
      StringBuilder b = new StringBuilder();
      if (ruleArn != null) {
        b.append("ALB rule answering 503 to ").append("all".equals(mode) ? "every request" : "writes (non-GET)");
      }
      if (parameter != null) {
        b.append(b.length() > 0 ? " and " : "").append("SSM ").append(parameter).append(" = ").append(parameterValue)
            .append(parameterChanged ? "" : " (already set: not changed)");
      }
      return b.length() == 0 ? "nothing changed" : b.toString();
    }
  }

  /**
   * @param instanceId  the clean instance (sentinel-db-clean)
   * @param restoreTime the point in time restored to
   * @param requestedAt when the restore was requested or adopted
   * @param status      its status at the last poll
   * @param address     its endpoint address once available
   * @param port        its endpoint port
   * @param available   available with an endpoint
   * @param polls       polls so far
   * @param deleted     DeleteCleanInstance requested its deletion
   * @param deleteAfter kept until then (dataCorruption.keepCleanInstanceHours), then deleted; null: at once
   */
  public record CleanInstance(String instanceId, String restoreTime, String requestedAt, String status,
      String address, Integer port, boolean available, int polls, boolean deleted, String deleteAfter) {
    public CleanInstance(String instanceId, String restoreTime, String requestedAt, String status, String address,
        Integer port, boolean available, int polls, boolean deleted) {
      this(instanceId, restoreTime, requestedAt, status, address, port, available, polls, deleted, null);
    }

    public CleanInstance polled(String newStatus, String newAddress, Integer newPort, boolean isAvailable) {
      return new CleanInstance(instanceId, restoreTime, requestedAt, newStatus, newAddress, newPort, isAvailable,
          polls + 1, deleted, deleteAfter);
    }

    public CleanInstance markDeleted() {
      return new CleanInstance(instanceId, restoreTime, requestedAt, "deleting", address, port, available, polls,
          true, deleteAfter);
    }

    public CleanInstance keptUntil(String time) {
      return new CleanInstance(instanceId, restoreTime, requestedAt, status, address, port, available, polls,
          deleted, time);
    }
  }

  /**
   * @param progress per table, the resumable compare (small: it grows with differing ranges, never with rows)
   * @param plans    per table once compared: what the repair would change in live (computed and rolled back)
   * @param runs     CompareTables invocations so far
   * @param done     every table compared and planned
   * @param differs  the repair would change at least one row (the approval gate and the repair follow)
   */
  public record Compare(Map<String, CompareProgress> progress, Map<String, TableRepair.Result> plans, int runs,
      boolean done, boolean differs) {
    public Compare {
      progress = progress == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(progress));
      plans = plans == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(plans));
    }

    /** The diffs so far, in table order. */
    public List<TableDiff> diffs() {
      return progress.values().stream().map(CompareProgress::diff).toList();
    }
  }

  /**
   * VerifyData's compare from scratch, resumable like CompareTables' (the state machine loops on {@code done}); small:
   * it grows with the ranges that still differ, never with rows.
   *
   * @param progress per table, the fresh compare so far
   * @param runs     VerifyData invocations so far
   * @param done     every table compared again and judged (the verdict is the recovery's verification)
   */
  public record Verify(Map<String, CompareProgress> progress, int runs, boolean done) {
    public Verify {
      progress = progress == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(progress));
    }
  }

  /**
   * @param before   COUNT(*), MIN/MAX(timestamp) before the repair
   * @param result   rows deleted, inserted, updated in live
   * @param after    the same checks after it
   * @param repaired the repair committed (a second run skips the table)
   */
  public record Repair(TableChecks before, TableRepair.Result result, TableChecks after, boolean repaired) {}
}
