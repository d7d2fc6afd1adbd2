package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.PagerDutySettings;
import ai.sentinel.dr.oncall.PagingLog;
import ai.sentinel.dr.oncall.Severity;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state right after every approval gate, whichever way the human answered (an approval lands in
 * {@code $.approval}, a rejection in {@code $.error} with error "Rejected") and however they answered it
 * ({@code ./sentinel approve/reject}, {@code aws stepfunctions send-task-success/-failure}, the console): the incident
 * the gate paged under the execution name is acknowledged ({@link OnCall#acknowledge}, PagerDuty's
 * {@code acknowledge} with the same {@code dedup_key}), so the escalation policy stops climbing, and the timeline
 * records when and to whom. The gate's pages themselves (RequestApproval's trigger, and the critical re-page when
 * nobody answered within {@code safety.approvalRepageMinutes}) are copied into the timeline from the {@link PagingLog}
 * first, so it reads: paged, re-paged, acknowledged. A re-page opened its own incident ({@link
 * RequestApproval#repageKey}): the answer resolves it. The document passes through otherwise unchanged: a rejection
 * still goes on to the failure path with its error, and an acknowledgement that could not be delivered changes no
 * outcome.
 */
@UsesSettings(PagerDutySettings.class)
public final class AcknowledgeApproval extends Step {
  /** The error a rejection fails the gate with ({@code ./sentinel reject}, {@code send-task-failure --error}). */
  public static final String REJECTED = "Rejected";
  public static final String NAME = "AcknowledgeApproval";
  /** Where the gate's timeout Catch leaves its mark when the gate re-pages ({@code $.approvalRepaged}). */
  public static final String REPAGED_FIELD = "approvalRepaged";
  private final OnCall onCall;
  private final PagingLog paging;

  public AcknowledgeApproval() {
    this(Deps.fromProcessEnv());
  }

  public AcknowledgeApproval(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public AcknowledgeApproval(Deps deps) {
    this(deps, OnCall.of(deps), RequestApproval.pagingLog(deps));
  }

  public AcknowledgeApproval(Deps deps, OnCall onCall) {
    this(deps, onCall, null);
  }

  /** @param paging where RequestApproval recorded the gate's pages; null: not recorded */
  public AcknowledgeApproval(Deps deps, OnCall onCall, PagingLog paging) {
    super(deps);
    this.onCall = onCall;
    this.paging = paging;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Recovery out = recovery;
    boolean repaged = recovery.parts().containsKey(REPAGED_FIELD);
    if (paging != null) {
      repaged = false;
      try {
        List<TimelineEntry> pages = new ArrayList<>();
        for (TimelineEntry page : paging.pages(recovery.executionName())) {
          if (!out.timeline().contains(page)) {
            pages.add(page);
            repaged |= "re-paged".equals(page.event());
          }
        }
        out = out.withTimeline(beforeTheAnswer(out.timeline(), pages));
      } catch (RuntimeException e) {
        out = out.log(entry("paged", "the gate's pages were not found (" + e.getClass().getSimpleName() + ")"));
        repaged = recovery.parts().containsKey(REPAGED_FIELD);
      }
    } else {
      out = out.log(entry("paged", "the gate paged the on-call (" + onCall.target() + "); no paging log to say "
          + "when (no wait table)"));
    }
    String answer = answer(recovery);
    Severity severity = Severity.ERROR.forDrill(recovery.drill());
    out = out.log(entry("acknowledged", "acknowledge to " + onCall.target() + ", dedup key "
        + recovery.executionName() + " (" + answer + "): " + send(recovery, answer, recovery.executionName(),
        severity, false)));
    if (repaged) {
      // the re-page's own incident asked for this answer: it is over
      String key = RequestApproval.repageKey(recovery.executionName());
      out = out.log(entry("resolved", "resolve to " + onCall.target() + ", dedup key " + key + " (the re-page, "
          + "answered): " + send(recovery, answer, key, severity, true)));
    }
    return out;
  }

  /** The pages go before the answer's "approved" entry (Step logs it on entry), so the timeline reads in order. */
  static List<TimelineEntry> beforeTheAnswer(List<TimelineEntry> timeline, List<TimelineEntry> pages) {
    List<TimelineEntry> out = new ArrayList<>(timeline);
    int at = out.size();
    if (at > 0 && "approved".equals(out.get(at - 1).event()) && NAME.equals(out.get(at - 1).step())) {
      at--;
    }
    out.addAll(at, pages);
    return out;
  }

  private String send(Recovery recovery, String answer, String key, Severity severity, boolean resolve) {
    Alert alert = Alert.about(recovery.environment(), recovery.scenario(), recovery.resource(),
        "APPROVAL answered: " + answer, "Recovery " + recovery.executionName() + ": the approval gate was answered ("
            + answer + ").", key, severity);
    try {
      return resolve ? onCall.resolve(alert) : onCall.acknowledge(alert);
    } catch (RuntimeException e) {
      // the answer is what matters to the recovery; a lost event leaves PagerDuty escalating, nothing more
      return (resolve ? "resolve" : "acknowledge") + " not delivered (" + e.getClass().getSimpleName() + ")";
    }
  }

  /** "approved by alice (ARN)" or "rejected by bob (ARN): WHY", from the gate's answer. */
  static String answer(Recovery recovery) {
    JsonNode error = recovery.error();
    if (error != null && REJECTED.equals(error.path("Error").asText())) {
      String cause = error.path("Cause").asText("");
      return cause.isBlank() ? "rejected (no reason given)" : cause.startsWith("rejected") ? cause
          : "rejected: " + cause;
    }
    JsonNode approval = recovery.approval();
    if (approval != null && approval.isObject()) {
      return approval.path("decision").asText("approved") + " by " + approval.path("by").asText("unknown")
          + (approval.hasNonNull("identity") ? " (" + approval.get("identity").asText() + ")" : "");
    }
    return "answered (no decision recorded)";
  }
}
