package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.drill.database.LocalPostgres;
import ai.sentinel.dr.localcloud.LocalCloud;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Seeds the Sentinel platform as the runbook describes it into the local cloud, named as the environment config
 * names it: RDS {@code sentinel-db} (postgres, Multi-AZ) with automated and manual snapshots, its subnet group and
 * security groups, the database URL secret; ElastiCache {@code sentinel-redis} with an older and a newer snapshot and
 * the Redis URL secret; the ECS cluster with the API and Celery services (two task definition revisions each), the
 * API's ALB target group and each service's log group; the runbook's alarms. Every drill starts from this healthy
 * platform and injects its own failure.
 */
public final class SentinelSeed {
  /** The port the API container listens on (target group and load balancer mapping). */
  public static final int API_PORT = 8000;

  /**
   * What to seed beyond the environment config.
   *
   * @param config          the deployed configuration (names of everything protected)
   * @param dbInstanceClass the running instance's class
   * @param cacheNodeType   the running cache cluster's node type
   * @param rdsAlarm        the runbook's database alarm
   * @param redisAlarm      the cache's connections alarm
   * @param alarmTopicArn   where the alarms' actions go (may be null)
   * @param dbPassword      master password, also in the secret
   * @param dbName          database name in the secret
   */
  public record Spec(DrConfig config, String dbInstanceClass, String cacheNodeType, String rdsAlarm,
      String redisAlarm, String alarmTopicArn, String dbPassword, String dbName) {}

  /**
   * What was seeded, for the drill, the function environment and assertions.
   *
   * @param dbSecurityGroups    security groups of the database
   * @param appSecurityGroup    security group of the ECS tasks
   * @param subnetIds           default VPC subnets used
   * @param dbEndpoint          original endpoint address
   * @param manualSnapshotId    the manual snapshot taken after seeding
   * @param secretValue         the database secret's initial value (test assertions only; never printed)
   * @param redisSecurityGroups security groups of the cache cluster (empty without a Redis scenario)
   * @param redisEndpoint       the cache cluster's node endpoint address (null without a Redis scenario)
   * @param redisSnapshots      cache snapshot name to when it was taken, oldest first
   * @param redisSecretValue    the Redis secret's initial value (null without a Redis scenario)
   * @param taskDefinitions     service to its family's revision ARNs, oldest first
   * @param desiredCounts       service to the task count it runs healthy
   * @param targetGroups        service to the ARN of its ALB target group (services behind the ALB only)
   */
  public record Seeded(List<String> dbSecurityGroups, String appSecurityGroup, List<String> subnetIds,
      String dbEndpoint, String manualSnapshotId, String secretValue, List<String> redisSecurityGroups,
      String redisEndpoint, Map<String, Instant> redisSnapshots, String redisSecretValue,
      Map<String, List<String>> taskDefinitions, Map<String, Integer> desiredCounts,
      Map<String, String> targetGroups) {}

  private SentinelSeed() {}

