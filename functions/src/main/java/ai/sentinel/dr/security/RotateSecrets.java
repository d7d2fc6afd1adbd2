package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.security.SecurityState.Action;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.RotateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.RotateSecretResponse;

/**
 * Scenario 6 "Immediate Response" 3, "rotate secrets": {@code RotateSecret} on each configured secret (runbook:
 * sentinel/jwt-secret, sentinel/database-url) with the rotation function the stack attached, which then runs
 * createSecret, setSecret, testSecret and finishSecret; WaitForRotation waits until the new version is AWSCURRENT.
 * The request token is derived from the execution and the secret, so a re-run finds its own version and sends
 * nothing; a secret without rotation attached is refused before any secret is rotated (no half-rotated platform).
 */
public final class RotateSecrets extends Step {
  public RotateSecrets() {
    this(Deps.fromProcessEnv());
  }

  public RotateSecrets(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RotateSecrets(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "RotateSecrets";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    SecuritySettings.Rotation rotation = SecuritySettings.of(deps.config()).rotation();
    if (rotation == null) {
      return recovery.with(RotationState.PART, new RotationState(Map.of(), true, 0))
          .log(entry("decided", "security.rotation is not configured: no secret rotated"));
    }
    SecretsManagerClient secrets = deps.clients().secrets();
    List<String> ids = rotation.secretIds();
    Map<String, DescribeSecretResponse> described = new java.util.LinkedHashMap<>();
    for (String id : ids) {
      DescribeSecretResponse d = secrets.describeSecret(b -> b.secretId(id));
      if (d.rotationLambdaARN() == null || d.rotationLambdaARN().isEmpty()) {
        throw new StepFailedError("RotateSecrets: secret " + id + " has no rotation function attached (deploy the "
            + "stack, which attaches it): nothing was rotated");
      }
      described.put(id, d);
    }
    RotationState state = recovery.part(RotationState.PART);
    if (state == null) {
      state = new RotationState(Map.of(), false, 0);
    }
    Recovery out = recovery;
    SecurityState security = recovery.part(SecurityState.PART);
    for (String id : ids) {
      String token = RotationState.token(recovery.executionName(), id);
      Map<String, List<String>> versions = described.get(id).versionIdsToStages();
      if (versions.containsKey(token)) {
        out = out.log(entry("skipped", id + ": this recovery's rotation (version " + token + ") was already started"));
        if (!state.secrets().containsKey(id)) {
          state = state.with(id, new RotationState.Secret(null, token, now(), null));
        }
        continue;
      }
      String previous = current(versions);
      RotateSecretRequest request = RotateSecretRequest.builder().secretId(id).clientRequestToken(token)
          .rotateImmediately(true).build();
      Mutation<RotateSecretResponse> sent = mutate(out, "secretsmanager", "RotateSecret", id, "rotate " + id
          + " (new version " + token + ")", () -> secrets.rotateSecret(request));
      out = sent.recovery();
      state = state.with(id, new RotationState.Secret(previous, token, sent.sent() ? now() : null, null));
      if (security != null) {
        security = security.withAction(new Action(now(), name(), (sent.sent() ? "rotation started: " : "would rotate: ")
            + id + " (new version " + token + ", was " + previous + ")"));
      }
    }
    out = out.with(RotationState.PART, new RotationState(state.secrets(), false, 0));
    if (security != null) {
      out = out.with(SecurityState.PART, security);
    }
    return out.log(entry(recovery.dryRun() ? "would-rotate" : "rotating", ids + ": each rotation function creates, "
        + "sets, tests and finishes the new version"));
  }

  /** The version holding AWSCURRENT, or null. */
  static String current(Map<String, List<String>> versions) {
    return versions.entrySet().stream().filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey)
        .findFirst().orElse(null);
  }
}
