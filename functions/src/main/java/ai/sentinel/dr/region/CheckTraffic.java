package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.ApiHealth;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.region.FailbackState.Traffic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * Failback step 5, "Monitor for issues", after each share's soak: the DNS change in sync, the primary's target groups
 * healthy ({@code ecs.targetGroups}, none unhealthy), {@code /health} through the primary load balancer, and the
 * primary ALB's 5xx per request over the soak below {@code maxErrorRatePercent}. Any failure is a regression (the
 * state machine returns all traffic to DR); a change not yet in sync is judged again after another soak; otherwise
 * the next share, or done at 100%. Read-only.
 */
@UsesSettings({RegionSettings.class, EcsSettings.class})
public final class CheckTraffic extends Step {
  private final RegionSettings region;
  private final FailbackSettings failback;
  private final Route53Client route53;
  private final ElasticLoadBalancingV2Client elb;
  private final CloudWatchClient cloudWatch;

  public CheckTraffic() {
    this(Deps.fromProcessEnv());
  }

  public CheckTraffic(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public CheckTraffic(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.failback = region.requireFailback();
    this.route53 = deps.clients().in(region.drRegion()).route53();
    this.elb = deps.clients().in(region.primaryRegion()).elbv2();
    this.cloudWatch = deps.clients().in(region.primaryRegion()).cloudWatch();
  }

  @Override
  public String name() {
    return "CheckTraffic";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Traffic traffic = FailbackState.of(recovery.part(FailbackState.PART)).traffic();
    if (traffic == null) {
      throw new StepFailedError("CheckTraffic needs the share ShiftTraffic set");
    }
    List<Check> checks = new ArrayList<>();
    boolean pending = false;
    if (recovery.dryRun()) {
      checks.add(new Check("traffic", Result.SKIP, "dry-run: nothing was shifted"));
    } else {
      if (traffic.changeId() != null) {
        String status = route53.getChange(b -> b.id(traffic.changeId())).changeInfo().statusAsString();
        pending = !"INSYNC".equals(status);
        checks.add(new Check("dns", pending ? Result.SKIP : Result.PASS, "change " + traffic.changeId() + " "
            + status));
      }
      deps.config().require(EcsSettings.class).targetGroups().forEach((service, tg) -> checks.add(targets(service,
          tg)));
      Check health = ApiHealth.check(failback.healthUrl());
      checks.add(new Check("primary-health", health.result(), failback.healthUrl() == null
          ? "dr.failback.healthUrl not configured" : health.detail()));
      checks.add(errorRate(Math.max(60, traffic.soakSeconds())));
    }
    boolean failed = checks.stream().anyMatch(c -> c.result() == Result.FAIL);
    String verdict = failed ? Traffic.REGRESSED : pending ? Traffic.SOAK : traffic.percent() >= 100
        ? Traffic.COMPLETE : Traffic.ADVANCE;
    List<String> lines = checks.stream().map(c -> c.name() + " " + c.result() + ": " + c.detail()).toList();
    Traffic next = new Traffic(traffic.percent(), traffic.changeId(), traffic.soakSeconds(), verdict, lines,
        traffic.polls() + 1);
    if (pending && next.polls() >= recovery.options().maxPolls()) {
      throw new TimedOutError("DNS change " + traffic.changeId() + " still not in sync after " + next.polls()
          + " soaks");
    }
    return recovery.update(FailbackState.PART, s -> FailbackState.of(s).withTraffic(next))
        .log(entry(verdict, traffic.percent() + "% on the primary: " + String.join("; ", lines)));
  }

  private Check targets(String service, String targetGroup) {
    String name = "primary-targets:" + service;
    try {
      String arn = targetGroup.startsWith("arn:") ? targetGroup : elb.describeTargetGroups(b -> b.names(targetGroup))
          .targetGroups().get(0).targetGroupArn();
      List<TargetHealthDescription> targets = elb.describeTargetHealth(b -> b.targetGroupArn(arn))
          .targetHealthDescriptions();
      long healthy = targets.stream().filter(t -> "healthy".equals(t.targetHealth().stateAsString())).count();
      long unhealthy = targets.stream().filter(t -> "unhealthy".equals(t.targetHealth().stateAsString())).count();
      return new Check(name, healthy > 0 && unhealthy == 0 ? Result.PASS : Result.FAIL, targetGroup + ": "
          + healthy + " healthy, " + unhealthy + " unhealthy of " + targets.size());
    } catch (SdkException | IndexOutOfBoundsException e) {
      return new Check(name, Result.FAIL, targetGroup + " unreadable (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** 5xx of the primary's targets per request over the last {@code seconds}; no requests is no regression. */
  private Check errorRate(int seconds) {
    String lb = failback.loadBalancerMetric();
    if (lb == null) {
      return new Check("error-rate", Result.SKIP, "dr.failback.loadBalancerMetric not configured");
    }
    try {
      double errors = sum("HTTPCode_Target_5XX_Count", lb, seconds);
      double requests = sum("RequestCount", lb, seconds);
      double rate = requests == 0 ? 0 : 100.0 * errors / requests;
      boolean ok = rate <= failback.maxErrorRatePercent();
      return new Check("error-rate", ok ? Result.PASS : Result.FAIL, String.format("%.2f%% 5xx (%d of %d "
          + "requests in %d s; at most %.2f%%)", rate, (long) errors, (long) requests, seconds,
          failback.maxErrorRatePercent()));
    } catch (SdkException e) {
      return new Check("error-rate", Result.FAIL, "metrics of " + lb + " unreadable (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  private double sum(String metric, String lb, int seconds) {
    Instant end = Instant.now(deps.clock());
    int period = Math.max(60, seconds / 60 * 60);
    return cloudWatch.getMetricStatistics(b -> b.namespace("AWS/ApplicationELB").metricName(metric)
        .dimensions(d -> d.name("LoadBalancer").value(lb)).startTime(end.minusSeconds(period)).endTime(end)
        .period(period).statistics(Statistic.SUM)).datapoints().stream().mapToDouble(Datapoint::sum).sum();
  }
}
