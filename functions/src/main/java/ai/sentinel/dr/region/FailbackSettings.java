package ai.sentinel.dr.region;

import ai.sentinel.dr.common.ConfigReader;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * cdk.json {@code dr.failback} (optional; without it the DR stack deploys no failback): what the runbook's Failback
 * Procedure needs beyond the failover's settings. The primary's database (class, subnet group, security groups,
 * secret) and services come from the environment's own {@code database} and {@code ecs} sections, filled in when read.
 *
 * @param primaryAlb          the primary load balancer as an alias target: traffic shifts back to it
 * @param healthUrl           /health through the primary load balancer, not through DNS (CheckTraffic), or null
 * @param loadBalancerMetric  the primary ALB's CloudWatch dimension {@code app/<name>/<id>} for the error rate, or null
 * @param instanceId          the new primary instance restored from the DR database (default {@code <source>-failback})
 * @param kmsKeyId            the primary region's KMS key the copy of the DR snapshot is encrypted with, or null
 * @param trafficPercents     the shares of traffic sent to the primary, step by step (default 10, 50, 100)
 * @param soakSeconds         how long each share runs before it is judged (default 600)
 * @param maxErrorRatePercent 5xx per request above which a share is a regression (default 1)
 * @param primarySecretId     the primary region's database secret ({@code database.secretId}); filled in
 * @param primaryCluster      the primary's ECS cluster ({@code ecs.cluster}); filled in
 * @param primaryServices     its services ({@code ecs.services}); filled in
 */
