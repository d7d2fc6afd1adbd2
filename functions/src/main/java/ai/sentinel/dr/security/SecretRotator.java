package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.errors.StepFailedError;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * A Secrets Manager rotation function: Secrets Manager invokes it four times per rotation with
 * {@code {"Step", "SecretId", "ClientRequestToken"}}. createSecret puts the new value as AWSPENDING under the token
 * (once: a pending version already there is kept), setSecret applies it where the credential lives, testSecret proves
 * it works, finishSecret moves AWSCURRENT to it (AWSPREVIOUS follows the old one). Until finishSecret the old version
 * stays AWSCURRENT. Each step is safe to run again, as Secrets Manager may retry it. The function rotates only the
 * secret it was configured for, only while rotation is enabled and the token is a version of it; values are never
 * logged, only the step, the secret's name and the version id.
 */
public abstract class SecretRotator implements RequestStreamHandler {
  static final String CURRENT = "AWSCURRENT";
  static final String PENDING = "AWSPENDING";

  protected final Deps deps;

  protected SecretRotator(Deps deps) {
    this.deps = deps;
  }

  /** The one secret this function rotates. */
  protected abstract String secretId(SecuritySettings settings);

  /** The new value, from the current one. */
  protected abstract String newValue(String current);

  /** Applies the pending value where the credential is checked (nothing for a value only the services read). */
  protected abstract void setSecret(String pending, String current);

  /** Fails unless the pending value works. */
  protected abstract void testSecret(String pending, String current);

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = Json.MAPPER.readTree(input);
    String step = event.path("Step").asText("");
    String secretId = event.path("SecretId").asText("");
    String token = event.path("ClientRequestToken").asText("");
    if (!List.of("createSecret", "setSecret", "testSecret", "finishSecret").contains(step) || secretId.isEmpty()
        || token.isEmpty()) {
      throw new StepFailedError("not a rotation request: Step createSecret|setSecret|testSecret|finishSecret, "
          + "SecretId and ClientRequestToken are required");
    }
    SecretsManagerClient secrets = deps.clients().secrets();
    DescribeSecretResponse secret = secrets.describeSecret(b -> b.secretId(secretId));
    String name = secretId(SecuritySettings.of(deps.config()));
    if (!secret.name().equals(name)) {
      throw new StepFailedError(getClass().getSimpleName() + " rotates " + name + " only, not " + secret.name());
    }
    if (!Boolean.TRUE.equals(secret.rotationEnabled())) {
      throw new StepFailedError("rotation is not enabled on " + name);
    }
    Map<String, List<String>> versions = secret.versionIdsToStages();
    if (!versions.containsKey(token) && !step.equals("createSecret")) {
      throw new StepFailedError("version " + token + " of " + name + " does not exist (createSecret did not run)");
    }
    List<String> stages = versions.getOrDefault(token, List.of());
    Log.info(token, "rotation.step", Map.of("step", step, "secret", name));
    if (stages.contains(CURRENT)) {
      Log.info(token, "rotation.done", Map.of("step", step, "secret", name, "detail", "already AWSCURRENT"));
    } else {
      switch (step) {
        case "createSecret" -> create(secrets, name, token);
        case "setSecret" -> setSecret(value(secrets, name, token, PENDING), value(secrets, name, null, CURRENT));
        case "testSecret" -> testSecret(value(secrets, name, token, PENDING), value(secrets, name, null, CURRENT));
        default -> finish(secrets, name, token, versions);
      }
      Log.info(token, "rotation.done", Map.of("step", step, "secret", name));
    }
    output.write("{}".getBytes(StandardCharsets.UTF_8));
  }

  private void create(SecretsManagerClient secrets, String name, String token) {
    String current = value(secrets, name, null, CURRENT);
    try {
      secrets.getSecretValue(b -> b.secretId(name).versionId(token).versionStage(PENDING));
      return; // a retried createSecret: the pending value exists and is kept
    } catch (ResourceNotFoundException e) {
      // no pending value yet: create it
    }
    String next = newValue(current);
    secrets.putSecretValue(b -> b.secretId(name).clientRequestToken(token).secretString(next)
        .versionStages(PENDING));
  }

  private static void finish(SecretsManagerClient secrets, String name, String token,
      Map<String, List<String>> versions) {
    String current = RotateSecrets.current(versions);
    secrets.updateSecretVersionStage(b -> b.secretId(name).versionStage(CURRENT).moveToVersionId(token)
        .removeFromVersionId(current));
  }

  static String value(SecretsManagerClient secrets, String name, String versionId, String stage) {
    String v = secrets.getSecretValue(b -> b.secretId(name).versionId(versionId).versionStage(stage))
        .secretString();
    if (v == null || v.isEmpty()) {
      throw new StepFailedError(name + " has no " + stage + " string value");
    }
    return v;
  }
}
