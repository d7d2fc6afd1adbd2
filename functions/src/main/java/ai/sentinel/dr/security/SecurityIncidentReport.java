package ai.sentinel.dr.security;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

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
 * Security incident: its part of the post-incident report. The severity Assess decided, the indicators, every
 * containment action with its time, and the runbook's Recovery items that stay with a human. RPO: not applicable
 * (containment restores no data).
 */
final class SecurityIncidentReport implements ReportPart {
  /** The runbook's Scenario 6 "Recovery" items no automation does. */
  static final List<String> HUMAN_ITEMS = List.of(
      "Revoke all potentially compromised credentials (beyond the keys the recovery revoked)",
      "Force password reset for affected users",
      "Rotate all secrets and API keys",
      "Deploy updated security rules",
      "Monitor closely for 48 hours");

  /** Containment is verified step by step: the RTO ends with the last containment check or the restore. */
  @Override
  public Set<String> verifySteps() {
    return Set.of("BlockIps", "RevokeApiKeys", "RestoreGradually");
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
        + ". How access was gained is for the investigation (runbook Scenario 6) to establish.";
  }

  @Override
  public List<String> decisions(ReportFacts f) {
    SecurityState s = f.recovery().part(SecurityState.PART);
    List<String> lines = new ArrayList<>();
    if (s == null) {
      return lines;
    }
    Assessment a = s.assessment();
    if (a != null) {
      var i = a.indicators();
      lines.add("Indicators: addresses " + i.ips() + ", API keys " + i.apiKeyIds()
          + (i.principal() == null ? "" : ", principal " + i.principal())
          + (i.findingId() == null ? "" : ", finding " + i.findingType() + " " + i.findingId()) + ".");
      if (!a.refused().isEmpty()) {
        lines.add("Not acted on: " + oneLine(String.join("; ", a.refused())) + ".");
      }
    }
    for (Action action : s.actions()) {
      lines.add("Containment " + action.at() + " (" + action.step() + "): " + oneLine(action.action()) + ".");
    }
    if (s.revocation() != null && !s.revocation().unknown().isEmpty()) {
      lines.add("Unknown API key ids (not in the table): " + s.revocation().unknown() + ".");
    }
    return lines;
  }

  @Override
  public RecoveryPoint recoveryPoint(ReportFacts f) {
    return RecoveryPoint.of(null, "not applicable: containment restores no data");
  }

  @Override
  public List<String> actionItems(ReportFacts f) {
    return HUMAN_ITEMS;
  }

  private static Assessment assessment(ReportFacts f) {
    SecurityState s = f.recovery().part(SecurityState.PART);
    return s == null ? null : s.assessment();
  }
}
