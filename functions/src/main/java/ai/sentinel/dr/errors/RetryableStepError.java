package ai.sentinel.dr.errors;

/**
 * Throttling, 5xx, timeouts, connection failures: safe to run the step again (the state machine retries it with backoff). The state machine's Retry/Catch match on this class's fully qualified name, which Lambda reports as the error
 * type.
 */
public final class RetryableStepError extends RuntimeException {
  public RetryableStepError(String message) {
    super(message);
  }

  public RetryableStepError(String message, Throwable cause) {
    super(message, cause);
  }
}
