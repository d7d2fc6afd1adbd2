package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.RotateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.RotateSecretResponse;

/** RotateSecrets and WaitForRotation: the requests, the tokens, a re-run, the refusals, the wait and its bound. */
class RotateSecretsTest {
  static final String JWT = "sentinel/jwt-secret";
  static final String DB = "sentinel/database-url";
  private SecretsManagerClient secrets;
  private final Map<String, Map<String, List<String>>> versions = new HashMap<>();

  @BeforeEach
  void setUp() {
    secrets = Fixtures.sdkMock(SecretsManagerClient.class);
    versions.put(JWT, new HashMap<>(Map.of("v-jwt-1", List.of("AWSCURRENT"))));
    versions.put(DB, new HashMap<>(Map.of("v-db-1", List.of("AWSCURRENT"), "v-db-0", List.of("AWSPREVIOUS"))));
    when(secrets.describeSecret(any(DescribeSecretRequest.class))).thenAnswer(i -> {
      String id = i.<DescribeSecretRequest>getArgument(0).secretId();
      return DescribeSecretResponse.builder().name(id).rotationEnabled(true)
          .rotationLambdaARN("arn:aws:lambda:us-east-1:123456789012:function:dev-sentinel-dr-security-x:live")
          .versionIdsToStages(versions.get(id)).build();
    });
    when(secrets.rotateSecret(any(RotateSecretRequest.class))).thenReturn(RotateSecretResponse.builder().build());
  }

  static Map<String, String> env() {
    return Fixtures.withSection(new HashMap<>(Fixtures.env()), "security", s -> s.putObject("rotation")
        .put("jwtSecretId", JWT).put("databaseSecretId", DB).put("automaticallyAfterDays", 90));
  }

  private RotateSecrets rotate() {
    return new RotateSecrets(Fixtures.deps(ai.sentinel.dr.common.DrConfig.fromEnv(env()), secrets));
  }

  private List<String> awaited(Recovery recovery) {
    return waitFor().awaits(recovery).stream().map(ai.sentinel.dr.wait.Awaited::key).toList();
  }

