package ai.sentinel.dr.localcloud;

import ai.sentinel.dr.localcloud.AwsRequests.Protocol;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;

/** The {@link Gateway}'s injected faults: which forwarded requests fail, and how a failing service answers. */
final class Faults {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Object lock = new Object();
  private double faultRate;
  private double lostResponseRate;
  private Random random = new Random(0);

  /**
   * Makes a share of forwarded requests (never {@code /moto-api/} nor Lambda invokes) fail without reaching moto: a
   * throttling error or a 500 for JSON and query APIs, a 503 for REST ones. Note that moto's Step Functions engine
   * calls AWS through the gateway without retries, so its service integrations (e.g. sns:publish) fail too.
   *
   * @param rate the probability in [0, 1]; 0 turns injection off
   * @param seed seeds the draws, so a sequential test sees the same faults every run
   */
  void setFaultRate(double rate, long seed) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("Fault rate must be in [0, 1]: " + rate);
    }
    synchronized (lock) {
      faultRate = rate;
      random = new Random(seed);
    }
  }

  /**
   * Makes a share of forwarded requests (never {@code /moto-api/} nor Lambda invokes) reach moto and be applied,
   * after which the caller gets a fault instead of moto's 2xx answer: half the time the service's retryable error
   * (as {@link #setFaultRate}), half the time a connection closed before any response. This is the fault that hurts:
   * a caller that retries blindly applies the mutation twice. {@link CallRecord#responseLost()} marks such calls.
   *
   * @param rate the probability in [0, 1]; 0 turns it off
   * @param seed seeds the draws, so a sequential test sees the same losses every run
   */
  void setLostResponseRate(double rate, long seed) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("Lost-response rate must be in [0, 1]: " + rate);
    }
    synchronized (lock) {
      lostResponseRate = rate;
      random = new Random(seed);
    }
  }

  double faultRate() {
    synchronized (lock) {
      return faultRate;
    }
  }

  boolean drawFault() {
    synchronized (lock) {
      return faultRate > 0 && random.nextDouble() < faultRate;
    }
  }

  boolean drawLostResponse() {
    synchronized (lock) {
      return lostResponseRate > 0 && random.nextDouble() < lostResponseRate;
    }
  }

  boolean drawThrottle() {
    synchronized (lock) {
      return random.nextBoolean();
    }
  }

  /** Answers as the service would when throttling or failing, in a shape the AWS SDKs classify as retryable. */
  int send(HttpExchange exchange, Protocol protocol) throws IOException {
    String requestId = UUID.randomUUID().toString();
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    switch (protocol) {
      case JSON -> {
        boolean throttle = drawThrottle();
        String type = throttle ? "ThrottlingException" : "InternalFailure";
        String message = throttle ? "Rate exceeded" : "Internal service error (injected)";
        int status = throttle ? 400 : 500;
        ObjectNode error = JSON.createObjectNode().put("__type", type).put("message", message);
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        Gateway.sendBytes(exchange, status, "application/x-amz-json-1.1", JSON.writeValueAsBytes(error));
        return status;
      }
      case QUERY -> {
        boolean throttle = drawThrottle();
        int status = throttle ? 400 : 500;
        String xml = "<ErrorResponse><Error><Type>" + (throttle ? "Sender" : "Receiver") + "</Type><Code>"
            + (throttle ? "Throttling" : "InternalFailure") + "</Code><Message>"
            + (throttle ? "Rate exceeded" : "Internal service error (injected)") + "</Message></Error><RequestId>"
            + requestId + "</RequestId></ErrorResponse>";
        Gateway.sendBytes(exchange, status, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
        return status;
      }
      default -> {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", "ServiceUnavailableException");
        Gateway.sendBytes(exchange, 503, "application/json",
            "{\"message\":\"Service Unavailable\"}".getBytes(StandardCharsets.UTF_8));
        return 503;
      }
    }
  }
}
