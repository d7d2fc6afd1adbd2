package ai.sentinel.dr.redis;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.ApiHealth;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.redis.CacheState.RecoveryCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.Endpoint;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Scenario 2, verification: the recovery cluster is available, the secret points at it, the restarted services are
 * stable, and Redis answers PING where there is a network path to it. Success is declared only when no check failed
 * (and one passed); otherwise the step throws, so the state machine ends failed and escalates.
 */
public final class Verify extends Step {
  static final String AVAILABLE = "cluster-available";
  static final String SECRET = "secret-repointed";
  static final String SERVICES = "services-stable";
  static final String PING = "redis-ping";

  private final ElastiCacheClient elastiCache;
  private final SecretsManagerClient secrets;

  public Verify() {
    this(Deps.fromProcessEnv());
  }

  public Verify(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Verify(Deps deps) {
    super(deps);
    this.elastiCache = deps.clients().elastiCache();
    this.secrets = deps.clients().secrets();
  }

  @Override
  public String name() {
    return "Verify";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    if (recovery.dryRun()) {
      String why = "dry-run: nothing was created or changed";
      Verification skipped = Verification.of(List.of(new Check(AVAILABLE, Result.SKIP, why),
          new Check(SECRET, Result.SKIP, why), new Check(SERVICES, Result.SKIP, why),
          new Check(PING, Result.SKIP, why)));
      return recovery.withVerification(skipped).log(entry("skipped", "dry-run: verification not run"));
    }
    RecoveryCluster cluster = CacheClusters.requireCluster(recovery, name());
    String id = cluster.clusterId();
    List<Check> checks = new ArrayList<>();

    CacheCluster seen = CacheClusters.find(elastiCache, id).orElse(null);
    Endpoint endpoint = seen == null ? null : CacheClusters.endpoint(seen);
    boolean available = seen != null && "available".equals(seen.cacheClusterStatus()) && endpoint != null;
    checks.add(available
        ? new Check(AVAILABLE, Result.PASS, id + " is available at " + endpoint.address() + ":"
            + CacheClusters.portOf(endpoint))
        : new Check(AVAILABLE, Result.FAIL, id + " is " + (seen == null ? "missing"
            : "'" + seen.cacheClusterStatus() + "'" + (endpoint == null ? " with no node endpoint" : ""))));

    String expectedHost = endpoint != null ? endpoint.address() : cluster.address();
    Integer expectedPort = endpoint != null ? Integer.valueOf(CacheClusters.portOf(endpoint)) : cluster.port();
    RedisUrl url = null;
    String secretId = RedisSettings.of(deps.config()).secretId();
    try {
      String value = secrets.getSecretValue(b -> b.secretId(secretId)).secretString();
      if (value == null || value.isBlank()) {
        checks.add(new Check(SECRET, Result.FAIL, secretId + " has no string value"));
      } else {
        url = RedisUrl.parse(value);
        boolean points = url.host().equalsIgnoreCase(String.valueOf(expectedHost)) && expectedPort != null
            && url.port() == expectedPort;
        checks.add(new Check(SECRET, points ? Result.PASS : Result.FAIL, secretId + " points at " + url.host() + ":"
            + url.port() + (points ? "" : expectedHost == null ? ", and the recovery cluster's endpoint is unknown"
            : ", expected " + expectedHost + ":" + expectedPort)));
      }
    } catch (ResourceNotFoundException e) {
      checks.add(new Check(SECRET, Result.FAIL, secretId + " has no value"));
    } catch (StepFailedError e) {
      checks.add(new Check(SECRET, Result.FAIL, e.getMessage())); // says what is wrong, never the value
    }

    boolean stable = recovery.services() != null && recovery.services().stable();
    checks.add(new Check(SERVICES, stable ? Result.PASS : Result.FAIL,
        recovery.services() == null ? "services were not restarted" : recovery.services().status().toString()));

    checks.add(RedisPing.check(deps.config(), url, endpoint, PING));
    checks.add(ApiHealth.check(deps.config().healthUrl()));

    Verification verification = Verification.of(checks);
    Recovery out = recovery.withVerification(verification);
    if (!verification.verified()) {
      throw new VerificationFailedError("verification failed: " + checks.stream()
          .filter(c -> c.result() == Result.FAIL).map(c -> c.name() + ": " + c.detail()).toList());
    }
    return out.log(entry("verified", checks.stream().map(c -> c.name() + "=" + c.result()).toList().toString()));
  }
}
