package ai.sentinel.dr.errors;

/**
 * A wait loop used its whole budget of polls. The state machine's Retry/Catch match on this class's fully qualified name, which Lambda reports as the error
 * type.
 */
public final class TimedOutError extends RuntimeException {
  public TimedOutError(String message) {
    super(message);
  }
}
