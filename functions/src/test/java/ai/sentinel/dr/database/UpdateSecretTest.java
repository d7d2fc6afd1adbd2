package ai.sentinel.dr.database;

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
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.database.DatabaseState.SecretUpdate;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretResponse;

/** Runbook Scenario 1 Option B step 5: update-secret sentinel/database-url to the new endpoint. */
class UpdateSecretTest {
  private static final String PASSWORD = "Xq7!vR2#pL9@mK4/w";
  private static final String ENCODED = "Xq7%21vR2%23pL9%40mK4%2Fw";
  private static final String OLD_URL = "postgresql://sentinel_admin:" + ENCODED + "@" + Db.OLD_HOST
      + ":5432/sentinel?sslmode=require&connect_timeout=10";

  private final SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);

  @AfterEach
  void releaseLogs() {
    StepHarness.releaseLogs();
  }

  /** Secrets Manager with one secret whose value UpdateSecret replaces, as the real service does. */
  private AtomicReference<String> secretHolding(String value) {
    AtomicReference<String> current = new AtomicReference<>(value);
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenAnswer(inv -> GetSecretValueResponse.builder()
        .name(inv.<GetSecretValueRequest>getArgument(0).secretId()).secretString(current.get()).versionId("v-old")
        .build());
    when(secrets.updateSecret(any(UpdateSecretRequest.class))).thenAnswer(inv -> {
      current.set(inv.<UpdateSecretRequest>getArgument(0).secretString());
      return UpdateSecretResponse.builder().versionId("v-new").build();
    });
    return current;
  }

  private static Recovery restored(boolean dryRun, String host, int port) {
    return Db.recovery(dryRun, Db.seenOriginal("failed"), Db.availableRestore(host, port));
  }

  private UpdateSecretRequest theUpdate() {
    ArgumentCaptor<UpdateSecretRequest> sent = ArgumentCaptor.forClass(UpdateSecretRequest.class);
    verify(secrets, times(1)).updateSecret(sent.capture());
    return sent.getValue();
  }

  @Test
  void urlSecretKeepsUserPasswordDatabaseAndParamsAndChangesOnlyHostPort() {
    secretHolding(OLD_URL);
    Recovery out = invoke(new UpdateSecret(Fixtures.deps(secrets)), restored(false, Db.NEW_HOST, 5433));

    ArgumentCaptor<GetSecretValueRequest> read = ArgumentCaptor.forClass(GetSecretValueRequest.class);
    verify(secrets).getSecretValue(read.capture());
    assertEquals(Db.SECRET, read.getValue().secretId());

    UpdateSecretRequest req = theUpdate();
    assertEquals(Db.SECRET, req.secretId());
    assertEquals("postgresql://sentinel_admin:" + ENCODED + "@" + Db.NEW_HOST
        + ":5433/sentinel?sslmode=require&connect_timeout=10", req.secretString());
    DatabaseUrl written = DatabaseUrl.parse(req.secretString());
    assertEquals(PASSWORD, written.password());
    assertEquals("sentinel_admin", written.user());
    assertEquals("sentinel", written.database());

    SecretUpdate s = out.part(DatabaseState.PART).secret();
    assertEquals(Db.SECRET, s.secretId());
    assertEquals(Db.NEW_HOST, s.host());
    assertEquals("v-new", s.versionId());
    assertEquals(Fixtures.NOW.toString(), s.updatedAt());
    String detail = only(out, "UpdateSecret", "repointed").detail();
    assertTrue(detail.contains(Db.OLD_HOST + " -> " + Db.NEW_HOST + ":5433"), detail);
  }

  @Test
  void jsonSecretKeepsEveryOtherFieldAndChangesOnlyHostPort() {
    String value = "{\"username\":\"sentinel_admin\",\"password\":\"" + PASSWORD + "\",\"engine\":\"postgres\","
        + "\"host\":\"" + Db.OLD_HOST + "\",\"port\":5432,\"dbname\":\"sentinel\"}";
    secretHolding(value);
    invoke(new UpdateSecret(Fixtures.deps(secrets)), restored(false, Db.NEW_HOST, 5432));
    var written = Json.tree(theUpdate().secretString());
    assertEquals("sentinel_admin", written.get("username").asText());
    assertEquals(PASSWORD, written.get("password").asText());
    assertEquals("postgres", written.get("engine").asText());
    assertEquals("sentinel", written.get("dbname").asText());
    assertEquals(Db.NEW_HOST, written.get("host").asText());
    assertEquals(5432, written.get("port").asInt());
    assertEquals(6, written.size());
  }

  @Test
  void alreadyRepointedSecretIsNotWrittenAgain() {
    secretHolding(OLD_URL.replace(Db.OLD_HOST, Db.NEW_HOST));
    Recovery out = invoke(new UpdateSecret(Fixtures.deps(secrets)), restored(false, Db.NEW_HOST, 5432));
    verify(secrets, never()).updateSecret(any(UpdateSecretRequest.class));
    assertEquals(Db.NEW_HOST, out.part(DatabaseState.PART).secret().host());
    assertNull(out.part(DatabaseState.PART).secret().versionId());
    assertTrue(only(out, "UpdateSecret", "skipped").detail().contains("already points at " + Db.NEW_HOST));
  }

  @Test
  void runTwiceWritesOnce() {
    secretHolding(OLD_URL);
    UpdateSecret step = new UpdateSecret(Fixtures.deps(secrets));
    invoke(step, restored(false, Db.NEW_HOST, 5432));
    invoke(step, restored(false, Db.NEW_HOST, 5432));
    verify(secrets, times(1)).updateSecret(any(UpdateSecretRequest.class));
  }

  @Test
  void samePortDifferentHostIsStillWritten() {
    secretHolding(OLD_URL);
    invoke(new UpdateSecret(Fixtures.deps(secrets)), restored(false, Db.NEW_HOST, 5432));
    assertTrue(theUpdate().secretString().contains("@" + Db.NEW_HOST + ":5432/"));
  }

  @Test
  void sameHostDifferentPortIsStillWritten() {
    secretHolding(OLD_URL.replace(Db.OLD_HOST, Db.NEW_HOST));
    invoke(new UpdateSecret(Fixtures.deps(secrets)), restored(false, Db.NEW_HOST, 6432));
    assertTrue(theUpdate().secretString().contains("@" + Db.NEW_HOST + ":6432/"));
  }

  @Test
  void clientRequestTokenIsStableForOneExecutionAndDiffersBetweenExecutions() {
    // a retried call after a lost response carries the same token, so Secrets Manager makes no second version
    String first = tokenFor("database-failure-sentinel-db-0123456789abcdef");
    String retry = tokenFor("database-failure-sentinel-db-0123456789abcdef");
    String other = tokenFor("database-failure-sentinel-db-fedcba9876543210");
    assertEquals(first, retry);
    assertNotEquals(first, other);
    UUID.fromString(first); // Secrets Manager wants 32-64 characters; a UUID is 36
    assertEquals(36, first.length());
  }

  private String tokenFor(String executionName) {
    SecretsManagerClient fresh = Fixtures.sdkMock(SecretsManagerClient.class);
    when(fresh.getSecretValue(any(GetSecretValueRequest.class)))
        .thenReturn(GetSecretValueResponse.builder().secretString(OLD_URL).build());
    when(fresh.updateSecret(any(UpdateSecretRequest.class)))
        .thenReturn(UpdateSecretResponse.builder().versionId("v").build());
    invoke(new UpdateSecret(Fixtures.deps(fresh)), Db.withExecutionName(restored(false, Db.NEW_HOST, 5432),
        executionName));
    ArgumentCaptor<UpdateSecretRequest> sent = ArgumentCaptor.forClass(UpdateSecretRequest.class);
    verify(fresh).updateSecret(sent.capture());
    return sent.getValue().clientRequestToken();
  }

  @Test
  void passwordAppearsInNoStateTimelineOrLogLine() {
    secretHolding(OLD_URL);
    List<String> logs = StepHarness.captureLogs();
    String output = new String(invokeRaw(new UpdateSecret(Fixtures.deps(secrets)), restored(false, Db.NEW_HOST,
        5432)), StandardCharsets.UTF_8);
    verify(secrets).updateSecret(any(UpdateSecretRequest.class)); // the write did happen
    Recovery out = Json.read(output.getBytes(StandardCharsets.UTF_8), Recovery.class);
    String state = Json.write(out);
    for (String form : List.of(PASSWORD, ENCODED, "Xq7")) {
      assertFalse(output.contains(form), "step output contains the password: " + output);
      assertFalse(state.contains(form), "state contains the password: " + state);
    }
    assertFalse(logs.isEmpty());
    for (String line : logs) {
      assertFalse(line.contains("Xq7"), "log line contains the password: " + line);
    }
  }

  @Test
  void passwordAppearsNowhereInADryRunPlanEither() {
    secretHolding(OLD_URL);
    List<String> logs = StepHarness.captureLogs();
    Recovery out = invoke(new UpdateSecret(Fixtures.deps(secrets)), restored(true, "(sentinel-db-recovery endpoint)",
        5432));
    verify(secrets, never()).updateSecret(any(UpdateSecretRequest.class));
    assertEquals(1, out.plan().size());
    assertEquals("UpdateSecret", out.plan().get(0).api());
    assertEquals(Db.SECRET, out.plan().get(0).target());
    String state = Json.write(out);
    assertFalse(state.contains("Xq7"), "dry-run plan leaks the password: " + state);
    logs.forEach(line -> assertFalse(line.contains("Xq7"), line));
  }

  @Test
  void jsonSecretPasswordAppearsNowhereEither() {
    String value = "{\"username\":\"sentinel_admin\",\"password\":\"" + PASSWORD + "\",\"host\":\"" + Db.OLD_HOST
        + "\",\"port\":5432,\"dbname\":\"sentinel\"}";
    secretHolding(value);
    List<String> logs = StepHarness.captureLogs();
    String output = new String(invokeRaw(new UpdateSecret(Fixtures.deps(secrets)), restored(false, Db.NEW_HOST,
        5432)), StandardCharsets.UTF_8);
    assertFalse(output.contains("Xq7"), output);
    logs.forEach(line -> assertFalse(line.contains("Xq7"), line));
  }

  @Test
  void failureMessagesDoNotCarryTheSecretValue() {
    secretHolding("postgresql://sentinel_admin:" + ENCODED + "@" + Db.OLD_HOST + ":notaport/sentinel");
    List<String> logs = StepHarness.captureLogs();
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(new UpdateSecret(Fixtures.deps(secrets)), restored(false, Db.NEW_HOST, 5432)));
    assertFalse(e.getMessage().contains("Xq7"), e.getMessage());
    assertTrue(logs.stream().anyMatch(l -> l.contains("step.failed")));
    logs.forEach(line -> assertFalse(line.contains("Xq7"), line));
    verify(secrets, never()).updateSecret(any(UpdateSecretRequest.class));
  }

  @Test
  void onlyTheConfiguredSecretIsReadAndWritten() {
    // another environment's config: its secret, not the one an earlier state document names, is the one touched
    Map<String, String> env = Fixtures.env();
    Fixtures.withSection(env, "database", s -> s.put("secretId", "staging/sentinel/database-url"));
    secretHolding(OLD_URL);
    Recovery in = restored(false, Db.NEW_HOST, 5432);
    in = in.update(DatabaseState.PART, s -> s.withSecret(new SecretUpdate(Db.SECRET, Db.OLD_HOST, "v0",
        "2026-01-01T00:00:00Z")));
    Recovery out = invoke(new UpdateSecret(Fixtures.deps(DrConfig.fromEnv(env), secrets)), in);
    verify(secrets, never()).getSecretValue(eq(GetSecretValueRequest.builder().secretId(Db.SECRET).build()));
    assertEquals("staging/sentinel/database-url", theUpdate().secretId());
    assertEquals("staging/sentinel/database-url", out.part(DatabaseState.PART).secret().secretId());
  }

  @Test
  void secretOutsideTheBlastRadiusIsNeverWritten() {
    // the write goes through Step.mutate: when the config does not allow the secret, nothing leaves
    DrConfig config = spy(Fixtures.config());
    doReturn(false).when(config).allows(eq("secretsmanager"), anyString());
    secretHolding(OLD_URL);
    OutsideBlastRadiusError e = assertThrows(OutsideBlastRadiusError.class,
        () -> invoke(new UpdateSecret(Fixtures.deps(config, secrets)), restored(false, Db.NEW_HOST, 5432)));
    assertTrue(e.getMessage().contains(Db.SECRET), e.getMessage());
    verify(secrets, never()).updateSecret(any(UpdateSecretRequest.class));
  }

  @Test
  void secretOutsideTheBlastRadiusIsNotEvenPlannedInADryRun() {
    DrConfig config = spy(Fixtures.config());
    doReturn(false).when(config).allows(eq("secretsmanager"), anyString());
    secretHolding(OLD_URL);
    assertThrows(OutsideBlastRadiusError.class,
        () -> invoke(new UpdateSecret(Fixtures.deps(config, secrets)), restored(true, Db.NEW_HOST, 5432)));
    verify(secrets, never()).updateSecret(any(UpdateSecretRequest.class));
  }

  @Test
  void restoreNotAvailableYetTouchesNoSecret() {
    Recovery in = Db.recovery(false, Db.seenOriginal("failed"), new Restore(Db.RECOVERY, "s", "t", null, "t",
        "creating", null, null, 1, false));
    assertThrows(StepFailedError.class, () -> invoke(new UpdateSecret(Fixtures.deps(secrets)), in));
    verifyNoInteractions(secrets);
  }
}
