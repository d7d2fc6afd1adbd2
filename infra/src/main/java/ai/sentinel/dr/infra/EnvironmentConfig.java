package ai.sentinel.dr.infra;

import ai.sentinel.dr.common.DrConfig.Vars;
import ai.sentinel.dr.database.UpdateSecret;
import ai.sentinel.dr.ecs.DeployPreviousVersion;
import ai.sentinel.dr.trigger.Scenarios;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Node;

/**
 * One deployment environment, as declared under {@code context.environments.<name>} in cdk.json and selected with
 * {@code -c env=<name>}. Validated as a whole when loaded: every problem is reported at once, each naming the
 * environment and the field, so a bad cdk.json fails the synth instead of a recovery at 3 a.m.
 *
 * @param name             environment name (dev, prod...): prefix of every resource name
 * @param account          12-digit AWS account to pin the stack to, or null for the deploying credentials' account
 * @param region           AWS region
 * @param dryRun           recoveries record their mutating calls instead of sending them
 * @param database         the protected RDS instance and its restore settings
 * @param ecs              the protected ECS services: restarted after a repoint, recovered by Scenario 3
 * @param redis            the protected ElastiCache cluster and its restore settings, or null: no Scenario 2 here
 * @param notificationEmails on-call addresses subscribed to the notification topic (may be empty)
 * @param alarmRoutes      CloudWatch alarm name to scenario id
 * @param healthUrl        https URL checked by Verify, or null
 * @param pollSeconds      Wait between status polls
 * @param maxPolls         polls before a wait loop gives up
 * @param verifyDbConnect  Verify runs SELECT 1 against the database (needs {@code vpc})
 * @param vpc              subnets and security groups for the Verify function, or null
 * @param logRetentionDays retention of every log group (one of CloudWatch's allowed values)
 * @param safety           approval gates, per-resource lock lease and attempt budget (defaults when absent)
 * @param drills           the Testing Schedule's scheduled tests; each is off unless the environment sets it
 */
