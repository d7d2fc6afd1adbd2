package ai.sentinel.dr.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a handler needs to know about the environment it protects, read once at init from environment
 * variables (set by the CDK app from cdk.json). A missing required variable fails fast and names itself.
 *
 * @param environment     SENTINEL_ENV: dev, staging, prod...
 * @param region          AWS_REGION
 * @param dryRun          DRY_RUN: default for every recovery in this environment
 * @param dbInstanceId    DB_INSTANCE_ID: the protected RDS instance (runbook: sentinel-db)
 * @param dbSecretId      DB_SECRET_ID: secret holding the database URL (sentinel/database-url)
 * @param dbSubnetGroup   DB_SUBNET_GROUP: fallback when the original instance cannot be described
 * @param dbSecurityGroups DB_SECURITY_GROUPS: comma separated, fallback as above
 * @param dbInstanceClass DB_INSTANCE_CLASS: fallback as above
 * @param ecsCluster      ECS_CLUSTER (sentinel-production)
 * @param ecsServices     ECS_SERVICES: comma separated, restarted after a repoint (sentinel-api,sentinel-celery)
 * @param topicArn        NOTIFY_TOPIC_ARN: SNS topic for outcomes and escalations
 * @param stateMachines   STATE_MACHINE_ARNS: JSON object scenario id -> state machine ARN (responders only)
 * @param alarmRoutes     ALARM_ROUTES: JSON object alarm name -> scenario id, overrides metric-based routing
 * @param healthUrl       HEALTH_URL: optional API health URL checked by verification
 * @param dbConnectHost   DB_CONNECT_HOST: optional host:port to reach the database at instead of its endpoint
 *                        (local clouds whose endpoints are not real; unset in AWS)
 * @param verifyDbConnect VERIFY_DB_CONNECT: false when the verify function has no network path to the database
 * @param pollSeconds     POLL_SECONDS: default Wait between status polls
 * @param maxPolls        MAX_POLLS: polls before a wait loop gives up
 * @param lockTable       LOCK_TABLE: DynamoDB table of per-resource locks and attempt counts (null: not deployed)
 * @param lockLeaseSeconds LOCK_LEASE_SECONDS: a lock not released after this long (crashed run) is free again
 * @param budgetMaxAttempts BUDGET_MAX_ATTEMPTS: automatic recoveries per resource per window before escalating
 * @param budgetWindowSeconds BUDGET_WINDOW_SECONDS: the window of that budget
 * @param redisClusterId  REDIS_CLUSTER_ID: the protected ElastiCache cluster (runbook: sentinel-redis); unset: the
 *                        environment has no Redis scenario
 * @param redisSecretId   REDIS_SECRET_ID: secret holding the Redis URL (sentinel/redis-url); required with the cluster
 * @param redisSubnetGroup REDIS_SUBNET_GROUP: fallback when the original cluster cannot be described
 * @param redisSecurityGroups REDIS_SECURITY_GROUPS: comma separated, fallback as above
 * @param redisNodeType   REDIS_NODE_TYPE: fallback as above
 * @param redisConnectHost REDIS_CONNECT_HOST: optional host:port to PING instead of the cluster's endpoint (local
 *                        clouds whose endpoints are not real; unset in AWS)
 * @param verifyRedisConnect VERIFY_REDIS_CONNECT: false when the verify function has no network path to the cache
 * @param ecsTargetGroups ECS_TARGET_GROUPS: JSON object service -> ALB target group ARN (health checks, alarms)
 * @param ecsDesiredCounts ECS_DESIRED_COUNTS: JSON object service -> desired task count to scale back up to
 * @param ecsStablePolls  ECS_STABLE_POLLS: polls a forced deployment gets to stabilise before the rollback
 * @param ecsLogGroupPrefix ECS_LOG_GROUP_PREFIX: a service's log group is prefix + service name (runbook: /ecs/)
 */
