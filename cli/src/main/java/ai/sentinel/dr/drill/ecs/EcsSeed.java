package ai.sentinel.dr.drill.ecs;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.drill.LocalAws;
import ai.sentinel.dr.drill.SeedPart;
import ai.sentinel.dr.drill.SentinelSeed;
import ai.sentinel.dr.ecs.EcsSettings;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * Scenario 3's part of the platform: the ECS cluster with the API and Celery services (two task definition revisions
 * each: the runbook's rollback needs a previous one), the API's ALB target group and each service's log group. The
 * other scenarios' recoveries restart these services too.
 */
public final class EcsSeed implements SeedPart {
  /** The port the API container listens on (target group and load balancer mapping). */
  public static final int API_PORT = 8000;

  private String appSecurityGroup;
  private final Map<String, List<String>> taskDefinitions = new LinkedHashMap<>();
  private final Map<String, Integer> desiredCounts = new LinkedHashMap<>();
  private final Map<String, String> targetGroups = new LinkedHashMap<>();

  @Override
  public void seed(SentinelSeed platform) {
    DrConfig config = platform.config;
    LocalAws aws = platform.aws;
    String appSg = platform.securityGroup("sentinel-app-sg", "Sentinel ECS tasks");
    appSecurityGroup = appSg;
    aws.ecs.createCluster(b -> b.clusterName(EcsSettings.of(config).cluster()));
    List<String> services = EcsSettings.of(config).services();
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
                      EcsSettings.of(config).logGroupPrefix() + service, "awslogs-region", LocalAws.REGION.id(),
                      "awslogs-stream-prefix", "ecs")));
              if (api) {
                c.portMappings(p -> p.containerPort(API_PORT));
              }
            })).taskDefinition().taskDefinitionArn());
      }
      taskDefinitions.put(service, List.copyOf(revisions));
      String tgName = EcsSettings.of(config).targetGroups().get(service);
      if (tgName == null && api && EcsSettings.of(config).targetGroups().isEmpty()) {
        tgName = service; // the runbook's ALB fronts the API
      }
      List<LoadBalancer> loadBalancers = new ArrayList<>();
      if (tgName != null) {
        String name = tgName.startsWith("arn:") ? tgName.replaceAll(".*:targetgroup/([^/]+)/.*", "$1") : tgName;
        String tgArn = aws.elbv2.createTargetGroup(b -> b.name(name).protocol("HTTP").port(API_PORT)
            .vpcId(platform.vpcId).targetType(TargetTypeEnum.IP).healthCheckPath("/health")).targetGroups().get(0)
            .targetGroupArn();
        targetGroups.put(service, tgArn);
        loadBalancers.add(LoadBalancer.builder().targetGroupArn(tgArn).containerName(service)
            .containerPort(API_PORT).build());
      }
      Integer configured = EcsSettings.of(config).desiredCountOf(service);
      int desired = configured != null ? configured : api ? 2 : 1;
      desiredCounts.put(service, desired);
      // the launcher answers a service on a good revision as running its desired count, its targets registered
      aws.ecs.createService(b -> b.cluster(EcsSettings.of(config).cluster()).serviceName(service)
          .taskDefinition(revisions.get(0)).desiredCount(desired).launchType(LaunchType.FARGATE)
          .loadBalancers(loadBalancers)
          .networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets(platform.subnetIds)
              .securityGroups(appSg).assignPublicIp(AssignPublicIp.DISABLED))));
      logGroup(aws, EcsSettings.of(config).logGroupPrefix() + service, api);
    }
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

  /** Security group of the ECS tasks. */
  public String appSecurityGroup() {
    return appSecurityGroup;
  }

  /** Service to its family's revision ARNs, oldest first. */
  public Map<String, List<String>> taskDefinitions() {
    return taskDefinitions;
  }

  /** Service to the task count it runs healthy. */
  public Map<String, Integer> desiredCounts() {
    return desiredCounts;
  }

  /** Service to the ARN of its ALB target group (services behind the ALB only). */
  public Map<String, String> targetGroups() {
    return targetGroups;
  }
}
