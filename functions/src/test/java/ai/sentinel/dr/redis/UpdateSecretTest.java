package ai.sentinel.dr.redis;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.invokeRaw;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.redis.CacheState.RecoveryCluster;
import ai.sentinel.dr.redis.CacheState.SecretUpdate;
import ai.sentinel.dr.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** Runbook Scenario 2 recovery step 5: update sentinel/redis-url to redis://ENDPOINT:6379/0. */
class UpdateSecretTest {
  private static final String PASSWORD = "Rk9!tW4#zQ2@vM7/p";
  private static final String ENCODED = "Rk9%21tW4%23zQ2%40vM7%2Fp";
  private static final Instant WRITTEN = Instant.parse("2026-01-17T10:09:00Z");

  private final SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);

  @AfterEach
  void releaseLogs() {
    StepHarness.releaseLogs();
  }

  /** Secrets Manager holding one value that PutSecretValue replaces, as the real service does. */
  private AtomicReference<String> secretHolding(String value) {
    AtomicReference<String> current = new AtomicReference<>(value);
    AtomicReference<String> version = new AtomicReference<>("v-old");
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenAnswer(inv -> {
      if (current.get() == null) {
        throw ResourceNotFoundException.builder().statusCode(400)
            .message("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT").build();
      }
      return GetSecretValueResponse.builder().name(inv.<GetSecretValueRequest>getArgument(0).secretId())
          .secretString(current.get()).versionId(version.get()).createdDate(WRITTEN).build();
    });
    when(secrets.putSecretValue(any(PutSecretValueRequest.class))).thenAnswer(inv -> {
      current.set(inv.<PutSecretValueRequest>getArgument(0).secretString());
      version.set("v-new");
      return PutSecretValueResponse.builder().versionId("v-new").build();
    });
    return current;
  }

  private static Recovery available(boolean dryRun, String host, int port) {
    return Cache.recovery(dryRun, new CacheState(Cache.seenOriginal(), Cache.chosenSnapshot(),
        Cache.availableAt(host, port), null));
  }

  private PutSecretValueRequest thePut() {
    ArgumentCaptor<PutSecretValueRequest> sent = ArgumentCaptor.forClass(PutSecretValueRequest.class);
    verify(secrets, times(1)).putSecretValue(sent.capture());
    return sent.getValue();
  }

  @Test
  void theRunbooksPlainUrlIsRepointedAtTheRecoveryCluster() {
    secretHolding("redis://" + Cache.OLD_HOST + ":6379/0");
    Recovery out = invoke(new UpdateSecret(Cache.deps(secrets)), available(false, Cache.NEW_HOST, 6379));

    ArgumentCaptor<GetSecretValueRequest> read = ArgumentCaptor.forClass(GetSecretValueRequest.class);
    verify(secrets).getSecretValue(read.capture());
    assertEquals(Cache.SECRET, read.getValue().secretId());
    PutSecretValueRequest put = thePut();
    assertEquals(Cache.SECRET, put.secretId());
    assertEquals("redis://" + Cache.NEW_HOST + ":6379/0", put.secretString());

    SecretUpdate s = out.part(CacheState.PART).secret();
    assertEquals(Cache.SECRET, s.secretId());
    assertEquals("v-new", s.versionId());
    assertEquals(Fixtures.NOW.toString(), s.updatedAt());
    assertEquals(Cache.NEW_HOST, s.host());
    assertEquals(Fixtures.NOW, out.repointedInstant()); // what RestartServices measures deployments against
    assertTrue(only(out, "UpdateSecret", "requested").detail().contains("PutSecretValue on " + Cache.SECRET));
    String detail = only(out, "UpdateSecret", "repointed").detail();
    assertTrue(detail.contains(Cache.OLD_HOST + ":6379 -> " + Cache.NEW_HOST + ":6379"), detail);
  }

  @Test
  void credentialsTlsDatabaseAndParametersAreKeptOnlyHostAndPortChange() {
    secretHolding("rediss://default:" + ENCODED + "@" + Cache.OLD_HOST + ":6380/2?timeout=5s");
    Recovery out = invoke(new UpdateSecret(Cache.deps(secrets)), available(false, Cache.NEW_HOST, 6379));
    String written = thePut().secretString();
    assertEquals("rediss://default:" + ENCODED + "@" + Cache.NEW_HOST + ":6379/2?timeout=5s", written);
    RedisUrl url = RedisUrl.parse(written);
    assertEquals(PASSWORD, url.password());
    assertEquals("default", url.user());
    assertTrue(url.tls());
    assertTrue(only(out, "UpdateSecret", "repointed").detail().contains("rediss:// and credentials kept"));
  }

  @Test
  void aSecretWithoutAValueGetsTheRunbooksUrl() {
    secretHolding(null);
    Recovery out = invoke(new UpdateSecret(Cache.deps(secrets)), available(false, Cache.NEW_HOST, 6379));
    assertEquals("redis://" + Cache.NEW_HOST + ":6379/0", thePut().secretString());
    assertTrue(only(out, "UpdateSecret", "repointed").detail().contains("(no value) -> " + Cache.NEW_HOST));
  }

  @Test
  void alreadyPointingThereIsNotWrittenAgain() {
    secretHolding("redis://:" + ENCODED + "@" + Cache.NEW_HOST + ":6379/0");
    Recovery out = invoke(new UpdateSecret(Cache.deps(secrets)), available(false, Cache.NEW_HOST, 6379));
    verify(secrets, never()).putSecretValue(any(PutSecretValueRequest.class));
    SecretUpdate s = out.part(CacheState.PART).secret();
    assertEquals(Cache.NEW_HOST, s.host());
    assertEquals("v-old", s.versionId()); // the version that already holds it
    assertEquals(WRITTEN.toString(), s.updatedAt()); // when the services' view really changed
    assertTrue(out.plan().isEmpty());
    assertTrue(only(out, "UpdateSecret", "skipped").detail().contains("already points at " + Cache.NEW_HOST
        + ":6379"));
  }

  @Test
  void sameHostOnAnotherPortIsStillWritten() {
    secretHolding("redis://" + Cache.NEW_HOST + ":6380/0");
    invoke(new UpdateSecret(Cache.deps(secrets)), available(false, Cache.NEW_HOST, 6379));
    assertEquals("redis://" + Cache.NEW_HOST + ":6379/0", thePut().secretString());
  }

  @Test
  void runTwiceWritesOnce() {
    secretHolding("redis://" + Cache.OLD_HOST + ":6379/0");
    UpdateSecret step = new UpdateSecret(Cache.deps(secrets));
    invoke(step, available(false, Cache.NEW_HOST, 6379));
    Recovery again = invoke(step, available(false, Cache.NEW_HOST, 6379));
    verify(secrets, times(1)).putSecretValue(any(PutSecretValueRequest.class));
    assertEquals("v-new", again.part(CacheState.PART).secret().versionId());
  }

  @Test
  void theRequestTokenIsStableForOneRecoveryAndEndpointOnly() {
    // a retried call after a lost response carries the same token, so Secrets Manager makes no second version
    String first = tokenFor(Cache.EXECUTION, Cache.NEW_HOST);
    assertEquals(first, tokenFor(Cache.EXECUTION, Cache.NEW_HOST));
    assertNotEquals(first, tokenFor("redis-failure-sentinel-redis-fedcba9876543210", Cache.NEW_HOST));
    assertNotEquals(first, tokenFor(Cache.EXECUTION, "other." + Cache.NEW_HOST));
    assertEquals(36, UUID.fromString(first).toString().length()); // Secrets Manager wants 32-64 characters
  }

  private String tokenFor(String executionName, String host) {
    SecretsManagerClient fresh = Fixtures.sdkMock(SecretsManagerClient.class);
    when(fresh.getSecretValue(any(GetSecretValueRequest.class)))
        .thenReturn(GetSecretValueResponse.builder().secretString("redis://" + Cache.OLD_HOST + ":6379/0").build());
    when(fresh.putSecretValue(any(PutSecretValueRequest.class)))
        .thenReturn(PutSecretValueResponse.builder().versionId("v").build());
    Recovery in = available(false, host, 6379);
    in = Recovery.start(in.scenario(), in.resource(), executionName, in.environment(), in.trigger(), in.options())
        .with(CacheState.PART, in.part(CacheState.PART));
    invoke(new UpdateSecret(Cache.deps(fresh)), in);
    ArgumentCaptor<PutSecretValueRequest> sent = ArgumentCaptor.forClass(PutSecretValueRequest.class);
    verify(fresh).putSecretValue(sent.capture());
    return sent.getValue().clientRequestToken();
  }

  @Test
  void thePasswordAppearsInNoStateTimelineOrLogLine() {
    secretHolding("redis://default:" + ENCODED + "@" + Cache.OLD_HOST + ":6379/0");
    List<String> logs = StepHarness.captureLogs();
    String output = new String(invokeRaw(new UpdateSecret(Cache.deps(secrets)), available(false, Cache.NEW_HOST,
        6379)), StandardCharsets.UTF_8);
    verify(secrets).putSecretValue(any(PutSecretValueRequest.class)); // the write did happen
    for (String form : List.of(PASSWORD, ENCODED, "Rk9")) {
      assertFalse(output.contains(form), "step output contains the password: " + output);
    }
    assertFalse(logs.isEmpty());
    logs.forEach(line -> assertFalse(line.contains("Rk9"), "log line contains the password: " + line));
  }

  @Test
  void dryRunWritesNothingAndItsPlanCarriesNoPassword() {
    secretHolding("redis://default:" + ENCODED + "@" + Cache.OLD_HOST + ":6379/0");
    List<String> logs = StepHarness.captureLogs();
    Recovery out = invoke(new UpdateSecret(Cache.deps(secrets)), available(true, "(" + Cache.RECOVERY
        + " endpoint)", 6379));
    verify(secrets, never()).putSecretValue(any(PutSecretValueRequest.class));
    assertEquals(1, out.plan().size());
    assertEquals("PutSecretValue", out.plan().get(0).api());
    assertEquals("secretsmanager", out.plan().get(0).service());
    assertEquals(Cache.SECRET, out.plan().get(0).target());
    assertNull(out.part(CacheState.PART).secret().versionId());
    assertTrue(only(out, "UpdateSecret", "would-repoint").detail().contains(Cache.RECOVERY + " endpoint"));
    String state = Json.write(out);
    assertFalse(state.contains("Rk9"), "dry-run plan leaks the password: " + state);
    logs.forEach(line -> assertFalse(line.contains("Rk9"), line));
  }

  @Test
  void aValueThatIsNotARedisUrlIsNeverOverwrittenNorQuoted() {
    secretHolding("{\"host\":\"" + Cache.OLD_HOST + "\",\"password\":\"" + PASSWORD + "\"}");
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new UpdateSecret(Cache.deps(secrets)), available(false, Cache.NEW_HOST, 6379)));
    assertTrue(e.getMessage().contains("not a redis:// or rediss:// URL"), e.getMessage());
    assertFalse(e.getMessage().contains("Rk9"), e.getMessage());
    verify(secrets, never()).putSecretValue(any(PutSecretValueRequest.class));
  }

  @Test
  void aSecretThatDoesNotExistSaysSo() {
    when(secrets.getSecretValue(any(GetSecretValueRequest.class)))
        .thenThrow(ResourceNotFoundException.builder().statusCode(400).message("not found").build());
    when(secrets.putSecretValue(any(PutSecretValueRequest.class)))
        .thenThrow(ResourceNotFoundException.builder().statusCode(400).message("not found").build());
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new UpdateSecret(Cache.deps(secrets)), available(false, Cache.NEW_HOST, 6379)));
    assertTrue(e.getMessage().contains(Cache.SECRET + " does not exist"), e.getMessage());
  }

  @Test
  void aSecretOutsideTheBlastRadiusIsNeverWrittenNorPlanned() {
    DrConfig config = spy(Cache.config());
    doReturn(false).when(config).allows(eq("secretsmanager"), anyString());
    secretHolding("redis://" + Cache.OLD_HOST + ":6379/0");
    for (boolean dryRun : List.of(false, true)) {
      OutsideBlastRadiusError e = assertThrows(OutsideBlastRadiusError.class, () -> invoke(new UpdateSecret(
          Fixtures.deps(config, secrets)), available(dryRun, Cache.NEW_HOST, 6379)));
      assertTrue(e.getMessage().contains(Cache.SECRET), e.getMessage());
    }
    verify(secrets, never()).putSecretValue(any(PutSecretValueRequest.class));
  }

  @Test
  void aClusterNotAvailableYetTouchesNoSecret() {
    RecoveryCluster creating = Cache.creating(2);
    Recovery in = Cache.recovery(false, new CacheState(Cache.seenOriginal(), Cache.chosenSnapshot(), creating, null));
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(new UpdateSecret(Cache.deps(secrets)), in));
    assertTrue(e.getMessage().contains("'creating'"), e.getMessage());
    verifyNoInteractions(secrets);
  }
}
