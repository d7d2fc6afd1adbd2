package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Start, reset and close, over plain HTTP. */
class LocalCloudIT {

  private static final String SNS_AUTH =
      "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=x";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void lifecycle() throws Exception {
    CountDownLatch asyncRan = new CountDownLatch(1);
    FunctionRegistry registry = FunctionRegistry.of(
        LocalFunction.of("hello", payload -> ("\"hello " + new String(payload, StandardCharsets.UTF_8) + "\"")
            .getBytes(StandardCharsets.UTF_8)),
        LocalFunction.of("async", payload -> {
          asyncRan.countDown();
          return new byte[0];
        }));
    Path workDir = Path.of("target", "localcloud-lifecycle-it");
    URI moto;
    try (LocalCloud cloud = LocalCloud.start(registry, workDir)) {
      moto = cloud.motoEndpoint();
      assertTrue(cloud.endpoint().toString().matches("http://127\\.0\\.0\\.1:\\d+"), cloud.endpoint().toString());
      assertTrue(Files.exists(cloud.logFile()));

      HttpResponse<String> hello = post(cloud.endpoint().resolve("/2015-03-31/functions/hello/invocations"), "world",
          null);
      assertEquals(200, hello.statusCode());
      assertEquals("\"hello world\"", hello.body());
      assertEquals("$LATEST", hello.headers().firstValue("X-Amz-Executed-Version").orElseThrow());

      HttpResponse<String> queued = post(cloud.endpoint().resolve("/2015-03-31/functions/async/invocations"), "{}",
          "Event");
      assertEquals(202, queued.statusCode());
      assertTrue(asyncRan.await(10, TimeUnit.SECONDS));

      URI root = cloud.endpoint().resolve("/");
      assertEquals(200, snsCall(root, "Action=CreateTopic&Name=before-reset").statusCode());
      assertTrue(snsCall(root, "Action=ListTopics").body().contains("before-reset"));

      cloud.reset();

      assertTrue(!snsCall(root, "Action=ListTopics").body().contains("before-reset"), "reset emptied SNS");
      assertTrue(cloud.calls().stream().anyMatch(c -> c.service().equals("sns") && c.action().equals("CreateTopic")),
          "reset keeps the call log");
    }
    assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(moto.resolve("/moto-api/data.json"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()), "moto is gone");
    assertTrue(!Files.exists(workDir.resolve("moto_launcher.py")), "launcher removed");
  }

  private HttpResponse<String> post(URI uri, String body, String invocationType) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
    if (invocationType != null) {
      request.header("X-Amz-Invocation-Type", invocationType);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> snsCall(URI uri, String form) throws Exception {
    return http.send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", SNS_AUTH)
        .POST(HttpRequest.BodyPublishers.ofString(form + "&Version=2010-03-31"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
