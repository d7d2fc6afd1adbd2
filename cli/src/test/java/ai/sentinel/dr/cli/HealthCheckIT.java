package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.SdkBytes;

/**
 * The appendix's health check against the local cloud: {@code ./sentinel health --env local} on the seeded platform,
 * and the deployed function {@code local-sentinel-dr-platform-health-check} invoked through the gateway, both from
 * the same engine; then the API answering 503 and the database deleted, each seen as the FAIL it is (exit 2).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthCheckIT {
  private static LocalSentinel sentinel;
  private static HttpServer api;
  private static final AtomicInteger API_STATUS = new AtomicInteger(200);

  @BeforeAll
  static void start() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("health-check-it-"));
    // a stand-in for the API's /health (the local environment configures no healthUrl)
    api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/health", exchange -> {
      exchange.sendResponseHeaders(API_STATUS.get(), -1);
      exchange.close();
    });
    api.start();
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.stop(0);
    }
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private record Run(int exit, String out) {}

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = Map.of("AWS_ENDPOINT_URL", sentinel.cloud.endpoint().toString(), "AWS_REGION",
        "us-east-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "HEALTH_URL",
        "http://127.0.0.1:" + api.getAddress().getPort() + "/health");
    List<String> line = new ArrayList<>(List.of("health", "--env", "local"));
    line.addAll(List.of(args));
    int exit = Main.run(line.toArray(String[]::new), new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, Cli.callerDir()));
    String text = out.toString(StandardCharsets.UTF_8);
    System.out.println(text + err.toString(StandardCharsets.UTF_8));
    return new Run(exit, text);
  }

  @Test
  @Order(1)
  void theSeededPlatformIsHealthyFiveLinesAllPassExitZero() {
    Run run = cli();
    assertEquals(0, run.exit(), run.out());
    List<String> lines = run.out().lines().toList();
    assertEquals(7, lines.size(), run.out());
    List<String> titles = List.of("RDS status", "Redis status", "ECS services", "ALB health", "API health");
    for (int i = 0; i < titles.size(); i++) {
      assertTrue(lines.get(i + 1).startsWith("  PASS  " + titles.get(i)), lines.get(i + 1));
    }
    assertTrue(lines.get(1).contains("sentinel-db available"), lines.get(1));
    assertTrue(lines.get(3).contains("sentinel-api 3/3"), lines.get(3));
    assertEquals("overall: HEALTHY (exit 0)", lines.get(6));
  }

  @Test
  @Order(2)
  void theDeployedFunctionRunsTheSameChecksAndPublishesOneMetricPerCheck() throws Exception {
    var response = sentinel.aws.lambda.invoke(b -> b.functionName("local-sentinel-dr-platform-health-check")
        .payload(SdkBytes.fromUtf8String("{}")));
    JsonNode out = Json.tree(response.payload().asUtf8String());
    assertEquals("HEALTHY", out.path("overall").asText(), out.toString());
    assertEquals("PASS", out.path("checks").path(0).path("status").asText());
    assertEquals("SKIP", out.path("checks").path(4).path("status").asText(), "no healthUrl in local");
    String log = Files.readString(sentinel.functionLog());
    JsonNode emf = log.lines().filter(l -> l.contains("\"health.metrics\"")).map(Json::tree).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no EMF line in " + sentinel.functionLog()));
    assertEquals(0, emf.path("HealthRds").asInt(-1));
    assertEquals(0, emf.path("HealthEcs").asInt(-1));
    assertEquals("local", emf.path("Environment").asText());
  }

  @Test
  @Order(3)
  void anApiAnswering503AndThenADeletedDatabaseFailWithExitTwo() {
    API_STATUS.set(503);
    Run run = cli("--json");
    assertEquals(2, run.exit(), run.out());
    JsonNode json = Json.tree(run.out());
    assertEquals("FAILING", json.path("overall").asText());
    assertEquals("FAIL", json.path("checks").path(4).path("status").asText());
    assertTrue(json.path("checks").path(4).path("observed").asText().endsWith("HTTP 503"), run.out());

    API_STATUS.set(200);
    sentinel.aws.rds.deleteDBInstance(b -> b.dbInstanceIdentifier("sentinel-db").skipFinalSnapshot(true));
    run = cli();
    assertEquals(2, run.exit(), run.out());
    assertTrue(run.out().contains("  FAIL  RDS status    sentinel-db not found"), run.out());
    assertTrue(run.out().contains("  PASS  API health"), run.out());
  }
}
