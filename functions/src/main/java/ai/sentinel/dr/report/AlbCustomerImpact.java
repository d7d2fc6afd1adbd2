package ai.sentinel.dr.report;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * The customer impact from the API's Application Load Balancer: one GetMetricData call summing RequestCount,
 * HTTPCode_ELB_5XX_Count and HTTPCode_Target_5XX_Count (namespace AWS/ApplicationELB, dimension LoadBalancer) over the
 * incident window in one-minute periods. A load balancer given by name is resolved to its dimension (app/NAME/ID) with
 * DescribeLoadBalancers. Any error is a "not measured" with its reason: a report is never lost to a metric.
 */
public final class AlbCustomerImpact implements CustomerImpact.Meter {
  static final String NAMESPACE = "AWS/ApplicationELB";
  static final List<String> METRICS = List.of("RequestCount", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count");
  private static final int PERIOD = 60;

  private final Supplier<CloudWatchClient> cloudWatch;
  private final Supplier<ElasticLoadBalancingV2Client> elbv2;
  private final String loadBalancer;

  /**
   * @param loadBalancer the ALB's name or its metric dimension app/NAME/ID
   */
  public AlbCustomerImpact(Supplier<CloudWatchClient> cloudWatch, Supplier<ElasticLoadBalancingV2Client> elbv2,
      String loadBalancer) {
    this.cloudWatch = cloudWatch;
    this.elbv2 = elbv2;
    this.loadBalancer = loadBalancer;
  }

  @Override
  public CustomerImpact measure(Instant from, Instant to) {
    if (from == null || to == null || to.isBefore(from)) {
      return CustomerImpact.notMeasured("incident window unknown (no signal or end time)");
    }
    String dimension;
    try {
      dimension = dimension();
    } catch (RuntimeException e) {
      return CustomerImpact.notMeasured("load balancer " + loadBalancer + " not found ("
          + IncidentReports.oneLine(e.getMessage()) + ")");
    }
    // whole minutes that cover the window: ALB metrics are per minute
    Instant start = from.truncatedTo(ChronoUnit.MINUTES);
    Instant end = to.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    try {
      Map<String, Long> sums = new HashMap<>();
      String token = null;
      do {
        String next = token;
        GetMetricDataResponse r = cloudWatch.get().getMetricData(b -> b.startTime(start).endTime(end)
            .metricDataQueries(METRICS.stream().map(m -> query(m, dimension)).toList()).nextToken(next));
        for (MetricDataResult result : r.metricDataResults()) {
          long sum = Math.round(result.values().stream().mapToDouble(Double::doubleValue).sum());
          sums.merge(result.id(), sum, Long::sum);
        }
        token = r.nextToken();
      } while (token != null);
      return new CustomerImpact(sums.getOrDefault(id(METRICS.get(0)), 0L), sums.getOrDefault(id(METRICS.get(1)), 0L),
          sums.getOrDefault(id(METRICS.get(2)), 0L), dimension, from, to, null);
    } catch (SdkException e) {
      return CustomerImpact.notMeasured("GetMetricData on " + dimension + " failed ("
          + IncidentReports.oneLine(e.getMessage()) + ")");
    }
  }

  /** app/NAME/ID as given, or resolved from the name. */
  private String dimension() {
    if (loadBalancer.startsWith("app/")) {
      return loadBalancer;
    }
    String arn = elbv2.get().describeLoadBalancers(b -> b.names(loadBalancer)).loadBalancers().get(0)
        .loadBalancerArn();
    return dimensionOf(arn);
  }

  /** arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID -> app/NAME/ID. */
  static String dimensionOf(String arn) {
    int at = arn.indexOf("loadbalancer/");
    return at < 0 ? arn : arn.substring(at + "loadbalancer/".length());
  }

  private static MetricDataQuery query(String metric, String dimension) {
    return MetricDataQuery.builder().id(id(metric)).returnData(true)
        .metricStat(s -> s.stat("Sum").period(PERIOD).metric(m -> m.namespace(NAMESPACE).metricName(metric)
            .dimensions(d -> d.name("LoadBalancer").value(dimension))))
        .build();
  }

  /** GetMetricData ids start with a lower-case letter. */
  private static String id(String metric) {
    return metric.replace("HTTPCode_", "").replace("_Count", "").replace("_", "").toLowerCase(java.util.Locale.ROOT);
  }
}
