package ai.sentinel.dr.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/**
 * AWS Health's DescribeEvents as sent on the wire (no Health SDK module): the JSON 1.1 target, the filter of open
 * issues of the primary's services, SigV4 for "health" in us-east-1, and its answers and errors read back.
 */
class HealthEventsTest {
  private HttpServer server;
  private final List<Map<String, String>> requests = new ArrayList<>();

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** A stand-in endpoint answering {@code status} with {@code body}, recording each request's headers and body. */
  private HealthEvents api(int status, String body) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.add(Map.of("target", String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target")),
          "type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
          "auth", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
          "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      byte[] answer = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    return new HealthEvents.Api(Region.US_EAST_1, URI.create("http://127.0.0.1:" + server.getAddress().getPort()
        + "/"), StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")));
  }

  @Test
  void theOpenIssuesOfTheNamedServicesInTheNamedRegionAreAskedAndRead() throws Exception {
    HealthEvents api = api(200, "{\"events\":[{\"arn\":\"arn:aws:health:us-east-1::event/RDS/X/1\",\"service\":"
        + "\"RDS\",\"eventTypeCode\":\"AWS_RDS_OPERATIONAL_ISSUE\",\"eventTypeCategory\":\"issue\",\"region\":"
        + "\"us-east-1\",\"startTime\":1.7686404E9,\"statusCode\":\"open\"}]}");
    List<HealthEvents.Event> events = api.openIssues("us-east-1", List.of("RDS", "EC2"), Duration.ofSeconds(5));
    assertEquals(List.of(new HealthEvents.Event("arn:aws:health:us-east-1::event/RDS/X/1", "RDS",
        "AWS_RDS_OPERATIONAL_ISSUE", "us-east-1", "open", "2026-01-17T09:00:00Z")), events);
    Map<String, String> sent = requests.get(0);
    assertEquals("AWSHealth_20160804.DescribeEvents", sent.get("target"));
    assertEquals("application/x-amz-json-1.1", sent.get("type"));
    assertTrue(sent.get("auth").contains("/us-east-1/health/aws4_request"), sent.get("auth"));
    JsonNode filter = Json.parse(sent.get("body")).path("filter");
    assertEquals("[\"us-east-1\"]", filter.path("regions").toString());
    assertEquals("[\"RDS\",\"EC2\"]", filter.path("services").toString());
    assertEquals("[\"issue\"]", filter.path("eventTypeCategories").toString());
    assertEquals("[\"open\"]", filter.path("eventStatusCodes").toString());
  }

  @Test
  void anErrorAnswerCarriesItsCodeAndAnAnswerWithoutEventsIsNoAnswer() throws Exception {
    AwsServiceException e = assertThrows(AwsServiceException.class, () -> api(400,
        "{\"__type\":\"com.amazonaws.health#SubscriptionRequiredException\",\"message\":\"no support plan\"}")
        .openIssues("us-east-1", List.of("RDS"), Duration.ofSeconds(5)));
    assertEquals("SubscriptionRequiredException", e.awsErrorDetails().errorCode());
    assertEquals(400, e.statusCode());
    stop();
    // a local cloud without the API (moto) may answer 200 with something else: that says nothing either way
    assertThrows(SdkClientException.class, () -> api(200, "<html>not found</html>").openIssues("us-east-1",
        List.of("RDS"), Duration.ofSeconds(5)));
  }
}
