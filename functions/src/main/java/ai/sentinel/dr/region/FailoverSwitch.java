package ai.sentinel.dr.region;

import java.time.Instant;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * Route 53's data-plane alternative (cdk.json {@code dr.dns.failoverSwitch}): Route 53's API (its control plane) is
 * served from us-east-1 and may be unreachable with it, while its health checkers and name servers (its data plane)
 * answer from everywhere. The platform's records are then pre-provisioned failover records: PRIMARY on the primary
 * load balancer with a health check on the CloudWatch alarm {@link #alarmName} (in the DR region, created by the DR
 * stack), SECONDARY on the DR load balancer. The recovery never calls Route 53: it flips the alarm, in the DR
 * region's CloudWatch, by publishing {@link #metricName} = 0 (the primary does not serve; the alarm's own evaluation
 * keeps it there) and setting the alarm's state at once; the health check turns unhealthy and Route 53 answers the
 * SECONDARY record. Failing back publishes 1 and sets OK.
 *
 * @param alarmName  the alarm the PRIMARY record's health check watches (ALARM: fail over)
 * @param namespace  its metric's namespace
 * @param metricName its metric: 1 while the primary serves, 0 to fail over
 */
public record FailoverSwitch(String alarmName, String namespace, String metricName) {
  public static final String DEFAULT_NAMESPACE = "SentinelDR/Failover";
  public static final String DEFAULT_METRIC = "PrimaryServing";

  public FailoverSwitch {
    namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
    metricName = metricName == null ? DEFAULT_METRIC : metricName;
  }

  /**
   * Flips the switch: {@code toDr} makes the PRIMARY record's health check unhealthy (Route 53 answers SECONDARY),
   * else healthy again. Both calls go to the DR region's CloudWatch.
   */
  public void flip(CloudWatchClient cloudWatch, boolean toDr, String reason) {
    cloudWatch.putMetricData(b -> b.namespace(namespace).metricData(m -> m.metricName(metricName)
        .value(toDr ? 0.0 : 1.0).unit(StandardUnit.COUNT).timestamp(Instant.now())));
    cloudWatch.setAlarmState(b -> b.alarmName(alarmName).stateValue(toDr ? StateValue.ALARM : StateValue.OK)
        .stateReason(reason.length() > 1000 ? reason.substring(0, 1000) : reason));
  }

  /** The alarm's state now (ALARM: DNS answers the DR load balancer), or "missing" when there is no such alarm. */
  public String state(CloudWatchClient cloudWatch) {
    return cloudWatch.describeAlarms(b -> b.alarmNames(alarmName)).metricAlarms().stream().findFirst()
        .map(MetricAlarm::stateValueAsString).orElse("missing");
  }
}
