package ai.sentinel.dr.region;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Runbook Scenario 4 (region failure): cdk.json {@code dr}, optional (the environment's {@code region} is the
 * primary's). It names the DR region and what is
 * pre-provisioned there (runbook "Prerequisites"); with it the CDK app deploys a second stack,
 * {@code <env>-sentinel-dr-region}, in {@link #drRegion}: when the primary region is down, everything deployed only
 * there is down with it. The primary stack deploys nothing of this section ({@link SettingsSection#recoveries} is
 * empty): its responders only send a region-failure invoke to the DR stack's.
 *
 * <p>Blast radius targets are region-qualified ({@code <region>:<name>}, {@link #target}): the DR secret has the same
 * name as the primary's, and a step must never be allowed to touch the primary's by a name that matches.
 *
 * @param primaryRegion    the environment's own region (cdk.json {@code region}), the one that fails; not a field of
 *                         the section, filled in when read
 * @param sourceInstanceId the protected database ({@code database.instanceId}) whose snapshots are copied; filled in
 * @param drRegion         where the platform is brought up (runbook: eu-west-1; cdk.json {@code dr.region})
 * @param primaryHealthUrl the platform's /health as the public reaches it (ConfirmPrimaryDown), or null
 * @param drHealthUrl      /health through the DR load balancer (VerifyDr), or null
 * @param database         the DR database restored from the newest cross-region copy
 * @param ecs              the DR cluster the services are deployed into
 * @param alb              the DR load balancer DNS is switched to
 * @param dns              the hosted zone and the records switched to the DR load balancer
 * @param cloudFrontDistributionId the distribution whose origin moves to the DR load balancer, or null
 * @param rpoMinutes       the runbook's RPO: the newest copy may be at most this old (alarm), default 60
 * @param copiesToKeep     cross-region copies kept in the DR region, newest first, default 3
 * @param copySchedule     how often the copy runs (EventBridge schedule), default rate(1 hour)
 * @param failback         the Failback Procedure's settings ({@code dr.failback}), or null: no failback deployed
 * @param maxCopyAgeMinutes the newest copy older than this is not offered for approval: the failover stops and says
 *                         so (an operator who still wants it names it with {@code snapshotId}), default 1440
 * @param customerNotification the customers' notice by SES ({@code dr.customerNotification}), or null: none sent
 * @param primaryProbe     the DR region's probe of {@code primaryHealthUrl} and its alarm, which starts the
 *                         assessment ({@code dr.primaryProbe}), or null: none deployed
 */
public record RegionSettings(String primaryRegion, String sourceInstanceId, String drRegion, String primaryHealthUrl,
    String drHealthUrl, DrDatabase database, DrServices ecs, LoadBalancer alb, Dns dns,
    String cloudFrontDistributionId, int rpoMinutes, int copiesToKeep, String copySchedule,
    FailbackSettings failback, int maxCopyAgeMinutes, CustomerNotification customerNotification,
    ProbeSettings primaryProbe) implements Settings {

  /** The runbook id of Scenario 4. */
  public static final String SCENARIO = "region-failure";

  /** Optional; deploys no state machine in the primary stack (the DR stack deploys Scenario 4). */
  public static final SettingsSection<RegionSettings> SECTION = new SettingsSection<>("dr", RegionSettings.class,
      false, Set.of(), RegionSettings::read, new SettingsSection.Drill<>("regionFailoverTest",
          RegionSettings::readDrill), List.of());

  public static final int DEFAULT_RPO_MINUTES = 60;
  public static final int DEFAULT_COPIES_TO_KEEP = 3;
  public static final int DEFAULT_MAX_COPY_AGE_MINUTES = 24 * 60;
  public static final String DEFAULT_COPY_SCHEDULE = "rate(1 hour)";
  /** The runbook's name of a cross-region copy: {@code <instance>-cross-region-<source snapshot time>}. */
  public static final String COPY_INFIX = "-cross-region-";

  private static final Set<String> FIELDS = Set.of("region", "primaryHealthUrl", "drHealthUrl", "database", "ecs",
      "alb", "dns", "cloudFrontDistributionId", "rpoMinutes", "copiesToKeep", "copySchedule", "failback",
      "maxCopyAgeMinutes", "customerNotification", "primaryProbe");
  private static final Set<String> DATABASE_FIELDS = Set.of("instanceId", "instanceClass", "subnetGroup",
      "securityGroups", "secretId", "kmsKeyId");
  private static final Set<String> ECS_FIELDS = Set.of("cluster", "subnets", "securityGroups", "desiredCount",
      "targetGroups");
  private static final Set<String> ALB_FIELDS = Set.of("dnsName", "hostedZoneId");
  private static final Set<String> DNS_FIELDS = Set.of("hostedZoneId", "recordNames", "failoverSwitch");
  private static final Set<String> SWITCH_FIELDS = Set.of("alarmName", "namespace", "metricName");
  private static final Pattern ALARM_NAME = Pattern.compile("[A-Za-z0-9 ._/#:()+=@-]{1,255}");
  private static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z0-9 ._/#:-]{1,255}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z](-?[a-zA-Z0-9])*");
  private static final Pattern INSTANCE_CLASS = Pattern.compile("db\\.[a-z0-9-]+\\.[a-z0-9-]+");
  private static final Pattern RDS_NAME = Pattern.compile("[A-Za-z0-9 ._-]{1,255}");
  private static final Pattern KMS_KEY = Pattern.compile("alias/[A-Za-z0-9/_-]{1,250}|[0-9a-f-]{36}"
      + "|arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key/[0-9a-f-]{36}|alias/[A-Za-z0-9/_-]{1,250})");
  private static final Pattern ECS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
  private static final Pattern TARGET_GROUP = Pattern.compile("[A-Za-z0-9](-?[A-Za-z0-9])*|arn:aws[a-z-]*:"
      + "elasticloadbalancing:[a-z0-9-]+:\\d{12}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}");
  private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)([A-Za-z0-9](-?[A-Za-z0-9])*\\.)+"
      + "[A-Za-z]{2,63}\\.?");
  private static final Pattern HOSTED_ZONE = Pattern.compile("Z[A-Z0-9]{1,31}");
  private static final Pattern DISTRIBUTION = Pattern.compile("E[A-Z0-9]{1,31}");
  // RDS's 63 characters less "-cross-region-" and the 15 of the time stamp
  private static final int SOURCE_INSTANCE_MAX = 63 - COPY_INFIX.length() - 15;

  /**
   * @param instanceId     the DR instance (runbook: sentinel-db-dr)
   * @param instanceClass  its class (runbook: db.t3.medium)
   * @param subnetGroup    its DB subnet group in the DR region (runbook: sentinel-db-subnet-dr)
   * @param securityGroups its VPC security groups in the DR region
   * @param secretId       the DR region's database URL secret, repointed at it
   * @param kmsKeyId       the DR region's KMS key cross-region copies are encrypted with
   */
  public record DrDatabase(String instanceId, String instanceClass, String subnetGroup, List<String> securityGroups,
      String secretId, String kmsKeyId) {
    public DrDatabase {
      securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
    }
  }

  /**
   * @param cluster        the DR cluster (runbook: sentinel-dr)
   * @param services       the services run there: the platform's ({@code ecs.services}), filled in when read
   * @param subnets        private DR subnets of the services (no public IP)
   * @param securityGroups their security groups
   * @param desiredCount   tasks per service (runbook: 2)
   * @param targetGroups   service name to DR target group (name or ARN), for the services behind the load balancer
   */
  public record DrServices(String cluster, List<String> services, List<String> subnets, List<String> securityGroups,
      int desiredCount, Map<String, String> targetGroups) {
    public DrServices {
      services = services == null ? List.of() : List.copyOf(services);
      subnets = subnets == null ? List.of() : List.copyOf(subnets);
      securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
      targetGroups = Collections.unmodifiableMap(new TreeMap<>(targetGroups == null ? Map.of() : targetGroups));
    }
  }

  /** The DR load balancer as a Route 53 alias target: its DNS name and its canonical hosted zone id. */
  public record LoadBalancer(String dnsName, String hostedZoneId) {}

  /**
   * The platform's hosted zone and the records SwitchDns points at the DR load balancer; with {@code failoverSwitch}
   * the records are pre-provisioned failover records and SwitchDns flips their health check instead (Route 53's data
   * plane, {@link FailoverSwitch}).
   */
  public record Dns(String hostedZoneId, List<String> recordNames, FailoverSwitch failoverSwitch) {
    public Dns {
      recordNames = recordNames == null ? List.of() : List.copyOf(recordNames);
    }

    public Dns(String hostedZoneId, List<String> recordNames) {
      this(hostedZoneId, recordNames, null);
    }
  }

  public RegionSettings {
    rpoMinutes = rpoMinutes == 0 ? DEFAULT_RPO_MINUTES : rpoMinutes;
    copiesToKeep = copiesToKeep == 0 ? DEFAULT_COPIES_TO_KEEP : copiesToKeep;
    copySchedule = copySchedule == null ? DEFAULT_COPY_SCHEDULE : copySchedule;
    maxCopyAgeMinutes = maxCopyAgeMinutes == 0 ? DEFAULT_MAX_COPY_AGE_MINUTES : maxCopyAgeMinutes;
  }

  /** This function's region settings, or a clear error when its environment has none. */
  public static RegionSettings of(DrConfig config) {
    return config.require(RegionSettings.class);
  }

  /** A blast-radius target: {@code <region>:<name>}. */
  public static String target(String region, String name) {
    return region + ":" + name;
  }

  /** The name prefix of every cross-region copy of the protected database. */
  public String copyPrefix() {
    return sourceInstanceId + COPY_INFIX;
  }

  /**
   * Blast radius: in the DR region only what this section names (and the copies the scheduled copy makes, the
   * failback's snapshots of the DR database); in the primary region only what the failback creates or repoints there:
   * its new instance and the copy it restores from, the primary's database secret and services.
   */
  @Override
  public boolean allows(String service, String target) {
    if (target != null && failback != null && target.startsWith(primaryRegion + ":")) {
      String name = target.substring(primaryRegion.length() + 1);
      return switch (service) {
        case "rds" -> name.equals(failback.instanceId()) || name.startsWith(failbackSnapshotPrefix());
        case "secretsmanager" -> name.equals(failback.primarySecretId());
        case "ecs" -> failback.primaryServices().stream().anyMatch(s -> name.equals(failback.primaryCluster() + "/"
            + s));
        default -> false;
      };
    }
    String prefix = drRegion + ":";
    if (target == null || !target.startsWith(prefix)) {
      return false;
    }
    String name = target.substring(prefix.length());
    return switch (service) {
      case "rds" -> name.equals(database.instanceId()) || name.startsWith(copyPrefix())
          || failback != null && (name.startsWith(failbackSnapshotPrefix())
              || name.startsWith(database.instanceId() + FailbackSettings.FINAL_INFIX));
      case "secretsmanager" -> name.equals(database.secretId());
      case "ecs" -> ecs.services().stream().anyMatch(s -> name.equals(ecs.cluster() + "/" + s));
      case "route53" -> dns != null && dns.recordNames().stream().anyMatch(r -> name.equals(dns.hostedZoneId() + "/"
          + r));
      case "cloudfront" -> name.equals(cloudFrontDistributionId);
      case "ses" -> customerNotification != null && name.equals(customerNotification.template());
      case "cloudwatch" -> dns != null && dns.failoverSwitch() != null && name.equals(dns.failoverSwitch()
          .alarmName());
      default -> false;
    };
  }

  /** The failback's settings, or a clear error where the environment has none ({@code dr.failback}). */
  public FailbackSettings requireFailback() {
    if (failback == null) {
      throw new ai.sentinel.dr.common.DrConfig.ConfigException("the failback needs cdk.json dr.failback "
          + "(at least primaryAlb)");
    }
    return failback;
  }

  /** The name prefix of the DR database's snapshots a failback takes (and of their copies in the primary). */
  public String failbackSnapshotPrefix() {
    return database.instanceId() + FailbackSettings.SNAPSHOT_INFIX;
  }

  /** This section with the endpoints a local cloud serves (its health URLs). */
  public RegionSettings withLocal(String newPrimaryHealthUrl, String newDrHealthUrl) {
    return new RegionSettings(primaryRegion, sourceInstanceId, drRegion, newPrimaryHealthUrl, newDrHealthUrl,
        database, ecs, alb, dns, cloudFrontDistributionId, rpoMinutes, copiesToKeep, copySchedule, failback,
        maxCopyAgeMinutes, customerNotification, primaryProbe);
  }

  static RegionSettings read(JsonNode node, ConfigReader config) {
    if (!node.isObject()) {
      config.problem("dr must be an object {region, database, ecs, alb, dns, ...}");
      return null;
    }
    config.unknownFields(node, "dr.", FIELDS);
    String drRegion = config.text(node, "dr.region", REGION, "an AWS region such as eu-west-1");
    if (drRegion != null && drRegion.equals(config.region())) {
      config.problem("dr.region must differ from the environment's region " + config.region()
          + ": a region failure takes down everything in it");
    }
    String source = config.root().path("database").path("instanceId").asText(null);
    if (source != null && (source.length() > SOURCE_INSTANCE_MAX)) {
      config.problem("dr needs database.instanceId of at most " + SOURCE_INSTANCE_MAX + " characters (its "
          + "copies are named <instanceId>" + COPY_INFIX + "<yyyyMMdd-HHmmss>), got " + source.length());
    }
    String primaryHealth = url(node, "dr.primaryHealthUrl", config);
    String drHealth = url(node, "dr.drHealthUrl", config);
    DrDatabase database = database(node, config);
    DrServices ecs = services(node, config);
    LoadBalancer alb = alb(node, config);
    Dns dns = dns(node, config);
    String distribution = config.optionalText(node, "dr.cloudFrontDistributionId", DISTRIBUTION,
        "a CloudFront distribution id (E...)");
    int rpo = config.optionalPositive(node, "dr.rpoMinutes", DEFAULT_RPO_MINUTES, 24 * 60);
    int keep = config.optionalPositive(node, "dr.copiesToKeep", DEFAULT_COPIES_TO_KEEP, 20);
    String schedule = config.schedule(node, "dr.copySchedule");
    FailbackSettings failback = FailbackSettings.read(node, config, source);
    int maxAge = config.optionalPositive(node, "dr.maxCopyAgeMinutes", DEFAULT_MAX_COPY_AGE_MINUTES, 30 * 24 * 60);
    if (maxAge < rpo) {
      config.problem("dr.maxCopyAgeMinutes (" + maxAge + ") must be at least dr.rpoMinutes (" + rpo + ")");
    }
    CustomerNotification customers = CustomerNotification.read(node, config);
    ProbeSettings probe = ProbeSettings.read(node, config, primaryHealth);
    return new RegionSettings(config.region(), source, drRegion, primaryHealth, drHealth, database, ecs, alb, dns,
        distribution, rpo, keep, schedule, failback, maxAge, customers, probe);
  }

  /**
   * {@code drills.regionFailoverTest}: the runbook's annual region failover test, a schedule; the DR stack runs it as a
   * dry-run of the failover (assessment, copy choice and every change planned, nothing sent).
   */
  private static SettingsSection.ScheduledTest readDrill(JsonNode drills, String path, ConfigReader config,
      RegionSettings settings) {
    String schedule = config.schedule(drills, path);
    if (schedule != null && settings == null) {
      config.problem(path + " needs a dr section: the failover test runs in the DR stack");
      return null;
    }
    return schedule == null ? null : new SettingsSection.ScheduledTest(schedule, null);
  }

  static String url(JsonNode node, String path, ConfigReader config) {
    JsonNode value = node.get(path.substring(path.lastIndexOf('.') + 1));
    if (value == null || value.isNull()) {
      return null;
    }
    String problem = path + " must be an https URL with a host, got " + value;
    try {
      URI uri = value.isTextual() ? new URI(value.asText()) : null;
      if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        config.problem(problem);
        return null;
      }
      return uri.toString();
    } catch (URISyntaxException e) {
      config.problem(problem);
      return null;
    }
  }

  private static DrDatabase database(JsonNode node, ConfigReader config) {
    JsonNode d = required(node, "database", "{instanceId, instanceClass, subnetGroup, securityGroups, secretId, "
        + "kmsKeyId}: the DR database", config);
    if (d == null) {
      return null;
    }
    config.unknownFields(d, "dr.database.", DATABASE_FIELDS);
    String id = config.text(d, "dr.database.instanceId", INSTANCE_ID, "an RDS instance identifier", 63);
    String source = config.root().path("database").path("instanceId").asText(null);
    if (id != null && id.equals(source)) {
      config.problem("dr.database.instanceId must not be the primary's instance " + source);
    }
    return new DrDatabase(id,
        config.text(d, "dr.database.instanceClass", INSTANCE_CLASS, "an RDS instance class such as db.t3.medium"),
        config.text(d, "dr.database.subnetGroup", RDS_NAME, "a DB subnet group name in the DR region"),
        config.list(d, "dr.database.securityGroups", ConfigReader.SECURITY_GROUP, "security group ids", false),
        config.secretName(d, "dr.database.secretId"),
        config.text(d, "dr.database.kmsKeyId", KMS_KEY, "a KMS key id, alias/NAME or key ARN in the DR region"));
  }

  private static DrServices services(JsonNode node, ConfigReader config) {
    JsonNode e = required(node, "ecs", "{cluster, subnets, securityGroups, desiredCount, targetGroups}: the DR "
        + "cluster", config);
    if (e == null) {
      return null;
    }
    config.unknownFields(e, "dr.ecs.", ECS_FIELDS);
    String cluster = config.text(e, "dr.ecs.cluster", ECS_NAME, "an ECS cluster name");
    List<String> subnets = config.list(e, "dr.ecs.subnets", SUBNET, "subnet ids", false);
    List<String> groups = config.list(e, "dr.ecs.securityGroups", ConfigReader.SECURITY_GROUP,
        "security group ids", false);
    int desired = config.optionalPositive(e, "dr.ecs.desiredCount", 2, 5000);
    Map<String, String> targetGroups = new TreeMap<>();
    JsonNode tg = config.optionalObject(e, "dr.ecs.targetGroups", "service name to DR target group");
    List<String> services = new java.util.ArrayList<>();
    config.root().path("ecs").path("services").forEach(s -> services.add(s.asText()));
    if (tg == null) {
      config.problem("dr.ecs.targetGroups is missing (service name to DR target group, for the services of "
          + services + " behind the load balancer)");
    } else {
      tg.fields().forEachRemaining(f -> {
        if (!services.contains(f.getKey())) {
          config.problem("dr.ecs.targetGroups names '" + f.getKey() + "', which is not one of ecs.services "
              + services);
        } else if (!f.getValue().isTextual() || !TARGET_GROUP.matcher(f.getValue().asText()).matches()) {
          config.problem("dr.ecs.targetGroups." + f.getKey() + " must be a target group name or ARN, got "
              + f.getValue());
        } else {
          targetGroups.put(f.getKey(), f.getValue().asText());
        }
      });
      if (targetGroups.isEmpty() && tg.isEmpty()) {
        config.problem("dr.ecs.targetGroups must name the DR target group of at least one service (VerifyDr "
            + "checks its targets)");
      }
    }
    return new DrServices(cluster, services, subnets, groups, desired, targetGroups);
  }

  private static LoadBalancer alb(JsonNode node, ConfigReader config) {
    JsonNode a = required(node, "alb", "{dnsName, hostedZoneId}: the DR load balancer", config);
    if (a == null) {
      return null;
    }
    config.unknownFields(a, "dr.alb.", ALB_FIELDS);
    return new LoadBalancer(config.text(a, "dr.alb.dnsName", DNS_NAME, "the DR load balancer's DNS name"),
        config.text(a, "dr.alb.hostedZoneId", HOSTED_ZONE, "the load balancer's canonical hosted zone id"));
  }

  private static Dns dns(JsonNode node, ConfigReader config) {
    JsonNode d = required(node, "dns", "{hostedZoneId, recordNames}: the records switched to the DR load balancer",
        config);
    if (d == null) {
      return null;
    }
    config.unknownFields(d, "dr.dns.", DNS_FIELDS);
    FailoverSwitch failoverSwitch = null;
    JsonNode sw = config.optionalObject(d, "dr.dns.failoverSwitch", "{alarmName, namespace, metricName}: the "
        + "health check alarm of pre-provisioned failover records (Route 53's data plane)");
    if (sw != null) {
      config.unknownFields(sw, "dr.dns.failoverSwitch.", SWITCH_FIELDS);
      failoverSwitch = new FailoverSwitch(config.text(sw, "dr.dns.failoverSwitch.alarmName", ALARM_NAME,
          "a CloudWatch alarm name"), config.optionalText(sw, "dr.dns.failoverSwitch.namespace", METRIC_NAME,
          "a CloudWatch namespace"), config.optionalText(sw, "dr.dns.failoverSwitch.metricName", METRIC_NAME,
          "a CloudWatch metric name"));
    }
    return new Dns(config.text(d, "dr.dns.hostedZoneId", HOSTED_ZONE, "a Route 53 hosted zone id"),
        config.list(d, "dr.dns.recordNames", DNS_NAME, "DNS record names", false), failoverSwitch);
  }

  private static JsonNode required(JsonNode node, String field, String what, ConfigReader config) {
    JsonNode child = config.optionalObject(node, "dr." + field, what);
    if (child == null && !node.has(field)) {
      config.problem("dr." + field + " is missing (" + what + ")");
    }
    return child;
  }
}
