package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.FailbackState.Traffic;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * Failback: the automatic return to DR when CheckTraffic saw a regression. Every record becomes a simple alias of the
 * DR load balancer again (the DR platform was never changed, so it takes the traffic back as it was); the failback
 * then ends as failed (NotifyFailure pages with the checks that failed). Safe to run twice: records already on DR
 * are left alone.
 */
public final class ReturnToDr extends Step {
  private final RegionSettings region;
  private final Route53Client route53;

  public ReturnToDr() {
    this(Deps.fromProcessEnv());
  }

  public ReturnToDr(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public ReturnToDr(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    region.requireFailback();
    this.route53 = deps.clients().in(region.drRegion()).route53();
  }

  @Override
  public String name() {
    return "ReturnToDr";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    Traffic before = FailbackState.of(recovery.part(FailbackState.PART)).traffic();
    String why = before == null ? "no share judged" : before.percent() + "% on the primary regressed: "
        + String.join("; ", before.checks().stream().filter(c -> c.contains(" FAIL")).toList());
    ShiftTraffic.Applied applied = ShiftTraffic.apply(recovery, region, route53, 0, "Sentinel DR failback "
        + "regression, back to DR ", r -> TrafficRecords.requireAllowed(deps.config(), region, name(), r),
        (req, target) -> mutate(recovery, "route53", "ChangeResourceRecordSets", target, req,
            () -> route53.changeResourceRecordSets(req)));
    Traffic back = new Traffic(0, applied.changeId(), 0, "returned", before == null ? List.of() : before.checks(),
        before == null ? 0 : before.polls());
    return applied.recovery().update(FailbackState.PART, s -> FailbackState.of(s).withTraffic(back))
        .withError(Json.MAPPER.getNodeFactory().textNode("failback stopped: " + why + "; all traffic returned to "
            + region.alb().dnsName() + " in " + region.drRegion()))
        .log(entry("returned-to-dr", why + "; " + region.dns().recordNames() + " back on the DR load balancer"));
  }
}
