package ai.sentinel.dr.drill.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.drill.LocalAws;
import ai.sentinel.dr.drill.LocalDeployment;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.infra.SentinelDrApp;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.localcloud.LocalCloud;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.region.CheckPrimaryHealth;
import ai.sentinel.dr.region.CheckTraffic;
import ai.sentinel.dr.region.ChooseCopy;
import ai.sentinel.dr.region.ConfirmPrimaryDown;
import ai.sentinel.dr.region.CopySnapshots;
import ai.sentinel.dr.region.DecommissionDr;
import ai.sentinel.dr.region.FailbackState;
import ai.sentinel.dr.region.FenceRecoveries;
import ai.sentinel.dr.region.RegionState;
import ai.sentinel.dr.region.ReplicateToPrimary;
import ai.sentinel.dr.region.RestartPrimaryServices;
import ai.sentinel.dr.region.RestoreCloudFrontOrigin;
import ai.sentinel.dr.region.RestoreInDrRegion;
import ai.sentinel.dr.region.RestorePrimary;
import ai.sentinel.dr.region.ScaleUpDrServices;
import ai.sentinel.dr.region.ShiftTraffic;
import ai.sentinel.dr.region.SwitchCloudFront;
import ai.sentinel.dr.region.SwitchDns;
import ai.sentinel.dr.region.UpdateDrSecret;
import ai.sentinel.dr.region.UpdatePrimarySecret;
import ai.sentinel.dr.region.VerifyDr;
import ai.sentinel.dr.region.VerifyFailback;
import ai.sentinel.dr.region.WaitForCloudFront;
import ai.sentinel.dr.region.WaitForDns;
import ai.sentinel.dr.region.WaitForDrInstance;
import ai.sentinel.dr.region.WaitForDrServices;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Scenario 4 on two regions of one local cloud (moto serves every region; the region is each request's signature):
 * the primary platform in us-east-1, the DR infrastructure in eu-west-1, a hosted zone and a CloudFront distribution.
 * Every step runs as Lambda runs it (the document as JSON in and out) with the DR stack's environment, and what it did
 * is read back from the cloud: the cross-region copy, a healthy primary judged healthy (no action), and the failover
 * after the gate moving database, secret, services, DNS and the CloudFront origin to eu-west-1, verified, with
 * nothing created in us-east-1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegionFailoverIT {
  static final String PRIMARY = "us-east-1";
  static final String DR = "eu-west-1";
  static final String PRIMARY_ALB = "sentinel-alb-1.us-east-1.elb.amazonaws.com";
  static final String DR_ALB = "sentinel-dr-alb-1.eu-west-1.elb.amazonaws.com";
  static final String RECORD = "api.sentinel.example.com";
  static final String PASSWORD = "local-Pa55word";
  private static LocalCloud cloud;
  private static HttpServer health;
  private static Clients primary;
  private static Clients dr;
  private static Map<String, String> env;
  private static String zoneId;
  private static String distributionId;
  private static final List<String> logs = new CopyOnWriteArrayList<>();
  private static final java.util.concurrent.atomic.AtomicReference<LocalDeployment> deployment =
      new java.util.concurrent.atomic.AtomicReference<>();
  private static Map<String, Object> section;

  @BeforeAll
  static void start() throws Exception {
    // the DR stack's functions, once deployed (the last test): the gateway runs them in process
    cloud = LocalCloud.start(name -> deployment.get() == null ? java.util.Optional.empty()
        : deployment.get().find(name));
    health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext("/health", x -> {
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    health.start();
    Map<String, String> base = new HashMap<>(Map.of("AWS_REGION", DR, "AWS_ENDPOINT_URL",
        cloud.endpoint().toString(), "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
    dr = new Clients(base);
    primary = dr.in(PRIMARY);
    seedPrimary();
    section = seedDr();
    env = new HashMap<>(base);
    env.put("SENTINEL_ENV", "dev");
    env.put("NOTIFY_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:dev-sentinel-dr-region-notifications");
    env.put("LOCK_TABLE", "dev-sentinel-dr-region-locks");
    env.put("POLL_SECONDS", "1");
    env.put("MAX_POLLS", "10");
    env.put("SETTINGS_DATABASE", "{\"instanceId\":\"sentinel-db\",\"secretId\":\"sentinel/database-url\","
        + "\"instanceClass\":\"db.t3.medium\",\"subnetGroup\":\"sentinel-db-subnet\",\"securityGroups\":[]}");
    env.put("SETTINGS_ECS", "{\"cluster\":\"sentinel-production\",\"services\":[\"sentinel-api\","
        + "\"sentinel-celery\"],\"targetGroups\":{}}");
    env.put("SETTINGS_DR", Json.write(section));
    Log.setSink(logs::add);
  }

  @AfterAll
  static void stop() {
    Log.setSink(System.out::println);
    if (health != null) {
      health.stop(0);
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  private static void seedPrimary() {
    primary.rds().createDBInstance(b -> b.dbInstanceIdentifier("sentinel-db").engine("postgres")
        .dbInstanceClass("db.t3.medium").masterUsername("sentinel").masterUserPassword(PASSWORD).allocatedStorage(20)
        .multiAZ(true));
    primary.rds().createDBSnapshot(b -> b.dbInstanceIdentifier("sentinel-db").dbSnapshotIdentifier(
        "sentinel-db-hourly"));
    table(primary, "dev-sentinel-dr-locks");
    primary.ecs().createCluster(b -> b.clusterName("sentinel-production"));
    primary.secrets().createSecret(b -> b.name("sentinel/database-url").secretString("postgresql://sentinel:"
        + PASSWORD + "@sentinel-db.primary.us-east-1.rds.amazonaws.com:5432/sentinel"));
    Ec2Client ec2 = ec2(software.amazon.awssdk.regions.Region.US_EAST_1);
    String vpc = ec2.describeVpcs(b -> b.filters(f -> f.name("isDefault").values("true"))).vpcs().get(0).vpcId();
    List<String> subnets = ec2.describeSubnets(b -> b.filters(f -> f.name("vpc-id").values(vpc))).subnets().stream()
        .map(s -> s.subnetId()).limit(2).toList();
    String sg = ec2.createSecurityGroup(b -> b.groupName("sentinel-app").description("tasks").vpcId(vpc)).groupId();
    primary.rds().createDBSubnetGroup(b -> b.dbSubnetGroupName("sentinel-db-subnet").dbSubnetGroupDescription("db")
        .subnetIds(subnets));
    for (String service : List.of("sentinel-api", "sentinel-celery")) {
      primary.ecs().registerTaskDefinition(b -> b.family(service).networkMode(NetworkMode.AWSVPC)
          .requiresCompatibilities(Compatibility.FARGATE).cpu("512").memory("1024").containerDefinitions(c -> c
              .name(service).image("123456789012.dkr.ecr.us-east-1.amazonaws.com/" + service + ":v1").memory(1024)
              .essential(true)));
      primary.ecs().createService(b -> b.cluster("sentinel-production").serviceName(service).taskDefinition(service)
          .desiredCount(2).launchType("FARGATE").networkConfiguration(n -> n.awsvpcConfiguration(a -> a
              .subnets(subnets).securityGroups(sg))));
    }
  }

  private static Ec2Client ec2(software.amazon.awssdk.regions.Region region) {
    return Ec2Client.builder().region(region).endpointOverride(cloud.endpoint()).credentialsProvider(() ->
        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test"))
        .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
  }

  private static void table(Clients in, String name) {
    in.dynamoDb().createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
  }

  /**
   * A KMS call signed for {@code region} (the cli has no KMS module; one JSON call each is all the seed needs): moto
   * checks the copy's KmsKeyId exists, as AWS does.
   */
  private static String kms(String region, String target, String body) throws Exception {
    var unsigned = software.amazon.awssdk.http.SdkHttpFullRequest.builder()
        .method(software.amazon.awssdk.http.SdkHttpMethod.POST).uri(cloud.endpoint())
        .putHeader("Content-Type", "application/x-amz-json-1.1").putHeader("X-Amz-Target", "TrentService." + target)
        .build();
    var signed = software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.create().sign(r -> r
        .identity(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test")).request(unsigned)
        .payload(software.amazon.awssdk.http.ContentStreamProvider.fromUtf8String(body))
        .putProperty(software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kms")
        .putProperty(software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.REGION_NAME, region));
    var request = java.net.http.HttpRequest.newBuilder(cloud.endpoint())
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
    signed.request().headers().forEach((k, v) -> {
      if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
        v.forEach(x -> request.header(k, x));
      }
    });
    var response = java.net.http.HttpClient.newHttpClient().send(request.build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  /** The DR region's pre-provisioned infrastructure; returns the dr settings section naming it. */
  private static Map<String, Object> seedDr() throws Exception {
    String keyId = Json.tree(kms(DR, "CreateKey", "{\"Description\":\"sentinel-dr\"}")).path("KeyMetadata")
        .path("KeyId").asText();
    kms(DR, "CreateAlias", "{\"AliasName\":\"alias/sentinel-dr\",\"TargetKeyId\":\"" + keyId + "\"}");
    table(dr, "dev-sentinel-dr-region-locks");
    dr.secrets().createSecret(b -> b.name("sentinel/database-url").secretString("postgresql://sentinel:" + PASSWORD
        + "@sentinel-db.primary.us-east-1.rds.amazonaws.com:5432/sentinel"));
    Ec2Client ec2 = ec2(software.amazon.awssdk.regions.Region.EU_WEST_1);
    String vpc = ec2.describeVpcs(b -> b.filters(f -> f.name("isDefault").values("true"))).vpcs().get(0).vpcId();
    List<String> subnets = ec2.describeSubnets(b -> b.filters(f -> f.name("vpc-id").values(vpc))).subnets().stream()
        .map(s -> s.subnetId()).limit(2).toList();
    String sg = ec2.createSecurityGroup(b -> b.groupName("sentinel-dr-app").description("DR tasks").vpcId(vpc))
        .groupId();
    dr.rds().createDBSubnetGroup(b -> b.dbSubnetGroupName("sentinel-db-subnet-dr").dbSubnetGroupDescription("dr")
        .subnetIds(subnets));
    dr.ecs().createCluster(b -> b.clusterName("sentinel-dr"));
    for (String service : List.of("sentinel-api", "sentinel-celery")) {
      dr.ecs().registerTaskDefinition(b -> b.family(service).networkMode(NetworkMode.AWSVPC)
          .requiresCompatibilities(Compatibility.FARGATE).cpu("512").memory("1024").containerDefinitions(c -> {
            c.name(service).image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/" + service + ":v1").memory(1024)
                .essential(true);
            if (service.equals("sentinel-api")) {
              c.portMappings(p -> p.containerPort(8000));
            }
          }));
    }
    dr.elbv2().createTargetGroup(b -> b.name("sentinel-api-dr").protocol("HTTP").port(8000).vpcId(vpc)
        .targetType(TargetTypeEnum.IP).healthCheckPath("/health"));
    Route53Client route53 = dr.route53();
    zoneId = route53.createHostedZone(b -> b.name("sentinel.example.com").callerReference("it")).hostedZone().id()
        .replace("/hostedzone/", "");
    route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId).changeBatch(c -> c.changes(ch -> ch.action("CREATE")
        .resourceRecordSet(r -> r.name(RECORD).type("A").aliasTarget(a -> a.dnsName(PRIMARY_ALB)
            .hostedZoneId("Z35SXDOTRQ7X7K").evaluateTargetHealth(true))))));
    CloudFrontClient cf = dr.cloudFront();
    distributionId = cf.createDistribution(b -> b.distributionConfig(c -> c.callerReference("it").comment("sentinel")
        .enabled(true).origins(o -> o.quantity(1).items(i -> i.id("api").domainName(PRIMARY_ALB)
            .customOriginConfig(x -> x.httpPort(80).httpsPort(443).originProtocolPolicy("https-only"))))
        .defaultCacheBehavior(d -> d.targetOriginId("api").viewerProtocolPolicy("redirect-to-https")
            .minTTL(0L).forwardedValues(f -> f.queryString(false).cookies(k -> k.forward("none"))))))
        .distribution().id();
    Map<String, Object> section = new java.util.LinkedHashMap<>();
    section.put("primaryRegion", PRIMARY);
    section.put("sourceInstanceId", "sentinel-db");
    section.put("drRegion", DR);
    String up = "http://127.0.0.1:" + health.getAddress().getPort() + "/health";
    section.put("drHealthUrl", up);
    // the public /health of a region that is down: nothing listens there
    section.put("primaryHealthUrl", "http://127.0.0.1:1/health");
    section.put("database", Map.of("instanceId", "sentinel-db-dr", "instanceClass", "db.t3.medium", "subnetGroup",
        "sentinel-db-subnet-dr", "securityGroups", List.of(sg), "secretId", "sentinel/database-url", "kmsKeyId",
        "alias/sentinel-dr"));
    section.put("ecs", Map.of("cluster", "sentinel-dr", "services", List.of("sentinel-api", "sentinel-celery"),
        "subnets", subnets, "securityGroups", List.of(sg), "desiredCount", 2, "targetGroups",
        Map.of("sentinel-api", "sentinel-api-dr")));
    section.put("alb", Map.of("dnsName", DR_ALB, "hostedZoneId", "Z32O12XQLNTSW2"));
    section.put("dns", Map.of("hostedZoneId", zoneId, "recordNames", List.of(RECORD)));
    section.put("cloudFrontDistributionId", distributionId);
    section.put("rpoMinutes", 60);
    section.put("copiesToKeep", 2);
    Map<String, Object> failback = new java.util.LinkedHashMap<>();
    failback.put("primaryAlb", Map.of("dnsName", PRIMARY_ALB, "hostedZoneId", "Z35SXDOTRQ7X7K"));
    failback.put("healthUrl", up);
    failback.put("instanceId", "sentinel-db-failback");
    failback.put("trafficPercents", List.of(10, 50, 100));
    failback.put("soakSeconds", 1);
    failback.put("maxErrorRatePercent", 1.0);
    failback.put("primarySecretId", "sentinel/database-url");
    failback.put("primaryCluster", "sentinel-production");
    failback.put("primaryServices", List.of("sentinel-api", "sentinel-celery"));
    section.put("failback", failback);
    return section;
  }

  private static Deps deps() {
    return new Deps(DrConfig.fromEnv(env), dr, Clock.systemUTC());
  }

  /** Runs a step as Lambda does: the document as JSON bytes in and out. */
  private static Recovery run(Function<Deps, Step> step, Recovery in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    step.apply(deps()).handleRequest(new ByteArrayInputStream(Json.bytes(in)), out, null);
    return Json.read(out.toByteArray(), Recovery.class);
  }

  private static Recovery start(String name) {
    return Recovery.start("region-failure", PRIMARY, name, "dev", new Trigger("manual", "manual", name,
        java.time.Instant.now().toString(), "it"), new Options(null, "latest", null, false, 1, 10));
  }

  @Test
  @Order(1)
  void theScheduledCopyPutsTheNewestPrimarySnapshotIntoTheDrRegionOnce() {
    ObjectNode first = new CopySnapshots(deps()).run();
    assertEquals("requested", first.get("copied").asText(), first.toString());
    String copy = first.get("copy").asText();
    assertTrue(copy.startsWith("sentinel-db-cross-region-"), copy);
    assertEquals(1, dr.rds().describeDBSnapshots(b -> b.dbSnapshotIdentifier(copy)).dbSnapshots().size(),
        "the copy is in eu-west-1");
    assertTrue(first.get("newestCopyAgeSeconds").asLong() < 600, first.toString());
    assertTrue(logs.stream().anyMatch(l -> l.contains("\"CrossRegionSnapshotAge\"")), "the EMF age line");
    ObjectNode second = new CopySnapshots(deps()).run();
    assertTrue(second.get("copied").asText().startsWith("already"), second.toString());
  }

  @Test
  @Order(2)
  void aPrimaryThatAnswersIsNotFailedOverAndItsZonesAreReadWithTheSignedQueryCall() throws Exception {
    Recovery out = run(ConfirmPrimaryDown::new, start("region-failure-it-healthy"));
    RegionState.Confirmation c = out.part(RegionState.PART).confirmation();
    assertFalse(c.confirmed(), c.verdict());
    assertFalse(out.diagnosis().act(), "no action");
    RegionState.Evidence zones = c.evidence().get(0);
    assertEquals("availability-zones", zones.check());
    assertEquals(RegionState.Evidence.HEALTHY, zones.result(), zones.detail());
    assertEquals(RegionState.Evidence.HEALTHY, c.evidence().get(1).result(), "sentinel-db is available in moto");
    // moto has no AWS Health API: DescribeEvents is listed as not available and decides nothing
    RegionState.Evidence health = c.evidence().get(c.evidence().size() - 1);
    System.out.println("[aws-health, us-east-1 up] " + health);
    assertEquals("aws-health-api", health.check());
    assertEquals(RegionState.Evidence.NOT_AVAILABLE, health.result(), health.detail());
    assertTrue(c.verdict().contains("DescribeEvents not available"), c.verdict());
  }

  /**
   * The DR stack's template as synthesized for dev, "deployed" on the local cloud (its own resources in moto's
   * default region; every function names the platform's regions itself), and its state machine run as a dry-run on
   * moto's Step Functions engine: every state from AcquireLock to Report, the gate passed by the plan, every change
   * planned in eu-west-1 and none sent.
   */
  @Test
  @Order(3)
  void theFailoverStateMachineRunsOnTheLocalCloudAsADryRunPlanThatChangesNothing() throws Exception {
    EnvironmentConfig dev = EnvironmentConfig.fromCdkJson(RepoPaths.cdkJson(RepoPaths.root()), "dev");
    software.amazon.awscdk.App app = software.amazon.awscdk.App.Builder.create()
        .outdir(java.nio.file.Files.createTempDirectory("sentinel-cdk-").toString()).build();
    SentinelDrApp.build(app, dev, RepoPaths.lambdaJar(RepoPaths.root()));
    CloudTemplate template = CloudTemplate.parse(Json.write(app.synth().getStackByName("dev-sentinel-dr-region")
        .getTemplate()));
    LocalDeployment deployed = new LocalDeployment(template);
    try (LocalAws aws = new LocalAws(cloud.endpoint().toString())) {
      deployed.deployResources(aws);
      deployed.registerFunctions(aws, Map.of("SETTINGS_DR", Json.write(section), "DRY_RUN", "true"));
      deployment.set(deployed);
      String arn = deployed.stateMachines().get("dev-sentinel-dr-region-failure");
      String name = "region-failure-it-plan";
      Recovery input = Recovery.start("region-failure", PRIMARY, name, "dev", new Trigger("manual", "manual", name,
          java.time.Instant.now().toString(), "it"), new Options(null, "latest", null, true, 1, 10));
      String executionArn = aws.sfn.startExecution(b -> b.stateMachineArn(arn).name(name).input(Json.write(input)))
          .executionArn();
      var execution = aws.sfn.describeExecution(b -> b.executionArn(executionArn));
      for (int i = 0; i < 240 && execution.statusAsString().equals("RUNNING"); i++) {
        Thread.sleep(500);
        execution = aws.sfn.describeExecution(b -> b.executionArn(executionArn));
      }
      assertEquals("SUCCEEDED", execution.statusAsString(), execution.toString());
      Recovery out = Json.read(execution.output().getBytes(java.nio.charset.StandardCharsets.UTF_8),
          Recovery.class);
      List<String> planned = out.plan().stream().map(p -> p.api() + " " + p.target()).toList();
      assertTrue(planned.contains("RestoreDBInstanceFromDBSnapshot eu-west-1:sentinel-db-dr"), planned.toString());
      assertTrue(planned.contains("UpdateSecret eu-west-1:sentinel/database-url"), planned.toString());
      assertTrue(planned.stream().anyMatch(p -> p.startsWith("ChangeResourceRecordSets eu-west-1:" + zoneId)),
          planned.toString());
      assertTrue(planned.contains("UpdateDistribution eu-west-1:" + distributionId), planned.toString());
      assertTrue(planned.stream().allMatch(p -> p.split(" ")[1].startsWith("eu-west-1:")), planned.toString());
      assertTrue(dr.rds().describeDBInstances().dbInstances().stream()
          .noneMatch(i -> i.dbInstanceIdentifier().equals("sentinel-db-dr")), "a plan restores nothing");
      assertTrue(dr.route53().listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets().stream()
          .filter(x -> x.name().startsWith(RECORD)).allMatch(x -> x.aliasTarget() == null
              || x.aliasTarget().dnsName().startsWith(PRIMARY_ALB)), "DNS unchanged");
      System.out.println("[region-failover plan] " + out.timeline().stream().map(e -> e.step() + "/" + e.event())
          .toList());
    }
  }

  @Test
  @Order(4)
  void withThePrimaryRegionDownItIsConfirmedAndAfterTheGateTheFailoverMovesThePlatformToTheDrRegion()
      throws Exception {
    String name = "region-failure-it-failover";
    List<String> steps = new ArrayList<>();
    Recovery r;
    // us-east-1 taken down at the gateway (RegionOutage): every regional call signed for it goes unanswered
    cloud.setRegionDown(PRIMARY);
    try {
      r = run(ConfirmPrimaryDown::new, start(name));
      RegionState.Confirmation c = r.part(RegionState.PART).confirmation();
      assertTrue(c.confirmed(), c.verdict());
      assertTrue(r.diagnosis().act(), "the failover goes on to its gate");
      assertEquals(RegionState.Evidence.UNREACHABLE, c.evidence().get(0).result(), c.evidence().toString());
      RegionState.Evidence health = c.evidence().get(c.evidence().size() - 1);
      System.out.println("[aws-health, us-east-1 down] " + health);
      assertEquals(RegionState.Evidence.NOT_AVAILABLE, health.result(), health.detail());
      r = run(ChooseCopy::new, r);
      r = run(FenceRecoveries::new, r);
      assertEquals("unreachable", r.part(RegionState.PART).fence().primary(), "the primary's table is down too");
      r = run(RestoreInDrRegion::new, r);
      r = run(WaitForDrInstance::new, r);
      for (int i = 0; i < 10 && !r.part(RegionState.PART).restore().available(); i++) {
        r = run(WaitForDrInstance::new, r);
      }
      r = run(UpdateDrSecret::new, r);
      r = run(ScaleUpDrServices::new, r);
      for (int i = 0; i < 10 && !r.part(RegionState.PART).services().stable(); i++) {
        Thread.sleep(200);
        r = run(WaitForDrServices::new, r);
      }
      r = run(SwitchDns::new, r);
      for (int i = 0; i < 10 && !r.part(RegionState.PART).dns().insync(); i++) {
        r = run(WaitForDns::new, r);
      }
      r = run(SwitchCloudFront::new, r);
      for (int i = 0; i < 10 && !r.part(RegionState.PART).cloudFront().deployed(); i++) {
        r = run(WaitForCloudFront::new, r);
      }
      assertTrue(r.part(RegionState.PART).cloudFront().deployed(), r.part(RegionState.PART).cloudFront().toString());
      r = run(VerifyDr::new, r);
    } finally {
      cloud.setRegionDown(null);
    }
    r.timeline().forEach(e -> steps.add(e.step() + "/" + e.event()));
    assertTrue(r.verification().verified(), r.verification().toString());

    // read back from the cloud, region by region
    DBInstance restored = dr.rds().describeDBInstances(b -> b.dbInstanceIdentifier("sentinel-db-dr"))
        .dbInstances().get(0);
    assertEquals("available", restored.dbInstanceStatus());
    assertTrue(restored.multiAZ());
    String secret = dr.secrets().getSecretValue(b -> b.secretId("sentinel/database-url")).secretString();
    assertTrue(secret.contains("@" + restored.endpoint().address() + ":"), "the DR secret points at the DR instance");
    assertTrue(secret.contains(PASSWORD), "credentials kept");
    dr.ecs().describeServices(b -> b.cluster("sentinel-dr").services("sentinel-api", "sentinel-celery")).services()
        .forEach(s -> assertEquals(2, s.runningCount(), s.serviceName()));
    ResourceRecordSet record = dr.route53().listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets()
        .stream().filter(x -> x.name().startsWith(RECORD) && "A".equals(x.typeAsString())).findFirst().orElseThrow();
    assertTrue(record.aliasTarget().dnsName().startsWith(DR_ALB), record.toString());
    assertEquals(DR_ALB, dr.cloudFront().getDistributionConfig(b -> b.id(distributionId)).distributionConfig()
        .origins().items().get(0).domainName());
    Map<String, AttributeValue> fence = dr.dynamoDb().getItem(b -> b.tableName("dev-sentinel-dr-region-locks")
        .key(Map.of("pk", AttributeValue.fromS("fence#region:us-east-1")))).item();
    assertEquals(name, fence.get("owner").s(), "the fence is in the DR stack's table");
    // nothing of the failover was created in the primary region
    assertTrue(primary.rds().describeDBInstances().dbInstances().stream()
        .noneMatch(i -> i.dbInstanceIdentifier().equals("sentinel-db-dr")));
    assertTrue(primary.ecs().listClusters().clusterArns().stream().noneMatch(a -> a.endsWith("/sentinel-dr")));
    assertFalse(logs.stream().anyMatch(l -> l.contains(PASSWORD)), "no secret in a log line");
    System.out.println("[region-failover] " + steps);
  }

  /**
   * The Failback Procedure on the same cloud once us-east-1 is back: the DR database replicated to a new primary
   * instance, the primary's secret and services moved onto it, traffic moved 10% -> 50% -> 100% through weighted
   * records (each share checked), the CloudFront origin moved back, DR decommissioned; read back region by region.
   */
  @Test
  @Order(5)
  void onceThePrimaryIsBackTheFailbackMovesTrafficBackStepByStepAndDecommissionsDr() throws Exception {
    String name = "region-failback-it";
    Recovery r = Recovery.start("region-failback", PRIMARY, name, "dev", new Trigger("manual", "manual", name,
        java.time.Instant.now().toString(), "it"), new Options(null, null, null, false, 1, 20));
    r = run(CheckPrimaryHealth::new, r);
    for (int i = 0; i < 10 && (i == 0 || !r.part(FailbackState.PART).replica().copied()); i++) {
      r = run(ReplicateToPrimary::new, r);
    }
    assertTrue(r.part(FailbackState.PART).replica().copied(), r.timeline().toString());
    for (int i = 0; i < 10 && (i == 0 || !r.part(FailbackState.PART).primary().available()); i++) {
      r = run(RestorePrimary::new, r);
    }
    r = run(UpdatePrimarySecret::new, r);
    for (int i = 0; i < 20 && (i == 0 || !r.part(FailbackState.PART).services().stable()); i++) {
      Thread.sleep(i == 0 ? 0 : 200);
      r = run(RestartPrimaryServices::new, r);
    }
    assertTrue(r.part(FailbackState.PART).services().stable(), r.part(FailbackState.PART).services().toString());
    List<String> shares = new ArrayList<>();
    String verdict = FailbackState.Traffic.ADVANCE;
    for (int i = 0; i < 10 && !verdict.equals(FailbackState.Traffic.COMPLETE)
        && !verdict.equals(FailbackState.Traffic.REGRESSED); i++) {
      if (verdict.equals(FailbackState.Traffic.ADVANCE)) {
        r = run(ShiftTraffic::new, r);
        shares.add(r.part(FailbackState.PART).traffic().percent() + "%: " + records().stream().map(x ->
            (x.weight() == null ? "simple " : x.setIdentifier() + " " + x.weight() + " ")
                + x.aliasTarget().dnsName()).toList());
      }
      r = run(CheckTraffic::new, r);
      verdict = r.part(FailbackState.PART).traffic().verdict();
    }
    assertEquals(FailbackState.Traffic.COMPLETE, verdict, r.part(FailbackState.PART).traffic().toString());
    assertEquals(3, shares.size(), shares.toString());
    assertTrue(shares.get(0).startsWith("10%: "), shares.toString());
    assertTrue(shares.get(0).contains("sentinel-primary 10 " + PRIMARY_ALB)
        && shares.get(0).contains("sentinel-dr 90 " + DR_ALB), shares.toString());
    assertTrue(shares.get(1).contains("sentinel-primary 50 " + PRIMARY_ALB), shares.toString());
    assertTrue(shares.get(2).startsWith("100%: [simple " + PRIMARY_ALB), shares.toString());
    r = run(RestoreCloudFrontOrigin::new, r);
    r = run(DecommissionDr::new, r);
    r = run(VerifyFailback::new, r);
    assertTrue(r.verification().verified(), r.verification().toString());

    // read back from the cloud
    DBInstance back = primary.rds().describeDBInstances(b -> b.dbInstanceIdentifier("sentinel-db-failback"))
        .dbInstances().get(0);
    assertEquals("available", back.dbInstanceStatus());
    String secret = primary.secrets().getSecretValue(b -> b.secretId("sentinel/database-url")).secretString();
    assertTrue(secret.contains("@" + back.endpoint().address() + ":"), "the primary's secret points at it");
    assertTrue(secret.contains(PASSWORD), "credentials kept");
    assertTrue(primary.rds().describeDBInstances(b -> b.dbInstanceIdentifier("sentinel-db")).dbInstances().size()
        == 1, "the original primary is never touched");
    assertEquals(PRIMARY_ALB, dr.cloudFront().getDistributionConfig(b -> b.id(distributionId)).distributionConfig()
        .origins().items().get(0).domainName());
    List<ResourceRecordSet> now = records();
    assertEquals(1, now.size(), now.toString());
    assertTrue(now.get(0).aliasTarget().dnsName().startsWith(PRIMARY_ALB), now.toString());
    assertTrue(dr.rds().describeDBInstances().dbInstances().stream().noneMatch(i -> i.dbInstanceIdentifier()
        .equals("sentinel-db-dr") && "available".equals(i.dbInstanceStatus())), "the DR instance is gone");
    String finalSnapshot = r.part(FailbackState.PART).decommission().finalSnapshotId();
    assertEquals(1, dr.rds().describeDBSnapshots(b -> b.dbSnapshotIdentifier(finalSnapshot)).dbSnapshots().size(),
        "its final snapshot is kept");
    dr.ecs().describeServices(b -> b.cluster("sentinel-dr").services("sentinel-api", "sentinel-celery")).services()
        .forEach(s -> assertEquals(0, s.desiredCount(), s.serviceName() + " back to standby"));
    assertFalse(logs.stream().anyMatch(l -> l.contains(PASSWORD)), "no secret in a log line");
    System.out.println("[region-failback] " + shares + " " + r.timeline().stream().map(e -> e.step() + "/"
        + e.event()).toList());
  }

  private static List<ResourceRecordSet> records() {
    return dr.route53().listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets().stream()
        .filter(x -> x.name().startsWith(RECORD) && "A".equals(x.typeAsString())).toList();
  }
}
