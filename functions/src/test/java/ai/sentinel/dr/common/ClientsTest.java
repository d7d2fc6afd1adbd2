package ai.sentinel.dr.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.scenario.ScenarioRegistry;
import ai.sentinel.dr.support.Fixtures;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersRequest;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.GetTopicAttributesRequest;

/** One client factory: the deployment's region, a second region on demand (Scenario 4's DR region), and priming. */
class ClientsTest {
  private HttpServer server;
  /** "METHOD path | Authorization" of every request the local endpoint received. */
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " | "
          + exchange.getRequestHeaders().getFirst("Authorization"));
      exchange.getRequestBody().readAllBytes();
      // a client error is not retried: one request per call
      byte[] body = "<ErrorResponse><Error><Code>NotFound</Code><Message>local</Message></Error></ErrorResponse>"
          .getBytes();
      exchange.sendResponseHeaders(404, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopEndpoint() {
    server.stop(0);
  }

  private Clients clients() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + server.getAddress().getPort());
    env.put("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    return new Clients(env);
  }

  private static void call(Runnable request) {
    try {
      request.run();
    } catch (RuntimeException expected) {
      // the local endpoint answers every call with an error: only the request matters here
    }
  }

  @Test
  void aSecondRegionsClientsSignForThatRegionAndUseTheSameEndpoint() {
    Clients clients = clients();
    call(() -> clients.sns().getTopicAttributes(b -> b.topicArn(Fixtures.TOPIC)));
    call(() -> clients.in("us-west-2").sns().getTopicAttributes(b -> b.topicArn(Fixtures.TOPIC)));
    assertEquals(2, requests.size(), requests.toString());
    assertTrue(requests.get(0).contains("Credential=AKIDLOCAL/") && requests.get(0).contains("/us-east-1/sns/"),
        requests.get(0));
    assertTrue(requests.get(1).contains("Credential=AKIDLOCAL/") && requests.get(1).contains("/us-west-2/sns/"),
        requests.get(1));
    assertEquals(Region.US_WEST_2, clients.in("us-west-2").region());
    assertEquals(Region.US_WEST_2, clients.in(Region.US_WEST_2).sns().serviceClientConfiguration().region());
    assertEquals(Region.US_EAST_1, clients.sns().serviceClientConfiguration().region());
  }

  @Test
  void eachRegionsFactoryAndClientsAreBuiltOnce() {
    Clients clients = clients();
    assertSame(clients, clients.in(Region.US_EAST_1), "the own region is this factory");
    Clients west = clients.in(Region.US_WEST_2);
    assertSame(west, clients.in("us-west-2"));
    assertSame(west, west.in(Region.US_WEST_2));
    assertSame(clients, west.in(Region.US_EAST_1), "back to the origin, not a third factory");
    assertSame(west.rds(), clients.in(Region.US_WEST_2).rds());
    assertNotSame(clients.rds(), west.rds());
    assertThrows(IllegalArgumentException.class, () -> clients.in(" "));
  }

  @Test
  void presetFactoriesAnswerOnlyForTheRegionsTheyWereGiven() {
    SnsClient east = Fixtures.sdkMock(SnsClient.class);
    SnsClient west = Fixtures.sdkMock(SnsClient.class);
    Clients clients = Clients.preset(Region.US_EAST_1, Map.of(SnsClient.class, east))
        .presetRegion(Region.US_WEST_2, Map.of(SnsClient.class, west));
    assertSame(east, clients.sns());
    assertSame(west, clients.in("us-west-2").sns());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> clients.in(Region.EU_WEST_1));
    assertTrue(e.getMessage().contains("eu-west-1"), e.getMessage());
  }

  @Test
  void primingCallsEachBuiltClientOnceOnTheResourcesTheConfigNames() {
    RdsClient rds = Fixtures.sdkMock(RdsClient.class);
    SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
    ElastiCacheClient cache = Fixtures.sdkMock(ElastiCacheClient.class);
    SnsClient sns = Fixtures.sdkMock(SnsClient.class);
    // a refused call still warmed the path: priming goes on
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenThrow(RdsException.builder()
        .statusCode(403).message("denied").build());
    Clients clients = Fixtures.deps(rds, secrets, cache, sns).clients();
    clients.prime(ScenarioRegistry.priming(Fixtures.config()));

    ArgumentCaptor<DescribeDbInstancesRequest> db = ArgumentCaptor.forClass(DescribeDbInstancesRequest.class);
    verify(rds).describeDBInstances(db.capture());
    assertEquals("sentinel-db", db.getValue().dbInstanceIdentifier());
    ArgumentCaptor<DescribeSecretRequest> secret = ArgumentCaptor.forClass(DescribeSecretRequest.class);
    verify(secrets).describeSecret(secret.capture());
    assertEquals(List.of("sentinel/database-url"), secret.getAllValues().stream()
        .map(DescribeSecretRequest::secretId).toList(), "one call per client, the first scenario's");
    ArgumentCaptor<DescribeCacheClustersRequest> cluster = ArgumentCaptor.forClass(DescribeCacheClustersRequest.class);
    verify(cache).describeCacheClusters(cluster.capture());
    assertEquals("sentinel-redis", cluster.getValue().cacheClusterId());
    ArgumentCaptor<GetTopicAttributesRequest> topic = ArgumentCaptor.forClass(GetTopicAttributesRequest.class);
    verify(sns).getTopicAttributes(topic.capture());
    assertEquals(Fixtures.TOPIC, topic.getValue().topicArn());
  }

  @Test
  void primingBuildsNoClient() {
    Clients clients = clients();
    clients.sns();
    clients.prime(ScenarioRegistry.priming(Fixtures.config()));
    assertEquals(1, requests.size(), "only the one client built was primed: " + requests);
    assertTrue(requests.get(0).contains("/sns/"), requests.get(0));
  }
}
