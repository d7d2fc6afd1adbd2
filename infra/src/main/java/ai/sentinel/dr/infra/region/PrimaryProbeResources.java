package ai.sentinel.dr.infra.region;

import ai.sentinel.dr.infra.Notifications;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.infra.RunbookFunctions;
import ai.sentinel.dr.region.ProbePrimary;
import ai.sentinel.dr.region.ProbeSettings;
import ai.sentinel.dr.region.RegionSettings;
import ai.sentinel.dr.report.EmbeddedMetrics;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.constructs.Construct;

/**
 * Scenario 4's alarm trigger in the DR stack ({@code dr.primaryProbe}): {@link ProbePrimary} on a schedule, one run
 * per period, and the alarm {@code <env>-sentinel-dr-region-primary-unreachable} on its metric, N failed of the last
 * M. Both live in the DR region: Route 53 health checks publish their metrics in us-east-1 only, so an alarm on one
 * would die with the primary region it watches.
 *
 * <p>The alarm's state change reaches the DR stack's AlarmResponder through the shared alarm rule (its metric is a
 * branch of it: RegionFailureSignals), which starts the failover's assessment; the failover always waits for
 * approval. Its ALARM also pages the DR stack's on-call topic directly, so a page goes out even if the assessment
 * cannot start. A probe that does not run is missing data, never breaching: only failed probes start anything; a
 * second alarm pages when the probe stops running.
 */
final class PrimaryProbeResources extends Construct {
  private final RunbookFunction probe;
  private final Alarm alarm;

  PrimaryProbeResources(Construct scope, String id, String environment, String prefix, RegionSettings region,
      RunbookFunctions steps, Notifications notifications) {
    super(scope, id);
    ProbeSettings settings = region.primaryProbe();
    // the probe calls no AWS API: its role holds its own log group and nothing else
    probe = steps.create(this, ProbePrimary.class, Map.of(), null);
    Rule.Builder.create(this, "Schedule")
        .ruleName(prefix + "-probe-primary")
        .description("Probes " + region.primaryRegion() + "'s public /health from " + region.drRegion()
            + " (runbook Scenario 4 trigger)")
        .schedule(Schedule.expression(settings.schedule()))
        // a retried probe would only repeat the period's datapoint late: a lost run is missing data
        .targets(List.of(LambdaFunction.Builder.create(probe.live()).retryAttempts(0).build()))
        .build();
    Metric failed = Metric.Builder.create()
        .namespace(EmbeddedMetrics.NAMESPACE)
        .metricName(ProbePrimary.METRIC)
        .dimensionsMap(Map.of(EmbeddedMetrics.ENVIRONMENT, environment, ProbePrimary.PRIMARY_REGION,
            region.primaryRegion()))
        // a period breaches only when every probe in it failed
        .statistic("Minimum")
        .period(Duration.minutes(settings.intervalMinutes()))
        .build();
    alarm = Alarm.Builder.create(this, "PrimaryUnreachable")
        .alarmName(prefix + "-primary-unreachable")
        .alarmDescription("The " + region.drRegion() + " probe of " + region.primaryRegion() + "'s public /health ("
            + region.primaryHealthUrl() + ") failed " + settings.datapointsToAlarm() + " of the last "
            + settings.evaluationPeriods() + " times: the region failover's assessment starts in " + prefix
            + " (ConfirmPrimaryDown) and pages; the failover itself waits for approval")
        .metric(failed)
        .threshold(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .evaluationPeriods(settings.evaluationPeriods())
        .datapointsToAlarm(settings.datapointsToAlarm())
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
    alarm.addAlarmAction(new SnsAction(notifications.topic()));
    // a probe that stops running (rule disabled, function broken or throttled) is missing data, which the alarm
    // above treats as healthy: this one pages for it and starts nothing (no alarm rule branch watches AWS/Lambda)
    Alarm.Builder.create(this, "ProbeSilent")
        .alarmName(prefix + "-primary-probe-silent")
        .alarmDescription("The probe of " + region.primaryRegion() + "'s public /health has not run for "
            + settings.evaluationPeriods() * settings.intervalMinutes() + " minutes: " + prefix
            + "-primary-unreachable cannot fire until it runs again")
        .metric(probe.function().metricInvocations(MetricOptions.builder()
            .statistic("Sum").period(Duration.minutes(settings.intervalMinutes())).build()))
        .threshold(1)
        .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
        .evaluationPeriods(settings.evaluationPeriods())
        .treatMissingData(TreatMissingData.BREACHING)
        .build()
        .addAlarmAction(new SnsAction(notifications.topic()));
  }

  RunbookFunction probe() {
    return probe;
  }

  Alarm alarm() {
    return alarm;
  }
}
