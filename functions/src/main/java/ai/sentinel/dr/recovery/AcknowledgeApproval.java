package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.PagerDutySettings;
import ai.sentinel.dr.oncall.Severity;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The state right after every approval gate, whichever way the human answered (an approval lands in
 * {@code $.approval}, a rejection in {@code $.error} with error "Rejected") and however they answered it
 * ({@code ./sentinel approve/reject}, {@code aws stepfunctions send-task-success/-failure}, the console): the incident
 * the gate paged under the execution name is acknowledged ({@link OnCall#acknowledge}, PagerDuty's
 * {@code acknowledge} with the same {@code dedup_key}), so the escalation policy stops climbing, and the timeline
 * records when and to whom. The document passes through otherwise unchanged: a rejection still goes on to the
 * failure path with its error, and an acknowledgement that could not be delivered changes no outcome.
 */
@UsesSettings(PagerDutySettings.class)
public final class AcknowledgeApproval extends Step {
  /** The error a rejection fails the gate with ({@code ./sentinel reject}, {@code send-task-failure --error}). */
  public static final String REJECTED = "Rejected";
  public static final String NAME = "AcknowledgeApproval";
  private final OnCall onCall;

  public AcknowledgeApproval() {
    this(Deps.fromProcessEnv());
  }

  public AcknowledgeApproval(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public AcknowledgeApproval(Deps deps) {
    this(deps, OnCall.of(deps));
  }

  public AcknowledgeApproval(Deps deps, OnCall onCall) {
    super(deps);
    this.onCall = onCall;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected Recovery run(Recovery recovery) {
    String answer = answer(recovery);
    Alert alert = Alert.about(recovery.environment(), recovery.scenario(), recovery.resource(),
        "APPROVAL answered: " + answer, "Recovery " + recovery.executionName() + ": the approval gate was answered ("
            + answer + ").", recovery.executionName(), Severity.ERROR.forDrill(recovery.drill()));
    String sent;
    try {
      sent = onCall.acknowledge(alert);
    } catch (RuntimeException e) {
      // the answer is what matters to the recovery; a lost acknowledgement leaves PagerDuty escalating, nothing more
      sent = "acknowledge not delivered (" + e.getClass().getSimpleName() + ")";
    }
    return recovery.log(entry("acknowledged", "acknowledge to " + onCall.target() + " at " + now() + " ("
        + answer + "): " + sent));
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
