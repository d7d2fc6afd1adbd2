package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.Restore;
import ai.sentinel.dr.region.RegionState.SecretUpdate;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretResponse;

/**
 * Scenario 4: the DR region's {@code sentinel/database-url} pointed at the DR instance, keeping user, password,
 * database and parameters. The value is never logged or stored; only the host is. Running it twice writes once (same
 * host skipped; same request token). The primary region's secret of the same name is never touched: the client and
 * the blast-radius target name the DR region.
 */
public final class UpdateDrSecret extends Step {
  private final RegionSettings region;
  private final SecretsManagerClient secrets;

  public UpdateDrSecret() {
    this(Deps.fromProcessEnv());
  }

  public UpdateDrSecret(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public UpdateDrSecret(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.secrets = deps.clients().in(region.drRegion()).secrets();
  }

  @Override
  public String name() {
    return "UpdateDrSecret";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Restore restore = RegionState.of(recovery.part(RegionState.PART)).restore();
    if (restore == null || !restore.available()) {
      throw new StepFailedError("UpdateDrSecret needs the available DR instance");
    }
    String secretId = region.database().secretId();
    String target = RegionSettings.target(region.drRegion(), secretId);
    if (recovery.dryRun()) {
      UpdateSecretRequest planned = UpdateSecretRequest.builder().secretId(secretId).build();
      Mutation<?> plan = mutate(recovery, "secretsmanager", "UpdateSecret", target, planned, () -> null);
      SecretUpdate update = new SecretUpdate(secretId, restore.endpoint(), null, now());
      return plan.recovery().update(RegionState.PART, s -> RegionState.of(s).withSecret(update))
          .withRepointedAt(update.updatedAt());
    }
    String current = secrets.getSecretValue(b -> b.secretId(secretId)).secretString();
    if (current == null) {
      throw new StepFailedError(secretId + " in " + region.drRegion() + " has no string value to update");
    }
    DatabaseUrl url = DatabaseUrl.parse(current);
    if (restore.endpoint().equals(url.host()) && restore.port().equals(url.port())) {
      SecretUpdate same = new SecretUpdate(secretId, url.host(), null, now());
      return recovery.update(RegionState.PART, s -> RegionState.of(s).withSecret(same))
          .withRepointedAt(same.updatedAt())
          .log(entry("skipped", secretId + " in " + region.drRegion() + " already points at " + url.host()));
    }
    String next = url.withHost(restore.endpoint(), restore.port()).render();
    String token = UUID.nameUUIDFromBytes((recovery.executionName() + "/" + target)
        .getBytes(StandardCharsets.UTF_8)).toString();
    UpdateSecretRequest request = UpdateSecretRequest.builder().secretId(secretId).secretString(next)
        .clientRequestToken(token).build();
    Mutation<UpdateSecretResponse> sent = mutate(recovery, "secretsmanager", "UpdateSecret", target, request,
        () -> secrets.updateSecret(request));
    SecretUpdate update = new SecretUpdate(secretId, restore.endpoint(), sent.response().versionId(), now());
    return sent.recovery().update(RegionState.PART, s -> RegionState.of(s).withSecret(update))
        .withRepointedAt(update.updatedAt())
        .log(entry("repointed", secretId + " in " + region.drRegion() + ": host " + url.host() + " -> "
            + restore.endpoint() + ":" + restore.port() + " (user, password and database kept)"));
  }
}
