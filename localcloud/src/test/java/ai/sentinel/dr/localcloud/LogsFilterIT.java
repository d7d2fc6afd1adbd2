package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Launcher F13 (issue 12's local-cloud gap): FilterLogEvents evaluates a JSON filter pattern as CloudWatch Logs does,
 * where moto 5.2.1 let `{ $.status >= 400 }` match every event. Scenario 6's Investigate sends exactly that pattern.
 * Spoken over HTTP with the Logs JSON protocol (the local cloud checks no signature).
 */
class LogsFilterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GROUP = "/ecs/sentinel-api";
  private static LocalCloud cloud;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(FunctionRegistry.of());
    call("CreateLogGroup", "{\"logGroupName\":\"" + GROUP + "\"}");
    call("CreateLogStream", "{\"logGroupName\":\"" + GROUP + "\",\"logStreamName\":\"api/1\"}");
    long now = System.currentTimeMillis();
    List<String> messages = List.of("{\"status\":200,\"path\":\"/health\",\"ip\":\"198.51.100.7\"}",
        "{\"status\":404,\"path\":\"/admin\",\"ip\":\"203.0.113.79\"}",
        "{\"status\":500,\"path\":\"/v1/scan\",\"ip\":\"203.0.113.80\"}",
        "GET /health 200 (not JSON)", "{\"path\":\"/no-status\"}", "{\"status\":\"503\"}");
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < messages.size(); i++) {
      events.append(i == 0 ? "" : ",").append("{\"timestamp\":").append(now + i).append(",\"message\":")
          .append(JSON.writeValueAsString(messages.get(i))).append('}');
    }
    call("PutLogEvents", "{\"logGroupName\":\"" + GROUP + "\",\"logStreamName\":\"api/1\",\"logEvents\":["
        + events + "]}");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static JsonNode call(String action, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(cloud.endpoint().toString()))
        .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "Logs_20140328." + action)
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/logs/aws4_request, "
            + "SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), action + ": " + response.body());
    return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }

  private static List<String> filtered(String pattern) throws Exception {
    JsonNode found = call("FilterLogEvents", "{\"logGroupName\":\"" + GROUP + "\",\"filterPattern\":"
        + JSON.writeValueAsString(pattern) + "}");
    List<String> messages = new ArrayList<>();
    found.path("events").forEach(e -> messages.add(e.path("message").asText()));
    return messages;
  }

  @Test
  void theInvestigationsPatternReturnsOnlyJsonEventsWithAnErrorStatus() throws Exception {
    assertEquals(List.of("{\"status\":404,\"path\":\"/admin\",\"ip\":\"203.0.113.79\"}",
        "{\"status\":500,\"path\":\"/v1/scan\",\"ip\":\"203.0.113.80\"}"), filtered("{ $.status >= 400 }"));
  }

  @Test
  void combinedConditionsWildcardsAndPlainTermsMatchAsOnAws() throws Exception {
    assertEquals(List.of("{\"status\":404,\"path\":\"/admin\",\"ip\":\"203.0.113.79\"}"),
        filtered("{ ($.path = \"/adm*\" || $.status = 418) && $.ip != \"198.51.100.7\" }"));
    assertEquals(List.of("{\"path\":\"/no-status\"}"), filtered("{ $.status NOT EXISTS }"));
    // plain terms keep moto's matching
    assertEquals(List.of("GET /health 200 (not JSON)"), filtered("GET"));
  }
}
