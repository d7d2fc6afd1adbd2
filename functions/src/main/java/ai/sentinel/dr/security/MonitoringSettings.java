package ai.sentinel.dr.security;

import ai.sentinel.dr.common.ConfigReader;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Scenario 6 Recovery 6, "monitor closely for 48 hours": cdk.json {@code security.monitoring}, optional (without it
 * HeightenedMonitoring is not deployed). The thresholds are meant to be tighter than the platform's everyday alarms:
 * each is a sum per period that pages the on-call while the window lasts.
 *
 * @param hours              how long the temporary alarms stay (default 48); a one-time schedule removes them then
 * @param loadBalancerMetric the API's ALB as its CloudWatch dimension {@code app/<name>/<id>}, or null: no 4xx/5xx
 *                           alarms
 * @param periodMinutes      the alarms' period (default 5)
 * @param http4xx            target 4xx responses per period that alarm (default 100)
 * @param http5xx            target 5xx responses per period that alarm (default 10)
 * @param wafBlocked         requests the web ACL blocked per period that alarm (default 50; needs security.webAcl)
 * @param piiRecords         the PII metric's sum per period that alarms (default 100; needs security.piiMetric)
 */
public record MonitoringSettings(int hours, String loadBalancerMetric, int periodMinutes, int http4xx, int http5xx,
    int wafBlocked, int piiRecords) {
  public static final int DEFAULT_HOURS = 48;
  /** EventBridge Scheduler at() runs once; a watch longer than a month is a standing alarm, not an incident's. */
  static final int MAX_HOURS = 24 * 30;
  private static final Set<String> FIELDS = Set.of("hours", "loadBalancerMetric", "periodMinutes", "http4xx",
      "http5xx", "wafBlocked", "piiRecords");
  private static final Pattern LB_METRIC = Pattern.compile("app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}");

  public MonitoringSettings {
    hours = hours == 0 ? DEFAULT_HOURS : hours;
    periodMinutes = periodMinutes == 0 ? 5 : periodMinutes;
  }

  static MonitoringSettings read(JsonNode security, ConfigReader config) {
    JsonNode m = config.optionalObject(security, "security.monitoring", "{hours, loadBalancerMetric, periodMinutes, "
        + "http4xx, http5xx, wafBlocked, piiRecords}");
    if (m == null) {
      return null;
    }
    config.unknownFields(m, "security.monitoring.", FIELDS);
    int period = config.optionalPositive(m, "security.monitoring.periodMinutes", 5, 60);
    if (period != 1 && period % 5 != 0) {
      config.problem("security.monitoring.periodMinutes must be 1 or a multiple of 5 (at most 60), got " + period);
    }
    return new MonitoringSettings(
        config.optionalPositive(m, "security.monitoring.hours", DEFAULT_HOURS, MAX_HOURS),
        config.optionalText(m, "security.monitoring.loadBalancerMetric", LB_METRIC,
            "the ALB's metric dimension app/NAME/ID"),
        period,
        config.optionalPositive(m, "security.monitoring.http4xx", 100, 1_000_000),
        config.optionalPositive(m, "security.monitoring.http5xx", 10, 1_000_000),
        config.optionalPositive(m, "security.monitoring.wafBlocked", 50, 1_000_000),
        config.optionalPositive(m, "security.monitoring.piiRecords", 100, 1_000_000));
  }
}
