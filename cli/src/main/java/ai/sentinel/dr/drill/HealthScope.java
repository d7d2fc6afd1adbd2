package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.health.HealthChecks;

/**
 * What a drill's health check reads: the platform's resources, the clients that reach them, and where they are.
 *
 * @param where   said after the check's verdict (e.g. "in the DR region eu-west-1"); null for the environment's own
 *                platform, which needs no words
 * @param targets the resources checked
 * @param clients the clients that read them (their region)
 */
public record HealthScope(String where, HealthChecks.Targets targets, Clients clients) {

  /**
   * The environment's platform in its own region, as {@code ./sentinel health} checks it; without a configured
   * {@code healthUrl} (the local environment) the API check asks the local front door ({@link LocalApi}).
   */
  public static HealthScope of(LocalSentinel sentinel) {
    HealthChecks.Targets t = HealthChecks.Targets.of(sentinel.config);
    String url = t.healthUrl() != null ? t.healthUrl() : sentinel.apiHealthUrl();
    return new HealthScope(null, new HealthChecks.Targets(t.environment(), t.dbInstances(), t.dbSecret(),
        t.redisClusters(), t.redisSecret(), t.ecsCluster(), t.services(), t.targetGroups(), url),
        new Clients(sentinel.aws.functionEnvironment()));
  }
}
