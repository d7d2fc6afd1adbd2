package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.security.IpRanges.NotAnIp;
import ai.sentinel.dr.security.IpRanges.Range;
import ai.sentinel.dr.security.SecurityState.Action;
import ai.sentinel.dr.security.SecurityState.Assessment;
import ai.sentinel.dr.security.SecurityState.Containment;
import ai.sentinel.dr.security.SecurityState.Indicators;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 6 "Immediate Response" 1, "assess severity": P1-P4 from the signal, its indicators (addresses, API keys,
 * principal, resource), whether the breach is active, and which containment applies: BlockIps for public addresses
 * (never private or allow-listed ones), RevokeApiKeys for named keys, Isolate (always behind approval) only for an
 * active breach. Reads only the recovery: GuardDuty's finding travels in the trigger. A second run keeps the first
 * assessment.
 */
public final class Assess extends Step {
  /**
   * GuardDuty finding types that mean an attacker already acts inside (not a probe from outside): exfiltration,
   * impact, persistence, privilege escalation, stolen credentials in use, backdoors.
   */
  static final List<String> ACTIVE_BREACH_TYPES = List.of("Exfiltration:", "Impact:", "Persistence:",
      "PrivilegeEscalation:", "CredentialAccess:", "Backdoor:",
      "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration");

  public Assess() {
    this(Deps.fromProcessEnv());
  }

  public Assess(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Assess(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "Assess";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    SecurityState existing = recovery.part(SecurityState.PART);
    if (existing != null && existing.assessment() != null) {
      return recovery.log(entry("decided", "already assessed " + existing.assessment().severity()
          + ": nothing re-decided"));
    }
    SecuritySettings settings = SecuritySettings.of(deps.config());
    IncidentSignal signal = signal(recovery);
    List<String> refused = new ArrayList<>();
    Set<String> ips = new LinkedHashSet<>();
    for (String ip : signal.ips()) {
      try {
        Range range = IpRanges.parse(ip);
        String why = SecurityEvents.refusal(range, settings);
        if (why != null) {
          refused.add(why);
        } else {
          ips.add(range.cidr());
        }
      } catch (NotAnIp e) {
        refused.add(e.getMessage());
      }
    }
    Set<String> keys = new LinkedHashSet<>();
    for (String key : signal.apiKeyIds()) {
      if (SecurityIncidentSignals.API_KEY_ID.matcher(key).matches()) {
        keys.add(key);
      } else {
        refused.add("'" + SecurityIncidentSignals.quote(key) + "' is not an API key id");
      }
    }
    boolean sinceSignIn = "signin".equals(signal.source());
    boolean active = activeBreach(signal, recovery);
    boolean isolate = active && settings.isolation() != null;
    // a console sign-in's address is the AWS console's visitor, which the application's WAF does not see
    Containment containment = new Containment(!ips.isEmpty() && !sinceSignIn, !keys.isEmpty(), isolate);
    String[] severity = severity(signal, active, recovery);
    Indicators indicators = new Indicators(List.copyOf(ips), List.copyOf(keys), signal.principal(),
        signal.resource(), signal.findingId(), signal.findingType(), signal.severity());
    String summary = signal.title() + (ips.isEmpty() ? "" : "; addresses " + ips) + (keys.isEmpty() ? ""
        : "; API keys " + keys) + (signal.principal() == null ? "" : "; principal " + signal.principal());
    Assessment assessment = new Assessment(severity[0], severity[1], signal.source(), summary, indicators, refused,
        active, containment, now());
    SecurityState state = SecurityState.assessed(assessment);
    List<String> chosen = new ArrayList<>();
    if (containment.blockIps()) {
      chosen.add("block " + ips.size() + " address(es) at WAF");
    }
    if (containment.revokeApiKeys()) {
      chosen.add("revoke " + keys.size() + " API key(s)");
    }
    if (containment.isolate()) {
      chosen.add("isolate " + settings.isolation().service() + " (after approval)");
    }
    String decision = severity[0] + " (" + severity[1] + "); active breach: " + (active ? "yes" : "no")
        + "; containment: " + (chosen.isEmpty() ? "none automatic" : String.join(", ", chosen))
        + (refused.isEmpty() ? "" : "; not acted on: " + refused);
    state = state.withAction(new Action(now(), name(), "assessed " + decision));
    return recovery.with(SecurityState.PART, state).log(entry("assessed", summary)).log(entry("decided", decision));
  }

  /** The signal as its rules shaped it, or what an alarm or a hand-started execution tells. */
  private static IncidentSignal signal(Recovery recovery) {
    if (recovery.trigger() != null && recovery.trigger().detail() != null
        && recovery.trigger().detail().isObject()) {
      return Json.convert(recovery.trigger().detail(), IncidentSignal.class);
    }
    String summary = recovery.trigger() == null ? "started without a trigger" : recovery.trigger().summary();
    String source = recovery.trigger() == null ? "manual" : recovery.trigger().kind();
    return new IncidentSignal(source, summary, null, null, null, List.of(), List.of(), null, recovery.resource(),
        null, null, null);
  }

  private static boolean activeBreach(IncidentSignal signal, Recovery recovery) {
    if (signal.activeBreach() != null) {
      return signal.activeBreach();
    }
    if (signal.findingType() != null && signal.severity() != null && signal.severity() >= 7.0
        && ACTIVE_BREACH_TYPES.stream().anyMatch(signal.findingType()::startsWith)) {
      return true;
    }
    // the PII-access alarm: data is being read now
    return "pii-access".equals(recovery.resource());
  }

  /** {P-level, why}. */
  private static String[] severity(IncidentSignal signal, boolean active, Recovery recovery) {
    if (signal.priority() != null) {
      return new String[] {signal.priority(), "set by the operator"};
    }
    if (active) {
      return new String[] {"P1", "active breach"};
    }
    Double score = signal.severity();
    if (score != null && score >= 9.0) {
      return new String[] {"P1", "critical severity " + score};
    }
    if (score != null && score >= 7.0) {
      return new String[] {"P2", "high severity " + score};
    }
    if ("alarm".equals(signal.source())) {
      return new String[] {"P2", "security alarm on " + recovery.resource()};
    }
    return new String[] {"P3", score == null ? "no severity given" : "severity " + score};
  }
}
