package ai.sentinel.dr.errors;

/**
 * A step tried to touch a resource the environment config does not name. Nothing was sent. The state machine's Retry/Catch match on this class's fully qualified name, which Lambda reports as the error
 * type.
 */
public final class OutsideBlastRadiusError extends RuntimeException {
  public OutsideBlastRadiusError(String message) {
    super(message);
  }
}
