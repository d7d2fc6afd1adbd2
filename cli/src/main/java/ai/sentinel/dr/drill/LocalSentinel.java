package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.drill.database.LocalPostgres;
import ai.sentinel.dr.drill.redis.LocalRedis;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.localcloud.LocalCloud;
import ai.sentinel.dr.trigger.AlarmResponder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Sentinel platform and Sentinel DR, running on the local cloud: a throwaway PostgreSQL (the database behind
 * the fake RDS endpoints), moto behind our gateway, the CDK template "deployed" onto it, and the platform seeded as
 * the runbook describes it. Drills and integration tests start one, act on it over HTTP, and close it.
 */
public final class LocalSentinel implements AutoCloseable {
  /** The runbook's database alarm. */
  public static final String RDS_ALARM = "sentinel-rds-connections";
  /**
   * The running instance's class: deliberately not the config's fallback class, so a restore that copied the
   * original's settings can be told from one that fell back to the config.
   */
  public static final String ORIGINAL_CLASS = "db.r6g.large";
  /** The cache's alarm: CurrConnections of the protected cluster. */
  public static final String REDIS_ALARM = "sentinel-redis-connections";
  /** The running cache cluster's node type: not the config's fallback either, for the same reason. */
  public static final String ORIGINAL_CACHE_NODE_TYPE = "cache.r6g.large";

  public final LocalCloud cloud;
  public final LocalAws aws;
  public final LocalDeployment deployment;
  public final DrConfig config;
  public final SentinelSeed.Seeded seeded;
  private final LocalPostgres postgres;
  private final LocalRedis redis;
  private final Path workDir;

  private LocalSentinel(LocalCloud cloud, LocalAws aws, LocalDeployment deployment, DrConfig config,
      SentinelSeed.Seeded seeded, LocalPostgres postgres, LocalRedis redis, Path workDir) {
    this.cloud = cloud;
    this.aws = aws;
    this.deployment = deployment;
    this.config = config;
    this.seeded = seeded;
    this.postgres = postgres;
    this.redis = redis;
    this.workDir = workDir;
  }

  /**
   * Starts everything.
   *
   * @param template  the synthesized CDK template of the environment to run
   * @param overrides extra function environment (e.g. DRY_RUN=true for a dry-run drill)
   * @param workDir   where logs go (moto.log, functions.log)
   */
  public static LocalSentinel start(CloudTemplate template, Map<String, String> overrides, Path workDir)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    routeFunctionLogs(workDir.resolve("functions.log"));
    LocalPostgres postgres = LocalPostgres.binaries().isPresent() ? LocalPostgres.start() : null;
    LocalDeployment deployment = new LocalDeployment(template);
    LocalCloud cloud = null;
    LocalRedis redis = null;
    try {
      cloud = LocalCloud.start(deployment, workDir);
      LocalAws aws = new LocalAws(cloud.endpoint().toString());
      deployment.deployResources(aws);
      // the deployed configuration, as the responder function will read it
      String responder = deployment.functionFor(AlarmResponder.class);
      Map<String, String> deployedEnv = new LinkedHashMap<>(deployment.environmentOf(responder));
      deployedEnv.putAll(aws.functionEnvironment());
      DrConfig deployed = DrConfig.fromEnv(deployedEnv);
      String password = postgres != null ? postgres.password() : "local-only-password";
      SentinelSeed.Seeded seeded = SentinelSeed.seed(aws, cloud, new SentinelSeed.Spec(deployed,
          ORIGINAL_CLASS, ORIGINAL_CACHE_NODE_TYPE, RDS_ALARM, REDIS_ALARM, deployment.topicEndingWith("-alarms"),
          password, "sentinel"));
      Map<String, String> local = new LinkedHashMap<>();
      // what the environment config would name in a real account: the seeded security groups
      local.put(DrConfig.Vars.DB_SECURITY_GROUPS, String.join(",", seeded.dbSecurityGroups()));
      if (deployed.redisClusterId() != null) {
        local.put(DrConfig.Vars.REDIS_SECURITY_GROUPS, String.join(",", seeded.redisSecurityGroups()));
        // the recovered cluster's endpoint is not a real host: PING a local Redis standing in for it
        redis = LocalRedis.binary().isPresent() ? LocalRedis.start() : null;
        local.put(DrConfig.Vars.VERIFY_REDIS_CONNECT, String.valueOf(redis != null));
        if (redis != null) {
          local.put(DrConfig.Vars.REDIS_CONNECT_HOST, redis.address());
        }
      }
      if (postgres != null) {
        local.put(DrConfig.Vars.DB_CONNECT_HOST, postgres.address());
        local.put(DrConfig.Vars.VERIFY_DB_CONNECT, "true");
      } else {
        local.put(DrConfig.Vars.VERIFY_DB_CONNECT, "false");
      }
      local.putAll(overrides);
      deployment.registerFunctions(aws, local);
      deployedEnv.putAll(local);
      return new LocalSentinel(cloud, aws, deployment, DrConfig.fromEnv(deployedEnv), seeded, postgres, redis,
          workDir);
    } catch (RuntimeException | IOException | InterruptedException e) {
      if (cloud != null) {
        cloud.close();
      }
      if (redis != null) {
        redis.close();
      }
      if (postgres != null) {
        postgres.close();
      }
      throw e;
    }
  }

  /** Handler log lines go to a file: the terminal shows the drill, the file keeps the audit trail. */
  private static void routeFunctionLogs(Path file) throws IOException {
    PrintStream out = new PrintStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND), true, StandardCharsets.UTF_8);
    Log.setSink(out::println);
  }

  public boolean databaseReachable() {
    return postgres != null;
  }

  /** True when a local Redis answers for the recovered cache (PING verification runs for real). */
  public boolean cacheReachable() {
    return redis != null;
  }

  public Path workDir() {
    return workDir;
  }

  public Path functionLog() {
    return workDir.resolve("functions.log");
  }

  /** The database state machine's ARN. */
  public String stateMachine(String scenario) {
    return config.stateMachineFor(scenario);
  }

  @Override
  public void close() {
    try {
      aws.close();
    } finally {
      cloud.close();
      if (postgres != null) {
        postgres.close();
      }
      if (redis != null) {
        redis.close();
      }
    }
  }


}
