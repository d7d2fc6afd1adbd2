package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheNode;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * The launcher's fixes and simulations (moto_launcher.py), through the AWS SDK over HTTP, as the step handlers see
 * them: ElastiCache answers with nodes, endpoints, security groups and snapshot times; an ECS revision whose image
 * cannot start never runs, and a good one runs and registers healthy targets.
 */
class SimulationsIT {
  private static final String CLUSTER = "sentinel-production";

  private static LocalCloud cloud;
  private static SdkHttpClient http;
  private static ElastiCacheClient elastiCache;
  private static EcsClient ecs;
  private static Ec2Client ec2;
  private static ElasticLoadBalancingV2Client elbv2;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(FunctionRegistry.of());
    http = UrlConnectionHttpClient.create();
    elastiCache = configure(ElastiCacheClient.builder()).build();
    ecs = configure(EcsClient.builder()).build();
    ec2 = configure(Ec2Client.builder()).build();
    elbv2 = configure(ElasticLoadBalancingV2Client.builder()).build();
  }

  private static <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    builder.region(Region.US_EAST_1).endpointOverride(URI.create(cloud.endpoint().toString()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    return builder;
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {elastiCache, ecs, ec2, elbv2, http, cloud}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  private static String vpc() {
    return ec2.describeVpcs(b -> b.filters(Filter.builder().name("is-default").values("true").build())).vpcs().get(0)
        .vpcId();
  }

  private static List<String> subnets() {
    return ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc()).build())).subnets()
        .stream().map(Subnet::subnetId).sorted().limit(2).toList();
  }

  private static CacheCluster describe(String id, boolean nodes) {
    return elastiCache.describeCacheClusters(b -> b.cacheClusterId(id).showCacheNodeInfo(nodes)).cacheClusters()
        .get(0);
  }

  @Test
  void cacheClustersAreCreatingThenAvailableWithOneNodeEndpointAndTheirSecurityGroups() throws Exception {
    String sg = ec2.createSecurityGroup(b -> b.groupName("cache-sg").description("cache").vpcId(vpc())).groupId();
    elastiCache.createCacheSubnetGroup(b -> b.cacheSubnetGroupName("cache-subnets")
        .cacheSubnetGroupDescription("cache").subnetIds(subnets()));
    CacheCluster created = elastiCache.createCacheCluster(b -> b.cacheClusterId("cache-a").engine("redis")
        .engineVersion("7.0").cacheNodeType("cache.r6g.large").numCacheNodes(1).cacheSubnetGroupName("cache-subnets")
        .securityGroupIds(sg).port(6380)).cacheCluster();
    assertEquals("creating", created.cacheClusterStatus());
    assertTrue(describe("cache-a", true).cacheNodes().isEmpty(), "no endpoint while creating");

    CacheCluster available = null;
    for (int i = 0; i < 50 && (available == null || !"available".equals(available.cacheClusterStatus())); i++) {
      Thread.sleep(100);
      available = describe("cache-a", true);
    }
    assertEquals("available", available.cacheClusterStatus());
    CacheNode node = available.cacheNodes().get(0);
    assertEquals("0001", node.cacheNodeId());
    assertEquals("available", node.cacheNodeStatus());
    assertTrue(node.endpoint().address().matches("cache-a\\.[a-z0-9]{6}\\.0001\\.use1\\.cache\\.amazonaws\\.com"),
        node.endpoint().address());
    assertEquals(6380, node.endpoint().port());
    assertEquals(List.of(sg), available.securityGroups().stream().map(g -> g.securityGroupId()).toList());
    assertEquals("cache.r6g.large", available.cacheNodeType());
    assertEquals("cache-subnets", available.cacheSubnetGroupName());
    // as in AWS, nodes only when asked for
    assertFalse(describe("cache-a", false).hasCacheNodes());

    elastiCache.createSnapshot(b -> b.cacheClusterId("cache-a").snapshotName("cache-a-old"));
    Instant dayAgo = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    cloud.setCacheSnapshotTime("cache-a-old", dayAgo);
    elastiCache.createSnapshot(b -> b.cacheClusterId("cache-a").snapshotName("cache-a-new"));
    Map<String, Instant> taken = elastiCache.describeSnapshots(b -> b.cacheClusterId("cache-a")).snapshots().stream()
        .collect(Collectors.toMap(s -> s.snapshotName(), s -> s.nodeSnapshots().get(0).snapshotCreateTime()));
    assertEquals(dayAgo, taken.get("cache-a-old"));
    assertTrue(Duration.between(taken.get("cache-a-new"), Instant.now()).abs().getSeconds() < 60, taken.toString());
  }

  private record Ecs(String tg, String good, String bad) {}

  private static Ecs platform(String service) throws Exception {
    String vpc = vpc();
    List<String> subnets = subnets();
    String sg = ec2.createSecurityGroup(b -> b.groupName(service + "-sg").description("tasks").vpcId(vpc)).groupId();
    if (ecs.describeClusters(b -> b.clusters(CLUSTER)).clusters().isEmpty()) {
      ecs.createCluster(b -> b.clusterName(CLUSTER));
    }
    String[] revisions = new String[2];
    for (int i = 0; i < 2; i++) {
      String image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + service + ":v" + (i + 1);
      revisions[i] = ecs.registerTaskDefinition(b -> b.family(service).networkMode(NetworkMode.AWSVPC)
          .requiresCompatibilities(Compatibility.FARGATE).cpu("512").memory("1024")
          .containerDefinitions(c -> c.name(service).image(image).memory(1024)
              .portMappings(p -> p.containerPort(8000)))).taskDefinition().taskDefinitionArn();
    }
    String reason = cloud.simulateImageCannotStart(revisions[1]);
    assertTrue(reason.startsWith("CannotPullContainerError") && reason.contains(service + ":v2"), reason);
    String tg = elbv2.createTargetGroup(b -> b.name(service).protocol("HTTP").port(8000).vpcId(vpc)
        .targetType(TargetTypeEnum.IP)).targetGroups().get(0).targetGroupArn();
    ecs.createService(b -> b.cluster(CLUSTER).serviceName(service).taskDefinition(revisions[0]).desiredCount(3)
        .launchType(LaunchType.FARGATE).loadBalancers(l -> l.targetGroupArn(tg).containerName(service)
            .containerPort(8000))
        .networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets(subnets).securityGroups(sg))));
    return new Ecs(tg, revisions[0], revisions[1]);
  }

  private static Service service(String name) {
    return ecs.describeServices(b -> b.cluster(CLUSTER).services(name)).services().get(0);
  }

  private static Map<String, Long> health(String tg) {
    return elbv2.describeTargetHealth(b -> b.targetGroupArn(tg)).targetHealthDescriptions().stream()
        .collect(Collectors.groupingBy(d -> d.targetHealth().stateAsString(), Collectors.counting()));
  }

  @Test
  void aRevisionWhoseImageCannotStartNeverRunsAndARollbackRunsAgain() throws Exception {
    Ecs p = platform("api");
    Service healthy = service("api");
    assertEquals(3, healthy.runningCount());
    assertEquals(1, healthy.deployments().size());
    assertEquals("COMPLETED", healthy.deployments().get(0).rolloutStateAsString());
    assertEquals(Map.of("healthy", 3L), health(p.tg()));

    // the bad release: new revision, fewer tasks
    ecs.updateService(b -> b.cluster(CLUSTER).service("api").taskDefinition("api:2").desiredCount(1));
    Service failing = service("api");
    assertEquals(p.bad(), failing.taskDefinition(), "the ARN, as AWS reports it");
    assertEquals(0, failing.runningCount());
    assertEquals(1, failing.desiredCount());
    Deployment primary = failing.deployments().get(0);
    assertEquals("PRIMARY", primary.status());
    assertEquals("IN_PROGRESS", primary.rolloutStateAsString());
    assertEquals(p.bad(), primary.taskDefinition());
    assertTrue(primary.failedTasks() >= 1);
    assertEquals(Map.of("unhealthy", 3L), health(p.tg()));
    TargetHealthDescription one = elbv2.describeTargetHealth(b -> b.targetGroupArn(p.tg())).targetHealthDescriptions()
        .get(0);
    assertEquals("Target.ResponseCodeMismatch", one.targetHealth().reasonAsString());

    // a forced deployment is a new deployment, and fails the same way
    ecs.updateService(b -> b.cluster(CLUSTER).service("api").forceNewDeployment(true));
    Service forced = service("api");
    assertNotEquals(primary.id(), forced.deployments().get(0).id());
    assertEquals(0, forced.runningCount());

    List<String> stopped = ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("api")
        .desiredStatus(DesiredStatus.STOPPED)).taskArns();
    assertEquals(2, stopped.size(), "one failed task per deployment of 1 task");
    for (Task t : ecs.describeTasks(b -> b.cluster(CLUSTER).tasks(stopped)).tasks()) {
      assertEquals("service:api", t.group());
      assertEquals("STOPPED", t.lastStatus());
      assertEquals("TaskFailedToStart", t.stopCodeAsString());
      assertTrue(t.stoppedReason().startsWith("CannotPullContainerError"), t.stoppedReason());
      assertTrue(t.stoppedAt() != null);
      assertEquals(p.bad(), t.taskDefinitionArn());
    }
    assertEquals(List.of(p.bad(), p.good()), ecs.listTaskDefinitions(b -> b.familyPrefix("api")
        .sort(SortOrder.DESC)).taskDefinitionArns());

    // back to the good revision: moto's normal answers
    ecs.updateService(b -> b.cluster(CLUSTER).service("api").taskDefinition(p.good()));
    Service back = service("api");
    assertEquals(1, back.runningCount());
    assertEquals(1, back.deployments().size());
    assertEquals("COMPLETED", back.deployments().get(0).rolloutStateAsString());
    assertEquals(Map.of("healthy", 1L), health(p.tg()));
    ecs.updateService(b -> b.cluster(CLUSTER).service("api").desiredCount(3));
    Service scaled = service("api");
    assertEquals(3, scaled.runningCount());
    assertEquals(back.deployments().get(0).id(), scaled.deployments().get(0).id(), "scaling is not a deployment");
    assertEquals(Map.of("healthy", 3L), health(p.tg()));
  }

  @Test
  void listTasksFiltersByServiceAndStopTaskSaysWhoStoppedIt() throws Exception {
    Ecs p = platform("worker");
    List<String> subnets = subnets();
    String sg = ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("group-name").values("worker-sg")
        .build())).securityGroups().get(0).groupId();
    Task task = ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition(p.good()).launchType(LaunchType.FARGATE)
        .group("service:worker").networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets(subnets)
            .securityGroups(sg)))).tasks().get(0);
    ecs.stopTask(b -> b.cluster(CLUSTER).task(task.taskArn()).reason("Scaling activity initiated by deployment"));
    Task stopped = ecs.describeTasks(b -> b.cluster(CLUSTER).tasks(task.taskArn())).tasks().get(0);
    assertEquals("UserInitiated", stopped.stopCodeAsString());
    assertEquals("Scaling activity initiated by deployment", stopped.stoppedReason());
    assertEquals(List.of(task.taskArn()), ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("worker")).taskArns());
    assertTrue(ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("nobody")).taskArns().isEmpty());
  }
}