  public static Seeded seed(LocalAws aws, LocalCloud cloud, Spec spec) throws IOException, InterruptedException {
    DrConfig config = spec.config();
    String vpcId = aws.ec2.describeVpcs(b -> b.filters(Filter.builder().name("is-default").values("true").build()))
        .vpcs().get(0).vpcId();
    List<String> subnets = aws.ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpcId)
        .build())).subnets().stream().map(Subnet::subnetId).sorted().limit(2).toList();
    String appSg = aws.ec2.createSecurityGroup(b -> b.groupName("sentinel-app-sg").vpcId(vpcId)
        .description("Sentinel ECS tasks")).groupId();

    // the cache first: ElastiCache takes a moment to create it, the rest of the seeding is that moment
    String redisSg = null;
    if (config.redisClusterId() != null) {
      redisSg = aws.ec2.createSecurityGroup(b -> b.groupName(config.redisClusterId() + "-sg").vpcId(vpcId)
          .description("Sentinel Redis")).groupId();
      String subnetGroup = config.redisSubnetGroup() != null ? config.redisSubnetGroup() : "sentinel-redis-subnet";
      aws.elastiCache.createCacheSubnetGroup(b -> b.cacheSubnetGroupName(subnetGroup)
          .cacheSubnetGroupDescription("Sentinel Redis subnets").subnetIds(subnets));
      String sg = redisSg;
      aws.elastiCache.createCacheCluster(b -> b.cacheClusterId(config.redisClusterId()).engine("redis")
          .engineVersion("7.0").cacheNodeType(spec.cacheNodeType()).numCacheNodes(1).port(6379)
          .cacheSubnetGroupName(subnetGroup).securityGroupIds(sg).snapshotRetentionLimit(7)
          .preferredAvailabilityZone(LocalAws.REGION.id() + "a"));
    }

    // database
    String dbSg = aws.ec2.createSecurityGroup(b -> b.groupName(config.dbInstanceId() + "-sg").vpcId(vpcId)
        .description("Sentinel database")).groupId();
    aws.rds.createDBSubnetGroup(b -> b.dbSubnetGroupName(config.dbSubnetGroup())
        .dbSubnetGroupDescription("Sentinel database subnets").subnetIds(subnets));
    DBInstance db = aws.rds.createDBInstance(b -> b.dbInstanceIdentifier(config.dbInstanceId()).engine("postgres")
        .engineVersion("15.4").dbInstanceClass(spec.dbInstanceClass()).allocatedStorage(20)
        .masterUsername(LocalPostgres.USER).masterUserPassword(spec.dbPassword()).dbName(spec.dbName())
        .multiAZ(true).availabilityZone(LocalAws.REGION.id() + "a").dbSubnetGroupName(config.dbSubnetGroup())
        .vpcSecurityGroupIds(dbSg).publiclyAccessible(false).backupRetentionPeriod(7)).dbInstance();
    String manual = config.dbInstanceId() + "-manual-" + Instant.now().getEpochSecond();
    aws.rds.createDBSnapshot(b -> b.dbInstanceIdentifier(config.dbInstanceId()).dbSnapshotIdentifier(manual));
    String endpoint = db.endpoint().address();
    String secret = "postgresql://" + LocalPostgres.USER + ":" + spec.dbPassword() + "@" + endpoint + ":"
        + db.endpoint().port() + "/" + spec.dbName();
    aws.secrets.createSecret(b -> b.name(config.dbSecretId()).secretString(secret));
    alarm(aws, spec, spec.rdsAlarm(), "AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier",
        config.dbInstanceId());

    // ECS: two revisions per family (the runbook's rollback needs a previous one), the services on the first
    aws.ecs.createCluster(b -> b.clusterName(config.ecsCluster()));
    Map<String, List<String>> taskDefinitions = new LinkedHashMap<>();
    Map<String, Integer> desiredCounts = new LinkedHashMap<>();
    Map<String, String> targetGroups = new LinkedHashMap<>();
    List<String> services = config.ecsServices();
    for (int i = 0; i < services.size(); i++) {
      String service = services.get(i);
      boolean api = i == 0;
      List<String> revisions = new ArrayList<>();
      for (int revision = 1; revision <= 2; revision++) {
        String image = LocalAws.ACCOUNT + ".dkr.ecr." + LocalAws.REGION.id() + ".amazonaws.com/" + service + ":v"
            + revision;
        revisions.add(aws.ecs.registerTaskDefinition(b -> b.family(service).networkMode(NetworkMode.AWSVPC)
            .requiresCompatibilities(Compatibility.FARGATE).cpu("512").memory("1024")
            .containerDefinitions(c -> {
              c.name(service).image(image).memory(1024).essential(true)
                  .logConfiguration(l -> l.logDriver("awslogs").options(Map.of("awslogs-group",
                      config.ecsLogGroupPrefix() + service, "awslogs-region", LocalAws.REGION.id(),
                      "awslogs-stream-prefix", "ecs")));
              if (api) {
                c.portMappings(p -> p.containerPort(API_PORT));
              }
            })).taskDefinition().taskDefinitionArn());
      }
      taskDefinitions.put(service, List.copyOf(revisions));
      String tgName = config.ecsTargetGroups().get(service);
      if (tgName == null && api && config.ecsTargetGroups().isEmpty()) {
        tgName = service; // the runbook's ALB fronts the API
      }
      List<LoadBalancer> loadBalancers = new ArrayList<>();
      if (tgName != null) {
        String name = tgName.startsWith("arn:") ? tgName.replaceAll(".*:targetgroup/([^/]+)/.*", "$1") : tgName;
        String tgArn = aws.elbv2.createTargetGroup(b -> b.name(name).protocol("HTTP").port(API_PORT).vpcId(vpcId)
            .targetType(TargetTypeEnum.IP).healthCheckPath("/health")).targetGroups().get(0).targetGroupArn();
        targetGroups.put(service, tgArn);
        loadBalancers.add(LoadBalancer.builder().targetGroupArn(tgArn).containerName(service)
            .containerPort(API_PORT).build());
      }
      Integer configured = config.desiredCountOf(service);
      int desired = configured != null ? configured : api ? 2 : 1;
      desiredCounts.put(service, desired);
      // the launcher answers a service on a good revision as running its desired count, its targets registered
      aws.ecs.createService(b -> b.cluster(config.ecsCluster()).serviceName(service)
          .taskDefinition(revisions.get(0)).desiredCount(desired).launchType(LaunchType.FARGATE)
          .loadBalancers(loadBalancers)
          .networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets(subnets).securityGroups(appSg)
              .assignPublicIp(AssignPublicIp.DISABLED))));
      logGroup(aws, config.ecsLogGroupPrefix() + service, api);
    }

    // the cache's history and secret, once it is available
    String redisEndpoint = null;
    String redisSecret = null;
    Map<String, Instant> redisSnapshots = new LinkedHashMap<>();
    if (config.redisClusterId() != null) {
      String id = config.redisClusterId();
      // yesterday's daily backup (its time set: no API takes a snapshot in the past), and one taken now: the
      // newest, whose age is the recovery point a restore achieves
      Instant yesterday = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
      String older = id + "-daily-" + yesterday.toString().substring(0, 10);
      aws.elastiCache.createSnapshot(b -> b.cacheClusterId(id).snapshotName(older));
      cloud.setCacheSnapshotTime(older, yesterday);
      redisSnapshots.put(older, yesterday);
      String newer = id + "-manual-" + Instant.now().getEpochSecond();
      Instant taken = aws.elastiCache.createSnapshot(b -> b.cacheClusterId(id).snapshotName(newer)).snapshot()
          .nodeSnapshots().get(0).snapshotCreateTime();
      redisSnapshots.put(newer, taken);
      CacheCluster cluster = awaitAvailable(aws, id);
      redisEndpoint = cluster.cacheNodes().get(0).endpoint().address();
      redisSecret = "redis://" + redisEndpoint + ":" + cluster.cacheNodes().get(0).endpoint().port() + "/0";
      String value = redisSecret;
      aws.secrets.createSecret(b -> b.name(config.redisSecretId()).secretString(value));
      alarm(aws, spec, spec.redisAlarm(), "AWS/ElastiCache", "CurrConnections", "CacheClusterId", id);
    }
    return new Seeded(List.of(dbSg), appSg, subnets, endpoint, manual, secret,
        redisSg == null ? List.of() : List.of(redisSg), redisEndpoint, redisSnapshots, redisSecret,
        taskDefinitions, desiredCounts, targetGroups);
  }

  private static CacheCluster awaitAvailable(LocalAws aws, String id) throws InterruptedException {
    long until = System.nanoTime() + 30_000_000_000L;
    while (true) {
      CacheCluster c = aws.elastiCache.describeCacheClusters(b -> b.cacheClusterId(id).showCacheNodeInfo(true))
          .cacheClusters().get(0);
      if ("available".equals(c.cacheClusterStatus()) && c.hasCacheNodes() && !c.cacheNodes().isEmpty()) {
        return c;
      }
      if (System.nanoTime() > until) {
        throw new IllegalStateException("seeded cache cluster " + id + " not available: " + c.cacheClusterStatus());
      }
      Thread.sleep(100);
    }
  }

  /** An alarm on a connections metric (0 connections = nobody can reach it), with a healthy datapoint. */
  private static void alarm(LocalAws aws, Spec spec, String name, String namespace, String metric, String dimension,
      String value) {
    Dimension d = Dimension.builder().name(dimension).value(value).build();
    aws.cloudWatch.putMetricAlarm(b -> {
      b.alarmName(name).alarmDescription(metric + " on " + value).namespace(namespace).metricName(metric)
          .dimensions(d).statistic(Statistic.AVERAGE).period(300).evaluationPeriods(1).threshold(0.0)
          .comparisonOperator(ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD).treatMissingData("breaching");
      if (spec.alarmTopicArn() != null) {
        b.alarmActions(spec.alarmTopicArn());
      }
    });
    aws.cloudWatch.putMetricData(b -> b.namespace(namespace).metricData(m -> m.metricName(metric).dimensions(d)
        .value(42.0).unit(StandardUnit.COUNT).timestamp(Instant.now().minusSeconds(600))));
  }

  /** The service's log group with what its tasks logged in the last half hour. */
  private static void logGroup(LocalAws aws, String group, boolean api) {
    aws.logs.createLogGroup(b -> b.logGroupName(group));
    String stream = "ecs/" + group.substring(group.lastIndexOf('/') + 1) + "/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    aws.logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
    List<String> lines = api
        ? List.of("[INFO] Starting gunicorn 21.2.0", "[INFO] Listening at: http://0.0.0.0:8000",
            "[INFO] Booting worker with pid: 7", "GET /health 200 2ms", "POST /api/v1/scans 202 41ms",
            "GET /health 200 1ms")
        : List.of("[INFO] celery@worker ready.", "[INFO] Connected to the broker",
            "[INFO] Task sentinel.scans.run[4f1c] received", "[INFO] Task sentinel.scans.run[4f1c] succeeded in 3.2s");
    long start = Instant.now().minus(30, ChronoUnit.MINUTES).toEpochMilli();
    List<InputLogEvent> events = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      events.add(InputLogEvent.builder().timestamp(start + i * 60_000L).message(lines.get(i)).build());
    }
    aws.logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events));
  }
}
