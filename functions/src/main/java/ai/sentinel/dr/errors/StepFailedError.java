package ai.sentinel.dr.errors;

/**
 * The step cannot succeed as asked (missing snapshot, refused request, a state the runbook does not cover): stop and tell a human. The state machine's Retry/Catch match on this class's fully qualified name, which Lambda reports as the error
 * type.
 */
public final class StepFailedError extends RuntimeException {
  public StepFailedError(String message) {
    super(message);
  }

  public StepFailedError(String message, Throwable cause) {
    super(message, cause);
  }
}
