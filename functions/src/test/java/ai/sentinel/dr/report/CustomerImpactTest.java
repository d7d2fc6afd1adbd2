package ai.sentinel.dr.report;

import static ai.sentinel.dr.report.Documents.ARN;
import static ai.sentinel.dr.report.Documents.END;
import static ai.sentinel.dr.report.Documents.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.support.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeLoadBalancersRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeLoadBalancersResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;

/**
 * The customer impact is the load balancer's count over the incident window (RequestCount, ELB and target 5XX), in
 * the report's Impact and Metrics; "none" with the reason for a drill or a dry-run; a failure to measure says why.
 */
class CustomerImpactTest {
  private static final String DIMENSION = "app/sentinel-alb/0123456789abcdef";
  private final CloudWatchClient cloudWatch = Fixtures.sdkMock(CloudWatchClient.class);
  private final ElasticLoadBalancingV2Client elbv2 = Fixtures.sdkMock(ElasticLoadBalancingV2Client.class);

  private static MetricDataResult result(String id, double... values) {
    List<Double> list = new java.util.ArrayList<>();
    for (double v : values) {
      list.add(v);
    }
    return MetricDataResult.builder().id(id).values(list).build();
  }

  private void answer(MetricDataResult... results) {
    when(cloudWatch.getMetricData(any(GetMetricDataRequest.class)))
        .thenReturn(GetMetricDataResponse.builder().metricDataResults(results).build());
  }

