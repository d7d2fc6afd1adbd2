package ai.sentinel.dr.ecs;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
import ai.sentinel.dr.common.SettingsSection;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ECS cluster and its protected services (cdk.json {@code ecs}). The cluster and services are the platform's:
 * Scenarios 1 and 2 restart them after repointing a secret (the shared RestartServices and WaitForServices steps read
 * this section too); Scenario 3 recovers them when they fail, with the rest of the section.
 *
 * @param cluster        ECS cluster name (runbook: sentinel-production)
 * @param services       the protected services (sentinel-api, sentinel-celery)
 * @param targetGroups   service to the name or ARN of its ALB target group, for services behind a load balancer
 *                       (VerifyTargets checks its health; a service without one has nothing to check)
 * @param desiredCounts  service to the task count ScaleUp restores (a service without one is not scaled)
 * @param stablePolls    polls a forced new deployment gets to stabilise before the rollback
 * @param logGroupPrefix a service's log group is this prefix + its name (runbook: /ecs/sentinel-api)
 */
public record EcsSettings(String cluster, List<String> services, Map<String, String> targetGroups,
    Map<String, Integer> desiredCounts, int stablePolls, String logGroupPrefix) implements Settings {

  public static final SettingsSection<EcsSettings> SECTION = new SettingsSection<>("ecs", EcsSettings.class, true,
      Set.of(), EcsSettings::read, new SettingsSection.Drill<>("ecsRecoveryTest", EcsSettings::readDrill),
      List.of(EcsServiceFailure.ID));

  /** stablePolls when cdk.json sets none. */
  public static final int DEFAULT_STABLE_POLLS = 10;
  /** logGroupPrefix when cdk.json sets none: the runbook's {@code aws logs tail /ecs/sentinel-api}. */
  public static final String DEFAULT_LOG_GROUP_PREFIX = "/ecs/";

  private static final Set<String> FIELDS = Set.of("cluster", "services", "targetGroups", "desiredCounts",
      "stablePolls", "logGroupPrefix");
  private static final Set<String> DRILL_FIELDS = Set.of("schedule", "service");
  private static final Pattern ECS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  private static final Pattern TARGET_GROUP_NAME = Pattern.compile("[A-Za-z0-9](-?[A-Za-z0-9])*");
  private static final int TARGET_GROUP_NAME_MAX = 32;
  private static final Pattern TARGET_GROUP_ARN = Pattern.compile("arn:aws[a-z-]*:elasticloadbalancing:"
      + "([a-z0-9-]+):\\d{12}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}");
  private static final Pattern LOG_GROUP_PREFIX = Pattern.compile("[A-Za-z0-9._/#-]{1,256}");
  // ECS's default quota of tasks per service; a typo such as 30000 should not become a scale-up
  private static final int MAX_TASKS = 5000;
  private static final int MAX_POLLS = 10_000;

  public EcsSettings {
    services = services == null ? List.of() : List.copyOf(services);
    targetGroups = Collections.unmodifiableMap(new TreeMap<>(targetGroups == null ? Map.of() : targetGroups));
    desiredCounts = Collections.unmodifiableMap(new TreeMap<>(desiredCounts == null ? Map.of() : desiredCounts));
    stablePolls = stablePolls == 0 ? DEFAULT_STABLE_POLLS : stablePolls;
    logGroupPrefix = logGroupPrefix == null ? DEFAULT_LOG_GROUP_PREFIX : logGroupPrefix;
  }

  /** This function's ECS settings, or a clear error when its environment has none. */
  public static EcsSettings of(DrConfig config) {
    return config.require(EcsSettings.class);
  }

  /** The log group of {@code service}'s tasks. */
  public String logGroup(String service) {
    return logGroupPrefix + service;
  }

  /** Is this one of the ECS services the environment protects? */
  public boolean protectsService(String service) {
    return service != null && services.contains(service);
  }

  /** The desired count a service is scaled back up to, or null when the config names none. */
  public Integer desiredCountOf(String service) {
    return desiredCounts.get(service);
  }

  /** These services with {@code newTargetGroups} (e.g. the ARNs a local cloud gave the groups it created). */
  public EcsSettings withTargetGroups(Map<String, String> newTargetGroups) {
    return new EcsSettings(cluster, services, newTargetGroups, desiredCounts, stablePolls, logGroupPrefix);
  }

  /** The blast-radius target of an ECS mutation: {@code <cluster>/<service>}. */
  @Override
  public boolean allows(String service, String target) {
    return "ecs".equals(service) && services.stream().anyMatch(s -> target.equals(cluster + "/" + s));
  }

  /** The {@code ecs} section; the Scenario 3 settings are optional and take the defaults. */
  static EcsSettings read(JsonNode node, ConfigReader config) {
    if (!node.isObject()) {
      config.problem("ecs must be an object");
      return null;
    }
    config.unknownFields(node, "ecs.", FIELDS);
    String cluster = config.text(node, "ecs.cluster", ECS_NAME, "an ECS cluster name");
    List<String> services = config.list(node, "ecs.services", ECS_NAME, "ECS service names", false);
    Map<String, String> targetGroups = new LinkedHashMap<>();
    JsonNode groups = config.optionalObject(node, "ecs.targetGroups", "service name -> target group name or ARN");
    if (groups != null) {
      groups.fields().forEachRemaining(f -> {
        String path = "ecs.targetGroups." + f.getKey();
        String problem = targetGroupProblem(services, config.region(), path, f.getKey(),
            f.getValue().isTextual() ? f.getValue().asText() : null);
        if (problem != null) {
          config.problem(problem);
        } else {
          targetGroups.put(f.getKey(), f.getValue().asText());
        }
      });
    }
    Map<String, Integer> desiredCounts = new LinkedHashMap<>();
    JsonNode counts = config.optionalObject(node, "ecs.desiredCounts", "service name -> desired task count");
    if (counts != null) {
      counts.fields().forEachRemaining(f -> {
        String path = "ecs.desiredCounts." + f.getKey();
        if (!services.contains(f.getKey())) {
          config.problem(path + ": '" + f.getKey() + "' is not one of ecs.services " + services);
        } else if (!ConfigReader.isInteger(f.getValue()) || f.getValue().asLong() < 1
            || f.getValue().asLong() > MAX_TASKS) {
          config.problem(path + " must be a task count from 1 to " + MAX_TASKS + ", got " + f.getValue());
        } else {
          desiredCounts.put(f.getKey(), f.getValue().asInt());
        }
      });
    }
    int stablePolls = config.optionalPositive(node, "ecs.stablePolls", DEFAULT_STABLE_POLLS, MAX_POLLS);
    String logGroupPrefix = node.has("logGroupPrefix")
        ? config.text(node, "ecs.logGroupPrefix", LOG_GROUP_PREFIX, "a CloudWatch Logs group name prefix such as "
            + "/ecs/")
        : DEFAULT_LOG_GROUP_PREFIX;
    return new EcsSettings(cluster, services, targetGroups, desiredCounts, stablePolls, logGroupPrefix);
  }

  /** Every problem of {@code targetGroups} as this environment's (in {@code region}), e.g. ARNs a local cloud gave. */
  @Override
  public List<String> problems(String region) {
    return targetGroups.entrySet().stream()
        .map(e -> targetGroupProblem(services, region, "ecs.targetGroups." + e.getKey(), e.getKey(), e.getValue()))
        .filter(p -> p != null).toList();
  }

  /** Why {@code group} cannot be {@code service}'s target group, or null when it can. */
  private static String targetGroupProblem(List<String> services, String region, String path, String service,
      String group) {
    if (!services.contains(service)) {
      return path + ": '" + service + "' is not one of ecs.services " + services;
    }
    if (group == null) {
      return path + " must be a target group name or ARN";
    }
    Matcher arn = TARGET_GROUP_ARN.matcher(group);
    if (arn.matches()) {
      return region == null || arn.group(1).equals(region) ? null
          : path + " is a target group in " + arn.group(1) + ", but the environment is in " + region;
    }
    if (group.startsWith("arn:")) {
      return path + " must be a target group ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID), "
          + "got '" + group + "'";
    }
    if (!TARGET_GROUP_NAME.matcher(group).matches() || group.length() > TARGET_GROUP_NAME_MAX) {
      return path + " must be a target group name (at most " + TARGET_GROUP_NAME_MAX + " letters, digits and single "
          + "hyphens) or ARN, got '" + group + "'";
    }
    return null;
  }

  /** {@code drills.ecsRecoveryTest}: {schedule, service}, the service one of the protected ones. */
  private static ScheduledTest readDrill(JsonNode drills, String path, ConfigReader config, EcsSettings settings) {
    JsonNode node = drills.get("ecsRecoveryTest");
    if (!node.isObject()) {
      config.problem(path + " must be an object {schedule, service}");
      return null;
    }
    config.unknownFields(node, path + ".", DRILL_FIELDS);
    String schedule = config.schedule(node, path + ".schedule");
    if (schedule == null && !node.has("schedule")) {
      config.problem(path + ".schedule is missing (an EventBridge cron(...) or rate(...))");
    }
    String service = config.text(node, path + ".service", ECS_NAME, "an ECS service name");
    if (service != null && settings != null && !settings.services().contains(service)) {
      config.problem(path + ".service '" + service + "' is not one of ecs.services " + settings.services()
          + ": the weekly test recovers a protected (non-production) service");
    }
    return schedule == null ? null : new ScheduledTest(schedule, service);
  }
}
