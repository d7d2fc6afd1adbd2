package ai.sentinel.dr.redis;

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

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.ServicesState;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.support.Fixtures;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersRequest;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/** Runbook Scenario 2 verification: nothing is declared recovered unless every check that ran passed. */
class VerifyTest {
  private static final String PASSWORD = "Hq3vT8nW1zK5";

  private final ElastiCacheClient elastiCache = Fixtures.sdkMock(ElastiCacheClient.class);
  private final SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
  private Cache.Fake fake;
  private FakeRedis redis;

  @BeforeEach
  void setUp() {
    fake = Cache.stubClusters(elastiCache);
    fake.put(Cache.cluster(Cache.RECOVERY, "available", Cache.NEW_HOST, 6379), null);
    secretHolding("redis://" + Cache.NEW_HOST + ":6379/0");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (redis != null) {
      redis.close();
    }
    StepHarness.releaseLogs();
  }

  private void secretHolding(String value) {
    when(secrets.getSecretValue(any(GetSecretValueRequest.class)))
        .thenReturn(GetSecretValueResponse.builder().secretString(value).versionId("v-new").build());
  }

  private static ServicesState services(boolean stable) {
    return new ServicesState("sentinel-production", List.of("sentinel-api", "sentinel-celery"),
        "2026-01-17T10:20:00Z", Map.of(), stable, Map.of("sentinel-api", "2/2 running, 1 deployment(s)"), 3);
  }

  private static Recovery recovered(boolean servicesStable) {
    return Cache.recovery(false, new CacheState(Cache.seenOriginal(), Cache.chosenSnapshot(),
        Cache.availableAt(Cache.NEW_HOST, 6379), null)).withServices(services(servicesStable));
  }

