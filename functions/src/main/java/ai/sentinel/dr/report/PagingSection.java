package ai.sentinel.dr.report;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who was paged when, in one line of the report's timeline: every trigger, re-page, acknowledge and resolve the
 * recovery sent (Notify, RequestApproval's pages as AcknowledgeApproval copied them, AcknowledgeApproval itself), each
 * with its time, its target and its severity, in order: "On-call paging: 10:02:05 trigger to PagerDuty (...),
 * severity error, ...; 10:12:06 trigger ... severity critical ...; 10:13:40 acknowledge ...".
 */
public final class PagingSection {
  /** The timeline events of the on-call's messages. */
  static final Set<String> EVENTS = Set.of("paged", "re-paged", "acknowledged", "resolved", "informed");
  private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve", "inform");
  private static final java.time.format.DateTimeFormatter HH_MM_SS = java.time.format.DateTimeFormatter
      .ofPattern("HH:mm:ss").withZone(java.time.ZoneOffset.UTC);

  private PagingSection() {}

  /** The paging line, or none when the recovery reached nobody through a recorded action. */
  public static List<String> lines(Recovery recovery) {
    if (recovery == null) {
      return List.of();
    }
    List<String> parts = new ArrayList<>();
    java.time.Instant first = null;
    for (TimelineEntry e : recovery.timeline()) {
      // Set.of refuses to look up null
      if (e == null || e.event() == null || !EVENTS.contains(e.event()) || e.detail() == null) {
        continue;
      }
      String action = e.detail().split(" ", 2)[0];
      if (!ACTIONS.contains(action)) {
        continue;
      }
      // the detail up to how it was delivered: action, target, severity, key, what about
      int delivered = e.detail().lastIndexOf("): ");
      String what = delivered < 0 ? e.detail() : e.detail().substring(0, delivered + 1);
      String how = delivered < 0 ? "" : " -> " + e.detail().substring(delivered + 3);
      java.time.Instant at = ReportTimes.parse(e.at());
      first = first == null ? at : first;
      parts.add((at == null ? "--:--:--" : HH_MM_SS.format(at)) + " " + what + how);
    }
    return parts.isEmpty() ? List.of() : List.of(ReportTimes.hhmm(first) + " - On-call paging (who was paged "
        + "when): " + String.join("; ", parts));
  }
}