  @Test
  void aSecretGivenByArnIsAwaitedByTheNameItsEventCarries() {
    assertEquals("secret:sentinel/jwt-secret#AWSCURRENT", ai.sentinel.dr.wait.Awaited.secretCurrentMoved(
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:sentinel/jwt-secret-AbC123").key());
    assertEquals("secret:sentinel/jwt-secret#AWSCURRENT",
        ai.sentinel.dr.wait.Awaited.secretCurrentMoved("sentinel/jwt-secret").key());
  }

  private WaitForRotation waitFor() {
    return new WaitForRotation(Fixtures.deps(ai.sentinel.dr.common.DrConfig.fromEnv(env()), secrets));
  }

  @Test
  void rotatesEachConfiguredSecretWithATokenOfItsOwn() {
    Recovery out = StepHarness.invoke(rotate(), BlockIpsTest.assessed(false, List.of()));
    ArgumentCaptor<RotateSecretRequest> sent = ArgumentCaptor.forClass(RotateSecretRequest.class);
    verify(secrets, times(2)).rotateSecret(sent.capture());
    assertEquals(List.of(JWT, DB), sent.getAllValues().stream().map(RotateSecretRequest::secretId).toList());
    assertTrue(sent.getAllValues().stream().allMatch(RotateSecretRequest::rotateImmediately));
    assertNotEquals(sent.getAllValues().get(0).clientRequestToken(), sent.getAllValues().get(1).clientRequestToken());
    RotationState state = out.part(RotationState.PART);
    assertEquals("v-db-1", state.secrets().get(DB).previousVersion());
    assertEquals(sent.getAllValues().get(1).clientRequestToken(), state.secrets().get(DB).token());
    assertTrue(out.part(SecurityState.PART).actions().stream().anyMatch(a -> a.action().contains(JWT)));

    // the answer was lost: the re-run finds the versions its tokens created and sends nothing more
    versions.get(JWT).put(state.secrets().get(JWT).token(), List.of("AWSPENDING"));
    versions.get(DB).put(state.secrets().get(DB).token(), List.of("AWSPENDING"));
    StepHarness.invoke(rotate(), BlockIpsTest.assessed(false, List.of()));
    verify(secrets, times(2)).rotateSecret(any(RotateSecretRequest.class));
  }

  @Test
  void aSecretWithoutRotationAttachedRotatesNothing() {
    when(secrets.describeSecret(any(DescribeSecretRequest.class))).thenAnswer(i -> {
      String id = i.<DescribeSecretRequest>getArgument(0).secretId();
      return DescribeSecretResponse.builder().name(id).versionIdsToStages(versions.get(id))
          .rotationLambdaARN(id.equals(DB) ? null : "arn:aws:lambda:us-east-1:123456789012:function:f").build();
    });
    StepFailedError e = assertThrows(StepFailedError.class, () -> StepHarness.invoke(rotate(),
        BlockIpsTest.assessed(false, List.of())));
    assertTrue(e.getMessage().contains(DB) && e.getMessage().contains("nothing was rotated"), e.getMessage());
    verify(secrets, never()).rotateSecret(any(RotateSecretRequest.class));
  }

  @Test
  void aDryRunPlansAndHasNothingToWaitFor() {
    Recovery out = StepHarness.invoke(rotate(), BlockIpsTest.assessed(true, List.of()));
    verify(secrets, never()).rotateSecret(any(RotateSecretRequest.class));
    assertEquals(2, out.plan().size());
    Recovery waited = StepHarness.invoke(waitFor(), out);
    assertTrue(waited.part(RotationState.PART).done());
    assertNull(waited.repointedAt(), "nothing was rotated: no restart needed");
  }

  @Test
  void waitsUntilEachNewVersionIsCurrentThenSetsTheRepointTime() {
    Recovery out = StepHarness.invoke(rotate(), BlockIpsTest.assessed(false, List.of()));
    RotationState state = out.part(RotationState.PART);
    String jwtToken = state.secrets().get(JWT).token();
    String dbToken = state.secrets().get(DB).token();
    versions.get(JWT).put(jwtToken, List.of("AWSCURRENT"));
    versions.get(JWT).put("v-jwt-1", List.of("AWSPREVIOUS"));
    versions.get(DB).put(dbToken, List.of("AWSPENDING"));
    assertEquals(List.of("secret:" + JWT + "#AWSCURRENT", "secret:" + DB + "#AWSCURRENT"), awaited(out),
        "Secrets Manager's Secret Label Updated (AWSCURRENT) of each wakes the wait");
    Recovery polled = StepHarness.invoke(waitFor(), out);
    assertEquals(List.of("secret:" + DB + "#AWSCURRENT"), awaited(polled), "the JWT secret is rotated already");
    assertEquals(false, polled.part(RotationState.PART).done());
    assertTrue(polled.part(RotationState.PART).secrets().get(JWT).rotatedAt() != null);
    assertNull(polled.repointedAt());
    versions.get(DB).put(dbToken, List.of("AWSCURRENT"));
    versions.get(DB).put("v-db-1", List.of("AWSPREVIOUS"));
    Recovery done = StepHarness.invoke(waitFor(), polled);
    assertTrue(done.part(RotationState.PART).done());
    assertEquals(List.of(), awaited(done));
    assertEquals(Fixtures.NOW.toString(), done.repointedAt(), "services deployed before now get restarted");
  }

  @Test
  void aRotationThatNeverFinishesStopsAfterMaxPolls() {
    Recovery out = StepHarness.invoke(rotate(), BlockIpsTest.assessed(false, List.of()));
    for (int i = 1; i < out.options().maxPolls(); i++) {
      out = StepHarness.invoke(waitFor(), out);
    }
    Recovery last = out;
    TimedOutError e = assertThrows(TimedOutError.class, () -> StepHarness.invoke(waitFor(), last));
    assertTrue(e.getMessage().contains(JWT) && e.getMessage().contains("AWSCURRENT is unchanged"), e.getMessage());
  }
}
