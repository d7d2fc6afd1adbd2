package ai.sentinel.dr.security;

import static ai.sentinel.dr.report.IncidentReports.oneLine;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.ReportFacts;
import ai.sentinel.dr.report.ReportTimes;
import ai.sentinel.dr.security.EvidenceState.EvidenceObject;
import ai.sentinel.dr.security.IpRanges.NotAnIp;
import ai.sentinel.dr.security.IpRanges.Range;
import ai.sentinel.dr.security.MonitoringState.Alarm;
import ai.sentinel.dr.security.SecurityState.Investigation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The security report's sections an SRE reads after containment: the secrets rotated, where the evidence is and the
 * hashes that prove it unchanged, what the investigation counted, and the heightened-monitoring alarms with their end.
 * Each says what the recovery knows, or why it does not know it (the step did not run, a dry-run planned it); never a
 * template placeholder. Only identifiers are shown (version ids, key ids, hashes): no secret value is in the document.
 */
final class SecurityReportLines {
  /** Evidence objects listed one by one at most; the manifest holds them all. */
  static final int LISTED_OBJECTS = 20;

  private SecurityReportLines() {}

  /** "Secrets rotated: ..." with each secret's versions, or null when the recovery rotated none. */
  static String rotation(ReportFacts f) {
    RotationState r = f.recovery().part(RotationState.PART);
    if (r == null || r.secrets().isEmpty()) {
      return null;
    }
    List<String> each = new ArrayList<>();
    r.secrets().forEach((id, s) -> each.add(id + ": " + (s.requestedAt() == null ? "would rotate (dry-run)"
        : s.rotatedAt() != null ? "new version " + s.token() + " AWSCURRENT at " + s.rotatedAt()
        : "rotation requested at " + s.requestedAt() + ", new version " + s.token() + " not AWSCURRENT yet")
        + (s.previousVersion() == null ? "" : " (was " + s.previousVersion() + ")")));
    return oneLine("Secrets rotated (version ids only): " + String.join("; ", each) + ".");
  }

  /** Where the evidence is, the manifest's own SHA-256 and each object's, or why there is none. */
  static String evidence(ReportFacts f) {
    EvidenceState e = f.recovery().part(EvidenceState.PART);
    if (e == null) {
      return "Evidence: not preserved: the recovery " + (f.running() ? "has not reached PreserveEvidence yet"
          : "ended before PreserveEvidence") + ".";
    }
    if (e.bucket() == null) {
      return "Evidence: not preserved: security.evidence is not configured in this environment.";
    }
    String where = "s3://" + e.bucket() + "/" + e.prefix();
    String window = "API logs " + e.from() + " to " + e.to() + (e.exportTask() == null ? "" : " (export task "
        + e.exportTask() + ")") + (e.snapshotId() == null ? "" : ", database snapshot " + e.snapshotId());
    if (f.dryRun()) {
      return oneLine("Evidence: planned only (dry-run): " + window + " into " + where + "; nothing was exported.");
    }
    if (!e.done() || e.manifestKey() == null) {
      return oneLine("Evidence: incomplete at " + where + ": " + window + "; the manifest was not written after "
          + e.polls() + " check(s), so nothing is hashed yet.");
    }
    long bytes = e.objects().stream().mapToLong(EvidenceObject::size).sum();
    List<String> listed = e.objects().stream().limit(LISTED_OBJECTS).map(o -> relative(o.key(), e.prefix()) + " ("
        + o.size() + " B, SHA-256 " + o.sha256() + ")").toList();
    int more = e.objects().size() - listed.size();
    String lock = e.retentionDays() == null ? "Object Lock" : "Object Lock governance mode, each object retained "
        + e.retentionDays() + " days from its write";
    return oneLine("Evidence: " + where + " (" + lock + ", deletes denied): " + window + ". Manifest s3://"
        + e.bucket() + "/" + e.manifestKey() + (e.manifestSha256() == null ? "" : " (its SHA-256 "
        + e.manifestSha256() + ")") + " lists " + e.objects().size() + " object(s), " + bytes + " bytes: "
        + String.join("; ", listed) + (more > 0 ? "; and " + more + " more in the manifest" : "") + ".");
  }

  private static String relative(String key, String prefix) {
    return prefix != null && key.startsWith(prefix) ? key.substring(prefix.length()) : key;
  }

  /** The runbook's two queries as counted, and what became of the second round; or why they did not run. */
  static List<String> investigation(ReportFacts f) {
    SecurityState s = f.recovery().part(SecurityState.PART);
    Investigation i = s == null ? null : s.investigation();
    if (i == null) {
      return List.of("Investigation: not run: the recovery " + (f.running() ? "has not reached Investigate yet"
          : "ended before Investigate") + ".");
    }
    List<String> lines = new ArrayList<>();
    lines.add(oneLine(i.logGroup() == null ? "Investigation: no API log group configured (security.evidence."
        + "logGroup): requests not counted." : "Investigation of " + i.logGroup() + " from " + i.from() + " to "
        + i.to() + ": " + i.errorEvents() + " of " + i.eventsRead() + " log event(s) had a status of 400 or more"
        + (i.capped() ? " (only the first " + Investigate.MAX_EVENTS + " events were read)" : "")
        + "; by address: " + counts(i.byIp()) + "; by path: " + counts(i.byPath()) + "; by API key: "
        + counts(i.byKey()) + "."));
    lines.add(oneLine("Threats in audit_logs (runbook query, last 24 h, by api_key_id): " + (i.threats().isEmpty()
        ? "none." : i.threats().stream().map(t -> t.apiKeyId() + " " + t.count() + " row(s) " + t.categories())
        .collect(Collectors.joining("; ")) + ".")));
    lines.add(oneLine("Second round: " + secondRound(f, s, i)));
    return lines;
  }

