package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.DrConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the ECS signals are scoped to, from the environment config.
 *
 * @param cluster      ECS cluster of the protected services (name, or ARN)
 * @param services     protected ECS services
 * @param targetGroups service -> its ALB target group, by NAME or by ARN
 */
record EcsScope(String cluster, List<String> services, Map<String, String> targetGroups) {

  EcsScope {
    services = services == null ? List.of() : List.copyOf(services);
    targetGroups = targetGroups == null ? Map.of() : Map.copyOf(targetGroups);
  }

  static EcsScope of(DrConfig config) {
    // without the ecs section (a function that does not read it) nothing is protected here
    return config.settings(EcsSettings.class).map(e -> new EcsScope(e.cluster(), e.services(), e.targetGroups()))
        .orElse(new EcsScope(null, List.of(), Map.of()));
  }

  /** Scenario 3 is deployed where services (in a cluster) are protected. */
  boolean deployed() {
    return !services.isEmpty() && clusterName() != null;
  }

  /** The cluster's name, as ECS metrics (ClusterName) and ARNs (cluster/NAME) spell it. */
  String clusterName() {
    return EcsEvents.clusterName(cluster);
  }

  boolean protectsService(String service) {
    return service != null && services.contains(service);
  }

  /**
   * The protected service whose target group this is, from an AWS/ApplicationELB TargetGroup dimension
   * ({@code targetgroup/NAME/0123456789abcdef}), or null.
   */
  String serviceOfTargetGroup(String dimension) {
    if (dimension == null) {
      return null;
    }
    for (Map.Entry<String, String> e : new TreeMap<>(targetGroups).entrySet()) {
      if (!protectsService(e.getKey())) {
        continue;
      }
      String tg = e.getValue();
      boolean match = tg.startsWith("arn:") ? dimension.equals(targetGroupDimension(tg))
          : dimension.startsWith("targetgroup/" + tg + "/");
      if (match) {
        return e.getKey();
      }
    }
    return null;
  }

  /** The TargetGroup dimension value of a target group ARN: its resource part, targetgroup/NAME/ID. */
  static String targetGroupDimension(String arn) {
    int i = arn.indexOf(":targetgroup/");
    return i < 0 ? arn : arn.substring(i + 1);
  }
}
