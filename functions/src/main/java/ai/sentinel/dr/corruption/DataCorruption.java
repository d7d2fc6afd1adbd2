package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.corruption.CorruptionState.Compare;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.safety.LockedResource;
import ai.sentinel.dr.scenario.ApprovalGate;
import ai.sentinel.dr.scenario.GateExplanation;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.trigger.SignalRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runbook Scenario 5: Data Corruption. */
public final class DataCorruption implements Scenario {
  public static final String ID = DataCorruptionSettings.SCENARIO;
  /** The step behind the approval gate, always (the state machine gates it in every environment). */
  public static final String GATED_STEP = "RestoreTables";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "Data corruption";
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.DATA_CORRUPTION);
  }

  /**
   * The database instance (its tables are repaired), the clean instance the recovery creates, and the maintenance
   * switches it turns on and off (the listener and the parameter), so no other recovery repoints, restores or resumes
   * writes meanwhile.
   */
  @Override
  public List<LockedResource> mutates(String resource, DrConfig config) {
    List<LockedResource> out = new ArrayList<>(List.of(LockedResource.rdsInstance(resource)));
    config.settings(DatabaseSettings.class).ifPresent(db -> out.add(LockedResource.rdsInstance(
        db.cleanInstanceId())));
    config.settings(DataCorruptionSettings.class).ifPresent(s -> {
      if (s.maintenance() != null && s.maintenance().listener() != null) {
        out.add(new LockedResource("alb-listener", s.maintenance().listener()));
      }
      if (s.maintenance() != null && s.maintenance().parameter() != null) {
        out.add(new LockedResource("ssm-parameter", s.maintenance().parameter()));
      }
    });
    return out;
  }

  /**
   * Maintenance held after a failure (HoldMaintenance): writes stay stopped on a partly repaired database, so the
   * database, the clean copy kept for the manual repair and the maintenance switches stay locked until a human has
   * ended maintenance and releases them; a second recovery would otherwise repair again or resume writes.
   */
  @Override
  public String locksHeldAfter(Recovery recovery) {
    CorruptionState s = recovery.part(CorruptionState.PART);
    CorruptionState.MaintenanceState m = s == null ? null : s.maintenance();
    // on whenever entered and not exited, held or not: a HoldMaintenance that failed itself left it on all the same
    if (recovery.dryRun() || m == null || m.enteredAt() == null || m.exitedAt() != null) {
      return null;
    }
    return "maintenance held by " + recovery.executionName() + " (" + m.describe() + ", "
        + (m.held() != null ? m.held() : "left on by a failure") + ")";
  }

  @Override
  public ReportPart report() {
    return new DataCorruptionReport();
  }

  @Override
  public SignalRules signals() {
    return new DataCorruptionSignals();
  }

  /** The repair changes live: the on-call sees the diff and the plan per table first. */
  @Override
  public Map<String, ApprovalGate> gates() {
    return Map.of(GATED_STEP, (r, config) -> explainRepair(r));
  }

  static GateExplanation explainRepair(Recovery r) {
    CorruptionState s = r.part(CorruptionState.PART);
    if (s == null || s.request() == null || s.compare() == null) {
      return null;
    }
    Compare c = s.compare();
    String tables = String.join(", ", s.request().tables());
    return new GateExplanation(
        (s.request().full() ? "replace the whole content of " : "repair only the differing rows where "
            + CorruptionRequest.describe(s.request().conditions()) + " in ") + tables + " from the clean copy "
            + (s.clean() == null ? "" : s.clean().instanceId() + " (restored to " + s.clean().restoreTime() + ")")
            + ", one transaction per table",
        "the live database " + r.resource() + ": tables " + tables,
        "Diff and plan: " + CompareTables.summary(c) + ". Maintenance stays on until the data is verified. The "
            + "clean copy is then kept or deleted as dataCorruption configures; to delete it as soon as live is "
            + "verified (no retention), approve with --choose " + DeleteCleanInstance.DELETE_NOW
            + " (task output \"choices\": [\"" + DeleteCleanInstance.DELETE_NOW + "\"]). Rejecting leaves live's "
            + "rows as they are, ends maintenance and keeps the clean copy");
  }

  @Override
  public List<SettingsSection<?>> settings() {
    return List.of(DataCorruptionSettings.SECTION);
  }
}
