package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Rotation function of the JWT signing secret (runbook: sentinel/jwt-secret): a new random value of 64 bytes
 * (base64url, 86 characters) from a cryptographic generator. Only the API services read it (at start), so setSecret
 * has nothing to apply; the recovery restarts them once the new version is AWSCURRENT, which signs every token issued
 * with the old value out.
 */
public final class JwtSecretRotator extends SecretRotator {
  static final int BYTES = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  public JwtSecretRotator() {
    this(Deps.fromProcessEnv());
  }

  public JwtSecretRotator(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public JwtSecretRotator(Deps deps) {
    super(deps);
  }

  @Override
  protected String secretId(SecuritySettings settings) {
    if (settings.rotation() == null || settings.rotation().jwtSecretId() == null) {
      throw new StepFailedError("security.rotation.jwtSecretId is not configured");
    }
    return settings.rotation().jwtSecretId();
  }

  @Override
  protected String newValue(String current) {
    byte[] bytes = new byte[BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  protected void setSecret(String pending, String current) {
    // the value is only read by the services: nothing to apply
  }

  @Override
  protected void testSecret(String pending, String current) {
    if (pending.length() < 32) {
      throw new StepFailedError("the pending JWT secret is shorter than 32 characters");
    }
    if (pending.equals(current)) {
      throw new StepFailedError("the pending JWT secret equals the current one");
    }
  }
}
