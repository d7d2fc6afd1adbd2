package ai.sentinel.dr.infra;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Physical names, all derived from the environment prefix {@code <env>-sentinel-dr} so that two environments can
 * share an account and every resource says which environment it belongs to.
 */
public final class Names {
  private Names() {}

  /**
   * {@code RestoreFromSnapshot} becomes {@code restore-from-snapshot}; a product name AWS writes in camel case stays
   * one word ({@code ElastiCacheEventResponder}: {@code elasticache-event-responder}).
   */
  public static String kebab(String camel) {
    return camel.replace("ElastiCache", "Elasticache").replaceAll("([a-z0-9])([A-Z])", "$1-$2")
        .toLowerCase(Locale.ROOT);
  }

  /**
   * The last segment of each registered scenario's steps package ({@link InfraScenario#stepsPackage}). Step class names
   * repeat across scenarios (every scenario has a Diagnose), so their functions carry the package as well.
   */
  static final Set<String> SCENARIO_PACKAGES = InfraScenarios.all().stream()
      .map(s -> s.stepsPackage().substring(s.stepsPackage().lastIndexOf('.') + 1))
      .collect(Collectors.toUnmodifiableSet());
  /** Lambda's limit on a function name. */
  public static final int FUNCTION_NAME_MAX = 64;

  /**
   * {@code <env>-sentinel-dr-<kebab-class-name>} for shared handlers (e.g. {@code dev-sentinel-dr-notify},
   * {@code dev-sentinel-dr-alarm-responder}); {@code <env>-sentinel-dr-<package>-<kebab-class-name>} for a scenario's
   * steps (e.g. {@code dev-sentinel-dr-<package>-diagnose}).
   */
  public static String function(String prefix, Class<?> handler) {
    String pkg = handler.getPackageName().substring(handler.getPackageName().lastIndexOf('.') + 1);
    String scenario = SCENARIO_PACKAGES.contains(pkg) ? pkg + "-" : "";
    return prefix + "-" + scenario + kebab(handler.getSimpleName());
  }

  /** Lambda handler string of a {@code RequestStreamHandler}. */
  public static String handler(Class<?> handler) {
    return handler.getName() + "::handleRequest";
  }

  /** {@code <env>-sentinel-dr-<rule id>}: the rule id stays recoverable from the deployed name. */
  public static String rule(String prefix, String ruleId) {
    return prefix + "-" + ruleId;
  }

  /** The rule id of a rule named by {@link #rule}, or null for a name without the prefix. */
  public static String ruleId(String prefix, String ruleName) {
    return ruleName != null && ruleName.startsWith(prefix + "-") ? ruleName.substring(prefix.length() + 1) : null;
  }

  /** The on-call topic: outcomes, escalations, approval requests. */
  public static String notificationsTopic(String prefix) {
    return prefix + "-notifications";
  }

  /** {@code <env>-sentinel-dr-locks}: the per-resource locks and attempt budgets. */
  public static String lockTable(String prefix) {
    return prefix + "-locks";
  }

  /** {@code <env>-sentinel-dr-waits}: the task tokens of waiting recoveries (event-driven waits). */
  public static String waitTable(String prefix) {
    return prefix + "-waits";
  }

  /** {@code <env>-sentinel-dr-<scenario id>}: the scenario's state machine. */
  public static String stateMachine(String prefix, String scenario) {
    return prefix + "-" + scenario;
  }
}
