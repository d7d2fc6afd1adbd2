package ai.sentinel.dr.localcloud;

/** What {@link FailingHandler} throws; state machines catch it by its fully qualified name. */
public class SimulatedOutageException extends RuntimeException {

  public SimulatedOutageException(String message) {
    super(message);
  }
}
