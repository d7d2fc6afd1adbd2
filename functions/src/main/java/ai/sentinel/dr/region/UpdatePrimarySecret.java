package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.FailbackState.Primary;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretRequest;

/**
 * Failback: the primary region's database secret ({@code database.secretId}) pointed at the new primary instance,
 * keeping user, password, database and parameters. The value is never logged or stored; only the host is. Same host:
 * nothing sent; same request token on a second run. The DR region's secret of the same name is never touched.
 */
public final class UpdatePrimarySecret extends Step {
  private final RegionSettings region;
  private final FailbackSettings failback;
  private final SecretsManagerClient secrets;

  public UpdatePrimarySecret() {
    this(Deps.fromProcessEnv());
  }

  public UpdatePrimarySecret(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public UpdatePrimarySecret(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.failback = region.requireFailback();
    this.secrets = deps.clients().in(region.primaryRegion()).secrets();
  }

  @Override
  public String name() {
    return "UpdatePrimarySecret";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Primary primary = FailbackState.of(recovery.part(FailbackState.PART)).primary();
    if (primary == null || !primary.available()) {
      throw new StepFailedError("UpdatePrimarySecret needs the available new primary instance");
    }
    String secretId = failback.primarySecretId();
    String target = RegionSettings.target(region.primaryRegion(), secretId);
    if (recovery.dryRun()) {
      UpdateSecretRequest planned = UpdateSecretRequest.builder().secretId(secretId).build();
      Mutation<?> plan = mutate(recovery, "secretsmanager", "UpdateSecret", target, planned, () -> null);
      return plan.recovery().update(FailbackState.PART, s -> FailbackState.of(s).withSecretHost(primary.endpoint()))
          .withRepointedAt(now());
    }
    String current = secrets.getSecretValue(b -> b.secretId(secretId)).secretString();
    if (current == null) {
      throw new StepFailedError(secretId + " in " + region.primaryRegion() + " has no string value to update");
    }
    DatabaseUrl url = DatabaseUrl.parse(current);
    Recovery out;
    if (primary.endpoint().equals(url.host()) && primary.port().equals(url.port())) {
      out = recovery.log(entry("skipped", secretId + " in " + region.primaryRegion() + " already points at "
          + url.host()));
    } else {
      String token = UUID.nameUUIDFromBytes((recovery.executionName() + "/" + target)
          .getBytes(StandardCharsets.UTF_8)).toString();
      UpdateSecretRequest request = UpdateSecretRequest.builder().secretId(secretId)
          .secretString(url.withHost(primary.endpoint(), primary.port()).render()).clientRequestToken(token).build();
      out = mutate(recovery, "secretsmanager", "UpdateSecret", target, request, () -> secrets.updateSecret(request))
          .recovery().log(entry("repointed", secretId + " in " + region.primaryRegion() + ": host " + url.host()
              + " -> " + primary.endpoint() + ":" + primary.port() + " (user, password and database kept)"));
    }
    return out.update(FailbackState.PART, s -> FailbackState.of(s).withSecretHost(primary.endpoint()))
        .withRepointedAt(now());
  }
}
