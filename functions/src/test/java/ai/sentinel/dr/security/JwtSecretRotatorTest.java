package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;

/** The JWT secret's rotation function through Secrets Manager's four steps. */
class JwtSecretRotatorTest {
  static final String OLD = "old-jwt-signing-secret-0123456789abcdefghijklmnop";

  private static JwtSecretRotator rotator(FakeSecrets secrets) {
    return new JwtSecretRotator(Fixtures.deps(DrConfig.fromEnv(RotateSecretsTest.env()), secrets.client));
  }

  @Test
  void theFourStepsMakeANewRandomValueCurrentAndKeepTheOldAsPrevious() {
    FakeSecrets secrets = new FakeSecrets("sentinel/jwt-secret", OLD);
    List<String> logs = StepHarness.captureLogs();
    try {
      FakeSecrets.invoke(rotator(secrets), "createSecret", "sentinel/jwt-secret", "tok-1");
      assertEquals(OLD, secrets.value("AWSCURRENT"), "the old value stays current until finishSecret");
      String pending = secrets.value("AWSPENDING");
      // Secrets Manager retries a step: the pending value is kept, not replaced
      FakeSecrets.invoke(rotator(secrets), "createSecret", "sentinel/jwt-secret", "tok-1");
      assertEquals(pending, secrets.value("AWSPENDING"));
      for (String step : List.of("setSecret", "testSecret", "finishSecret")) {
        FakeSecrets.invoke(rotator(secrets), step, "sentinel/jwt-secret", "tok-1");
      }
      assertEquals("tok-1", secrets.version("AWSCURRENT"));
      assertEquals("v1", secrets.version("AWSPREVIOUS"));
      assertEquals(86, secrets.value("AWSCURRENT").length(), "64 random bytes, base64url");
      assertNotEquals(OLD, secrets.value("AWSCURRENT"));
      FakeSecrets.invoke(rotator(secrets), "finishSecret", "sentinel/jwt-secret", "tok-1");
      assertEquals("tok-1", secrets.version("AWSCURRENT"), "a repeated finishSecret changes nothing");
      assertFalse(String.join("\n", logs).contains(secrets.value("AWSCURRENT")), "no value in the log");
      assertFalse(String.join("\n", logs).contains(OLD));
    } finally {
      StepHarness.releaseLogs();
    }
  }

  @Test
  void rotatesOnlyItsOwnSecretWhileRotationIsEnabled() {
    FakeSecrets other = new FakeSecrets("sentinel/database-url", "postgresql://u:p@h:5432/d");
    StepFailedError e = assertThrows(StepFailedError.class, () -> FakeSecrets.invoke(rotator(other), "createSecret",
        "sentinel/database-url", "tok-1"));
    assertTrue(e.getMessage().contains("rotates sentinel/jwt-secret only"), e.getMessage());
    FakeSecrets disabled = new FakeSecrets("sentinel/jwt-secret", OLD);
    disabled.rotationEnabled = false;
    assertThrows(StepFailedError.class, () -> FakeSecrets.invoke(rotator(disabled), "createSecret",
        "sentinel/jwt-secret", "tok-1"));
    verify(other.client, never()).putSecretValue(any(PutSecretValueRequest.class));
    verify(disabled.client, never()).putSecretValue(any(PutSecretValueRequest.class));
    assertThrows(StepFailedError.class, () -> FakeSecrets.invoke(rotator(disabled), "dropTable",
        "sentinel/jwt-secret", "tok-1"));
  }
}
