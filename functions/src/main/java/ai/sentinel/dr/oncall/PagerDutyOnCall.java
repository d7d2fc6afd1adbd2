package ai.sentinel.dr.oncall;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The on-call as a PagerDuty service, through the Events API v2 ({@code POST <eventsUrl>/v2/enqueue}): {@link #page}
 * triggers, {@link #acknowledge} acknowledges and {@link #resolve} resolves the incident whose {@code dedup_key} is
 * the alert's (the execution name), so one recovery is one incident. {@link #inform} is for the record and goes to
 * the SNS fallback only: PagerDuty has no event that opens nothing.
 *
 * <p>The routing key is read from Secrets Manager at the first event and kept in memory; it is never logged, never
 * returned, never put in a recovery document. 429 and 5xx (and no answer) are retried with a short doubling backoff
 * ({@value #ATTEMPTS} attempts), 400 is not (the event itself is wrong). Whatever PagerDuty does, a recovery's outcome
 * does not change: an event that could not be delivered goes to the SNS fallback, and the returned text (for the
 * timeline) says so.
 */
public final class PagerDutyOnCall implements OnCall {
  static final int ATTEMPTS = 3;
  static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  /** Events API v2 limits. */
  static final int DEDUP_KEY_MAX = 255;
  static final int SOURCE_MAX = 255;

  /** Sends one request body and answers the HTTP status (throws when nothing answered). */
  @FunctionalInterface
  public interface Transport {
    int post(URI url, String body) throws Exception;

    /** java.net.http with 5 s to connect and 10 s to answer. */
    static Transport http() {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      return (url, body) -> client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  /** Waits between attempts (tests record instead of sleeping). */
  @FunctionalInterface
  public interface Backoff {
    void sleep(Duration d) throws InterruptedException;
  }

  private final URI enqueue;
  private final Supplier<String> routingKey;
  private final Transport transport;
  private final Backoff backoff;
  private final OnCall fallback;
  private volatile String key;

  /**
   * @param eventsUrl  the Events API's base URL (PagerDutySettings.eventsUrl)
   * @param routingKey reads the routing key (from Secrets Manager), called once, at the first event
   * @param fallback   where an event goes when PagerDuty cannot take it (the SNS topic)
   */
  public PagerDutyOnCall(String eventsUrl, Supplier<String> routingKey, Transport transport, Backoff backoff,
      OnCall fallback) {
    this.enqueue = URI.create(eventsUrl.replaceAll("/+$", "") + "/v2/enqueue");
    this.routingKey = routingKey;
    this.transport = transport;
    this.backoff = backoff;
    this.fallback = fallback;
  }

  @Override
  public String page(Alert alert) {
    return send("trigger", alert, () -> fallback.page(alert));
  }

  @Override
  public String acknowledge(Alert alert) {
    return send("acknowledge", alert, () -> fallback.acknowledge(alert));
  }

  @Override
  public String resolve(Alert alert) {
    return send("resolve", alert, () -> fallback.resolve(alert));
  }

  /** The service's escalation policy decides who: the primary on-call first (README, "PagerDuty"). */
  @Override
  public String target() {
    return "PagerDuty (escalation policy: primary on-call, secondary after 15 min, lead after 30 min)";
  }

  @Override
  public String inform(Alert alert) {
    return fallback.inform(alert);
  }

  /** The Events API v2 body of {@code action} for {@code alert}, with {@code routingKey}. */
  static ObjectNode body(String action, Alert alert, String routingKey) {
    ObjectNode body = Json.object();
    body.put("routing_key", routingKey);
    body.put("event_action", action);
    body.put("dedup_key", truncate(alert.dedupKey(), DEDUP_KEY_MAX));
    if ("trigger".equals(action)) {
      ObjectNode payload = body.putObject("payload");
      payload.put("summary", alert.headline(Alert.SUMMARY_MAX));
      payload.put("source", truncate(alert.source() == null || alert.source().isBlank() ? "sentinel-dr"
          : alert.source(), SOURCE_MAX));
      payload.put("severity", alert.severity().eventsApiName());
      payload.put("component", "sentinel-dr");
      payload.put("group", alert.environment());
      ObjectNode custom = payload.putObject("custom_details").put("environment", alert.environment())
          .put("details", alert.details());
      alert.facts().forEach(custom::put);
      body.put("client", "Sentinel DR");
      if (!alert.links().isEmpty()) {
        // Events API v2 links ({href, text}, shown on the incident) and the same in the custom details, where the
        // issue asks for them; the console needs a signed-in user, so a link gives nothing away by itself
        var links = body.putArray("links");
        var copy = custom.putArray("links");
        alert.links().forEach(l -> {
          links.addObject().put("href", l.href()).put("text", l.text());
          copy.addObject().put("href", l.href()).put("text", l.text());
        });
      }
    }
    return body;
  }

  private String send(String action, Alert alert, Supplier<String> viaFallback) {
    if (alert.dedupKey() == null || alert.dedupKey().isBlank()) {
      // without a key PagerDuty could never be told the incident is over
      return "PagerDuty not used (no dedup key); " + viaFallback.get();
    }
    String why;
    try {
      String body = body(action, alert, key()).toString();
      why = deliver(body);
      if (why == null) {
        log(alert, action, "sent");
        return "PagerDuty " + action + " " + alert.dedupKey();
      }
    } catch (RuntimeException e) {
      // the routing key could not be read: the message must still reach someone
      why = "routing key unreadable (" + e.getClass().getSimpleName() + ")";
    }
    log(alert, action, why);
    return "PagerDuty " + action + " failed: " + why + "; fallback " + viaFallback.get();
  }

  /** Null when PagerDuty accepted the event, otherwise why it did not. */
  private String deliver(String body) {
    String why = null;
    Duration wait = FIRST_BACKOFF;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        int status = transport.post(enqueue, body);
        if (status >= 200 && status < 300) {
          return null;
        }
        why = "HTTP " + status;
        if (status != 429 && status < 500) {
          return why + " (not retried)";
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      } catch (Exception e) {
        why = "no answer (" + e.getClass().getSimpleName() + ")";
      }
      if (attempt < ATTEMPTS) {
        try {
          backoff.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return why + ", interrupted";
        }
        wait = wait.multipliedBy(2);
      }
    }
    return why + " after " + ATTEMPTS + " attempts";
  }

  private String key() {
    String k = key;
    if (k == null) {
      k = routingKey.get();
      if (k == null || k.isBlank()) {
        throw new IllegalStateException("empty routing key");
      }
      key = k.trim();
    }
    return key;
  }

  private static void log(Alert alert, String action, String result) {
    // the key is in no field: only what was sent about, never with what
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("action", action);
    fields.put("dedupKey", alert.dedupKey());
    fields.put("severity", alert.severity().eventsApiName());
    fields.put("result", result);
    Log.info(alert.dedupKey(), "oncall.pagerduty", fields);
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
