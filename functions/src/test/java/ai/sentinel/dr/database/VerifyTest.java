package ai.sentinel.dr.database;

import java.util.function.Consumer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.ServicesState;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.support.Fixtures;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/** Runbook Scenario 1 "Verification": nothing is declared recovered unless every check that ran passed. */
class VerifyTest {
  private static final String PASSWORD = "Zt8kW3vN5qR1";

  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private final SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
  private Map<String, DBInstance> instances;
  private HttpServer server;

  @BeforeEach
  void setUp() {
    instances = Db.stubInstances(rds);
    instances.put(Db.RECOVERY, Db.instance(Db.RECOVERY, "available", "us-east-1a", Db.NEW_HOST, 5432));
    secretPointingAt(Db.NEW_HOST);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.stop(0);
    }
    StepHarness.releaseLogs();
  }

  private void secretPointingAt(String host) {
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("postgresql://sentinel_admin:" + PASSWORD + "@" + host + ":5432/sentinel?sslmode=require")
        .build());
  }

  private static ServicesState services(boolean stable) {
    return new ServicesState("sentinel-production", List.of("sentinel-api", "sentinel-celery"),
        "2026-01-17T10:20:00Z", Map.of(), stable, Map.of("sentinel-api", "2/2 running, 1 deployment(s)"), 3);
  }

  private static Recovery restoredAndRestarted(boolean servicesStable) {
    return Db.recovery(false, Db.seenOriginal("failed"), Db.availableRestore(Db.NEW_HOST, 5432))
        .withServices(services(servicesStable));
  }

  private static Check check(Verification v, String name) {
    return v.checks().stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + name + " in " + v.checks()));
  }

  private Verify verifyWith(Consumer<ObjectNode> database) {
    return new Verify(Fixtures.deps(DrConfig.fromEnv(Fixtures.withSection(Fixtures.env(), "database", database)),
        rds, secrets));
  }

  private Verify verifyWith(Map<String, String> overrides) {
    Map<String, String> env = Fixtures.env();
    env.putAll(overrides);
    return new Verify(Fixtures.deps(DrConfig.fromEnv(env), rds, secrets));
  }

  private String healthAnswering(int status, AtomicInteger hits) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/health", exchange -> {
      hits.incrementAndGet();
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
  }

  @Test
  void availableInstanceRepointedSecretAndStableServicesIsVerified() {
    Recovery out = invoke(new Verify(Fixtures.deps(rds, secrets)), restoredAndRestarted(true));
    ArgumentCaptor<DescribeDbInstancesRequest> asked = ArgumentCaptor.forClass(DescribeDbInstancesRequest.class);
    verify(rds).describeDBInstances(asked.capture());
    assertEquals(Db.RECOVERY, asked.getValue().dbInstanceIdentifier()); // the restored instance is the one checked
    ArgumentCaptor<GetSecretValueRequest> read = ArgumentCaptor.forClass(GetSecretValueRequest.class);
    verify(secrets).getSecretValue(read.capture());
    assertEquals(Db.SECRET, read.getValue().secretId());

    Verification v = out.verification();
    assertTrue(v.verified());
    assertEquals(Result.PASS, check(v, "instance-available").result());
    assertEquals(Result.PASS, check(v, "secret-repointed").result());
    assertEquals(Result.PASS, check(v, "services-stable").result());
    assertEquals(Result.SKIP, check(v, "select-1").result());
    assertEquals(Result.SKIP, check(v, "api-health").result());
    assertTrue(only(out, "Verify", "verified").detail().contains("secret-repointed=PASS"));
  }

  @Test
  void secretPointingElsewhereFailsVerification() {
    secretPointingAt(Db.OLD_HOST);
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new Verify(Fixtures.deps(rds, secrets)), restoredAndRestarted(true)));
    assertTrue(e.getMessage().contains("secret-repointed"), e.getMessage());
    assertTrue(e.getMessage().contains(Db.OLD_HOST), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void restoredInstanceNotAvailableFailsVerification() {
    instances.put(Db.RECOVERY, Db.instance(Db.RECOVERY, "storage-full", "us-east-1a", Db.NEW_HOST, 5432));
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new Verify(Fixtures.deps(rds, secrets)), restoredAndRestarted(true)));
    assertTrue(e.getMessage().contains("storage-full"), e.getMessage());
  }

  @Test
  void servicesNotStableFailVerification() {
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new Verify(Fixtures.deps(rds, secrets)), restoredAndRestarted(false)));
    assertTrue(e.getMessage().contains("services-stable"), e.getMessage());
  }

  @Test
  void servicesNeverRestartedFailVerification() {
    Recovery noRestart = Db.recovery(false, Db.seenOriginal("failed"), Db.availableRestore(Db.NEW_HOST, 5432));
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new Verify(Fixtures.deps(rds, secrets)), noRestart));
    assertTrue(e.getMessage().contains("not restarted"), e.getMessage());
  }

  @Test
  void healthEndpointAnswering500FailsVerification() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    String url = healthAnswering(500, hits);
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(verifyWith(Map.of("HEALTH_URL", url)), restoredAndRestarted(true)));
    assertEquals(1, hits.get()); // the endpoint was really asked
    assertTrue(e.getMessage().contains("api-health"), e.getMessage());
    assertTrue(e.getMessage().contains("500"), e.getMessage());
  }

  @Test
  void healthEndpointAnswering200Passes() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    String url = healthAnswering(200, hits);
    Recovery out = invoke(verifyWith(Map.of("HEALTH_URL", url)), restoredAndRestarted(true));
    assertEquals(1, hits.get());
    assertEquals(Result.PASS, check(out.verification(), "api-health").result());
    assertTrue(out.verification().verified());
  }

  @Test
  void healthEndpointNotAnsweringFailsVerification() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertThrows(VerificationFailedError.class, () -> invoke(verifyWith(Map.of("HEALTH_URL",
        "http://127.0.0.1:" + closed + "/health")), restoredAndRestarted(true)));
  }

  @Test
  void dbConnectDisabledSkipsSelectOneAndSaysWhy() {
    Recovery out = invoke(verifyWith(s -> s.put("verifyConnect", false)), restoredAndRestarted(true));
    Check select = check(out.verification(), "select-1");
    assertEquals(Result.SKIP, select.result());
    assertTrue(select.detail().contains("verifyDbConnect=false"), select.detail());
  }

  @Test
  void databaseUnreachableFailsSelectOneWithoutLeakingThePassword() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    List<String> logs = StepHarness.captureLogs();
    VerificationFailedError e = assertThrows(VerificationFailedError.class, () -> invoke(verifyWith(s -> s
        .put("verifyConnect", true).put("connectHost", "127.0.0.1:" + closed)), restoredAndRestarted(true)));
    assertTrue(e.getMessage().contains("select-1"), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:" + closed + "/sentinel"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    logs.forEach(line -> assertFalse(line.contains(PASSWORD), line));
  }

  @Test
  void onlySkippedChecksIsNotASuccess() {
    // Option A path with the instance gone: the one check that could pass fails; nothing else ran
    Recovery optionA = Fixtures.recovery(false).with(DatabaseState.PART, new DatabaseState(Fixtures.diagnosis(true,
        "available",
        true), null, null, null, null));
    assertThrows(VerificationFailedError.class, () -> invoke(new Verify(Fixtures.deps(rds, secrets)), optionA));
  }

  @Test
  void optionAChecksTheOriginalInstance() {
    instances.put(Db.ORIGINAL, Db.instance(Db.ORIGINAL, "available", "us-east-1b", Db.OLD_HOST, 5432));
    secretPointingAt(Db.OLD_HOST);
    Recovery optionA = Fixtures.recovery(false).with(DatabaseState.PART, new DatabaseState(Fixtures.diagnosis(true,
        "available",
        true), null, null, null, null));
    Recovery out = invoke(new Verify(Fixtures.deps(rds, secrets)), optionA);
    assertTrue(out.verification().verified());
    assertEquals(Db.ORIGINAL + " is available", check(out.verification(), "instance-available").detail());
  }

  @Test
  void dryRunVerifiesNothingAndIsNotASuccess() {
    Recovery dry = Db.recovery(true, Db.seenOriginal("failed"), Db.availableRestore(Db.NEW_HOST, 5432));
    Recovery out = invoke(new Verify(Fixtures.deps(rds, secrets)), dry);
    verifyNoInteractions(rds, secrets);
    assertFalse(out.verification().verified());
  }
}
