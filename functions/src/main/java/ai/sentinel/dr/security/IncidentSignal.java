package ai.sentinel.dr.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a security signal says, as {@link SecurityIncidentSignals} shaped it into the trigger's detail: Assess reads
 * it (GuardDuty's finding APIs cannot be asked again: the finding travels with the recovery, also as evidence).
 *
 * @param source       guardduty, securityhub, signin, manual
 * @param title        one line: the finding's title, the sign-in, the operator's reason
 * @param findingId    the finding's id, or null
 * @param findingType  its type (GuardDuty) or first type (Security Hub), or null
 * @param severity     its numeric severity on GuardDuty's 1-10 scale, or null
 * @param ips          remote addresses the signal names, as given (Assess normalises and filters them)
 * @param apiKeyIds    API key ids the signal names
 * @param principal    the IAM principal involved, or null
 * @param resource     the affected AWS resource, or null
 * @param activeBreach the operator's word that the breach is ongoing, or null when the signal does not say
 * @param priority     the operator's severity (P1-P4), or null
 * @param finding      the finding itself (the event's detail), kept for the evidence, or null
 */
public record IncidentSignal(String source, String title, String findingId, String findingType, Double severity,
    List<String> ips, List<String> apiKeyIds, String principal, String resource, Boolean activeBreach,
    String priority, JsonNode finding) {

  @JsonCreator
  public IncidentSignal {
    ips = ips == null ? List.of() : List.copyOf(ips);
    apiKeyIds = apiKeyIds == null ? List.of() : List.copyOf(apiKeyIds);
  }
}
