package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.ApiHealth;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Verification.Result;
import ai.sentinel.dr.report.AlbCustomerImpact;
import ai.sentinel.dr.report.CustomerImpact;
import ai.sentinel.dr.security.SecurityState.Action;
import ai.sentinel.dr.security.SecurityState.Restore;
import ai.sentinel.dr.wait.Awaited;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * Scenario 6 Recovery 5, "restore services gradually", after a human approved (investigation done): the isolated
 * service goes back to its remembered count in steps ({@code security.isolation.restoreSteps}, default 1, half, all).
 * Each run is one poll: the current step is stable when every task runs, the service has one deployment, its target
 * group's targets are healthy and the API's /health answers (where configured); then the next step's count is set.
 * A stable step is then judged by its error rate: the targets' 5xx per request on {@code security.isolation
 * .loadBalancer} over the step's window (from its UpdateService to now, in whole minutes: ALB metrics are per minute),
 * read with the reports' {@link AlbCustomerImpact} (one GetMetricData). Above {@code maxErrorRatePercent} the step is a
 * regression: the restore halts at that count (no further UpdateService) and fails with VerificationFailedError,
 * which NotifyFailure pages. Target 5xx, not the load balancer's own: while the service was at 0 the ALB answered
 * every request itself, which says nothing about the restored tasks (the failback's CheckTraffic judges the same).
 * Metrics that cannot be read are waited for, as a step that is not yet stable: no step is taken unchecked.
 * A step that does not become stable within {@code maxPolls} halts the restore where it is and pages (the error goes
 * to NotifyFailure): a regression is a human's call. {@code $.security.restore.done} ends the loop.
 */
@UsesSettings({SecuritySettings.class, EcsSettings.class})
public final class RestoreGradually extends Step {
  public RestoreGradually() {
    this(Deps.fromProcessEnv());
  }

  public RestoreGradually(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RestoreGradually(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "RestoreGradually";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    SecurityState state = recovery.part(SecurityState.PART);
    if (state == null || state.isolation() == null) {
      throw new StepFailedError("RestoreGradually needs Isolate's record of the service's count");
    }
    SecurityState.Isolation isolation = state.isolation();
    Restore restore = state.restore();
    if (restore != null && restore.done()) {
      return recovery;
    }
    if (restore == null) {
      List<Integer> counts = SecuritySettings.of(deps.config()).isolation().counts(isolation.previousDesired());
      return scale(recovery, state, new Restore(counts, 0, false, false, "starting", 0, null));
    }
    if (recovery.dryRun()) {
      // nothing was isolated: the plan lists every step's count
      for (int i = restore.index() + 1; i < restore.counts().size(); i++) {
        recovery = scale(recovery, state, new Restore(restore.counts(), i, false, false, "planned", 0, null));
        state = recovery.part(SecurityState.PART);
      }
      Restore end = state.restore();
      return recovery.with(SecurityState.PART, state.withRestore(new Restore(end.counts(), end.index(), true, true,
          "planned", 0, end.since())));
    }
    String status = check(isolation, restore.counts().get(restore.index()));
    Integer soak = status == null ? soak(recovery, restore) : null;
    if (soak != null) {
      // stable before pollSeconds (woken by ECS's steady-state event): the error rate is judged over no shorter a
      // window than the polling loop gave it, after a Wait of the rest ("Soak restore step")
      return recovery.with(SecurityState.PART, state.withRestore(new Restore(restore.counts(), restore.index(), false,
          false, "stable, soaking " + soak + " s more before the error rate is judged", restore.polls(),
          restore.since(), soak))).log(entry(Recovery.WAITING, isolation.service() + " step " + (restore.index() + 1)
          + ": stable; its error rate is judged after " + soak + " s more"));
    }
    Rate rate = status == null ? errorRate(isolation, restore) : null;
    if (rate != null && !rate.measured()) {
      status = rate.detail();
    }
    int polls = restore.polls() + 1;
    if (status != null) {
      if (polls >= recovery.options().maxPolls()) {
        throw new TimedOutError("restore of " + isolation.service() + " halted at step " + (restore.index() + 1)
            + " of " + restore.counts().size() + " (" + restore.counts().get(restore.index()) + " tasks): " + status
            + " after " + polls + " polls; left at this count for a human to judge");
      }
      return recovery.with(SecurityState.PART, state.withRestore(new Restore(restore.counts(), restore.index(), false,
          false, status, polls, restore.since()))).log(entry(Recovery.WAITING, isolation.service() + " step "
          + (restore.index() + 1) + ": " + status + " (poll " + polls + ")"));
    }
    String stable = restore.counts().get(restore.index()) + " tasks running, healthy, " + rate.detail();
    if (restore.index() == restore.counts().size() - 1) {
      SecurityState next = state.withRestore(new Restore(restore.counts(), restore.index(), true, true, stable, polls,
          restore.since()))
          .withAction(new Action(now(), name(), "restored " + isolation.service() + " to "
              + isolation.previousDesired() + " tasks in steps " + restore.counts()));
      return recovery.with(SecurityState.PART, next).log(entry("verified", isolation.service() + " back at "
          + isolation.previousDesired() + " tasks, every step stable: " + restore.counts() + "; last step "
          + rate.detail()));
    }
    Recovery out = recovery.log(entry("stable", isolation.service() + " step " + (restore.index() + 1) + ": "
        + stable));
    return scale(out, state, new Restore(restore.counts(), restore.index() + 1, false, false, "scaling", 0, null));
  }

  /**
   * What ECS says once the step's tasks run: the service in steady state (SERVICE_STEADY_STATE, also sent after a
   * desired-count change), which wakes "Wait for restore step"; the poll then checks targets, /health and the error
   * rate itself. Nothing while no step is under way.
   */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    SecurityState state = recovery.part(SecurityState.PART);
    if (state == null || state.isolation() == null || state.restore() == null || state.restore().done()) {
      return List.of();
    }
    return List.of(Awaited.ecsServiceStable(state.isolation().service()));
  }

  /**
   * Read-only, for the wait: the poll itself sets the next step once this one is judged. Still waiting while the
   * step is not stable, or stable with an error rate that cannot be read yet; a soak is the state machine's Wait.
   */
  @Override
  protected boolean stillWaiting(Recovery recovery) {
    SecurityState state = recovery.part(SecurityState.PART);
    Restore restore = state == null ? null : state.restore();
    if (recovery.dryRun() || restore == null || restore.done() || state.isolation() == null) {
      return false;
    }
    if (check(state.isolation(), restore.counts().get(restore.index())) != null) {
      return true;
    }
    return soak(recovery, restore) == null && !errorRate(state.isolation(), restore).measured();
  }

  /**
   * The seconds a stable step still soaks before its error rate is judged: a step is judged no earlier than
   * {@code pollSeconds} after its UpdateService, as when polls were spaced by a Wait of that length (the event that
   * wakes the wait early must not shorten the window the rate is measured over). Null: judge now.
   */
  private Integer soak(Recovery recovery, Restore restore) {
    if (restore.since() == null) {
      return null;
    }
    long age = Duration.between(Instant.parse(restore.since()), Instant.now(deps.clock())).toSeconds();
    long rest = recovery.options().pollSeconds() - age;
    return rest > 0 ? (int) rest : null;
  }

  private Recovery scale(Recovery recovery, SecurityState state, Restore restore) {
    SecurityState.Isolation isolation = state.isolation();
    int count = restore.counts().get(restore.index());
    EcsClient ecs = deps.clients().ecs();
    UpdateServiceRequest request = UpdateServiceRequest.builder().cluster(isolation.cluster())
        .service(isolation.service()).desiredCount(count).build();
    Mutation<?> sent = mutate(recovery, "ecs", "UpdateService", isolation.cluster() + "/" + isolation.service(),
        request, () -> ecs.updateService(request));
    Restore started = new Restore(restore.counts(), restore.index(), restore.stable(), restore.done(),
        restore.status(), restore.polls(), now());
    SecurityState next = state.withRestore(started).withAction(new Action(now(), name(), (sent.sent() ? "" : "would ")
        + "scale " + isolation.service() + " to " + count + " (step " + (restore.index() + 1) + " of "
        + restore.counts().size() + ")"));
    return sent.recovery().with(SecurityState.PART, next);
  }

  /** Null when the step is stable, else what it waits for. */
  private String check(SecurityState.Isolation isolation, int count) {
    Service service = deps.clients().ecs().describeServices(b -> b.cluster(isolation.cluster())
        .services(isolation.service())).services().stream().findFirst().orElse(null);
    if (service == null) {
      return "service not found";
    }
    if (service.desiredCount() == null || service.desiredCount() != count) {
      return "desired count is " + service.desiredCount() + ", not " + count + " (changed by someone else?)";
    }
    if (service.runningCount() == null || service.runningCount() < count || service.deployments().size() != 1) {
      return service.runningCount() + "/" + count + " running, " + service.deployments().size() + " deployment(s)";
    }
    String group = EcsSettings.of(deps.config()).targetGroups().get(isolation.service());
    if (group != null) {
      ElasticLoadBalancingV2Client elb = deps.clients().elbv2();
      String arn = group.startsWith("arn:") ? group
          : elb.describeTargetGroups(b -> b.names(group)).targetGroups().get(0).targetGroupArn();
      long healthy = elb.describeTargetHealth(b -> b.targetGroupArn(arn)).targetHealthDescriptions().stream()
          .filter(t -> t.targetHealth() != null && "healthy".equals(t.targetHealth().stateAsString())).count();
      if (healthy < count) {
        return healthy + "/" + count + " targets healthy in " + group;
      }
    }
    var health = ApiHealth.check(deps.config().healthUrl());
    return health.result() == Result.FAIL ? health.detail() : null;
  }

  /**
   * The step's error rate: measured and within the ceiling (detail for the timeline), or not measured (detail: what
   * the step waits for); above the ceiling a regression halts the restore here.
   */
  private record Rate(boolean measured, String detail) {}

  private Rate errorRate(SecurityState.Isolation isolation, Restore restore) {
    SecuritySettings.Isolation settings = SecuritySettings.of(deps.config()).isolation();
    if (settings.loadBalancer() == null) {
      return new Rate(true, "error rate not checked (security.isolation.loadBalancer not set)");
    }
    Instant to = Instant.now(deps.clock());
    // a step recorded before its start time was kept (an execution begun on an older version): the last minute
    Instant from = restore.since() == null ? to.minusSeconds(60) : Instant.parse(restore.since());
    CustomerImpact m = new AlbCustomerImpact(() -> deps.clients().cloudWatch(), () -> deps.clients().elbv2(),
        settings.loadBalancer()).measure(from, to);
    if (!m.measured()) {
      return new Rate(false, "error rate of " + settings.loadBalancer() + " " + m.text());
    }
    double percent = m.requests() == 0 ? 0 : 100.0 * m.target5xx() / m.requests();
    String detail = String.format(Locale.ROOT, "%.2f%% target 5xx (%d of %d requests on %s since %s; at most "
        + "%.2f%%)", percent, m.target5xx(), m.requests(), m.loadBalancer(), from, settings.maxErrorRatePercent());
    if (percent > settings.maxErrorRatePercent()) {
      int count = restore.counts().get(restore.index());
      throw new VerificationFailedError("restore of " + isolation.service() + " halted at step "
          + (restore.index() + 1) + " of " + restore.counts().size() + " (" + count + " tasks): error rate regressed, "
          + detail + "; left at " + count + " tasks, not scaled further, for a human to judge");
    }
    return new Rate(true, detail);
  }
}
