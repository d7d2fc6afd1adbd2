package ai.sentinel.dr.security;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.RecoveryPoint;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.report.Severity;
import ai.sentinel.dr.security.SecurityState.Action;
import ai.sentinel.dr.security.SecurityState.Assessment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Security incident: its part of the post-incident report, under the runbook template's Root Cause: the severity
 * Assess decided, the indicators (addresses, API keys, principal, finding), every containment action with its time,
 * the secrets' new versions, the evidence's location with the manifest's and each object's SHA-256, the
 * investigation's counts and threat rows, and the heightened-monitoring alarms with their end
 * ({@link SecurityReportLines}); then the runbook's Recovery items that stay with a human, each filled with what the
 * recovery knows. RPO: not applicable (containment restores no data).
 */
final class SecurityIncidentReport implements ReportPart {
  /** The runbook's Scenario 6 "Recovery" items that no automation does, as the runbook words them. */
  static final List<String> HUMAN_ITEMS = List.of(
      "Revoke all potentially compromised credentials",
      "Force password reset for affected users",
      "Rotate all secrets and API keys",
      "Deploy updated security rules",
      "Monitor closely for 48 hours");

  /**
   * The RTO ends when VerifyContainment has read every containment back (the second round's blocks and an isolated
   * service's restore included), not when a step sent its change: success is declared only after verification.
   */
  @Override
  public Set<String> verifySteps() {
    return Set.of("VerifyContainment");
  }

  @Override
  public String titleDetail(ReportFacts f) {
    Assessment a = assessment(f);
    return a == null ? null : a.severity() + (a.activeBreach() ? ", active breach" : "");
  }

  @Override
  public Severity severity(ReportFacts f) {
    Assessment a = assessment(f);
    return a == null ? new Severity("P2", "security incident, not assessed")
        : new Severity(a.severity(), oneLine(a.why()));
  }

  @Override
  public String affected(ReportFacts f) {
    Assessment a = assessment(f);
    return a == null ? "Security incident about " + f.resource("an unknown indicator") + " (not assessed)"
        : "Security incident (" + a.source() + "): " + oneLine(a.summary());
  }

  @Override
  public String dataLoss(ReportFacts f) {
    return "Containment changes no data; what the attacker read or changed is the investigation's to establish.";
  }

  /** The signal is the confirmed incident: Assess, not a Diagnose, says what it is. */
  @Override
  public boolean diagnoses() {
    return false;
  }

  @Override
  public String finding(ReportFacts f) {
    Assessment a = assessment(f);
    return a == null ? null : oneLine(a.summary());
  }

  /** The finding Assess acted on, with its type and the indicators; how the attacker got in is the investigation's. */
  @Override
  public String underlyingCause(ReportFacts f) {
    Assessment a = assessment(f);
    if (a == null) {
      return null;
    }
    var i = a.indicators();
    String what = i == null || i.findingType() == null ? a.source() + " signal" : i.findingType();
    return oneLine(what + ": " + a.summary()) + (a.activeBreach() ? " (active breach)" : "")
        + (i == null || i.principal() == null ? "" : "; principal " + i.principal())
        + ". How access was gained is for the review to establish from the evidence and the investigation below.";
  }