  private static Check check(Verification v, String name) {
    return v.checks().stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + name + " in " + v.checks()));
  }

  private Verify verifyPinging(String connectHost) {
    return new Verify(Cache.deps(s -> s.put("verifyConnect", true).put("connectHost", connectHost),
        elastiCache, secrets));
  }

  @Test
  void availableClusterRepointedSecretStableServicesAndPongIsVerified() throws Exception {
    redis = FakeRedis.answering(null);
    Recovery out = invoke(verifyPinging(redis.address()), recovered(true));

    ArgumentCaptor<DescribeCacheClustersRequest> asked = ArgumentCaptor.forClass(DescribeCacheClustersRequest.class);
    verify(elastiCache).describeCacheClusters(asked.capture());
    assertEquals(Cache.RECOVERY, asked.getValue().cacheClusterId());
    ArgumentCaptor<GetSecretValueRequest> read = ArgumentCaptor.forClass(GetSecretValueRequest.class);
    verify(secrets).getSecretValue(read.capture());
    assertEquals(Cache.SECRET, read.getValue().secretId());
    assertEquals("*1\r\n$4\r\nPING\r\n", redis.rawText()); // RESP, exactly, and nothing else

    Verification v = out.verification();
    assertTrue(v.verified());
    assertEquals(Result.PASS, check(v, "cluster-available").result());
    assertEquals(Result.PASS, check(v, "secret-repointed").result());
    assertEquals(Result.PASS, check(v, "services-stable").result());
    Check ping = check(v, "redis-ping");
    assertEquals(Result.PASS, ping.result());
    assertEquals("PING to " + redis.address() + " answered +PONG", ping.detail());
    assertTrue(only(out, "Verify", "verified").detail().contains("redis-ping=PASS"));
  }

  @Test
  void anErrorReplyToPingFailsVerification() throws Exception {
    redis = new FakeRedis(cmd -> "-LOADING Redis is loading the dataset in memory");
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(verifyPinging(redis.address()), recovered(true)));
    assertTrue(e.getMessage().contains("redis-ping"), e.getMessage());
    assertTrue(e.getMessage().contains("-LOADING"), e.getMessage());
  }

  @Test
  void nothingListeningFailsVerification() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(verifyPinging("127.0.0.1:" + closed), recovered(true)));
    assertTrue(e.getMessage().contains("PING to 127.0.0.1:" + closed + " failed"), e.getMessage());
  }

  @Test
  void aServerThatNeverAnswersFailsAfterTheTimeout() throws Exception {
    redis = new FakeRedis(cmd -> null);
    long started = System.nanoTime();
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(verifyPinging(redis.address()), recovered(true)));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(e.getMessage().contains("no answer within 3 s"), e.getMessage());
    assertTrue(millis >= 2_500 && millis < 10_000, "took " + millis + " ms");
  }

  @Test
  void aPasswordInTheSecretIsSentWithAuthFirstAndShownNowhere() throws Exception {
    redis = FakeRedis.answering(PASSWORD);
    secretHolding("redis://:" + PASSWORD + "@" + Cache.NEW_HOST + ":6379/0");
    List<String> logs = StepHarness.captureLogs();
    Recovery out = invoke(verifyPinging(redis.address()), recovered(true));
    assertEquals(List.of(List.of("AUTH", PASSWORD), List.of("PING")), redis.commands);
    assertTrue(out.verification().verified());
    assertFalse(Json.write(out).contains(PASSWORD));
    logs.forEach(line -> assertFalse(line.contains(PASSWORD), line));
  }

  @Test
  void anAclUserIsSentWithItsPassword() throws Exception {
    redis = FakeRedis.answering(PASSWORD);
    secretHolding("redis://sentinel-app:" + PASSWORD + "@" + Cache.NEW_HOST + ":6379/0");
    invoke(verifyPinging(redis.address()), recovered(true));
    assertEquals(List.of("AUTH", "sentinel-app", PASSWORD), redis.commands.get(0));
  }

  @Test
  void aRefusedAuthFailsVerificationWithoutQuotingThePassword() throws Exception {
    redis = FakeRedis.answering("another-password");
    secretHolding("redis://:" + PASSWORD + "@" + Cache.NEW_HOST + ":6379/0");
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(verifyPinging(redis.address()), recovered(true)));
    assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    assertEquals(1, redis.commands.size()); // no PING after a refused AUTH
  }

  @Test
  void withoutAConnectHostTheClusterEndpointIsPinged() throws Exception {
    redis = FakeRedis.answering(null);
    fake.put(Cache.cluster(Cache.RECOVERY, "available", "127.0.0.1", redis.port()), null);
    secretHolding("redis://127.0.0.1:" + redis.port() + "/0");
    Recovery in = Cache.recovery(false, new CacheState(Cache.seenOriginal(), Cache.chosenSnapshot(),
        Cache.availableAt("127.0.0.1", redis.port()), null)).withServices(services(true));
    Recovery out = invoke(new Verify(Cache.deps(s -> s.put("verifyConnect", true), elastiCache, secrets)), in);
    assertEquals(Result.PASS, check(out.verification(), "redis-ping").result());
    assertEquals(List.of(List.of("PING")), redis.commands);
  }

  @Test
  void connectDisabledSkipsPingAndSaysWhy() {
    Recovery out = invoke(new Verify(Cache.deps(elastiCache, secrets)), recovered(true)); // env: false
    Check ping = check(out.verification(), "redis-ping");
    assertEquals(Result.SKIP, ping.result());
    assertTrue(ping.detail().contains("redis.verifyConnect=false"), ping.detail());
    assertTrue(out.verification().verified()); // the checks that could run passed
  }

  @Test
  void aSecretPointingElsewhereFailsVerification() {
    secretHolding("redis://:" + PASSWORD + "@" + Cache.OLD_HOST + ":6379/0");
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new Verify(Cache.deps(elastiCache, secrets)), recovered(true)));
    assertTrue(e.getMessage().contains("secret-repointed"), e.getMessage());
    assertTrue(e.getMessage().contains(Cache.OLD_HOST), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void aClusterNoLongerAvailableFailsVerification() {
    fake.put(Cache.cluster(Cache.RECOVERY, "incompatible-network", Cache.NEW_HOST, 6379), null);
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new Verify(Cache.deps(elastiCache, secrets)), recovered(true)));
    assertTrue(e.getMessage().contains("'incompatible-network'"), e.getMessage());
  }

  @Test
  void aClusterGoneFailsVerification() {
    fake.clusters.clear();
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new Verify(Cache.deps(elastiCache, secrets)), recovered(true)));
    assertTrue(e.getMessage().contains(Cache.RECOVERY + " is missing"), e.getMessage());
  }

  @Test
  void servicesNotStableFailVerification() {
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new Verify(Cache.deps(elastiCache, secrets)), recovered(false)));
    assertTrue(e.getMessage().contains("services-stable"), e.getMessage());
  }

  @Test
  void servicesNeverRestartedFailVerification() {
    Recovery noRestart = Cache.recovery(false, new CacheState(Cache.seenOriginal(), Cache.chosenSnapshot(),
        Cache.availableAt(Cache.NEW_HOST, 6379), null));
    VerificationFailedError e = assertThrows(VerificationFailedError.class,
        () -> invoke(new Verify(Cache.deps(elastiCache, secrets)), noRestart));
    assertTrue(e.getMessage().contains("not restarted"), e.getMessage());
  }

  @Test
  void dryRunChecksNothingSaysWhyAndIsNotASuccess() {
    Recovery dry = Cache.recovery(true, new CacheState(Cache.seenOriginal(), Cache.chosenSnapshot(),
        Cache.availableAt("(" + Cache.RECOVERY + " endpoint)", 6379), null));
    Recovery out = invoke(new Verify(Cache.deps(elastiCache, secrets)), dry);
    verifyNoInteractions(elastiCache, secrets);
    assertFalse(out.verification().verified());
    assertEquals(4, out.verification().checks().size());
    out.verification().checks().forEach(c -> {
      assertEquals(Result.SKIP, c.result(), c.name());
      assertTrue(c.detail().startsWith("dry-run"), c.detail());
    });
    assertTrue(only(out, "Verify", "skipped").detail().contains("dry-run"));
  }
}
