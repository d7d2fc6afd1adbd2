package ai.sentinel.dr.common;

import java.util.List;
import java.util.Map;

/**
 * One runbook scenario's section of the environment config (cdk.json {@code environments.<env>.<section>}), as a
 * record in the scenario's own package. The CDK app validates and writes it into the environment of exactly the
 * functions that read it ({@link SettingsSection#variable()}); a function reads it with {@link DrConfig#settings}.
 */
public interface Settings {

  /**
   * Blast radius: may a runbook step mutate {@code target} of AWS service {@code service} (rds, secretsmanager...)?
   * Only what the section names, or what its runbook derives from it (a restore target), is allowed.
   */
  boolean allows(String service, String target);

  /**
   * The Secrets Manager secrets this section's recovery repoints, by field name: no two sections may share one (each
   * recovery repoints its own URL).
   */
  default Map<String, String> secrets() {
    return Map.of();
  }

  /**
   * Problems of settings made in code rather than read from cdk.json (e.g. a local cloud's target group ARNs), in the
   * environment's {@code region}; the same messages as when cdk.json holds them.
   */
  default List<String> problems(String region) {
    return List.of();
  }
}
