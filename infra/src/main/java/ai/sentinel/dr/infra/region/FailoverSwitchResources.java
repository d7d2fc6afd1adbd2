package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.region.FailoverSwitch;
import ai.sentinel.dr.region.RegionSettings;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.route53.CfnHealthCheck;
import software.constructs.Construct;

/**
 * Route 53's data-plane alternative ({@code dr.dns.failoverSwitch}, {@link FailoverSwitch}): in the DR region, the
 * alarm the recovery flips (metric {@code namespace/metricName} below 1, missing data: the primary serves) and the
 * Route 53 health check on it that the platform's pre-provisioned PRIMARY failover record uses (its id is an output).
 */
final class FailoverSwitchResources extends Construct {

  FailoverSwitchResources(Construct scope, String id, RegionSettings region) {
    super(scope, id);
    FailoverSwitch sw = region.dns().failoverSwitch();
    Alarm alarm = Alarm.Builder.create(this, "Alarm")
        .alarmName(sw.alarmName())
        .alarmDescription("ALARM = the platform is failed over to " + region.drRegion() + ": the PRIMARY failover "
            + "records' health check is unhealthy and Route 53 answers the DR load balancer. Set by the failover "
            + "(metric " + sw.namespace() + "/" + sw.metricName() + " = 0), cleared by publishing 1.")
        .metric(Metric.Builder.create().namespace(sw.namespace()).metricName(sw.metricName()).statistic("Minimum")
            .period(Duration.minutes(1)).build())
        .threshold(1)
        .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
        .evaluationPeriods(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
    CfnHealthCheck check = CfnHealthCheck.Builder.create(this, "HealthCheck")
        .healthCheckConfig(CfnHealthCheck.HealthCheckConfigProperty.builder()
            .type("CLOUDWATCH_METRIC")
            .alarmIdentifier(CfnHealthCheck.AlarmIdentifierProperty.builder().name(alarm.getAlarmName())
                .region(region.drRegion()).build())
            .insufficientDataHealthStatus("LastKnownStatus")
            .build())
        .healthCheckTags(java.util.List.of(CfnHealthCheck.HealthCheckTagProperty.builder().key("Name")
            .value(sw.alarmName()).build()))
        .build();
    CfnOutput.Builder.create(this, "HealthCheckId").value(check.getAttrHealthCheckId())
        .description("Health check of the PRIMARY failover records " + region.dns().recordNames() + " (Route 53 "
            + "data plane): SwitchDns flips it through the alarm " + sw.alarmName()).build();
  }
}
