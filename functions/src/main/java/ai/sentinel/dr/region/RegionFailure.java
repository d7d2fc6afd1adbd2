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
 * Runbook Scenario 4: Region Failure. Deployed by the DR stack ({@code <env>-sentinel-dr-region}) in the DR region,
 * never by the primary stack: when the primary region is down, so is everything deployed only there.
 */
public final class RegionFailure implements Scenario {
  public static final String ID = RegionSettings.SCENARIO;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "Region failure";
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.REGION);
  }

  /**
   * The primary region itself (one failover at a time), then what the failover changes in the DR region, each named
   * with its region: the DR database, its secret and the DR services. These locks live in the DR stack's table.
   */
  @Override
  public List<LockedResource> mutates(String resource, DrConfig config) {
    List<LockedResource> out = new ArrayList<>(List.of(new LockedResource("region", resource)));
    config.settings(RegionSettings.class).ifPresent(r -> {
      String dr = r.drRegion();
      out.add(LockedResource.rdsInstance(RegionSettings.target(dr, r.database().instanceId())));
      out.add(LockedResource.secret(RegionSettings.target(dr, r.database().secretId())));
      r.ecs().services().forEach(s -> out.add(LockedResource.ecsService(
          RegionSettings.target(dr, r.ecs().cluster()), s)));
    });
    return out;
  }

  @Override
  public ReportPart report() {
    return new RegionFailureReport();
  }

  @Override
  public SignalRules signals() {
    return new RegionFailureSignals();
  }

  /** The failover always waits for a human: the gate before its first change shows what will happen. */
  @Override
  public Map<String, ApprovalGate> gates() {
    return Map.of(GATED_STEP, (r, config) -> explainFailover(r, config.settings(RegionSettings.class)
        .map(RegionSettings::customerNotification).orElse(null)));
  }

  /** The first step that changes anything: the gate is before it. */
  public static final String GATED_STEP = "FenceRecoveries";

  /**
   * What the on-call approves: the evidence, the copy and its age (the RPO the customers see), every change, and
   * whether the customers will be told ({@code channel} null: they will not, the on-call must).
   */
  static GateExplanation explainFailover(Recovery r, CustomerNotification channel) {
    RegionState state = r.part(RegionState.PART);
    if (state == null || state.confirmation() == null || state.copy() == null) {
      return null;
    }
    RegionState.CopyChoice copy = state.copy();
    String primary = state.confirmation().primaryRegion();
    String dr = state.confirmation().drRegion();
    return new GateExplanation(
        "FAIL OVER from " + primary + " to " + dr + ": fence per-resource recoveries in " + primary + "; restore the "
            + "DR database from " + copy.snapshotId() + "; repoint the DR database secret; scale up the DR services; "
            + "switch DNS and the CloudFront origin to the DR load balancer",
        "the whole platform: recoveries in " + primary + " (fenced), the DR database, secret and services in " + dr
            + ", the platform's DNS records and CloudFront distribution",
        "users are served from " + dr + ". Evidence: " + state.confirmation().verdict() + " ["
            + String.join("; ", state.confirmation().evidence().stream().map(RegionState.Evidence::toString)
            .toList()) + "]. Data: restore " + copy.snapshotId() + ", taken " + copy.sourceTime() + " ("
            + copy.ageSeconds() / 60 + " min old: writes since then are lost"
            + (copy.olderThanRpo() ? "; OLDER THAN THE RPO" : "") + "). " + customers(channel)
            + ". Rejecting changes nothing: " + primary + " keeps the traffic");
  }

  /** The gate's word on runbook step 9, the customers' notice. */
  static String customers(CustomerNotification channel) {
    return channel == null ? "Customers: NOT told by the failover (this environment sets no dr.customerNotification):"
        + " tell them by hand" : "Customers: told once by SES template " + channel.template() + " from "
        + channel.sender() + " (" + channel.recipients().size() + " recipient(s)) after VerifyDr";
  }

  @Override
  public List<SettingsSection<?>> settings() {
    return List.of(RegionSettings.SECTION);
  }
}