  @Override
  public List<String> decisions(ReportFacts f) {
    SecurityState s = f.recovery().part(SecurityState.PART);
    List<String> lines = new ArrayList<>();
    if (s == null || s.assessment() == null) {
      lines.add("Not assessed: the recovery " + (f.running() ? "has not finished Assess yet" : "ended before Assess")
          + ", so no indicator was read and nothing was contained.");
      return lines;
    }
    Assessment a = s.assessment();
    var i = a.indicators();
    lines.add(i == null ? "Indicators: none recorded by Assess." : "Indicators: addresses " + i.ips()
        + ", API keys " + i.apiKeyIds() + (i.principal() == null ? "" : ", principal " + i.principal())
        + (i.findingId() == null ? "" : ", finding " + i.findingType() + " " + i.findingId()) + ".");
    if (!a.refused().isEmpty()) {
      lines.add("Not acted on: " + oneLine(String.join("; ", a.refused())) + ".");
    }
    for (Action action : s.actions()) {
      lines.add("Containment " + action.at() + " (" + action.step() + "): " + oneLine(action.action()) + ".");
    }
    if (s.revocation() != null && !s.revocation().unknown().isEmpty()) {
      lines.add("Unknown API key ids (not in the table): " + s.revocation().unknown() + ".");
    }
    String rotation = SecurityReportLines.rotation(f);
    if (rotation != null) {
      lines.add(rotation);
    }
    lines.add(SecurityReportLines.evidence(f));
    lines.addAll(SecurityReportLines.investigation(f));
    lines.add(SecurityReportLines.monitoring(f));
    return lines;
  }

  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    return RecoveryPoint.of(null, "not applicable: containment restores no data");
  }

  /**
   * The runbook's Recovery list, less what the recovery did itself (the gradual restore; the 48 hours' alarms), each
   * item naming what the recovery found so the owner starts from it. Forcing password resets, IAM credentials and
   * security rules stay human whatever the automation did.
   */
  @Override
  public List<String> actionItems(ReportFacts f) {
    Recovery r = f.recovery();
    SecurityState s = r.part(SecurityState.PART);
    Assessment a = s == null ? null : s.assessment();
    List<String> revoked = s == null || s.revocation() == null ? List.of() : s.revocation().revoked();
    List<String> items = new ArrayList<>();
    String principal = a == null || a.indicators() == null ? null : a.indicators().principal();
    items.add(HUMAN_ITEMS.get(0) + (principal == null ? "" : ": the IAM principal " + principal + " (its access "
        + "keys and sessions; the recovery does not touch IAM)") + (revoked.isEmpty() ? ""
        : "; API keys beyond the ones revoked " + revoked));
    List<String> threatKeys = s == null || s.investigation() == null ? List.of() : s.investigation().threats()
        .stream().map(SecurityState.Threat::apiKeyId).filter(k -> k != null).toList();
    items.add(HUMAN_ITEMS.get(1) + (threatKeys.isEmpty() ? "" : ", starting with the owners of the API keys with "
        + "threats in audit_logs " + threatKeys));
    RotationState rotation = r.part(RotationState.PART);
    items.add(HUMAN_ITEMS.get(2) + (rotation == null || rotation.secrets().isEmpty() ? ""
        : " beyond those the recovery rotated " + List.copyOf(rotation.secrets().keySet())));
    items.add(HUMAN_ITEMS.get(3) + " (WAF rules against what the investigation saw" + paths(s) + ")");
    List<String> unblocked = SecurityReportLines.unblockedAddresses(r);
    if (!unblocked.isEmpty()) {
      items.add("Decide whether to block the addresses the investigation saw with status >= 400 that no block "
          + "covers: " + unblocked);
    }
    SecurityState.Isolation isolation = s == null ? null : s.isolation();
    if (isolation != null && isolation.service() != null && (s.restore() == null || !s.restore().done())) {
      items.add("Restore services gradually: " + isolation.service() + " is still isolated; bring it back to "
          + isolation.previousDesired() + " tasks when the investigation allows (runbook Recovery 5)");
    }
    MonitoringState monitoring = r.part(MonitoringState.PART);
    items.add(monitoring == null || monitoring.alarms().isEmpty()
        ? HUMAN_ITEMS.get(4) + ": no temporary alarms were set up by this recovery, so watch 4xx/5xx, WAF blocks "
            + "and PII access by hand"
        : HUMAN_ITEMS.get(4) + ": judge every ALARM of " + monitoring.alarms().stream().map(MonitoringState.Alarm::name)
            .toList() + " until " + monitoring.until() + " (they page the on-call and start no recovery; "
            + "removed automatically then)");
    return items;
  }

  private static String paths(SecurityState s) {
    return s == null || s.investigation() == null || s.investigation().byPath().isEmpty() ? ""
        : ": requests with status >= 400 on " + List.copyOf(s.investigation().byPath().keySet());
  }

  private static Assessment assessment(ReportFacts f) {
    SecurityState s = f.recovery().part(SecurityState.PART);
    return s == null ? null : s.assessment();
  }
}