  @SuppressWarnings("unchecked")
  @Test
  void sumsTheThreeMetricsOverTheWindowInWholeMinutesOfTheNamedLoadBalancer() {
    when(elbv2.describeLoadBalancers(any(DescribeLoadBalancersRequest.class))).thenReturn(
        DescribeLoadBalancersResponse.builder().loadBalancers(LoadBalancer.builder().loadBalancerArn(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/" + DIMENSION).build()).build());
    answer(result("requestcount", 1000, 1200, 1000), result("elb5xx", 150, 0), result("target5xx", 20, 3));
    CustomerImpact impact = new AlbCustomerImpact(() -> cloudWatch, () -> elbv2, "sentinel-alb")
        .measure(Instant.parse("2026-01-17T10:02:11Z"), Instant.parse("2026-01-17T10:09:00Z"));
    assertEquals(3200L, impact.requests());
    assertEquals(173L, impact.failed());
    assertEquals(5.41, impact.failedPercent());
    assertEquals("5.41% of requests failed: 173 of 3,200 (ELB 5XX 150, target 5XX 23) on " + DIMENSION
        + " from 10:02 to 10:09 UTC", impact.text());
    ArgumentCaptor<GetMetricDataRequest> sent = ArgumentCaptor.forClass(GetMetricDataRequest.class);
    verify(cloudWatch).getMetricData(sent.capture());
    GetMetricDataRequest q = sent.getValue();
    assertEquals(Instant.parse("2026-01-17T10:02:00Z"), q.startTime());
    assertEquals(Instant.parse("2026-01-17T10:10:00Z"), q.endTime());
    assertEquals(List.of("RequestCount", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"),
        q.metricDataQueries().stream().map(m -> m.metricStat().metric().metricName()).toList());
    q.metricDataQueries().forEach(m -> {
      assertEquals("AWS/ApplicationELB", m.metricStat().metric().namespace());
      assertEquals("Sum", m.metricStat().stat());
      assertEquals(60, m.metricStat().period());
      assertEquals(DIMENSION, m.metricStat().metric().dimensions().get(0).value());
      assertEquals("LoadBalancer", m.metricStat().metric().dimensions().get(0).name());
    });
  }

  @SuppressWarnings("unchecked")
  @Test
  void aDimensionIsUsedAsGivenAndAnErrorIsNotMeasuredWithItsReason() {
    when(cloudWatch.getMetricData(any(GetMetricDataRequest.class)))
        .thenThrow(CloudWatchException.builder().message("AccessDenied").build());
    CustomerImpact impact = new AlbCustomerImpact(() -> cloudWatch, () -> elbv2, DIMENSION)
        .measure(Instant.parse("2026-01-17T10:02:11Z"), Instant.parse("2026-01-17T10:09:00Z"));
    verify(elbv2, never()).describeLoadBalancers(any(Consumer.class));
    verify(elbv2, never()).describeLoadBalancers(any(DescribeLoadBalancersRequest.class));
    assertFalse(impact.measured());
    assertTrue(impact.text().startsWith("not measured: GetMetricData on " + DIMENSION + " failed (AccessDenied"),
        impact.text());
    assertEquals("no request reached the load balancer (0 requests on x from 10:02 to 10:09 UTC): customers could "
        + "not reach it or sent nothing", new CustomerImpact(0L, 0L, 0L, "x", Instant.parse("2026-01-17T10:02:11Z"),
            Instant.parse("2026-01-17T10:09:00Z"), null).text());
  }

  private static CustomerImpact.Meter fixed(long requests, long elb, long target) {
    return (from, to) -> new CustomerImpact(requests, elb, target, DIMENSION, from, to, null);
  }

  @Test
  void anIncidentsReportStatesTheMeasuredImpactOverSignalToVerified() {
    Instant[] window = new Instant[2];
    CustomerImpact.Meter meter = (from, to) -> {
      window[0] = from;
      window[1] = to;
      return fixed(7200, 150, 23).measure(from, to);
    };
    IncidentReport r = IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END, "SUCCEEDED",
        ReportSettings.DEFAULTS, meter);
    assertEquals(Instant.parse(Documents.TRIGGER_TIME), window[0]);
    assertEquals(Instant.parse("2026-01-17T10:09:00Z"), window[1], "to verified");
    String text = "2.40% of requests failed: 173 of 7,200 (ELB 5XX 150, target 5XX 23) on " + DIMENSION
        + " from 10:02 to 10:09 UTC";
    assertEquals(text, r.metrics().customerImpact());
    assertEquals(7200L, r.metrics().requests());
    assertEquals(173L, r.metrics().failedRequests());
    assertEquals(2.4, r.metrics().failedRequestPercent());
    assertTrue(r.impact().contains("Customers: " + text + "."), r.impact());
  }

  @Test
  void drillsAndDryRunsHaveNoCustomerImpactAndSayWhy() {
    CustomerImpact.Meter meter = fixed(600, 12, 0);
    IncidentReport dryRun = IncidentReports.from(Documents.optionBDryRun(), ARN, START, END, "SUCCEEDED",
        ReportSettings.DEFAULTS, meter);
    assertEquals("none: dry-run, nothing was changed", dryRun.metrics().customerImpact());
    assertEquals(null, dryRun.metrics().requests(), "a dry-run measures nothing");

    Recovery drill = Documents.optionBSucceeded();
    drill = drill.withEnvelope(drill.scenario(), drill.resource(), drill.executionName(), drill.environment(),
        new Trigger("drill", "manual", "req-1", Documents.TRIGGER_TIME, "drill"), drill.options());
    IncidentReport manual = IncidentReports.from(drill, ARN, START, END, "SUCCEEDED", ReportSettings.DEFAULTS, meter);
    assertTrue(manual.metrics().customerImpact().startsWith("none: drill: the failure was injected on purpose; "
        + "load balancer over the window: 2% of requests failed: 12 of 600"), manual.metrics().customerImpact());
  }

  @Test
  void anExerciseEnvironmentMakesEveryRecoveryADrillWithP4AndNoCustomerImpact() {
    ReportSettings local = new ReportSettings(null, null, null, "local cloud: drills only, no customers");
    IncidentReport r = IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END, "SUCCEEDED", local,
        CustomerImpact.NOT_CONFIGURED);
    assertTrue(r.drill());
    assertTrue(r.title().startsWith("[DRILL] Database failure on sentinel-db"), r.title());
    assertEquals("P4", r.severity());
    assertEquals("drill (local cloud: drills only, no customers): not a production incident", r.severityReason());
    assertEquals("none: drill (local cloud: drills only, no customers)", r.metrics().customerImpact());
    assertTrue(r.rootCause().contains("(The failure was injected by the drill.)"), r.rootCause());
    IncidentReport failed = IncidentReports.from(Documents.optionBFailed(), ARN, START,
        Instant.parse("2026-01-17T10:40:00Z"), "FAILED", local, CustomerImpact.NOT_CONFIGURED);
    assertEquals("P4", failed.severity(), "a failed drill is still a drill");
    assertTrue(failed.title().startsWith("[DRILL] "), failed.title());
  }

  @Test
  void aMeterThatThrowsNeverCostsTheReport() {
    IncidentReport r = IncidentReports.from(Documents.optionBSucceeded(), ARN, START, END, "SUCCEEDED",
        ReportSettings.DEFAULTS, (from, to) -> {
          throw new IllegalStateException("boom");
        });
    assertEquals("not measured: IllegalStateException: boom", r.metrics().customerImpact());
  }
}
