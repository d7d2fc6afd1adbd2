package ai.sentinel.dr.localcloud;

import java.time.Instant;
import java.util.List;

/**
 * One AWS call seen by the gateway.
 *
 * @param timestamp when the gateway received it
 * @param service the SigV4 signing name from the credential scope ({@code sns}, {@code states}, {@code lambda},
 *     {@code monitoring}, ...), or {@code unknown} for an unsigned request
 * @param action the API action ({@code CreateTopic}); {@code Invoke:NAME} for Lambda invokes; {@code METHOD path}
 *     for REST calls without an action name
 * @param status the HTTP status returned to the caller
 * @param injectedFault true when the gateway answered with an injected fault instead of moto's answer
 * @param responseLost true when moto applied the request (answered 2xx) but the gateway then failed the call: the
 *     caller cannot tell whether it happened
 */
public record CallRecord(Instant timestamp, String service, String action, int status, boolean injectedFault,
    boolean responseLost) {

  /** A call whose answer reached the caller as sent. */
  public CallRecord(Instant timestamp, String service, String action, int status, boolean injectedFault) {
    this(timestamp, service, action, status, injectedFault, false);
  }

  private static final List<String> READ_ONLY_PREFIXES = List.of("Describe", "List", "Get", "Head", "Query", "Scan",
      "BatchGet", "Search", "Lookup", "Test", "Validate", "GET ", "HEAD ");

  /**
   * Heuristic: true unless the action reads only (Describe*, List*, Get*, GET requests, ...). Lambda invokes count as
   * mutating, since a handler may change anything.
   */
  public boolean mutating() {
    for (String prefix : READ_ONLY_PREFIXES) {
      if (action.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }

  /** True when the call reached its target (not injected) and got a 2xx. */
  public boolean succeeded() {
    return !injectedFault && status >= 200 && status < 300;
  }

  /** True when moto carried the call out, whether or not the caller heard so: what "applied once" counts. */
  public boolean applied() {
    return succeeded() || responseLost;
  }
}