public record DrConfig(
    String environment,
    String region,
    boolean dryRun,
    String dbInstanceId,
    String dbSecretId,
    String dbSubnetGroup,
    List<String> dbSecurityGroups,
    String dbInstanceClass,
    String ecsCluster,
    List<String> ecsServices,
    String topicArn,
    Map<String, String> stateMachines,
    Map<String, String> alarmRoutes,
    String healthUrl,
    String dbConnectHost,
    boolean verifyDbConnect,
    int pollSeconds,
    int maxPolls,
    String lockTable,
    int lockLeaseSeconds,
    int budgetMaxAttempts,
    int budgetWindowSeconds,
    String redisClusterId,
    String redisSecretId,
    String redisSubnetGroup,
    List<String> redisSecurityGroups,
    String redisNodeType,
    String redisConnectHost,
    boolean verifyRedisConnect,
    Map<String, String> ecsTargetGroups,
    Map<String, Integer> ecsDesiredCounts,
    int ecsStablePolls,
    String ecsLogGroupPrefix) {

  /** The variable names, in one place, so the CDK app sets exactly what is read here. */
  public static final class Vars {
    public static final String ENVIRONMENT = "SENTINEL_ENV";
    public static final String REGION = "AWS_REGION";
    public static final String DRY_RUN = "DRY_RUN";
    public static final String DB_INSTANCE_ID = "DB_INSTANCE_ID";
    public static final String DB_SECRET_ID = "DB_SECRET_ID";
    public static final String DB_SUBNET_GROUP = "DB_SUBNET_GROUP";
    public static final String DB_SECURITY_GROUPS = "DB_SECURITY_GROUPS";
    public static final String DB_INSTANCE_CLASS = "DB_INSTANCE_CLASS";
    public static final String ECS_CLUSTER = "ECS_CLUSTER";
    public static final String ECS_SERVICES = "ECS_SERVICES";
    public static final String NOTIFY_TOPIC_ARN = "NOTIFY_TOPIC_ARN";
    public static final String STATE_MACHINE_ARNS = "STATE_MACHINE_ARNS";
    public static final String ALARM_ROUTES = "ALARM_ROUTES";
    public static final String HEALTH_URL = "HEALTH_URL";
    public static final String DB_CONNECT_HOST = "DB_CONNECT_HOST";
    public static final String VERIFY_DB_CONNECT = "VERIFY_DB_CONNECT";
    public static final String POLL_SECONDS = "POLL_SECONDS";
    public static final String MAX_POLLS = "MAX_POLLS";
    public static final String LOCK_TABLE = "LOCK_TABLE";
    public static final String LOCK_LEASE_SECONDS = "LOCK_LEASE_SECONDS";
    public static final String BUDGET_MAX_ATTEMPTS = "BUDGET_MAX_ATTEMPTS";
    public static final String BUDGET_WINDOW_SECONDS = "BUDGET_WINDOW_SECONDS";
    public static final String REDIS_CLUSTER_ID = "REDIS_CLUSTER_ID";
    public static final String REDIS_SECRET_ID = "REDIS_SECRET_ID";
    public static final String REDIS_SUBNET_GROUP = "REDIS_SUBNET_GROUP";
    public static final String REDIS_SECURITY_GROUPS = "REDIS_SECURITY_GROUPS";
    public static final String REDIS_NODE_TYPE = "REDIS_NODE_TYPE";
    public static final String REDIS_CONNECT_HOST = "REDIS_CONNECT_HOST";
    public static final String VERIFY_REDIS_CONNECT = "VERIFY_REDIS_CONNECT";
    public static final String ECS_TARGET_GROUPS = "ECS_TARGET_GROUPS";
    public static final String ECS_DESIRED_COUNTS = "ECS_DESIRED_COUNTS";
    public static final String ECS_STABLE_POLLS = "ECS_STABLE_POLLS";
    public static final String ECS_LOG_GROUP_PREFIX = "ECS_LOG_GROUP_PREFIX";

    private Vars() {}
  }

  public static DrConfig fromEnv(Map<String, String> env) {
    Reader r = new Reader(env);
    String redisCluster = r.optional(Vars.REDIS_CLUSTER_ID).orElse(null);
    return new DrConfig(
        r.required(Vars.ENVIRONMENT),
        r.required(Vars.REGION),
        r.bool(Vars.DRY_RUN, false),
        r.required(Vars.DB_INSTANCE_ID),
        r.required(Vars.DB_SECRET_ID),
        r.optional(Vars.DB_SUBNET_GROUP).orElse(null),
        r.list(Vars.DB_SECURITY_GROUPS),
        r.optional(Vars.DB_INSTANCE_CLASS).orElse(null),
        r.required(Vars.ECS_CLUSTER),
        r.list(Vars.ECS_SERVICES),
        r.required(Vars.NOTIFY_TOPIC_ARN),
        r.map(Vars.STATE_MACHINE_ARNS),
        r.map(Vars.ALARM_ROUTES),
        r.optional(Vars.HEALTH_URL).orElse(null),
        r.optional(Vars.DB_CONNECT_HOST).orElse(null),
        r.bool(Vars.VERIFY_DB_CONNECT, true),
        r.integer(Vars.POLL_SECONDS, 30),
        r.integer(Vars.MAX_POLLS, 60),
        r.optional(Vars.LOCK_TABLE).orElse(null),
        r.integer(Vars.LOCK_LEASE_SECONDS, 3 * 3600),
        r.integer(Vars.BUDGET_MAX_ATTEMPTS, 3),
        r.integer(Vars.BUDGET_WINDOW_SECONDS, 24 * 3600),
        redisCluster,
        redisCluster == null ? r.optional(Vars.REDIS_SECRET_ID).orElse(null) : r.required(Vars.REDIS_SECRET_ID),
        r.optional(Vars.REDIS_SUBNET_GROUP).orElse(null),
        r.list(Vars.REDIS_SECURITY_GROUPS),
        r.optional(Vars.REDIS_NODE_TYPE).orElse(null),
        r.optional(Vars.REDIS_CONNECT_HOST).orElse(null),
        r.bool(Vars.VERIFY_REDIS_CONNECT, true),
        r.map(Vars.ECS_TARGET_GROUPS),
        r.counts(Vars.ECS_DESIRED_COUNTS),
        r.integer(Vars.ECS_STABLE_POLLS, 10),
        r.optional(Vars.ECS_LOG_GROUP_PREFIX).orElse("/ecs/"));
  }

  /** State machine for a scenario, or a clear error when this environment does not deploy it. */
  public String stateMachineFor(String scenario) {
    String arn = stateMachines.get(scenario);
    if (arn == null) {
      throw new ConfigException("no state machine configured for scenario '" + scenario + "' in "
          + Vars.STATE_MACHINE_ARNS + " (configured: " + stateMachines.keySet() + ")");
    }
    return arn;
  }

  /** Names of the instances a database recovery may create: the runbook's "-recovery" and "-pitr" targets. */
  public String recoveryInstanceId() {
    return dbInstanceId + "-recovery";
  }

  public String pitrInstanceId() {
    return dbInstanceId + "-pitr";
  }

  /** The scratch instance of the scheduled snapshot-restore test: restored, verified, then deleted. */
  public String drillInstanceId() {
    return dbInstanceId + "-drill";
  }

  /** The cluster a Redis recovery creates: the runbook's "-recovery" target (null without a Redis scenario). */
  public String redisRecoveryClusterId() {
    return redisClusterId == null ? null : redisClusterId + "-recovery";
  }

  /** Is this one of the ECS services the environment protects? */
  public boolean protectsService(String service) {
    return service != null && ecsServices.contains(service);
  }

  /** The desired count a service is scaled back up to, or null when the config names none. */
  public Integer desiredCountOf(String service) {
    return ecsDesiredCounts.get(service);
  }

  /**
   * Blast radius: may a runbook step mutate this resource? Only resources the environment config names (or that a
   * runbook derives from them, like the restore targets) are allowed.
   */
  public boolean allows(String service, String target) {
    if (target == null) {
      return false;
    }
    return switch (service) {
      case "rds" -> target.equals(recoveryInstanceId()) || target.equals(pitrInstanceId())
          || target.equals(drillInstanceId());
      case "elasticache" -> target.equals(redisRecoveryClusterId());
      case "secretsmanager" -> target.equals(dbSecretId) || target.equals(redisSecretId);
      case "ecs" -> ecsServices.stream().anyMatch(s -> target.equals(ecsCluster + "/" + s));
      case "sns" -> target.equals(topicArn);
      default -> false;
    };
  }

  /** The lock table, or a clear error where a handler cannot run safely without it. */
  public String requireLockTable() {
    if (lockTable == null) {
      throw new ConfigException("missing environment variable " + Vars.LOCK_TABLE
          + ": recoveries are not started without per-resource locks");
    }
    return lockTable;
  }

  /** Thrown at init: the function cannot run with this configuration. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }

  private record Reader(Map<String, String> env) {
    Optional<String> optional(String name) {
      String v = env.get(name);
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    String required(String name) {
      return optional(name).orElseThrow(() -> new ConfigException("missing environment variable " + name));
    }

    boolean bool(String name, boolean dflt) {
      return optional(name).map(v -> switch (v.toLowerCase()) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new ConfigException(name + " must be true or false, got '" + v + "'");
      }).orElse(dflt);
    }

    int integer(String name, int dflt) {
      return optional(name).map(v -> {
        try {
          int n = Integer.parseInt(v);
          if (n <= 0) {
            throw new ConfigException(name + " must be a positive integer, got '" + v + "'");
          }
          return n;
        } catch (NumberFormatException e) {
          throw new ConfigException(name + " must be a positive integer, got '" + v + "'");
        }
      }).orElse(dflt);
    }

    List<String> list(String name) {
      List<String> out = new ArrayList<>();
      optional(name).ifPresent(v -> {
        for (String part : v.split(",")) {
          if (!part.isBlank()) {
            out.add(part.trim());
          }
        }
      });
      return List.copyOf(out);
    }

    Map<String, Integer> counts(String name) {
      Map<String, Integer> out = new LinkedHashMap<>();
      optional(name).ifPresent(v -> {
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(v);
        } catch (Exception e) {
          throw new ConfigException(name + " must be a JSON object of positive integers: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
          throw new ConfigException(name + " must be a JSON object of positive integers");
        }
        node.fields().forEachRemaining(f -> {
          if (!f.getValue().canConvertToInt() || !f.getValue().isIntegralNumber() || f.getValue().intValue() < 1) {
            throw new ConfigException(name + "." + f.getKey() + " must be a positive integer");
          }
          out.put(f.getKey(), f.getValue().intValue());
        });
      });
      return Map.copyOf(out);
    }

    Map<String, String> map(String name) {
      Map<String, String> out = new LinkedHashMap<>();
      optional(name).ifPresent(v -> {
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(v);
        } catch (Exception e) {
          throw new ConfigException(name + " must be a JSON object of strings: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
          throw new ConfigException(name + " must be a JSON object of strings");
        }
        node.fields().forEachRemaining(f -> {
          if (!f.getValue().isTextual()) {
            throw new ConfigException(name + "." + f.getKey() + " must be a string");
          }
          out.put(f.getKey(), f.getValue().asText());
        });
      });
      return Map.copyOf(out);
    }
  }
}
