package ai.sentinel.dr.security;

import ai.sentinel.dr.recovery.Part;
import com.fasterxml.jackson.annotation.JsonCreator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 6 "rotate secrets" progress ({@code $.rotation}): per secret, the version that was AWSCURRENT before, the
 * version this recovery's rotation creates (its request token), and whether AWSCURRENT reached it. The Choice after
 * WaitForRotation reads {@code $.rotation.done}. No secret value is ever stored here: only version ids.
 *
 * @param secrets by secret name, in rotation order
 * @param done    every requested rotation made a new version AWSCURRENT (or, in a dry-run, nothing to wait for)
 * @param polls   WaitForRotation's checks so far
 */
public record RotationState(Map<String, Secret> secrets, boolean done, int polls) {
  public static final Part<RotationState> PART = new Part<>("rotation", RotationState.class);

  @JsonCreator
  public RotationState {
    secrets = secrets == null ? Map.of() : new LinkedHashMap<>(secrets);
  }

  /**
   * @param previousVersion the AWSCURRENT version before the rotation
   * @param token           the new version's id (RotateSecret's ClientRequestToken)
   * @param requestedAt     when RotateSecret was sent (null: planned only, in a dry-run)
   * @param rotatedAt       when WaitForRotation saw the new version AWSCURRENT, or null
   */
  public record Secret(String previousVersion, String token, String requestedAt, String rotatedAt) {}

  /**
   * The request token of this execution's rotation of {@code secretId}: the same on every run of the step, so a re-run
   * recognises its own version instead of starting a second rotation.
   */
  static String token(String executionName, String secretId) {
    return UUID.nameUUIDFromBytes((executionName + "\n" + secretId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  RotationState with(String secretId, Secret secret) {
    Map<String, Secret> next = new LinkedHashMap<>(secrets);
    next.put(secretId, secret);
    return new RotationState(next, done, polls);
  }
}
