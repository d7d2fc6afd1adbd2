package ai.sentinel.dr.report;

import java.time.Instant;
import java.util.Locale;

/**
 * The customer impact of an incident as the API's load balancer counted it over the incident window: requests
 * received, and those that failed with a 5XX, either from the load balancer itself (no healthy target, a timeout) or
 * from a target. Or why it was not measured.
 *
 * @param requests      RequestCount summed over the window; null when not measured
 * @param elb5xx        HTTPCode_ELB_5XX_Count summed
 * @param target5xx     HTTPCode_Target_5XX_Count summed
 * @param loadBalancer  the metric dimension measured (app/NAME/ID)
 * @param from          window start (the signal)
 * @param to            window end (verified, or the report's end)
 * @param notMeasured   why nothing was measured; null when measured
 */
public record CustomerImpact(Long requests, Long elb5xx, Long target5xx, String loadBalancer, Instant from, Instant to,
    String notMeasured) {

  /** Measures the impact over [from, to]. */
  @FunctionalInterface
  public interface Meter {
    /** Never throws: a failure to measure is a {@link #notMeasured(String)} with the reason. */
    CustomerImpact measure(Instant from, Instant to);
  }

  /** No load balancer configured. */
  public static final Meter NOT_CONFIGURED = (from, to) ->
      notMeasured("no load balancer configured (cdk.json report.loadBalancer)");

  public static CustomerImpact notMeasured(String why) {
    return new CustomerImpact(null, null, null, null, null, null, why);
  }

  public boolean measured() {
    return notMeasured == null && requests != null;
  }

  /** Requests that failed (ELB and target 5XX), or null when not measured. */
  public Long failed() {
    return measured() ? nz(elb5xx) + nz(target5xx) : null;
  }

  /** Failed requests in percent of all requests (0 when there were none), or null. */
  public Double failedPercent() {
    if (!measured()) {
      return null;
    }
    return requests == 0 ? 0.0 : Math.round(failed() * 10000.0 / requests) / 100.0;
  }

  /**
   * "2.41% of requests failed: 173 of 7,200 (ELB 5XX 150, target 5XX 23) on app/sentinel-alb/0123 from 10:02 to
   * 10:09 UTC", or "not measured: why".
   */
  public String text() {
    if (!measured()) {
      return "not measured: " + notMeasured;
    }
    String window = " on " + loadBalancer + " from " + ReportTimes.hhmm(from) + " to " + ReportTimes.hhmm(to) + " UTC";
    if (requests == 0) {
      return "no request reached the load balancer (0 requests" + window + "): customers could not reach it or sent "
          + "nothing";
    }
    return String.format(Locale.ROOT, "%s%% of requests failed: %,d of %,d (ELB 5XX %,d, target 5XX %,d)%s",
        percentText(), failed(), requests, nz(elb5xx), nz(target5xx), window);
  }

  private String percentText() {
    double p = failedPercent();
    return p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.2f", p);
  }

  private static long nz(Long value) {
    return value == null ? 0 : value;
  }
}
