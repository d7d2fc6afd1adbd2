package ai.sentinel.dr.region;

import ai.sentinel.dr.common.ConfigReader;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * cdk.json {@code dr.primaryProbe}: Scenario 4's alarm trigger. Route 53 health checks publish their metrics in
 * us-east-1 only, so an alarm on one cannot live in the DR region and dies with the primary when it is us-east-1.
 * Instead the DR stack probes the primary's public {@code /health} ({@code dr.primaryHealthUrl}) from the DR region
 * every {@code intervalMinutes} ({@link ProbePrimary}) and alarms there when {@code datapointsToAlarm} of the last
 * {@code evaluationPeriods} probes failed. The alarm starts the failover's assessment and pages; the failover itself
 * always waits for approval.
 *
 * @param intervalMinutes   how often the probe runs: also the alarm's period, so one probe is one datapoint
 * @param timeoutSeconds    how long one probe may take to connect and answer; slower is a failure
 * @param datapointsToAlarm failed probes that put the alarm in ALARM ...
 * @param evaluationPeriods ... out of the last this many (N of M: one lost probe is not a region failure)
 */
public record ProbeSettings(int intervalMinutes, int timeoutSeconds, int datapointsToAlarm, int evaluationPeriods) {
  public static final int DEFAULT_INTERVAL_MINUTES = 1;
  public static final int DEFAULT_TIMEOUT_SECONDS = 5;
  public static final int DEFAULT_DATAPOINTS = 3;
  public static final int DEFAULT_PERIODS = 5;
  static final Set<String> FIELDS = Set.of("intervalMinutes", "timeoutSeconds", "datapointsToAlarm",
      "evaluationPeriods");
  /** CloudWatch evaluates at most one day of periods for an alarm on one-minute data. */
  static final int MAX_EVALUATED_MINUTES = 24 * 60;

  /** The probe's EventBridge schedule: one run per period. */
  public String schedule() {
    return "rate(" + intervalMinutes + (intervalMinutes == 1 ? " minute)" : " minutes)");
  }

  /** Reads {@code dr.primaryProbe}; null when absent (no probe, no alarm: the other triggers remain). */
  static ProbeSettings read(JsonNode dr, ConfigReader config, String primaryHealthUrl) {
    JsonNode n = config.optionalObject(dr, "dr.primaryProbe", "{intervalMinutes, timeoutSeconds, "
        + "datapointsToAlarm, evaluationPeriods}: the DR region's probe of the primary's public /health");
    if (n == null) {
      return null;
    }
    config.unknownFields(n, "dr.primaryProbe.", FIELDS);
    if (primaryHealthUrl == null && !dr.has("primaryHealthUrl")) {
      config.problem("dr.primaryProbe needs dr.primaryHealthUrl: the primary's public /health it probes");
    }
    int interval = config.optionalPositive(n, "dr.primaryProbe.intervalMinutes", DEFAULT_INTERVAL_MINUTES, 60);
    // the probe must end well within its period, and no probe is worth a Lambda's whole time
    int timeout = config.optionalPositive(n, "dr.primaryProbe.timeoutSeconds", DEFAULT_TIMEOUT_SECONDS, 30);
    int periods = config.optionalPositive(n, "dr.primaryProbe.evaluationPeriods", DEFAULT_PERIODS,
        MAX_EVALUATED_MINUTES);
    int datapoints = config.optionalPositive(n, "dr.primaryProbe.datapointsToAlarm", DEFAULT_DATAPOINTS,
        MAX_EVALUATED_MINUTES);
    if (datapoints > periods) {
      config.problem("dr.primaryProbe.datapointsToAlarm (" + datapoints + ") must be at most "
          + "dr.primaryProbe.evaluationPeriods (" + periods + ")");
    }
    if ((long) periods * interval > MAX_EVALUATED_MINUTES) {
      config.problem("dr.primaryProbe.evaluationPeriods x intervalMinutes (" + periods + " x " + interval
          + " min) must be at most one day: CloudWatch evaluates no longer");
    }
    return new ProbeSettings(interval, timeout, datapoints, periods);
  }
}
