package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.report.AlbCustomerImpact;
import ai.sentinel.dr.report.CustomerImpact;
import ai.sentinel.dr.report.Report;
import ai.sentinel.dr.report.ReportSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;

/**
 * The API's traffic as its load balancer counts it, on the local cloud: the metrics the post-incident report measures
 * the customer impact from (AWS/ApplicationELB RequestCount, HTTPCode_ELB_5XX_Count, HTTPCode_Target_5XX_Count, per
 * minute, dimension LoadBalancer). Nothing serves requests here, so the counts are simulated: a steady healthy hour
 * before the seed, and from a drill's injection on, every request failing at the load balancer until the drill's
 * longest recovery would be over. Only where the environment's report section names a load balancer.
 */
public final class LocalTraffic {
  /** Requests per minute of the simulated API. */
  public static final int REQUESTS_PER_MINUTE = 120;
  /** The healthy traffic seeded before the platform's start. */
  static final Duration HEALTHY_BEFORE = Duration.ofHours(1);
  /** How long an injected outage lasts in the metrics: past any drill's recovery (they time out at 15 min). */
  static final Duration OUTAGE = Duration.ofMinutes(20);
  private static final String NAMESPACE = "AWS/ApplicationELB";

  private LocalTraffic() {}

  /** The load balancer the Report function measures, as its section names it, or null. */
  static String configured(LocalDeployment deployment) {
    return reportSettings(deployment).loadBalancer();
  }

  /** The deployed Report function's settings (the defaults when it has no section). */
  public static ReportSettings reportSettings(LocalDeployment deployment) {
    String json = deployment.environmentOf(deployment.functionFor(Report.class)).get(ReportSettings.SECTION
        .variable());
    return json == null ? ReportSettings.DEFAULTS
        : Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), ReportSettings.class);
  }

  /** The report of {@code executionArn} rebuilt from Step Functions as this cloud's Report step makes it. */
  public static ai.sentinel.dr.report.IncidentReport rebuild(LocalAws aws, LocalDeployment deployment,
      String executionArn) {
    ReportSettings settings = reportSettings(deployment);
    CustomerImpact.Meter meter = settings.loadBalancer() == null ? CustomerImpact.NOT_CONFIGURED
        : new AlbCustomerImpact(() -> aws.cloudWatch, () -> aws.elbv2, settings.loadBalancer());
    return ai.sentinel.dr.cli.Reports.of(aws.sfn, executionArn, settings, meter);
  }

  /** After every part: the load balancer (created when no part did) and its healthy hour. */
  static void seed(SentinelSeed platform) {
    String name = configured(platform.deployment);
    if (name == null) {
      return;
    }
    String dimension = dimension(platform.aws, name, platform.subnetIds);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    put(platform.aws, dimension, now.minus(HEALTHY_BEFORE), now, false);
  }

  /** From {@code from} on, every request fails at the load balancer (no healthy target): a drill's injected outage. */
  public static void outage(LocalSentinel sentinel, Instant from) {
    String name = configured(sentinel.deployment);
    if (name == null) {
      return;
    }
    Instant start = from.truncatedTo(ChronoUnit.MINUTES);
    put(sentinel.aws, dimension(sentinel.aws, name, null), start, start.plus(OUTAGE), true);
  }

  /** app/NAME/ID of the load balancer {@code name}, created first when missing (needs subnets then). */
  static String dimension(LocalAws aws, String name, List<String> subnets) {
    if (name.startsWith("app/")) {
      return name;
    }
    String arn;
    try {
      arn = aws.elbv2.describeLoadBalancers(b -> b.names(name)).loadBalancers().get(0).loadBalancerArn();
    } catch (LoadBalancerNotFoundException e) {
      if (subnets == null) {
        throw e;
      }
      arn = aws.elbv2.createLoadBalancer(b -> b.name(name).subnets(subnets).scheme(LoadBalancerSchemeEnum
          .INTERNET_FACING).type(LoadBalancerTypeEnum.APPLICATION)).loadBalancers().get(0).loadBalancerArn();
    }
    return arn.substring(arn.indexOf("loadbalancer/") + "loadbalancer/".length());
  }

  /** One datapoint per minute in [from, to) of each of the three metrics. */
  private static void put(LocalAws aws, String dimension, Instant from, Instant to, boolean failing) {
    Dimension d = Dimension.builder().name("LoadBalancer").value(dimension).build();
    List<MetricDatum> data = new ArrayList<>();
    for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(1))) {
      data.add(datum("RequestCount", d, t, REQUESTS_PER_MINUTE));
      data.add(datum("HTTPCode_ELB_5XX_Count", d, t, failing ? REQUESTS_PER_MINUTE : 0));
      data.add(datum("HTTPCode_Target_5XX_Count", d, t, 0));
    }
    // PutMetricData takes at most 1000 values per call
    for (int i = 0; i < data.size(); i += 1000) {
      List<MetricDatum> batch = data.subList(i, Math.min(data.size(), i + 1000));
      aws.cloudWatch.putMetricData(b -> b.namespace(NAMESPACE).metricData(batch));
    }
  }

  private static MetricDatum datum(String metric, Dimension d, Instant t, double value) {
    return MetricDatum.builder().metricName(metric).dimensions(d).timestamp(t).value(value).unit(StandardUnit.COUNT)
        .build();
  }
}
