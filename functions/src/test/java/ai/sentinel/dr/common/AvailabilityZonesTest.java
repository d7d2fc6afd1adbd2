package ai.sentinel.dr.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.AvailabilityZones.Zone;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The one EC2 call, without the 24 MB EC2 module: signed for EC2 in the asked region, answered as EC2 answers. */
class AvailabilityZonesTest {
  private static final String ANSWER = "<DescribeAvailabilityZonesResponse xmlns=\"http://ec2.amazonaws.com/doc/"
      + "2016-11-15/\"><requestId>r</requestId><availabilityZoneInfo><item><zoneName>us-east-1a</zoneName>"
      + "<zoneState>available</zoneState><regionName>us-east-1</regionName><messageSet/></item><item>"
      + "<zoneName>us-east-1b</zoneName><zoneState>impaired</zoneState><regionName>us-east-1</regionName>"
      + "<messageSet/></item></availabilityZoneInfo></DescribeAvailabilityZonesResponse>";
  private HttpServer server;
  private final AtomicReference<String> authorization = new AtomicReference<>();
  private final AtomicReference<String> body = new AtomicReference<>();

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private AvailabilityZones zones(int status, String answer, long delayMillis) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
      body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    Clients clients = new Clients(Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL",
        "http://127.0.0.1:" + server.getAddress().getPort(), "AWS_ACCESS_KEY_ID", "test",
        "AWS_SECRET_ACCESS_KEY", "test"));
    return clients.in("us-east-1").availabilityZones();
  }

  @Test
  void theZonesOfTheAskedRegionAreReadFromASignedQueryCall() throws Exception {
    List<Zone> listed = zones(200, ANSWER, 0).describe(Duration.ofSeconds(5));
    assertEquals(List.of(new Zone("us-east-1a", "available"), new Zone("us-east-1b", "impaired")), listed);
    assertEquals("Action=DescribeAvailabilityZones&Version=2016-11-15", body.get());
    // signed for EC2 in the primary region, although the factory was made in the DR region
    assertTrue(authorization.get().contains("/us-east-1/ec2/aws4_request"), authorization.get());
  }

  @Test
  void anErrorAnswerIsAServiceErrorWithItsCodeAndStatus() throws Exception {
    AwsServiceException e = assertThrows(AwsServiceException.class, () -> zones(503, "<Response><Errors><Error>"
        + "<Code>Unavailable</Code><Message>down</Message></Error></Errors></Response>", 0)
        .describe(Duration.ofSeconds(5)));
    assertEquals(503, e.statusCode());
    assertEquals("Unavailable", e.awsErrorDetails().errorCode());
  }

  @Test
  void noAnswerInTimeIsAClientError() throws Exception {
    AvailabilityZones slow = zones(200, ANSWER, 3000);
    assertThrows(SdkClientException.class, () -> slow.describe(Duration.ofMillis(300)));
  }
}