public record FailbackSettings(RegionSettings.LoadBalancer primaryAlb, String healthUrl, String loadBalancerMetric,
    String instanceId, String kmsKeyId, List<Integer> trafficPercents, int soakSeconds, double maxErrorRatePercent,
    String primarySecretId, String primaryCluster, List<String> primaryServices) {

  public static final List<Integer> DEFAULT_PERCENTS = List.of(10, 50, 100);
  public static final int DEFAULT_SOAK_SECONDS = 600;
  /** Names of the DR database's snapshots the failback takes: {@code <dr instance>-failback-<execution hash>}. */
  public static final String SNAPSHOT_INFIX = "-failback-";
  /** The final snapshot of the DR database taken before it is deleted: {@code <dr instance>-final-<hash>}. */
  public static final String FINAL_INFIX = "-final-";

  private static final Set<String> FIELDS = Set.of("primaryAlb", "healthUrl", "loadBalancerMetric", "instanceId",
      "kmsKeyId", "trafficPercents", "soakSeconds", "maxErrorRatePercent");
  private static final Pattern METRIC = Pattern.compile("app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}");
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z](-?[a-zA-Z0-9]){0,62}");
  private static final Pattern KMS_KEY = Pattern.compile("alias/[A-Za-z0-9/_-]{1,250}|[0-9a-f-]{36}"
      + "|arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key/[0-9a-f-]{36}|alias/[A-Za-z0-9/_-]{1,250})");
  private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)([A-Za-z0-9](-?[A-Za-z0-9])*\\.)+"
      + "[A-Za-z]{2,63}\\.?");
  private static final Pattern HOSTED_ZONE = Pattern.compile("Z[A-Z0-9]{1,31}");

  public FailbackSettings {
    trafficPercents = trafficPercents == null || trafficPercents.isEmpty() ? DEFAULT_PERCENTS
        : List.copyOf(trafficPercents);
    primaryServices = primaryServices == null ? List.of() : List.copyOf(primaryServices);
  }

  /** The share after {@code current} percent (0 before the first step), or 100 when none is left. */
  public int nextPercent(int current) {
    return trafficPercents.stream().filter(p -> p > current).findFirst().orElse(100);
  }

  static FailbackSettings read(JsonNode dr, ConfigReader config, String source) {
    JsonNode f = config.optionalObject(dr, "dr.failback", "{primaryAlb, healthUrl, loadBalancerMetric, instanceId, "
        + "kmsKeyId, trafficPercents, soakSeconds, maxErrorRatePercent}: the failback");
    if (f == null) {
      return null;
    }
    config.unknownFields(f, "dr.failback.", FIELDS);
    JsonNode a = config.optionalObject(f, "dr.failback.primaryAlb", "{dnsName, hostedZoneId}");
    RegionSettings.LoadBalancer alb = null;
    if (a == null) {
      config.problem("dr.failback.primaryAlb is missing ({dnsName, hostedZoneId}: the primary load balancer "
          + "traffic shifts back to)");
    } else {
      alb = new RegionSettings.LoadBalancer(config.text(a, "dr.failback.primaryAlb.dnsName", DNS_NAME,
          "the primary load balancer's DNS name"), config.text(a, "dr.failback.primaryAlb.hostedZoneId",
          HOSTED_ZONE, "the load balancer's canonical hosted zone id"));
      if (alb.dnsName() != null && config.region() != null
          && !alb.dnsName().toLowerCase().contains("." + config.region() + ".")) {
        config.problem("dr.failback.primaryAlb.dnsName must be a load balancer in " + config.region()
            + ", got " + alb.dnsName());
      }
    }
    String instance = f.has("instanceId") ? config.text(f, "dr.failback.instanceId", INSTANCE_ID,
        "an RDS instance identifier") : source == null ? null : source + "-failback";
    if (instance != null && instance.equals(source)) {
      config.problem("dr.failback.instanceId must not be the primary's instance " + source + ": the failback "
          + "restores a new instance and never overwrites one");
    }
    List<Integer> percents = percents(f, config);
    int soak = config.optionalPositive(f, "dr.failback.soakSeconds", DEFAULT_SOAK_SECONDS, 24 * 3600);
    double maxRate = 1.0;
    JsonNode rate = f.get("maxErrorRatePercent");
    if (rate != null) {
      if (!rate.isNumber() || rate.asDouble() < 0 || rate.asDouble() > 100) {
        config.problem("dr.failback.maxErrorRatePercent must be a number from 0 to 100, got " + rate);
      } else {
        maxRate = rate.asDouble();
      }
    }
    JsonNode root = config.root();
    List<String> services = new ArrayList<>();
    root.path("ecs").path("services").forEach(s -> services.add(s.asText()));
    return new FailbackSettings(alb, RegionSettings.url(f, "dr.failback.healthUrl", config),
        config.optionalText(f, "dr.failback.loadBalancerMetric", METRIC, "the ALB's metric dimension app/NAME/ID"),
        instance, config.optionalText(f, "dr.failback.kmsKeyId", KMS_KEY, "a KMS key in the primary region"),
        percents, soak, maxRate, root.path("database").path("secretId").asText(null),
        root.path("ecs").path("cluster").asText(null), services);
  }

  private static List<Integer> percents(JsonNode f, ConfigReader config) {
    JsonNode node = f.get("trafficPercents");
    if (node == null) {
      return DEFAULT_PERCENTS;
    }
    List<Integer> out = new ArrayList<>();
    String problem = "dr.failback.trafficPercents must be rising whole percents from 1 to 100 ending at 100 "
        + "(e.g. [10, 50, 100]), got " + node;
    if (!node.isArray() || node.isEmpty()) {
      config.problem(problem);
      return DEFAULT_PERCENTS;
    }
    for (JsonNode p : node) {
      int previous = out.isEmpty() ? 0 : out.get(out.size() - 1);
      if (!ConfigReader.isInteger(p) || p.asInt() <= previous || p.asInt() > 100) {
        config.problem(problem);
        return DEFAULT_PERCENTS;
      }
      out.add(p.asInt());
    }
    if (out.get(out.size() - 1) != 100) {
      config.problem(problem);
      return DEFAULT_PERCENTS;
    }
    return out;
  }
}