  private static String secondRound(ReportFacts f, SecurityState s, Investigation i) {
    List<String> ips = i.proposedIps() == null ? List.of() : i.proposedIps();
    if (i.proposedKeys().isEmpty() && ips.isEmpty()) {
      return "nothing new to contain (no active API key with threats, no unblocked address beyond the first "
          + "round).";
    }
    String keys = i.proposedKeys().isEmpty() ? "" : keyRound(f, s, i);
    if (ips.isEmpty()) {
      return keys;
    }
    List<String> blocked = ips.stream().filter(ip -> blocked(s, ip)).toList();
    List<String> open = ips.stream().filter(ip -> !blocked.contains(ip)).toList();
    return (keys.isEmpty() ? "" : keys + " ") + "Proposed blocking " + ips + " behind the same approval"
        + (blocked.isEmpty() ? "" : "; blocked " + blocked) + (open.isEmpty() ? "." : f.running() ? "; " + open
        + " waiting for the approval." : f.dryRun() ? "; " + open + " not blocked (dry-run)." : "; " + open
        + " NOT blocked (rejected or not answered).");
  }

  private static boolean blocked(SecurityState s, String cidr) {
    return s.blocks() != null && (s.blocks().added().contains(cidr) || s.blocks().alreadyBlocked().contains(cidr));
  }

  private static String keyRound(ReportFacts f, SecurityState s, Investigation i) {
    List<String> revoked = s.revocation() == null ? List.of() : i.proposedKeys().stream()
        .filter(k -> s.revocation().revoked().contains(k) || s.revocation().alreadyRevoked().contains(k)).toList();
    List<String> open = i.proposedKeys().stream().filter(k -> !revoked.contains(k)).toList();
    return "proposed revoking " + i.proposedKeys() + " behind an approval" + (revoked.isEmpty() ? "" : "; revoked "
        + revoked) + (open.isEmpty() ? "." : f.running() ? "; " + open + " waiting for the approval."
        : f.dryRun() ? "; " + open + " not revoked (dry-run)." : "; " + open + " NOT revoked (rejected or not "
        + "answered): still valid.");
  }

  /** "a (3), b (1)", largest first as Investigate kept them; "none" for none. */
  private static String counts(Map<String, Integer> counts) {
    return counts.isEmpty() ? "none" : counts.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
        .collect(Collectors.joining(", "));
  }

  /** The temporary alarms, what each watches, and when they end; or why there are none. */
  static String monitoring(ReportFacts f) {
    MonitoringState m = f.recovery().part(MonitoringState.PART);
    if (m == null) {
      return "Heightened monitoring: no temporary alarms: " + (f.running() ? "not reached yet"
          : "security.monitoring is not configured or the recovery ended before HeightenedMonitoring") + ".";
    }
    String alarms = m.alarms().stream().map(a -> a.name() + " (" + a.watches() + " >= " + threshold(a) + ")")
        .collect(Collectors.joining("; "));
    return oneLine("Heightened monitoring" + (m.createdAt() == null ? " (planned only, dry-run)" : " since "
        + m.createdAt()) + " until " + m.until() + windowLength(m) + ": " + alarms + ". Each pages the on-call and "
        + "starts no recovery; schedule " + m.schedule() + " removes them at " + m.until() + ".");
  }

  private static String windowLength(MonitoringState m) {
    Long seconds = ReportTimes.between(ReportTimes.parse(m.createdAt()), ReportTimes.parse(m.until()));
    return seconds == null ? "" : " (" + ReportTimes.human(seconds) + ")";
  }

  private static String threshold(Alarm a) {
    return a.threshold() == Math.rint(a.threshold()) ? Long.toString((long) a.threshold())
        : Double.toString(a.threshold());
  }

  /**
   * Addresses the investigation saw with a status of 400 or more that no block of this recovery covers (neither
   * added nor found already blocked): a human decides on them. Never private, allow-listed or unparsable ones.
   */
  static List<String> unblockedAddresses(Recovery recovery) {
    SecurityState s = recovery.part(SecurityState.PART);
    if (s == null || s.investigation() == null) {
      return List.of();
    }
    if (s.investigation().proposedIps() != null) {
      // judged by Investigate with the allow-list; the ones the second round blocked are done
      return s.investigation().proposedIps().stream().filter(ip -> !blocked(s, ip)).toList();
    }
    // a document from before Investigate judged them: private ones left out; the allow-list is not known here
    Set<String> blocked = new LinkedHashSet<>();
    if (s.blocks() != null) {
      blocked.addAll(s.blocks().added());
      blocked.addAll(s.blocks().alreadyBlocked());
    }
    List<String> out = new ArrayList<>();
    for (String ip : s.investigation().byIp().keySet()) {
      try {
        Range range = IpRanges.parse(ip);
        if (!IpRanges.isPrivate(range) && blocked.stream().noneMatch(b -> covers(b, range))) {
          out.add(ip);
        }
      } catch (NotAnIp e) {
        // "?" (a line without an address) or garbage: nothing to block
      }
    }
    return out;
  }

  private static boolean covers(String cidr, Range range) {
    try {
      return IpRanges.parse(cidr).overlaps(range);
    } catch (NotAnIp e) {
      return false;
    }
  }
}
