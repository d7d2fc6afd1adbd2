package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.redis.CacheState.RecoveryCluster;
import ai.sentinel.dr.redis.CacheState.SecretUpdate;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Scenario 2, recovery step 5: point {@code sentinel/redis-url} at the recovery cluster (the runbook's
 * {@code redis://ENDPOINT:6379/0}). A current value with credentials, TLS ({@code rediss://}), a database index or
 * parameters keeps them; only host and port change. The value is never logged or stored in the state, only the host
 * it points at. Running it twice writes once: a secret already pointing there is left alone, and a retried write
 * carries the same request token.
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
    RecoveryCluster cluster = CacheClusters.requireCluster(recovery, name());
    if (!cluster.available() || cluster.address() == null) {
      throw new StepFailedError("UpdateSecret needs an available recovery cluster with an endpoint ("
          + cluster.clusterId() + " is '" + cluster.status() + "')");
    }
    String secretId = RedisSettings.of(deps.config()).secretId();
    if (secretId == null) {
      throw new StepFailedError("no Redis URL secret configured (REDIS_SECRET_ID)");
    }
    String address = cluster.address();
    int port = cluster.port() == null ? CacheClusters.DEFAULT_PORT : cluster.port();

    GetSecretValueResponse current;
    try {
      current = secrets.getSecretValue(b -> b.secretId(secretId));
    } catch (ResourceNotFoundException e) {
      current = null; // no value yet (or no secret: the write below says which)
    }
    String value = current == null ? null : current.secretString();
    RedisUrl before = value == null || value.isBlank() ? null : RedisUrl.parse(value);
    if (before != null && before.host().equalsIgnoreCase(address) && before.port() == port) {
      // the version holding this value is when the services' view changed: RestartServices measures from it
      String since = current.createdDate() == null ? now() : current.createdDate().toString();
      SecretUpdate same = new SecretUpdate(secretId, current.versionId(), since, address);
      return recovery.update(CacheState.PART, s -> s.withSecret(same))
          .withRepointedAt(same.updatedAt())
          .log(entry("skipped", secretId + " already points at " + address + ":" + port + " (version "
              + current.versionId() + "): not written again"));
    }
    RedisUrl next = before == null ? RedisUrl.of(address, port) : before.withHost(address, port);
    // the same recovery sends the same token for the same endpoint, so a retried call makes no second version
    String token = UUID.nameUUIDFromBytes((recovery.executionName() + "/" + secretId + "/" + address + ":" + port)
        .getBytes(StandardCharsets.UTF_8)).toString();
    PutSecretValueRequest request = PutSecretValueRequest.builder().secretId(secretId).secretString(next.render())
        .clientRequestToken(token).build();
    Mutation<PutSecretValueResponse> sent = mutate(recovery, "secretsmanager", "PutSecretValue", secretId, request,
        () -> {
          try {
            return secrets.putSecretValue(request);
          } catch (ResourceNotFoundException e) {
            throw new StepFailedError(secretId + " does not exist: create it (the services read the Redis URL "
                + "from it) and run the recovery again", e);
          }
        });
    SecretUpdate update = new SecretUpdate(secretId, sent.sent() ? sent.response().versionId() : null, now(),
        address);
    String from = before == null ? "(no value)" : before.host() + ":" + before.port();
    return sent.recovery().update(CacheState.PART, s -> s.withSecret(update))
        .withRepointedAt(update.updatedAt())
        .log(entry(sent.sent() ? "repointed" : "would-repoint", secretId + ": " + from + " -> " + address + ":"
            + port + " (" + next.describeKept() + ")"));
  }
}
