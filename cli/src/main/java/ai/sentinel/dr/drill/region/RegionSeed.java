package ai.sentinel.dr.drill.region;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.drill.LocalStack;
import ai.sentinel.dr.drill.SeedPart;
import ai.sentinel.dr.drill.SentinelSeed;
import ai.sentinel.dr.ecs.EcsSettings;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * Scenario 4's part of the local platform, seeded only when the DR region's stack is deployed beside the
 * environment's (a region drill): the DR region's pre-provisioned infrastructure (runbook "Prerequisites": KMS key for
 * the copies, DB subnet group, security group, cluster {@code sentinel-dr} with the services' task definitions, the DR
 * target group, the DR secret still naming the primary's database), the hosted zone with the API's alias record and a
 * CloudFront distribution, both on the primary's load balancer, and the public {@code /health} of each region served
 * on this machine (the primary's stops answering while the primary is down). The DR section the functions get names
 * what was seeded (cdk.json's local {@code dr} has the same shape with placeholder ids).
 */
public final class RegionSeed implements SeedPart {
  public static final String PRIMARY_ALB = "sentinel-alb-1.us-east-1.elb.amazonaws.com";
  public static final String DR_ALB = "sentinel-dr-alb-1.eu-west-1.elb.amazonaws.com";
  public static final String RECORD = "api.local.sentinel.example.com";
  public static final String DR_TARGET_GROUP = "sentinel-api-dr";
  public static final String DR_CLUSTER = "sentinel-dr";
  public static final String DR_INSTANCE = "sentinel-db-dr";
  public static final String FAILBACK_INSTANCE = "sentinel-db-failback";
  private static final String SECRET = "sentinel/database-url";
  /** The customers' notice: cdk.json local {@code dr.customerNotification}. */
  public static final String TEMPLATE = "sentinel-local-region-failover";
  public static final String SENDER = "status@local.sentinel.example.com";

  private LocalStack drStack;
  private Clients primary;
  private Clients dr;
  private HttpServer health;
  /** The primary region's public endpoint is down (set with the outage). */
  private final AtomicBoolean primaryDown = new AtomicBoolean();
  private String zoneId;
  private String distributionId;
  private Map<String, Object> section;
  private String copyId;

  @Override
  public void seed(SentinelSeed platform) throws IOException, InterruptedException {
    drStack = platform.otherStacks.stream().filter(s -> !s.region().equals(platform.aws.region.id())).findFirst()
        .orElse(null);
    if (drStack == null) {
      return;
    }
    Clients clients = new Clients(platform.aws.functionEnvironment());
    primary = clients;
    dr = clients.in(drStack.region());
    health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext("/primary/health", x -> {
      x.sendResponseHeaders(primaryDown.get() ? 503 : 200, -1);
      x.close();
    });
    health.createContext("/dr/health", x -> {
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    health.start();
    String keyId = Json.tree(Kms.call(platform.cloud.endpoint(), drStack.region(), "CreateKey",
        "{\"Description\":\"sentinel-dr\"}")).path("KeyMetadata").path("KeyId").asText();
    Kms.call(platform.cloud.endpoint(), drStack.region(), "CreateAlias",
        "{\"AliasName\":\"alias/sentinel-dr\",\"TargetKeyId\":\"" + keyId + "\"}");
    String databaseUrl = platform.aws.secrets.getSecretValue(b -> b.secretId(SECRET)).secretString();
    dr.secrets().createSecret(b -> b.name(SECRET).secretString(databaseUrl));
    var ec2 = drStack.aws().ec2;
    String vpc = ec2.describeVpcs(b -> b.filters(Filter.builder().name("is-default").values("true").build())).vpcs()
        .get(0).vpcId();
    List<String> subnets = ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build()))
        .subnets().stream().map(s -> s.subnetId()).sorted().limit(2).toList();
    String sg = ec2.createSecurityGroup(b -> b.groupName("sentinel-dr-app").description("DR tasks").vpcId(vpc))
        .groupId();
    dr.rds().createDBSubnetGroup(b -> b.dbSubnetGroupName("sentinel-db-subnet-dr").dbSubnetGroupDescription("dr")
        .subnetIds(subnets));
    dr.ecs().createCluster(b -> b.clusterName(DR_CLUSTER));
    for (String service : List.of("sentinel-api", "sentinel-celery")) {
      dr.ecs().registerTaskDefinition(b -> b.family(service).networkMode(NetworkMode.AWSVPC)
          .requiresCompatibilities(Compatibility.FARGATE).cpu("512").memory("1024").containerDefinitions(c -> {
            c.name(service).image("123456789012.dkr.ecr." + drStack.region() + ".amazonaws.com/" + service + ":v1")
                .memory(1024).essential(true);
            if (service.equals("sentinel-api")) {
              c.portMappings(p -> p.containerPort(8000));
            }
          }));
    }
    dr.elbv2().createTargetGroup(b -> b.name(DR_TARGET_GROUP).protocol("HTTP").port(8000).vpcId(vpc)
        .targetType(TargetTypeEnum.IP).healthCheckPath("/health"));
    zoneId = dr.route53().createHostedZone(b -> b.name("local.sentinel.example.com").callerReference("drill"))
        .hostedZone().id().replace("/hostedzone/", "");
    dr.route53().changeResourceRecordSets(b -> b.hostedZoneId(zoneId).changeBatch(c -> c.changes(ch -> ch
        .action("CREATE").resourceRecordSet(r -> r.name(RECORD).type("A").aliasTarget(a -> a.dnsName(PRIMARY_ALB)
            .hostedZoneId("Z35SXDOTRQ7X7K").evaluateTargetHealth(true))))));
    distributionId = dr.cloudFront().createDistribution(b -> b.distributionConfig(c -> c.callerReference("drill")
        .comment("sentinel").enabled(true).origins(o -> o.quantity(1).items(i -> i.id("api").domainName(PRIMARY_ALB)
            .customOriginConfig(x -> x.httpPort(80).httpsPort(443).originProtocolPolicy("https-only"))))
        .defaultCacheBehavior(d -> d.targetOriginId("api").viewerProtocolPolicy("redirect-to-https").minTTL(0L)
            .forwardedValues(f -> f.queryString(false).cookies(k -> k.forward("none"))))))
        .distribution().id();
    // the customers' notice goes from an SES-verified sender of the DR region (a prerequisite, as on AWS)
    drStack.aws().ses().call("VerifyEmailIdentity", Map.of("EmailAddress", SENDER), java.time.Duration.ofSeconds(10));
    section = section(platform, subnets, sg);
  }

  /**
   * The prerequisite "cross-region RDS snapshot replication" as it stands before the outage: the primary's newest
   * snapshot (the database part's, seeded by now) copied into the DR region under the copier's name, encrypted with
   * the DR key (what the DR stack's scheduled copy makes; the drill does not wait an hour for its schedule).
   */
  @Override
  public void finish(SentinelSeed platform) {
    if (drStack == null) {
      return;
    }
    String source = DatabaseSettings.of(platform.config).instanceId();
    var newest = platform.aws.rds.describeDBSnapshots(b -> b.dbInstanceIdentifier(source)).dbSnapshots().stream()
        .filter(x -> x.snapshotCreateTime() != null)
        .max(java.util.Comparator.comparing(x -> x.snapshotCreateTime())).orElseThrow(() ->
            new IllegalStateException("no snapshot of " + source + " to copy into the DR region"));
    String copy = source + "-cross-region-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(java.time.ZoneOffset.UTC).format(newest.snapshotCreateTime());
    dr.rds().copyDBSnapshot(b -> b.sourceDBSnapshotIdentifier(newest.dbSnapshotArn()).targetDBSnapshotIdentifier(copy)
        .kmsKeyId("alias/sentinel-dr").sourceRegion(platform.aws.region.id()));
    copyId = copy;
  }

  /** The cross-region copy seeded (the newest). */
  public String copyId() {
    return copyId;
  }

  private Map<String, Object> section(SentinelSeed platform, List<String> subnets, String sg) {
    String base = "http://127.0.0.1:" + health.getAddress().getPort();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("primaryRegion", platform.aws.region.id());
    s.put("sourceInstanceId", DatabaseSettings.of(platform.config).instanceId());
    s.put("drRegion", drStack.region());
    s.put("primaryHealthUrl", base + "/primary/health");
    s.put("drHealthUrl", base + "/dr/health");
    s.put("database", Map.of("instanceId", DR_INSTANCE, "instanceClass", "db.t3.medium", "subnetGroup",
        "sentinel-db-subnet-dr", "securityGroups", List.of(sg), "secretId", SECRET, "kmsKeyId", "alias/sentinel-dr"));
    s.put("ecs", Map.of("cluster", DR_CLUSTER, "services", List.of("sentinel-api", "sentinel-celery"), "subnets",
        subnets, "securityGroups", List.of(sg), "desiredCount", 2, "targetGroups",
        Map.of("sentinel-api", DR_TARGET_GROUP)));
    s.put("alb", Map.of("dnsName", DR_ALB, "hostedZoneId", "Z32O12XQLNTSW2"));
    s.put("dns", Map.of("hostedZoneId", zoneId, "recordNames", List.of(RECORD)));
    s.put("cloudFrontDistributionId", distributionId);
    s.put("rpoMinutes", 60);
    s.put("copiesToKeep", 3);
    s.put("maxCopyAgeMinutes", 1440);
    s.put("customerNotification", Map.of("template", TEMPLATE, "sender", SENDER, "recipients",
        List.of("customers@local.sentinel.example.com"), "statusText", "Sentinel runs from its backup region after "
            + "an outage of its primary region. No action is needed on your side."));
    Map<String, Object> failback = new LinkedHashMap<>();
    failback.put("primaryAlb", Map.of("dnsName", PRIMARY_ALB, "hostedZoneId", "Z35SXDOTRQ7X7K"));
    failback.put("healthUrl", base + "/primary/health");
    failback.put("instanceId", FAILBACK_INSTANCE);
    failback.put("trafficPercents", List.of(10, 50, 100));
    failback.put("soakSeconds", 1);
    failback.put("maxErrorRatePercent", 1.0);
    failback.put("primarySecretId", SECRET);
    failback.put("primaryCluster", EcsSettings.of(platform.config).cluster());
    failback.put("primaryServices", EcsSettings.of(platform.config).services());
    s.put("failback", failback);
    return s;
  }

  @Override
  public Map<String, String> functionEnvironment() {
    return section == null ? Map.of() : Map.of("SETTINGS_DR", Json.write(section));
  }

  /** The customers' notice goes to this many recipients (cdk.json local dr.customerNotification). */
  public static final int RECIPIENTS = 1;

  /**
   * SES's delivery attempts in the DR region (GetSendStatistics: one per recipient of each message sent; SES has no
   * API listing sent messages): with {@link #RECIPIENTS} recipients, one message sent is exactly that many.
   */
  public int deliveryAttempts() {
    String xml = drStack.aws().ses().call("GetSendStatistics", Map.of(), java.time.Duration.ofSeconds(10));
    var m = java.util.regex.Pattern.compile("<DeliveryAttempts>(\\d+)</DeliveryAttempts>").matcher(xml);
    int total = 0;
    while (m.find()) {
      total += Integer.parseInt(m.group(1));
    }
    return total;
  }

  /** True when the DR region's stack is deployed and this part seeded its infrastructure. */
  public boolean seeded() {
    return section != null;
  }

  /** The primary region's public endpoint goes down (or comes back) with the region. */
  public void primaryDown(boolean down) {
    primaryDown.set(down);
  }

  public LocalStack drStack() {
    return drStack;
  }

  /** Clients in the DR region. */
  public Clients dr() {
    return dr;
  }

  /** Clients in the primary region. */
  public Clients primary() {
    return primary;
  }

  public String zoneId() {
    return zoneId;
  }

  public String distributionId() {
    return distributionId;
  }

  public String drRegion() {
    return drStack.region();
  }

  @Override
  public void close() {
    if (health != null) {
      health.stop(0);
    }
  }
}
