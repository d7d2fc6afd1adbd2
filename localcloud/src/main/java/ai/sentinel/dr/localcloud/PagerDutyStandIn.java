package ai.sentinel.dr.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for PagerDuty's Events API v2 ({@code POST /v2/enqueue}) on a loopback port: it checks each event
 * as PagerDuty documents it (routing_key of 32 characters, event_action trigger|acknowledge|resolve, dedup_key of at
 * most 255, for a trigger a payload with summary of at most 1024, source and severity critical|error|warning|info),
 * answers 202 with the dedup key or 400 with the errors, and records every event it accepted. Drills and tests point
 * {@code pagerDuty.eventsUrl} at {@link #baseUrl()}; {@link #failNext} makes it answer 429 or 5xx first.
 */
public final class PagerDutyStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");
  private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

  private final HttpServer server;
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final List<Integer> answered = new CopyOnWriteArrayList<>();
  private final Deque<Integer> failures = new ConcurrentLinkedDeque<>();

  private PagerDutyStandIn(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free loopback port. */
  public static PagerDutyStandIn start() throws IOException {
    Gateway.noDelay();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    PagerDutyStandIn standIn = new PagerDutyStandIn(server);
    server.createContext("/v2/enqueue", standIn::handle);
    server.start();
    return standIn;
  }

  /** What {@code pagerDuty.eventsUrl} should be. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The accepted events, in order. */
  public List<JsonNode> events() {
    return List.copyOf(events);
  }

  /** Every status answered, in order (rejected and injected ones too). */
  public List<Integer> answered() {
    return List.copyOf(answered);
  }

  /** The next requests are answered with these statuses (429, 500...) before any is looked at. */
  public void failNext(Integer... statuses) {
    failures.addAll(List.of(statuses));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        answer(exchange, 405, JSON.createObjectNode().put("status", "method not allowed"));
        return;
      }
      byte[] raw = exchange.getRequestBody().readAllBytes();
      Integer injected = failures.poll();
      if (injected != null) {
        answer(exchange, injected, JSON.createObjectNode().put("status", "injected").put("message", "stand-in"));
        return;
      }
      JsonNode event;
      try {
        event = JSON.readTree(raw);
      } catch (IOException e) {
        answer(exchange, 400, invalid(List.of("body is not JSON")));
        return;
      }
      List<String> errors = check(event);
      if (!errors.isEmpty()) {
        answer(exchange, 400, invalid(errors));
        return;
      }
      events.add(event);
      answer(exchange, 202, JSON.createObjectNode().put("status", "success").put("message", "Event processed")
          .put("dedup_key", event.path("dedup_key").asText()));
    }
  }

  /** PagerDuty's documented constraints on an Events API v2 event. */
  static List<String> check(JsonNode event) {
    List<String> errors = new ArrayList<>();
    if (event == null || !event.isObject()) {
      return List.of("event must be a JSON object");
    }
    if (event.path("routing_key").asText("").length() != 32) {
      errors.add("routing_key must be 32 characters");
    }
    String action = event.path("event_action").asText("");
    if (!ACTIONS.contains(action)) {
      errors.add("event_action must be one of " + ACTIONS);
    }
    JsonNode dedup = event.get("dedup_key");
    if (dedup != null && (!dedup.isTextual() || dedup.asText().length() > 255)) {
      errors.add("dedup_key must be a string of at most 255 characters");
    }
    if (!"trigger".equals(action) && (dedup == null || dedup.asText().isEmpty())) {
      errors.add("dedup_key is required for " + action);
    }
    if ("trigger".equals(action)) {
      JsonNode payload = event.path("payload");
      String summary = payload.path("summary").asText("");
      if (summary.isEmpty() || summary.length() > 1024) {
        errors.add("payload.summary must be 1 to 1024 characters");
      }
      if (payload.path("source").asText("").isEmpty()) {
        errors.add("payload.source is required");
      }
      if (!SEVERITIES.contains(payload.path("severity").asText(""))) {
        errors.add("payload.severity must be one of " + SEVERITIES);
      }
    }
    return errors;
  }

  private static ObjectNode invalid(List<String> errors) {
    ObjectNode body = JSON.createObjectNode().put("status", "invalid event").put("message", "Event object is invalid");
    errors.forEach(body.putArray("errors")::add);
    return body;
  }

  private void answer(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    answered.add(status);
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
