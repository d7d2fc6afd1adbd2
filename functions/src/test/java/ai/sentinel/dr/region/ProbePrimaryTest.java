package ai.sentinel.dr.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DR region's probe of the primary's public /health (Scenario 4's alarm trigger): one GET per run, judged as the
 * failover's evidence is, published as the EMF metric the DR stack's alarm watches: 0 only for a 2xx in time. It calls
 * no AWS API at all (no client is preset: any call would fail the test).
 */
class ProbePrimaryTest {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;

  @BeforeEach
  void captureLogs() {
    Log.setSink(lines::add);
  }

  @AfterEach
  void stop() {
    Log.setSink(System.out::println);
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  /** The primary's /health answering {@code status}; 0: answering only after the test ends (a hung endpoint). */
  private String health(int status) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/health", exchange -> {
      requests.incrementAndGet();
      if (status == 0) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(status == 0 ? 200 : status, -1);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
  }

  private static ProbePrimary probe(String url) {
    return new ProbePrimary(Regions.deps(Regions.probed(url, 1), Map.of(), Map.of()));
  }

  /** The one EMF line of the run. */
  private JsonNode emf() {
    List<JsonNode> emf = lines.stream().map(Json::tree).filter(l -> l.has("_aws")).toList();
    assertEquals(1, emf.size(), lines.toString());
    return emf.get(0);
  }

  @Test
  void aPrimaryThatAnswers200PublishesZeroWithTheDimensionsTheAlarmWatches() throws Exception {
    ObjectNode out = probe(health(200)).run();
    assertEquals(1, requests.get(), "one GET per run");
    assertEquals(RegionState.Evidence.HEALTHY, out.get("result").asText(), out.toString());
    JsonNode line = emf();
    JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
    assertEquals("SentinelDR", directive.path("Namespace").asText());
    assertEquals("[[\"Environment\",\"PrimaryRegion\"]]", directive.path("Dimensions").toString());
    assertEquals(ProbePrimary.METRIC, directive.path("Metrics").get(0).path("Name").asText());
    assertEquals("dev", line.path("Environment").asText());
    assertEquals("us-east-1", line.path("PrimaryRegion").asText());
    assertEquals(0, line.path(ProbePrimary.METRIC).asInt());
    assertEquals(ai.sentinel.dr.support.Fixtures.NOW.toEpochMilli(), line.path("_aws").path("Timestamp").asLong());
  }

  @Test
  void anErrorStatusIsAFailedProbe() throws Exception {
    ObjectNode out = probe(health(503)).run();
    assertEquals(RegionState.Evidence.UNHEALTHY, out.get("result").asText());
    assertTrue(out.get("detail").asText().endsWith("answered 503"), out.toString());
    assertEquals(1, emf().path(ProbePrimary.METRIC).asInt());
  }

  @Test
  void aRedirectIsNotFollowedAndFails() throws Exception {
    assertEquals(1, probe(health(302)).run().get(ProbePrimary.METRIC).asInt());
  }

  @Test
  void nothingListeningIsAFailedProbe() throws Exception {
    String url = health(200);
    server.stop(0);
    server = null;
    ObjectNode out = probe(url).run();
    assertEquals(RegionState.Evidence.UNREACHABLE, out.get("result").asText(), out.toString());
    assertEquals(1, emf().path(ProbePrimary.METRIC).asInt());
  }

  @Test
  void anEndpointThatHangsFailsAtTheConfiguredTimeoutInsteadOfHangingTheProbe() throws Exception {
    ObjectNode out = probe(health(0)).run();
    assertEquals(RegionState.Evidence.UNREACHABLE, out.get("result").asText(), out.toString());
    assertTrue(out.get("detail").asText().contains("did not answer within 1 s"), out.toString());
    assertEquals(1, emf().path(ProbePrimary.METRIC).asInt());
  }

  @Test
  void anEnvironmentWithoutTheProbeSectionRefusesToBuildIt() {
    var e = assertThrows(ai.sentinel.dr.common.DrConfig.ConfigException.class, () -> new ProbePrimary(
        Regions.deps(Regions.env("https://api.example.com/health"), Map.of(), Map.of())));
    assertTrue(e.getMessage().contains("dr.primaryProbe"), e.getMessage());
  }
}
