package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Clients.Priming;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.RestartServices;
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
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.Scope;

/** Runbook Scenario 6: Security Incident. */
public final class SecurityIncident implements Scenario {
  public static final String ID = SecuritySettings.SCENARIO;
  /**
   * The second containment round's one gate ("Approve SecondContainmentRound"), before RevokeFoundKeys and then
   * BlockFoundIps: named after the round it approves, not after its first step, since one answer covers both.
   */
  public static final String SECOND_ROUND = "SecondContainmentRound";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "Security incident";
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.SECURITY_INCIDENT);
  }

  /**
   * The incident itself (one recovery per attacker or principal), the rotated secrets and the services restarted onto
   * them. The WAF IP set is not locked: concurrent incidents merge into it under WAF's own lock token (BlockIps), and
   * one attacker's block must not wait for another's.
   */
  @Override
  public List<LockedResource> mutates(String resource, DrConfig config) {
    List<LockedResource> out = new ArrayList<>();
    out.add(new LockedResource("security-incident", resource));
    config.settings(SecuritySettings.class).map(SecuritySettings::rotation).ifPresent(r -> {
      r.secretIds().forEach(id -> out.add(LockedResource.secret(id)));
      out.addAll(RestartServices.targets(config));
    });
    config.settings(SecuritySettings.class).map(SecuritySettings::isolation).ifPresent(i -> config
        .settings(EcsSettings.class).map(e -> LockedResource.ecsService(e.cluster(), i.service()))
        .filter(r -> !out.contains(r)).ifPresent(out::add));
    return out;
  }

  @Override
  public ReportPart report() {
    return new SecurityIncidentReport();
  }

  @Override
  public SignalRules signals() {
    return new SecurityIncidentSignals();
  }

  /** The IP set's scope (a read of its list); the ECS and database clients are primed by their own scenarios. */
  @Override
  public List<Priming<?>> priming(DrConfig config) {
    List<Priming<?>> calls = new ArrayList<>();
    config.settings(SecuritySettings.class).filter(s -> !"CLOUDFRONT".equals(s.ipSet().scope())).ifPresent(s ->
        calls.add(new Priming<>(Wafv2Client.class, waf -> waf.listIPSets(b -> b.scope(Scope.REGIONAL).limit(1)))));
    return calls;
  }

  /**
   * Isolation takes the platform down and the restore brings it back: both always wait for a human (the state
   * machine gates them in every environment).
   */
  @Override
  public Map<String, ApprovalGate> gates() {
    return Map.of("Isolate", SecurityIncident::explainIsolation,
        "RestoreGradually", (r, config) -> explainRestore(r),
        SECOND_ROUND, SecurityIncident::explainSecondRound);
  }

  /**
   * The second round's one gate ({@link #SECOND_ROUND}, before RevokeFoundKeys and BlockFoundIps): which keys are
   * revoked in which table of which database, and which addresses are blocked in which WAF IP set, so the approver
   * knows what changes where.
   */
  static GateExplanation explainSecondRound(Recovery r, DrConfig config) {
    SecurityState state = r.part(SecurityState.PART);
    if (state == null || state.investigation() == null) {
      return null;
    }
    SecurityState.Investigation found = state.investigation();
    List<String> ips = found.proposedIps() == null ? List.of() : found.proposedIps();
    SecuritySettings s = config.settings(SecuritySettings.class).orElse(null);
    String table = s == null || s.apiKeys() == null ? "" : " in table " + s.apiKeys().table() + " (column "
        + s.apiKeys().revokedColumn() + ") of the database in secret " + s.apiKeys().secretId();
    String ipSet = s == null || s.ipSet() == null ? "WAF IP set" : "WAF IP set " + s.ipSet().name() + " ("
        + s.ipSet().scope() + ")";
    if (ips.isEmpty()) {
      return new GateExplanation(
          "revoke the API keys the investigation found with threats in audit_logs: " + found.proposedKeys(),
          "API keys " + found.proposedKeys() + table + " (" + found.threats().stream()
              .map(t -> t.apiKeyId() + ": " + t.count() + " " + t.categories()).toList() + ")",
          "every request with these keys is refused from then on, legitimate clients included, until they get new "
              + "keys. Rejecting leaves them valid");
    }
    // one approval for the whole second round: the keys (RevokeFoundKeys), then the addresses (BlockFoundIps)
    boolean keys = !found.proposedKeys().isEmpty();
    return new GateExplanation(
        (keys ? "revoke the API keys the investigation found with threats in audit_logs: " + found.proposedKeys()
            + ", and " : "") + "block at WAF the addresses it saw with status >= 400 that no block covers: " + ips,
        (keys ? "API keys " + found.proposedKeys() + table + "; " : "") + ipSet + ": addresses " + ips
            + " (by address: " + found.byIp() + ")",
        (keys ? "requests with these keys are refused from then on; " : "") + "every request from these addresses "
            + "is blocked until the block expires, legitimate clients behind them included. Rejecting leaves "
            + (keys ? "the keys valid and " : "") + "the addresses unblocked");
  }

  static GateExplanation explainRestore(Recovery r) {
    SecurityState state = r.part(SecurityState.PART);
    if (state == null || state.isolation() == null) {
      return null;
    }
    SecurityState.Isolation isolation = state.isolation();
    return new GateExplanation(
        "bring " + isolation.service() + " back from isolation to " + isolation.previousDesired()
            + " tasks in steps, each verified healthy before the next",
        "ECS service " + isolation.service() + " in cluster " + isolation.cluster(),
        "the service takes requests again: approve only when the investigation is done. Rejecting keeps it "
            + "isolated (0 tasks)");
  }

  static GateExplanation explainIsolation(Recovery r, DrConfig config) {
    SecurityState state = r.part(SecurityState.PART);
    if (state == null || state.assessment() == null) {
      return null;
    }
    String service = config.settings(SecuritySettings.class).map(SecuritySettings::isolation)
        .map(SecuritySettings.Isolation::service).orElse("the isolated service");
    String cluster = config.settings(EcsSettings.class).map(EcsSettings::cluster).orElse("?");
    return new GateExplanation(
        "scale " + service + " to 0 tasks (its desired count is remembered for the gradual restore)",
        "ECS service " + service + " in cluster " + cluster,
        "the platform stops answering requests until RestoreGradually is approved, because of an active breach: "
            + state.assessment().summary() + ". Rejecting leaves it running with only the reversible containment");
  }

  @Override
  public List<SettingsSection<?>> settings() {
    return List.of(SecuritySettings.SECTION);
  }
}
