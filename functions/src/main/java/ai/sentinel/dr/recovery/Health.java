package ai.sentinel.dr.recovery;

import java.util.List;

/**
 * What Diagnose concluded about the protected resource, in the envelope of every recovery document
 * ({@code $.diagnosis}): the state machine's "Act on diagnosis?" reads {@code act}, Notify and the report read the
 * verdict and its evidence. Written by {@link DiagnoseStep} only.
 *
 * @param verdict   HEALTHY (answers as the runbook's verification would), FAILED (a failure the runbook recovers), or
 *                  INCONCLUSIVE (neither can be told: a human judges)
 * @param evidence  what was read to reach the verdict, one line each (never a secret)
 * @param act       the state machine goes on to the recovery's steps: a FAILED verdict, a human's explicit decision
 *                  (e.g. a runbook option asked for by hand), a dry-run (a plan changes nothing) or a Testing Schedule
 *                  test (it never touches the protected resource); otherwise the recovery ends with no action
 * @param reason    why it acts or not, one line
 * @param checkedAt when
 */
public record Health(Verdict verdict, List<String> evidence, boolean act, String reason, String checkedAt) {
  /** Where the state machines read the decision. */
  public static final String ACT_PATH = "$.diagnosis.act";

  /** The three answers a diagnosis can give. */
  public enum Verdict { HEALTHY, FAILED, INCONCLUSIVE }

  public Health {
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
  }

  /** The recovery stops here: nothing is changed, nothing is spent. */
  public boolean noAction() {
    return !act;
  }

  /** "HEALTHY: a; b; c". */
  public String describe() {
    return verdict + (evidence.isEmpty() ? "" : ": " + String.join("; ", evidence));
  }
}
