package ai.sentinel.dr.region;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.SettingsSection;
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

/**
 * Runbook Scenario 4, Failback Procedure: back from the DR region to the restored primary. Deployed by the DR stack
 * beside the failover (state machine {@code <env>-sentinel-dr-region-failback}), started by hand only, and always
 * behind two approvals: before the first share of traffic moves, and before the DR platform is decommissioned.
 */
public final class RegionFailback implements Scenario {
  public static final String ID = "region-failback";
  /** The first step that sends users to the primary: the gate before it shows what they will get. */
  public static final String SHIFT_STEP = "ShiftTraffic";
  /** The step that removes the DR platform: the gate before it shows what is deleted. */
  public static final String DECOMMISSION_STEP = "DecommissionDr";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "Region failback";
  }

  /**
   * The runbook's Scenario 4 row: the platform back on the primary within 2 h of the start, and the data the primary
   * misses (writes to DR after the replicated snapshot) within 1 h.
   */
  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.REGION);
  }

  /**
   * The region (a failover and a failback never run together: same lock), then what it changes: the DR database and
   * services (snapshot, scale-down, deletion), the new primary instance, the primary's secret and services.
   */
  @Override
  public List<LockedResource> mutates(String resource, DrConfig config) {
    List<LockedResource> out = new ArrayList<>(List.of(new LockedResource("region", resource)));
    config.settings(RegionSettings.class).ifPresent(r -> {
      String dr = r.drRegion();
      out.add(LockedResource.rdsInstance(RegionSettings.target(dr, r.database().instanceId())));
      r.ecs().services().forEach(s -> out.add(LockedResource.ecsService(RegionSettings.target(dr,
          r.ecs().cluster()), s)));
      FailbackSettings f = r.failback();
      if (f != null) {
        String primary = r.primaryRegion();
        out.add(LockedResource.rdsInstance(RegionSettings.target(primary, f.instanceId())));
        out.add(LockedResource.secret(RegionSettings.target(primary, f.primarySecretId())));
        f.primaryServices().forEach(s -> out.add(LockedResource.ecsService(RegionSettings.target(primary,
            f.primaryCluster()), s)));
      }
    });
    return out;
  }

  @Override
  public ReportPart report() {
    return new RegionFailbackReport();
  }

  @Override
  public SignalRules signals() {
    return new RegionFailbackSignals();
  }

  @Override
  public Map<String, ApprovalGate> gates() {
    return Map.of(SHIFT_STEP, (r, config) -> explainShift(r), DECOMMISSION_STEP, (r, config) -> explainDecommission(r));
  }

  /** What the on-call approves before users reach the primary: its health, the data it has, the plan. */
  static GateExplanation explainShift(Recovery r) {
    FailbackState s = r.part(FailbackState.PART);
    if (s == null || s.replica() == null || s.primary() == null) {
      return null;
    }
    return new GateExplanation(
        "FAIL BACK to " + s.primary().instanceId() + " (" + s.primary().endpoint() + "): traffic moves to the "
            + "primary step by step, each share soaked and checked (health, targets, error rate); a regression "
            + "returns all traffic to DR",
        "the platform's DNS records and CloudFront origin (traffic), the primary database " + s.primary().instanceId(),
        "users are served from the primary again. Primary health: " + String.join("; ", s.health().stream()
            .map(RegionState.Evidence::toString).toList()) + ". Data: the DR database as of " + s.replica().takenAt()
            + " (snapshot " + s.replica().snapshotId() + "): WRITES TO THE DR DATABASE AFTER THAT ARE NOT ON THE "
            + "PRIMARY (stop writes first if they matter). Rejecting changes nothing: DR keeps the traffic");
  }

  /** What the on-call approves before the DR platform goes: a final snapshot, then deletion of what was restored. */
  static GateExplanation explainDecommission(Recovery r) {
    FailbackState s = r.part(FailbackState.PART);
    if (s == null || s.traffic() == null) {
      return null;
    }
    return new GateExplanation(
        "DECOMMISSION the DR platform: delete the DR database after a final snapshot (only when a failover created "
            + "it), scale the DR services to 0",
        "the DR database and the DR services",
        "all traffic has been on the primary (" + s.traffic().percent() + "%, " + String.join("; ",
            s.traffic().checks()) + "): the DR platform no longer serves, and a later failover restores it again "
            + "from a copy. Rejecting leaves the DR platform running (and costing)");
  }

  @Override
  public List<SettingsSection<?>> settings() {
    return List.of(RegionSettings.SECTION);
  }
}
