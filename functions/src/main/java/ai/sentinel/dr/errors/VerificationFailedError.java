package ai.sentinel.dr.errors;

/**
 * Verification did not pass: the recovery must not be declared successful. The state machine's Retry/Catch match on this class's fully qualified name, which Lambda reports as the error
 * type.
 */
public final class VerificationFailedError extends RuntimeException {
  public VerificationFailedError(String message) {
    super(message);
  }
}
