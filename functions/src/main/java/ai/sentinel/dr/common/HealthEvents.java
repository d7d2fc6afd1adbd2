package ai.sentinel.dr.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/**
 * AWS Health's DescribeEvents and nothing else of it (built by {@link Clients#healthEvents()}; no Health SDK module in
 * the functions jar, as for {@link AvailabilityZones}): an interface so that unit tests give a mock, like any client.
 * AWS Health is global: its API answers in us-east-1 (the factory of that region builds this), needs a Business or
 * Enterprise support plan (SubscriptionRequiredException otherwise), and moto does not have it.
 */
public interface HealthEvents {

  /** One event as DescribeEvents lists it (startTime as ISO-8601, or null). */
  record Event(String arn, String service, String eventTypeCode, String region, String statusCode,
      String startTime) {}

  /**
   * The open issues of {@code services} in {@code region}.
   *
   * @param timeout the whole call's limit
   * @throws AwsServiceException an error answer (its code, its HTTP status)
   * @throws SdkClientException  no answer within {@code timeout}, or none at all
   */
  List<Event> openIssues(String region, List<String> services, Duration timeout);

  /** The JSON 1.1 API (AWSHealth_20160804), SigV4-signed with the SDK's signer and sent with the JDK's client. */
  final class Api implements HealthEvents {
    private static final String TARGET = "AWSHealth_20160804.DescribeEvents";

    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;

    Api(Region region, URI endpoint, AwsCredentialsProvider credentials) {
      this.region = region;
      this.endpoint = endpoint != null ? endpoint : URI.create("https://health." + region.id() + ".amazonaws.com/");
      this.credentials = credentials;
    }

    @Override
    public List<Event> openIssues(String eventRegion, List<String> services, Duration timeout) {
      ObjectNode filter = Json.object();
      filter.putArray("regions").add(eventRegion);
      ArrayNode names = filter.putArray("services");
      services.forEach(names::add);
      filter.putArray("eventTypeCategories").add("issue");
      filter.putArray("eventStatusCodes").add("open");
      ObjectNode request = Json.object();
      request.set("filter", filter);
      request.put("maxResults", 10);
      JsonNode answer = call(request.toString(), timeout);
      if (!answer.path("events").isArray()) {
        // a 200 that is not DescribeEvents' answer (a local cloud without the API) tells nothing either way
        throw SdkClientException.create("DescribeEvents in " + region.id() + " answered without an events list");
      }
      List<Event> events = new ArrayList<>();
      for (JsonNode e : answer.path("events")) {
        JsonNode start = e.path("startTime");
        events.add(new Event(text(e, "arn"), text(e, "service"), text(e, "eventTypeCode"), text(e, "region"),
            text(e, "statusCode"), start.isNumber() ? Instant.ofEpochMilli(Math.round(start.asDouble() * 1000))
                .toString() : null));
      }
      return events;
    }

    private JsonNode call(String body, Duration timeout) {
      HttpResponse<String> response = SignedPost.send(endpoint, Map.of("Content-Type", "application/x-amz-json-1.1",
          "X-Amz-Target", TARGET), body, "health", region, credentials, timeout, "DescribeEvents");
      JsonNode json = parse(response.body());
      if (response.statusCode() != 200) {
        String type = text(json, "__type");
        // JSON 1.1 errors may name their shape with its namespace (com.amazonaws.health#...)
        String code = type == null ? String.valueOf(response.statusCode()) : type.substring(type.indexOf('#') + 1);
        String message = text(json, json.has("message") ? "message" : "Message");
        throw AwsServiceException.builder().statusCode(response.statusCode()).message(message)
            .awsErrorDetails(AwsErrorDetails.builder().serviceName("Health").errorCode(code).errorMessage(message)
                .build()).build();
      }
      return json;
    }

    /** The body as JSON; anything else (a local cloud's HTML 404 page) as an empty object. */
    private static JsonNode parse(String body) {
      try {
        return Json.parse(body == null ? "" : body);
      } catch (RuntimeException e) {
        return Json.object();
      }
    }

    private static String text(JsonNode node, String field) {
      JsonNode value = node.path(field);
      return value.isTextual() ? value.asText() : null;
    }
  }
}
