package ai.sentinel.dr.trigger;

import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Trigger;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What a responder makes of one incoming payload.
 *
 * @param action   start (a recovery is due), ignore (not ours or not a failure) or reject (bad input)
 * @param scenario runbook scenario id, when known
 * @param resource protected resource, when known
 * @param dedupKey identity of the signal: the same signal redelivered has the same key
 * @param reason   why, in one line
 * @param trigger  the signal, for the recovery document (start only)
 * @param options  options for the recovery (start only)
 * @param evidence an ignored signal that joins a running recovery of its scenario and resource as evidence (a
 *                 timeline entry of that recovery), never starting one: a routine event such as "DB instance
 *                 restarted" while the instance is being recovered
 */
@JsonPropertyOrder({"action", "scenario", "resource", "dedupKey", "reason"})
public record Classification(
    String action,
    String scenario,
    String resource,
    String dedupKey,
    String reason,
    @JsonIgnore Trigger trigger,
    @JsonIgnore Options options,
    @JsonIgnore boolean evidence) {

  public static final String START = "start";
  public static final String IGNORE = "ignore";
  public static final String REJECT = "reject";

  public static Classification start(String scenario, String resource, String dedupKey, String reason,
      Trigger trigger, Options options) {
    return new Classification(START, scenario, resource, dedupKey, reason, trigger, options, false);
  }

  public static Classification reject(String reason) {
    return new Classification(REJECT, null, null, null, reason, null, null, false);
  }

  public static Classification ignore(String reason) {
    return new Classification(IGNORE, null, null, null, reason, null, null, false);
  }

  public static Classification ignore(String scenario, String resource, String dedupKey, String reason) {
    return new Classification(IGNORE, scenario, resource, dedupKey, reason, null, null, false);
  }

  /** Starts nothing; joins the running recovery of {@code scenario} on {@code resource}, if any, as evidence. */
  public static Classification evidence(String scenario, String resource, String dedupKey, String reason,
      Trigger trigger) {
    return new Classification(IGNORE, scenario, resource, dedupKey, reason, trigger, null, true);
  }

  public boolean starts() {
    return START.equals(action);
  }
}
