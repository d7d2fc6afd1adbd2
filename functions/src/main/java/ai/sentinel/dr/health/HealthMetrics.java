package ai.sentinel.dr.health;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.report.EmbeddedMetrics;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The health check as CloudWatch Embedded Metric Format: one metric per check ({@code Health<Check>}: HealthRds,
 * HealthRedis, HealthEcs, HealthAlb, HealthApi; 0 PASS, 1 WARN, 2 FAIL) in namespace SentinelDR with dimension
 * Environment. A skipped check publishes nothing (its alarm then sees no data, not a false PASS).
 */
public final class HealthMetrics {
  /** The checks in the appendix's order: what the function publishes and the stack alarms on. */
  public static final List<String> CHECKS = List.of("rds", "redis", "ecs", "alb", "api");
  /** The value of a FAIL: the per-check alarms fire at it. */
  public static final int FAIL = 2;

  private HealthMetrics() {}

  /** {@code Health<Check>}, e.g. HealthRds for check rds. */
  public static String metricName(String check) {
    return "Health" + check.substring(0, 1).toUpperCase(Locale.ROOT) + check.substring(1);
  }

  /** The EMF object of one run (one directive, every check that was not skipped), or null when all were skipped. */
  public static ObjectNode emf(PlatformHealth health) {
    ObjectNode root = Json.object();
    ObjectNode aws = root.putObject("_aws");
    Instant at = Instant.parse(health.checkedAt());
    aws.put("Timestamp", at.toEpochMilli());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", EmbeddedMetrics.NAMESPACE);
    directive.putArray("Dimensions").addArray().add(EmbeddedMetrics.ENVIRONMENT);
    ArrayNode metrics = directive.putArray("Metrics");
    root.put(EmbeddedMetrics.ENVIRONMENT, health.environment());
    for (CheckResult c : health.checks()) {
      Integer value = c.status().metricValue();
      if (value != null) {
        metrics.addObject().put("Name", metricName(c.check())).put("Unit", "None");
        root.put(metricName(c.check()), value);
      }
    }
    root.put("overall", health.overall());
    return metrics.isEmpty() ? null : root;
  }
}
