package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.database.DatabaseState.SecretUpdate;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretResponse;

/**
 * Scenario 1, Option B step 5: point {@code sentinel/database-url} at the restored instance, keeping the user,
 * password, database name and parameters of the current value. The value is never logged or stored in the state;
 * only the host it now points at is. Running it twice writes once (same host: skipped; same request token).
 */
public final class UpdateSecret extends Step {
  private final SecretsManagerClient secrets;

  public UpdateSecret() {
    this(Deps.fromProcessEnv());
  }

  public UpdateSecret(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public UpdateSecret(Deps deps) {
    super(deps);
    this.secrets = deps.clients().secrets();
  }

  @Override
  public String name() {
    return "UpdateSecret";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Restore restore = recovery.part(DatabaseState.PART).restore();
    if (restore == null || !restore.available()) {
      throw new StepFailedError("UpdateSecret needs an available restored instance");
    }
    String secretId = DatabaseSettings.of(deps.config()).secretId();
    String current = secrets.getSecretValue(b -> b.secretId(secretId)).secretString();
    if (current == null) {
      throw new StepFailedError(secretId + " has no string value to update");
    }
    DatabaseUrl url = DatabaseUrl.parse(current);
    if (restore.endpoint().equals(url.host()) && restore.port().equals(url.port())) {
      SecretUpdate same = new SecretUpdate(secretId, url.host(), null, now());
      return recovery.update(DatabaseState.PART, s -> s.withSecret(same))
          .withRepointedAt(same.updatedAt())
          .log(entry("skipped", secretId + " already points at " + url.host()));
    }
    String next = url.withHost(restore.endpoint(), restore.port()).render();
    // the same recovery always sends the same token, so a retried call cannot create a second version
    String token = UUID.nameUUIDFromBytes((recovery.executionName() + "/" + secretId)
        .getBytes(StandardCharsets.UTF_8)).toString();
    UpdateSecretRequest request = UpdateSecretRequest.builder().secretId(secretId).secretString(next)
        .clientRequestToken(token).build();
    Mutation<UpdateSecretResponse> sent = mutate(recovery, "secretsmanager", "UpdateSecret", secretId, request,
        () -> secrets.updateSecret(request));
    SecretUpdate update = new SecretUpdate(secretId, restore.endpoint(),
        sent.sent() ? sent.response().versionId() : null, now());
    return sent.recovery().update(DatabaseState.PART, s -> s.withSecret(update))
        .withRepointedAt(update.updatedAt())
        .log(entry(sent.sent() ? "repointed" : "would-repoint", secretId + ": host " + url.host() + " -> "
            + restore.endpoint() + ":"
            + restore.port() + " (user, password and database kept)"));
  }
}