public record EnvironmentConfig(
    String name,
    String account,
    String region,
    boolean dryRun,
    Database database,
    Ecs ecs,
    Redis redis,
    List<String> notificationEmails,
    Map<String, String> alarmRoutes,
    String healthUrl,
    int pollSeconds,
    int maxPolls,
    boolean verifyDbConnect,
    Vpc vpc,
    int logRetentionDays,
    Safety safety,
    Drills drills) {

  /** Context key selecting the environment ({@code -c env=dev}). */
  public static final String ENV_CONTEXT = "env";
  /** Context key holding every environment's settings (cdk.json {@code context.environments}). */
  public static final String ENVIRONMENTS_CONTEXT = "environments";

  /**
   * The protected database.
   *
   * @param instanceId     RDS instance identifier (runbook: sentinel-db)
   * @param secretId       name (not ARN) of the Secrets Manager secret holding the database URL
   * @param instanceClass  class of a restored instance when the original cannot be described
   * @param subnetGroup    DB subnet group of a restored instance, same fallback
   * @param securityGroups VPC security groups of a restored instance, same fallback
   */
  public record Database(String instanceId, String secretId, String instanceClass, String subnetGroup,
      List<String> securityGroups) {}

  /**
   * The ECS cluster and its protected services: restarted after a secret is repointed (Scenarios 1 and 2), recovered
   * when they fail (Scenario 3).
   *
   * @param cluster        ECS cluster name (runbook: sentinel-production)
   * @param services       the protected services (sentinel-api, sentinel-celery)
   * @param targetGroups   service to the name or ARN of its ALB target group, for services behind a load balancer
   *                       (VerifyTargets checks its health; a service without one has nothing to check)
   * @param desiredCounts  service to the task count ScaleUp restores (a service without one is not scaled)
   * @param stablePolls    polls a forced new deployment gets to stabilise before the rollback
   * @param logGroupPrefix a service's log group is this prefix + its name (runbook: /ecs/sentinel-api)
   */
  public record Ecs(String cluster, List<String> services, Map<String, String> targetGroups,
      Map<String, Integer> desiredCounts, int stablePolls, String logGroupPrefix) {
    /** ECS_STABLE_POLLS when cdk.json sets none: the functions' own default. */
    public static final int DEFAULT_STABLE_POLLS = 10;
    /** ECS_LOG_GROUP_PREFIX when cdk.json sets none: the runbook's {@code aws logs tail /ecs/sentinel-api}. */
    public static final String DEFAULT_LOG_GROUP_PREFIX = "/ecs/";

    public Ecs {
      services = List.copyOf(services);
      targetGroups = Collections.unmodifiableMap(new TreeMap<>(targetGroups));
      desiredCounts = Collections.unmodifiableMap(new TreeMap<>(desiredCounts));
    }

    /** The log group of {@code service}'s tasks. */
    public String logGroup(String service) {
      return logGroupPrefix + service;
    }
  }

  /**
   * The protected Redis cache (runbook Scenario 2).
   *
   * @param clusterId      ElastiCache cluster id (runbook: sentinel-redis); the recovery creates {@code <id>-recovery}
   * @param secretId       name (not ARN) of the Secrets Manager secret holding the Redis URL (sentinel/redis-url)
   * @param nodeType       node type of the recovery cluster when the original cannot be described (cache.t3.medium)
   * @param subnetGroup    cache subnet group, same fallback; also the only subnet group the recovery may use
   * @param securityGroups VPC security groups, same fallback
   * @param verifyConnect  Verify sends a Redis PING to the recovery cluster (needs {@code vpc})
   */
  public record Redis(String clusterId, String secretId, String nodeType, String subnetGroup,
      List<String> securityGroups, boolean verifyConnect) {
    public Redis {
      securityGroups = List.copyOf(securityGroups);
    }

    /** The cluster a recovery creates: the runbook's {@code sentinel-redis-recovery}. */
    public String recoveryClusterId() {
      return clusterId + "-recovery";
    }
  }

  /** Where the Verify function runs when it must reach the database (SELECT 1). */
  public record Vpc(List<String> subnetIds, List<String> securityGroupIds) {}

  /**
   * What keeps automation from doing harm: gates, locks and budgets (cdk.json {@code safety}, optional).
   *
   * @param approvalSteps          steps a human must approve before they run (a subset of {@link #GATEABLE_STEPS})
   * @param approvalTimeoutMinutes how long a gate waits for an answer before the recovery stops, changing nothing
   * @param budget                 automatic recoveries allowed per resource before the on-call is paged instead
   * @param lockLeaseMinutes       a per-resource lock not released after this long (crashed run) is free again
   */
  public record Safety(List<String> approvalSteps, int approvalTimeoutMinutes, Budget budget, int lockLeaseMinutes) {
    /**
     * Steps the state machines can gate; only these may be listed in {@code approvalSteps}. A name gates that step in
     * every state machine that has it: UpdateSecret repoints the database secret (Scenario 1) and the Redis secret
     * (Scenario 2); DeployPreviousVersion rolls an ECS service back (Scenario 3).
     */
    public static final List<String> GATEABLE_STEPS = List.of(UpdateSecret.class.getSimpleName(),
        DeployPreviousVersion.class.getSimpleName());
    /** Defaults of an environment without a {@code safety} section: no gate, 60 min, 3 per 24 h, 180 min. */
    public static final Safety DEFAULTS = new Safety(List.of(), 60, new Budget(3, 24), 180);

    public Safety {
      approvalSteps = List.copyOf(approvalSteps);
    }

    /** Whether {@code step} (a state name such as UpdateSecret) waits for a human's approval. */
    public boolean gates(String step) {
      return approvalSteps.contains(step);
    }
  }

  /** At most {@code maxAttempts} automatic recoveries of one resource within {@code windowHours}. */
  public record Budget(int maxAttempts, int windowHours) {}

  /**
   * The runbook's Testing Schedule, run by EventBridge schedules (cdk.json {@code drills}, optional; every test is off
   * unless set). Each schedule is an EventBridge {@code cron(...)} or {@code rate(...)} expression.
   *
   * @param databaseRestoreTest "Database snapshot restore" (monthly): latest snapshot into a scratch instance,
   *                            verified, measured, deleted
   * @param redisRecoveryTest   "Redis failover" (monthly): the Redis recovery as a dry-run plan (diagnosis, snapshot
   *                            choice, every call it would make), since a real one would repoint production
   * @param ecsRecoveryTest     "ECS service recovery" (weekly): the ECS recovery, for real, on {@code ecsTestService}
   * @param ecsTestService      the non-production service the weekly test recovers (one of ecs.services)
   */
  public record Drills(String databaseRestoreTest, String redisRecoveryTest, String ecsRecoveryTest,
      String ecsTestService) {
    public static final Drills OFF = new Drills(null, null, null, null);

    public boolean any() {
      return databaseRestoreTest != null || redisRecoveryTest != null || ecsRecoveryTest != null;
    }
  }

  /** A cdk.json environment that cannot be deployed; the message names the environment and every bad field. */
  public static final class InvalidConfigException extends IllegalArgumentException {
    public InvalidConfigException(String message) {
      super(message);
    }
  }

  /** CloudWatch Logs retention values CDK accepts, in days; INFINITE is deliberately not offered. */
  static final Map<Integer, RetentionDays> RETENTION = retentionTable();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENV_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  // 18: the longest function name, <env>-sentinel-dr-database-restore-scratch-instance, then fits Lambda's 64
  static final int ENV_NAME_MAX = 18;
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
  // RDS identifiers; 54 leaves room for the "-recovery" suffix within RDS's 63 characters
  private static final Pattern DB_INSTANCE_ID = Pattern.compile("[a-zA-Z](-?[a-zA-Z0-9])*");
  private static final int DB_INSTANCE_ID_MAX = 63 - "-recovery".length();
  private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
  private static final Pattern DB_INSTANCE_CLASS = Pattern.compile("db\\.[a-z0-9-]+\\.[a-z0-9-]+");
  private static final Pattern RDS_NAME = Pattern.compile("[A-Za-z0-9 ._-]{1,255}");
  private static final Pattern ECS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  // ElastiCache stores ids in lower case and IAM matches its ARNs that way: lower case only; 40 characters at most,
  // 31 leaving room for the "-recovery" suffix
  private static final Pattern CACHE_CLUSTER_ID = Pattern.compile("[a-z](-?[a-z0-9])*");
  private static final int CACHE_CLUSTER_ID_MAX = 40 - "-recovery".length();
  private static final Pattern CACHE_NODE_TYPE = Pattern.compile("cache\\.[a-z0-9-]+\\.[a-z0-9-]+");
  private static final Pattern CACHE_SUBNET_GROUP = Pattern.compile("[a-z0-9](-?[a-z0-9])*");
  private static final int CACHE_SUBNET_GROUP_MAX = 255;
  private static final Pattern TARGET_GROUP_NAME = Pattern.compile("[A-Za-z0-9](-?[A-Za-z0-9])*");
  private static final int TARGET_GROUP_NAME_MAX = 32;
  private static final Pattern TARGET_GROUP_ARN = Pattern.compile("arn:aws[a-z-]*:elasticloadbalancing:"
      + "([a-z0-9-]+):\\d{12}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}");
  private static final Pattern LOG_GROUP_PREFIX = Pattern.compile("[A-Za-z0-9._/#-]{1,256}");
  private static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8,17}");
  private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Set<String> FIELDS = Set.of("account", "region", "dryRun", "database", "ecs", "redis",
      "notifications", "alarmRoutes", "healthUrl", "pollSeconds", "maxPolls", "verifyDbConnect", "vpc",
      "logRetentionDays", "safety", "drills");
  private static final Set<String> DRILL_FIELDS = Set.of("databaseRestoreTest", "redisRecoveryTest",
      "ecsRecoveryTest");
  private static final Set<String> ECS_DRILL_FIELDS = Set.of("schedule", "service");
  private static final Pattern SCHEDULE = Pattern.compile("(cron|rate)\\([^()]{1,200}\\)");
  private static final Set<String> SAFETY_FIELDS = Set.of("approvalSteps", "approvalTimeoutMinutes", "budget",
      "lockLeaseMinutes");
  private static final Set<String> BUDGET_FIELDS = Set.of("maxAttempts", "windowHours");
  private static final Set<String> ECS_FIELDS = Set.of("cluster", "services", "targetGroups", "desiredCounts",
      "stablePolls", "logGroupPrefix");
  private static final Set<String> REDIS_FIELDS = Set.of("clusterId", "secretId", "nodeType", "subnetGroup",
      "securityGroups", "verifyConnect");
  private static final Pattern GATEABLE = Pattern.compile(String.join("|", Safety.GATEABLE_STEPS));
  // a Standard execution lives at most a year: a longer gate or lease could never end; also keeps seconds in an int
  private static final int MAX_MINUTES = 365 * 24 * 60;
  private static final int MAX_HOURS = 365 * 24;
  // ECS's default quota of tasks per service; a typo such as 30000 should not become a scale-up
  private static final int MAX_TASKS = 5000;
  private static final int MAX_POLLS = 10_000;

  public EnvironmentConfig {
    database = new Database(database.instanceId(), database.secretId(), database.instanceClass(),
        database.subnetGroup(), List.copyOf(database.securityGroups()));
    notificationEmails = List.copyOf(notificationEmails);
    alarmRoutes = Collections.unmodifiableMap(new TreeMap<>(alarmRoutes));
    vpc = vpc == null ? null : new Vpc(List.copyOf(vpc.subnetIds()), List.copyOf(vpc.securityGroupIds()));
    safety = safety == null ? Safety.DEFAULTS : safety;
    drills = drills == null ? Drills.OFF : drills;
  }

  /**
   * This environment with {@code steps} gated instead of the configured ones (the CLI runs a drill with the gate on).
   *
   * @throws InvalidConfigException when a step cannot be gated
   */
  public EnvironmentConfig withApprovalSteps(List<String> steps) {
    List<String> unknown = steps.stream().filter(s -> !Safety.GATEABLE_STEPS.contains(s)).toList();
    if (!unknown.isEmpty() || steps.stream().distinct().count() != steps.size()) {
      throw new InvalidConfigException("Invalid environment '" + name + "': safety.approvalSteps must hold distinct "
          + "gate-able steps (one of " + Safety.GATEABLE_STEPS + "), got " + steps);
    }
    return withSafety(new Safety(steps, safety.approvalTimeoutMinutes(), safety.budget(),
        safety.lockLeaseMinutes()));
  }

  /** This environment with other safety settings (drills and tests rehearse e.g. a short approval timeout). */
  public EnvironmentConfig withSafety(Safety newSafety) {
    return new EnvironmentConfig(name, account, region, dryRun, database, ecs, redis, notificationEmails,
        alarmRoutes, healthUrl, pollSeconds, maxPolls, verifyDbConnect, vpc, logRetentionDays, newSafety, drills);
  }

  /**
   * This environment with {@code targetGroups} (service to target group name or ARN) instead of the configured ones,
   * e.g. the ARNs a local cloud gave the target groups it created.
   *
   * @throws InvalidConfigException when a service is not protected or a value is neither a name nor an ARN
   */
  public EnvironmentConfig withTargetGroups(Map<String, String> targetGroups) {
    List<String> problems = new ArrayList<>();
    targetGroups.forEach((service, group) -> {
      String problem = targetGroupProblem(ecs.services(), region, "ecs.targetGroups." + service, service, group);
      if (problem != null) {
        problems.add(problem);
      }
    });
    if (!problems.isEmpty()) {
      throw new InvalidConfigException("Invalid environment '" + name + "':\n  - " + String.join("\n  - ", problems));
    }
    Ecs newEcs = new Ecs(ecs.cluster(), ecs.services(), targetGroups, ecs.desiredCounts(), ecs.stablePolls(),
        ecs.logGroupPrefix());
    return new EnvironmentConfig(name, account, region, dryRun, database, newEcs, redis, notificationEmails,
        alarmRoutes, healthUrl, pollSeconds, maxPolls, verifyDbConnect, vpc, logRetentionDays, safety, drills);
  }

  /** This environment with other scheduled tests (tests of the schedules themselves). */
  public EnvironmentConfig withDrills(Drills newDrills) {
    return new EnvironmentConfig(name, account, region, dryRun, database, ecs, redis, notificationEmails,
        alarmRoutes, healthUrl, pollSeconds, maxPolls, verifyDbConnect, vpc, logRetentionDays, safety, newDrills);
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

  // ---- loading -----------------------------------------------------------------------------------------------------

  /**
   * The environment selected by {@code -c env=NAME}, from the {@code environments} context. The CDK CLI passes
   * cdk.json's context; when the app runs without the CLI (no {@code environments} context), the repository's
   * cdk.json is read instead.
   */
  public static EnvironmentConfig fromContext(Node node, Path cdkJson) {
    Object selected = node.tryGetContext(ENV_CONTEXT);
    Object environments = node.tryGetContext(ENVIRONMENTS_CONTEXT);
    JsonNode envs = environments != null ? JSON.valueToTree(environments) : readContext(cdkJson);
    if (selected == null || selected.toString().isBlank()) {
      throw new InvalidConfigException("No environment selected: pass -c " + ENV_CONTEXT + "=NAME (known: "
          + names(envs) + ")");
    }
    return load(envs, selected.toString());
  }

  /** Environment {@code name} from a cdk.json file (for tools that run without the CDK CLI, e.g. the local cloud). */
  public static EnvironmentConfig fromCdkJson(Path cdkJson, String name) {
    return load(readContext(cdkJson), name);
  }

  /** Environment {@code name} from the value of the {@code environments} context (a JSON object). */
  public static EnvironmentConfig load(JsonNode environments, String name) {
    if (environments == null || !environments.isObject()) {
      throw new InvalidConfigException("cdk.json context has no \"" + ENVIRONMENTS_CONTEXT + "\" object");
    }
    JsonNode env = environments.get(name);
    if (env == null) {
      throw new InvalidConfigException("Unknown environment '" + name + "' (known: " + names(environments) + ")");
    }
    return new Reader(name, env).read();
  }

  private static JsonNode readContext(Path cdkJson) {
    try {
      return JSON.readTree(Files.readString(cdkJson)).path("context").path(ENVIRONMENTS_CONTEXT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + cdkJson, e);
    }
  }

  private static String names(JsonNode environments) {
    Set<String> names = new TreeSet<>();
    if (environments != null) {
      environments.fieldNames().forEachRemaining(names::add);
    }
    return String.join(", ", names);
  }

  // ---- derived values ----------------------------------------------------------------------------------------------

  /** Prefix of every physical name: {@code <env>-sentinel-dr}; also the stack name. */
  public String prefix() {
    return name + "-sentinel-dr";
  }

  /**
   * The scenarios this environment deploys a state machine for, in runbook order: database-failure, redis-failure
   * (only with a {@code redis} section) and ecs-service-failure. What STATE_MACHINE_ARNS holds once deployed.
   */
  public List<String> deployedScenarios() {
    List<String> out = new ArrayList<>(List.of(Scenarios.DATABASE_FAILURE));
    if (redis != null) {
      out.add(Scenarios.REDIS_FAILURE);
    }
    out.add(Scenarios.ECS_SERVICE_FAILURE);
    return List.copyOf(out);
  }

  public RetentionDays logRetention() {
    return RETENTION.get(logRetentionDays);
  }

  /**
   * The {@link ai.sentinel.dr.common.DrConfig} variables this environment fixes, for every function. Deployment-time
   * values are not included: {@code NOTIFY_TOPIC_ARN}, {@code LOCK_TABLE} and {@code STATE_MACHINE_ARNS} (added by
   * the stack, or by a local cloud from its own resources), {@code DB_CONNECT_HOST} (local clouds only) and
   * {@code AWS_REGION} (set by Lambda), and {@code REDIS_CONNECT_HOST} (local clouds only). Without a {@code redis}
   * section no REDIS_* variable is set: the functions then know the environment has no Scenario 2.
   */
  public Map<String, String> lambdaEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Vars.ENVIRONMENT, name);
    env.put(Vars.DRY_RUN, Boolean.toString(dryRun));
    env.put(Vars.DB_INSTANCE_ID, database.instanceId());
    env.put(Vars.DB_SECRET_ID, database.secretId());
    env.put(Vars.DB_SUBNET_GROUP, database.subnetGroup());
    env.put(Vars.DB_SECURITY_GROUPS, String.join(",", database.securityGroups()));
    env.put(Vars.DB_INSTANCE_CLASS, database.instanceClass());
    env.put(Vars.ECS_CLUSTER, ecs.cluster());
    env.put(Vars.ECS_SERVICES, String.join(",", ecs.services()));
    env.put(Vars.ECS_TARGET_GROUPS, JSON.valueToTree(ecs.targetGroups()).toString());
    env.put(Vars.ECS_DESIRED_COUNTS, JSON.valueToTree(ecs.desiredCounts()).toString());
    env.put(Vars.ECS_STABLE_POLLS, Integer.toString(ecs.stablePolls()));
    env.put(Vars.ECS_LOG_GROUP_PREFIX, ecs.logGroupPrefix());
    if (redis != null) {
      env.put(Vars.REDIS_CLUSTER_ID, redis.clusterId());
      env.put(Vars.REDIS_SECRET_ID, redis.secretId());
      env.put(Vars.REDIS_NODE_TYPE, redis.nodeType());
      env.put(Vars.REDIS_SUBNET_GROUP, redis.subnetGroup());
      env.put(Vars.REDIS_SECURITY_GROUPS, String.join(",", redis.securityGroups()));
      env.put(Vars.VERIFY_REDIS_CONNECT, Boolean.toString(redis.verifyConnect()));
    }
    env.put(Vars.ALARM_ROUTES, JSON.valueToTree(alarmRoutes).toString());
    if (healthUrl != null) {
      env.put(Vars.HEALTH_URL, healthUrl);
    }
    env.put(Vars.VERIFY_DB_CONNECT, Boolean.toString(verifyDbConnect));
    env.put(Vars.POLL_SECONDS, Integer.toString(pollSeconds));
    env.put(Vars.MAX_POLLS, Integer.toString(maxPolls));
    env.put(Vars.LOCK_LEASE_SECONDS, Integer.toString(safety.lockLeaseMinutes() * 60));
    env.put(Vars.BUDGET_MAX_ATTEMPTS, Integer.toString(safety.budget().maxAttempts()));
    env.put(Vars.BUDGET_WINDOW_SECONDS, Integer.toString(safety.budget().windowHours() * 3600));
    return Collections.unmodifiableMap(env);
  }

  // ---- validation --------------------------------------------------------------------------------------------------

  /** Reads one environment, collecting every problem before failing. */
  private static final class Reader {
    private final String env;
    private final JsonNode root;
    private final List<String> problems = new ArrayList<>();

    Reader(String env, JsonNode root) {
      this.env = env;
      this.root = root;
    }

    EnvironmentConfig read() {
      if (!ENV_NAME.matcher(env).matches() || env.length() > ENV_NAME_MAX) {
        problems.add("the environment name must be lower-case letters, digits and single hyphens, starting with a "
            + "letter, at most " + ENV_NAME_MAX + " characters (it prefixes every resource name)");
      }
      if (!root.isObject()) {
        throw new InvalidConfigException("Environment '" + env + "' in cdk.json must be a JSON object");
      }
      unknownFields(root, "", FIELDS);
      String account = optionalText(root, "account", ACCOUNT, "a 12-digit AWS account id as a string");
      String region = text(root, "region", REGION, "an AWS region such as us-east-1");
      boolean dryRun = bool(root, "dryRun");

      JsonNode db = object(root, "database");
      Database database = db == null ? null : new Database(
          text(db, "database.instanceId", DB_INSTANCE_ID, "an RDS instance identifier of at most "
              + DB_INSTANCE_ID_MAX + " characters (room for the '-recovery' suffix)", DB_INSTANCE_ID_MAX),
          secretName(db, "database.secretId"),
          text(db, "database.instanceClass", DB_INSTANCE_CLASS, "an RDS instance class such as db.t3.medium"),
          text(db, "database.subnetGroup", RDS_NAME, "a DB subnet group name"),
          list(db, "database.securityGroups", SECURITY_GROUP, "VPC security group ids (sg-...)", false));

      Ecs ecs = ecs(region);
      Redis redis = redis(database);

      JsonNode notifications = object(root, "notifications");
      List<String> emails = notifications == null ? null
          : list(notifications, "notifications.emails", EMAIL, "e-mail addresses", true);

      Map<String, String> routes = alarmRoutes();
      String healthUrl = healthUrl();
      int pollSeconds = positive(root, "pollSeconds");
      int maxPolls = positive(root, "maxPolls");
      boolean verifyDbConnect = bool(root, "verifyDbConnect");
      Vpc vpc = vpc();
      if (verifyDbConnect && !root.has("vpc")) {
        problems.add("verifyDbConnect is true but no vpc is configured: the Verify function would have no network "
            + "path to the database (set vpc, or verifyDbConnect false)");
      }
      int retention = retention();
      Safety safety = safety();
      Drills drills = drills(ecs, redis);

      if (!problems.isEmpty()) {
        throw new InvalidConfigException("Invalid environment '" + env + "' in cdk.json:\n  - "
            + String.join("\n  - ", problems));
      }
      return new EnvironmentConfig(env, account, region, dryRun, database, ecs, redis, emails, routes, healthUrl,
          pollSeconds, maxPolls, verifyDbConnect, vpc, retention, safety, drills);
    }

    /** The optional {@code drills} section: each test it names is scheduled, the others stay off. */
    private Drills drills(Ecs ecs, Redis redis) {
      JsonNode node = root.get("drills");
      if (node == null || node.isNull()) {
        return Drills.OFF;
      }
      if (!node.isObject()) {
        problems.add("drills must be an object {databaseRestoreTest, redisRecoveryTest, ecsRecoveryTest}");
        return Drills.OFF;
      }
      unknownFields(node, "drills.", DRILL_FIELDS);
      String database = schedule(node, "drills.databaseRestoreTest");
      String redisTest = schedule(node, "drills.redisRecoveryTest");
      if (redisTest != null && redis == null) {
        problems.add("drills.redisRecoveryTest is set but no redis is configured");
      }
      String ecsTest = null;
      String service = null;
      JsonNode ecsNode = node.get("ecsRecoveryTest");
      if (ecsNode != null && !ecsNode.isNull()) {
        if (!ecsNode.isObject()) {
          problems.add("drills.ecsRecoveryTest must be an object {schedule, service}");
        } else {
          unknownFields(ecsNode, "drills.ecsRecoveryTest.", ECS_DRILL_FIELDS);
          ecsTest = schedule(ecsNode, "drills.ecsRecoveryTest.schedule");
          if (ecsTest == null && !ecsNode.has("schedule")) {
            problems.add("drills.ecsRecoveryTest.schedule is missing (an EventBridge cron(...) or rate(...))");
          }
          service = text(ecsNode, "drills.ecsRecoveryTest.service", ECS_NAME, "an ECS service name");
          if (service != null && ecs != null && !ecs.services().contains(service)) {
            problems.add("drills.ecsRecoveryTest.service '" + service + "' is not one of ecs.services "
                + ecs.services() + ": the weekly test recovers a protected (non-production) service");
          }
        }
      }
      return new Drills(database, redisTest, ecsTest, service);
    }

    /** An EventBridge schedule expression at {@code path}, or null when absent. */
    private String schedule(JsonNode parent, String path) {
      JsonNode node = parent.get(leaf(path));
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isTextual() || !SCHEDULE.matcher(node.asText()).matches()) {
        problems.add(path + " must be an EventBridge schedule expression like cron(0 3 1 * ? *) or rate(7 days), "
            + "got " + node);
        return null;
      }
      return node.asText();
    }

    /** The {@code ecs} section; the Scenario 3 settings are optional and take the functions' defaults. */
    private Ecs ecs(String region) {
      JsonNode node = object(root, "ecs");
      if (node == null) {
        return null;
      }
      unknownFields(node, "ecs.", ECS_FIELDS);
      String cluster = text(node, "ecs.cluster", ECS_NAME, "an ECS cluster name");
      List<String> services = list(node, "ecs.services", ECS_NAME, "ECS service names", false);
      Map<String, String> targetGroups = new LinkedHashMap<>();
      JsonNode groups = optionalObject(node, "ecs.targetGroups", "service name -> target group name or ARN");
      if (groups != null) {
        groups.fields().forEachRemaining(f -> {
          String path = "ecs.targetGroups." + f.getKey();
          String problem = targetGroupProblem(services, region, path, f.getKey(),
              f.getValue().isTextual() ? f.getValue().asText() : null);
          if (problem != null) {
            problems.add(problem);
          } else {
            targetGroups.put(f.getKey(), f.getValue().asText());
          }
        });
      }
      Map<String, Integer> desiredCounts = new LinkedHashMap<>();
      JsonNode counts = optionalObject(node, "ecs.desiredCounts", "service name -> desired task count");
      if (counts != null) {
        counts.fields().forEachRemaining(f -> {
          String path = "ecs.desiredCounts." + f.getKey();
          if (!services.contains(f.getKey())) {
            problems.add(path + ": '" + f.getKey() + "' is not one of ecs.services " + services);
          } else if (!isInteger(f.getValue()) || f.getValue().asLong() < 1 || f.getValue().asLong() > MAX_TASKS) {
            problems.add(path + " must be a task count from 1 to " + MAX_TASKS + ", got " + f.getValue());
          } else {
            desiredCounts.put(f.getKey(), f.getValue().asInt());
          }
        });
      }
      int stablePolls = optionalPositive(node, "ecs.stablePolls", Ecs.DEFAULT_STABLE_POLLS, MAX_POLLS);
      String logGroupPrefix = node.has("logGroupPrefix")
          ? text(node, "ecs.logGroupPrefix", LOG_GROUP_PREFIX, "a CloudWatch Logs group name prefix such as /ecs/")
          : Ecs.DEFAULT_LOG_GROUP_PREFIX;
      return new Ecs(cluster, services, targetGroups, desiredCounts, stablePolls,
          logGroupPrefix == null ? Ecs.DEFAULT_LOG_GROUP_PREFIX : logGroupPrefix);
    }

    /** The optional {@code redis} section: absent, the environment has no Redis to recover. */
    private Redis redis(Database database) {
      JsonNode node = root.get("redis");
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isObject()) {
        problems.add("redis must be an object {clusterId, secretId, nodeType, subnetGroup, securityGroups, "
            + "verifyConnect}");
        return null;
      }
      unknownFields(node, "redis.", REDIS_FIELDS);
      String secretId = secretName(node, "redis.secretId");
      if (secretId != null && database != null && secretId.equals(database.secretId())) {
        problems.add("redis.secretId must not be the database's secret '" + secretId + "': each recovery repoints "
            + "its own URL");
      }
      boolean verifyConnect = bool(node, "redis.verifyConnect");
      if (verifyConnect && !root.has("vpc")) {
        problems.add("redis.verifyConnect is true but no vpc is configured: the Verify function would have no "
            + "network path to the cache (set vpc, or redis.verifyConnect false)");
      }
      return new Redis(
          text(node, "redis.clusterId", CACHE_CLUSTER_ID, "an ElastiCache cluster id: lower-case letters, digits "
              + "and single hyphens, starting with a letter, at most " + CACHE_CLUSTER_ID_MAX + " characters (room "
              + "for the '-recovery' suffix)", CACHE_CLUSTER_ID_MAX),
          secretId,
          text(node, "redis.nodeType", CACHE_NODE_TYPE, "an ElastiCache node type such as cache.t3.medium"),
          text(node, "redis.subnetGroup", CACHE_SUBNET_GROUP, "a cache subnet group name (lower-case letters, "
              + "digits and single hyphens)", CACHE_SUBNET_GROUP_MAX),
          list(node, "redis.securityGroups", SECURITY_GROUP, "VPC security group ids (sg-...)", false),
          verifyConnect);
    }

    /** The object at {@code path}, or null when absent (not a problem) or not an object (reported). */
    private JsonNode optionalObject(JsonNode parent, String path, String what) {
      JsonNode node = parent.get(leaf(path));
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isObject()) {
        problems.add(path + " must be an object of " + what + ", got " + node);
        return null;
      }
      return node;
    }

    /** The optional {@code safety} section; every field it leaves out takes its default. */
    private Safety safety() {
      JsonNode node = root.get("safety");
      if (node == null || node.isNull()) {
        return Safety.DEFAULTS;
      }
      if (!node.isObject()) {
        problems.add("safety must be an object {approvalSteps, approvalTimeoutMinutes, budget, lockLeaseMinutes}");
        return Safety.DEFAULTS;
      }
      unknownFields(node, "safety.", SAFETY_FIELDS);
      Safety d = Safety.DEFAULTS;
      List<String> steps = node.has("approvalSteps") ? list(node, "safety.approvalSteps", GATEABLE,
          "gate-able step names, one of " + Safety.GATEABLE_STEPS, true) : d.approvalSteps();
      int timeout = optionalPositive(node, "safety.approvalTimeoutMinutes", d.approvalTimeoutMinutes(), MAX_MINUTES);
      Budget budget = d.budget();
      JsonNode budgetNode = node.get("budget");
      if (budgetNode != null && !budgetNode.isNull()) {
        if (!budgetNode.isObject()) {
          problems.add("safety.budget must be an object {maxAttempts, windowHours}");
        } else {
          unknownFields(budgetNode, "safety.budget.", BUDGET_FIELDS);
          budget = new Budget(
              optionalPositive(budgetNode, "safety.budget.maxAttempts", d.budget().maxAttempts(), Integer.MAX_VALUE),
              optionalPositive(budgetNode, "safety.budget.windowHours", d.budget().windowHours(), MAX_HOURS));
        }
      }
      int lease = optionalPositive(node, "safety.lockLeaseMinutes", d.lockLeaseMinutes(), MAX_MINUTES);
      return new Safety(steps, timeout, budget, lease);
    }

    private void unknownFields(JsonNode node, String prefix, Set<String> known) {
      node.fieldNames().forEachRemaining(f -> {
        if (!known.contains(f)) {
          problems.add("unknown field '" + prefix + f + "' (known: " + new TreeSet<>(known) + ")");
        }
      });
    }

    private String secretName(JsonNode parent, String path) {
      if (parent.path(leaf(path)).asText("").startsWith("arn:")) {
        problems.add(path + " must be the secret's name, not its ARN (IAM is scoped to name-??????)");
        return null;
      }
      return text(parent, path, SECRET_NAME, "a Secrets Manager secret name");
    }

    private Map<String, String> alarmRoutes() {
      Map<String, String> routes = new LinkedHashMap<>();
      JsonNode node = root.get("alarmRoutes");
      if (node == null || node.isNull()) {
        problems.add("alarmRoutes is missing (use {} for none)");
        return routes;
      }
      if (!node.isObject()) {
        problems.add("alarmRoutes must be an object of alarm name -> scenario id");
        return routes;
      }
      node.fields().forEachRemaining(route -> {
        String field = "alarmRoutes." + route.getKey();
        if (route.getKey().isBlank()) {
          problems.add("alarmRoutes has an empty alarm name");
        } else if (!route.getValue().isTextual()) {
          problems.add(field + " must be a scenario id string (one of " + Scenarios.ALL + ")");
        } else if (!Scenarios.ALL.contains(route.getValue().asText())) {
          problems.add(field + " names unknown scenario '" + route.getValue().asText() + "' (known: "
              + Scenarios.ALL + ")");
        } else {
          routes.put(route.getKey(), route.getValue().asText());
        }
      });
      return routes;
    }

    private String healthUrl() {
      JsonNode node = root.get("healthUrl");
      if (node == null || node.isNull()) {
        return null;
      }
      String problem = "healthUrl must be an https URL with a host, got " + node;
      if (!node.isTextual()) {
        problems.add(problem);
        return null;
      }
      try {
        URI uri = new URI(node.asText());
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
          problems.add(problem);
          return null;
        }
        return uri.toString();
      } catch (URISyntaxException e) {
        problems.add(problem);
        return null;
      }
    }

    private Vpc vpc() {
      JsonNode node = root.get("vpc");
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isObject()) {
        problems.add("vpc must be an object {subnetIds: [...], securityGroupIds: [...]}");
        return null;
      }
      return new Vpc(list(node, "vpc.subnetIds", SUBNET, "subnet ids (subnet-...)", false),
          list(node, "vpc.securityGroupIds", SECURITY_GROUP, "security group ids (sg-...)", false));
    }

    private int retention() {
      JsonNode node = root.get("logRetentionDays");
      String allowed = "one of " + RETENTION.keySet();
      if (node == null || node.isNull()) {
        problems.add("logRetentionDays is missing (" + allowed + ")");
        return 0;
      }
      if (!isInteger(node) || !RETENTION.containsKey(node.asInt())) {
        problems.add("logRetentionDays must be " + allowed + ", got " + node);
        return 0;
      }
      return node.asInt();
    }

    /** The object at {@code field}, or null (reported once, its fields are not) when it is missing. */
    private JsonNode object(JsonNode parent, String field) {
      JsonNode node = parent.get(field);
      if (node == null || !node.isObject()) {
        problems.add(field + (node == null ? " is missing" : " must be an object"));
        return null;
      }
      return node;
    }

    private String text(JsonNode parent, String path, Pattern pattern, String what) {
      return text(parent, path, pattern, what, Integer.MAX_VALUE);
    }

    private String text(JsonNode parent, String path, Pattern pattern, String what, int max) {
      JsonNode node = parent.get(leaf(path));
      if (node == null || node.isNull()) {
        problems.add(path + " is missing (" + what + ")");
        return null;
      }
      if (!node.isTextual() || !pattern.matcher(node.asText()).matches() || node.asText().length() > max) {
        problems.add(path + " must be " + what + ", got " + node);
        return null;
      }
      return node.asText();
    }

    private String optionalText(JsonNode parent, String path, Pattern pattern, String what) {
      JsonNode node = parent.get(leaf(path));
      return node == null || node.isNull() ? null : text(parent, path, pattern, what);
    }

    private List<String> list(JsonNode parent, String path, Pattern pattern, String what, boolean mayBeEmpty) {
      JsonNode node = parent.get(leaf(path));
      List<String> out = new ArrayList<>();
      if (node == null || !node.isArray()) {
        problems.add(path + (node == null ? " is missing" : " must be a list") + " (" + what + ")");
        return out;
      }
      if (node.isEmpty() && !mayBeEmpty) {
        problems.add(path + " must not be empty (" + what + ")");
      }
      for (JsonNode item : node) {
        if (!item.isTextual() || !pattern.matcher(item.asText()).matches()) {
          problems.add(path + " must hold " + what + ", got " + item);
        } else if (out.contains(item.asText())) {
          problems.add(path + " lists " + item + " twice");
        } else {
          out.add(item.asText());
        }
      }
      return out;
    }

    private boolean bool(JsonNode parent, String path) {
      JsonNode node = parent.get(leaf(path));
      if (node == null || !node.isBoolean()) {
        problems.add(path + (node == null ? " is missing" : " must be true or false, got " + node));
        return false;
      }
      return node.asBoolean();
    }

    private int positive(JsonNode parent, String path) {
      JsonNode node = parent.get(leaf(path));
      if (node == null || !isInteger(node) || node.asLong() < 1 || node.asLong() > Integer.MAX_VALUE) {
        problems.add(path + (node == null ? " is missing (an integer >= 1)" : " must be an integer >= 1, got "
            + node));
        return 0;
      }
      return node.asInt();
    }

    /** An integer in [1, max] at {@code path}, or {@code absent} when the field is not there. */
    private int optionalPositive(JsonNode parent, String path, int absent, int max) {
      JsonNode node = parent.get(leaf(path));
      if (node == null || node.isNull()) {
        return absent;
      }
      if (!isInteger(node) || node.asLong() < 1 || node.asLong() > max) {
        problems.add(path + " must be an integer from 1 to " + max + ", got " + node);
        return absent;
      }
      return node.asInt();
    }

    /** Integers may arrive as doubles (30.0) when the context passed through the CDK CLI. */
    private static boolean isInteger(JsonNode node) {
      return node.isIntegralNumber() || (node.isNumber() && node.asDouble() == Math.rint(node.asDouble()));
    }

    private static String leaf(String path) {
      return path.substring(path.lastIndexOf('.') + 1);
    }
  }

  private static Map<Integer, RetentionDays> retentionTable() {
    Map<Integer, RetentionDays> t = new TreeMap<>();
    t.put(1, RetentionDays.ONE_DAY);
    t.put(3, RetentionDays.THREE_DAYS);
    t.put(5, RetentionDays.FIVE_DAYS);
    t.put(7, RetentionDays.ONE_WEEK);
    t.put(14, RetentionDays.TWO_WEEKS);
    t.put(30, RetentionDays.ONE_MONTH);
    t.put(60, RetentionDays.TWO_MONTHS);
    t.put(90, RetentionDays.THREE_MONTHS);
    t.put(120, RetentionDays.FOUR_MONTHS);
    t.put(150, RetentionDays.FIVE_MONTHS);
    t.put(180, RetentionDays.SIX_MONTHS);
    t.put(365, RetentionDays.ONE_YEAR);
    t.put(400, RetentionDays.THIRTEEN_MONTHS);
    t.put(545, RetentionDays.EIGHTEEN_MONTHS);
    t.put(731, RetentionDays.TWO_YEARS);
    t.put(1096, RetentionDays.THREE_YEARS);
    t.put(1827, RetentionDays.FIVE_YEARS);
    t.put(2192, RetentionDays.SIX_YEARS);
    t.put(2557, RetentionDays.SEVEN_YEARS);
    t.put(2922, RetentionDays.EIGHT_YEARS);
    t.put(3288, RetentionDays.NINE_YEARS);
    t.put(3653, RetentionDays.TEN_YEARS);
    return Collections.unmodifiableMap(t);
  }
}
