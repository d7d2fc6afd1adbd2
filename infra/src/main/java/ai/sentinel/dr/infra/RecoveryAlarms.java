package ai.sentinel.dr.infra;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/** The two alarms every recovery state machine has ({@link RecoveryStateMachine#build}), both paging the on-call. */
final class RecoveryAlarms {
  private RecoveryAlarms() {}

  /**
   * Pages when a recovery's measured RTO missed the runbook's objective: the Report step emits RtoObjectiveMet (0 or
   * 1) as an Embedded Metric Format line, which CloudWatch turns into this metric, one per scenario.
   */
  static void rtoMissed(Construct scope, String scenario, EnvironmentConfig config, Notifications notifications,
      String what) {
    Metric met = Metric.Builder.create().namespace("SentinelDR").metricName("RtoObjectiveMet")
        .dimensionsMap(Map.of("Scenario", scenario, "Environment", config.name()))
        .statistic("Minimum").period(Duration.minutes(5)).build();
    Alarm alarm = Alarm.Builder.create(scope, "RtoMissed")
        .alarmName(config.prefix() + "-" + scenario + "-rto-missed")
        .alarmDescription("A " + what + " recovery took longer than the runbook's RTO objective (see its report)")
        .metric(met).threshold(1).evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
    alarm.addAlarmAction(new SnsAction(notifications.topic()));
  }

  /**
   * A timed-out execution ends without its Catch (no NotifyFailure, no report): this alarm tells the on-call instead.
   */
  static void timedOut(Construct scope, String scenario, EnvironmentConfig config, Notifications notifications,
      StateMachine stateMachine, String what) {
    Alarm alarm = Alarm.Builder.create(scope, "TimedOut")
        .alarmName(config.prefix() + "-" + scenario + "-timed-out")
        .alarmDescription("A " + what + " recovery ran into the state machine's timeout (the lock lease less "
            + EnvironmentConfig.Safety.STEPS_ALLOWANCE_MINUTES + " min) and stopped where it was: check the "
            + "resource by hand (see the execution history)")
        .metric(stateMachine.metricTimedOut(MetricOptions.builder()
            .period(Duration.minutes(5)).statistic("Sum").build()))
        .threshold(1).evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
    alarm.addAlarmAction(new SnsAction(notifications.topic()));
  }
}
