package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.FailbackState.Traffic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsResponse;

/**
 * Failback steps 3-4, "Update DNS" and "Switch traffic gradually": the next share of {@code dr.failback
 * .trafficPercents} (10, 50, 100 by default) sent to the primary through weighted alias records ({@link
 * TrafficRecords}), then soaked for {@code soakSeconds} before CheckTraffic judges it. Alias records carry the load
 * balancer's own TTL (60 s), the runbook's "low TTL". Records already at the share are left alone.
 */
public final class ShiftTraffic extends Step {
  private final RegionSettings region;
  private final FailbackSettings failback;
  private final Route53Client route53;

  public ShiftTraffic() {
    this(Deps.fromProcessEnv());
  }

  public ShiftTraffic(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ShiftTraffic(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.failback = region.requireFailback();
    this.route53 = deps.clients().in(region.drRegion()).route53();
  }

  @Override
  public String name() {
    return RegionFailback.SHIFT_STEP;
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Traffic before = FailbackState.of(recovery.part(FailbackState.PART)).traffic();
    int percent = failback.nextPercent(before == null ? 0 : before.percent());
    Applied applied = apply(recovery, region, route53, percent, "Sentinel DR failback ",
        r -> TrafficRecords.requireAllowed(deps.config(), region, name(), r),
        (req, target) -> mutate(recovery, "route53", "ChangeResourceRecordSets", target, req,
            () -> route53.changeResourceRecordSets(req)));
    int soak = recovery.dryRun() ? 0 : failback.soakSeconds();
    Traffic next = new Traffic(percent, applied.changeId(), soak, null, List.of(), 0);
    return applied.recovery().update(FailbackState.PART, s -> FailbackState.of(s).withTraffic(next))
        .log(entry(applied.sent() ? "shifted" : recovery.dryRun() ? "would-shift" : "skipped", percent
            + "% of traffic to the primary (" + region.dns().recordNames() + "), soaking " + soak + " s"));
  }

  /** The records changed to {@code percent}, and the change id (null when nothing was sent). */
  record Applied(Recovery recovery, String changeId, boolean sent) {}

  static Applied apply(Recovery recovery, RegionSettings region, Route53Client route53, int percent,
      String comment, java.util.function.Consumer<List<String>> check,
      java.util.function.BiFunction<ChangeResourceRecordSetsRequest, String,
          Step.Mutation<ChangeResourceRecordSetsResponse>> send) {
    String zone = region.dns().hostedZoneId();
    List<Change> changes = new ArrayList<>();
    for (String record : region.dns().recordNames()) {
      changes.addAll(TrafficRecords.changes(TrafficRecords.current(route53, zone, record),
          TrafficRecords.desired(region, record, percent)));
    }
    if (changes.isEmpty()) {
      return new Applied(recovery, null, false);
    }
    check.accept(region.dns().recordNames());
    ChangeResourceRecordSetsRequest request = ChangeResourceRecordSetsRequest.builder().hostedZoneId(zone)
        .changeBatch(b -> b.comment(comment + recovery.executionName() + ": " + percent + "% primary")
            .changes(changes)).build();
    String target = RegionSettings.target(region.drRegion(), zone + "/" + region.dns().recordNames().get(0));
    Step.Mutation<ChangeResourceRecordSetsResponse> sent = send.apply(request, target);
    return new Applied(sent.recovery(), sent.sent() ? sent.response().changeInfo().id() : null, sent.sent());
  }
}
