package ai.sentinel.dr.region;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.RegionState.DnsSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Scenario 4, runbook step 6 ("Update Route 53 to point to DR"): every configured record becomes an alias A record of
 * the DR load balancer (UPSERT, with its target's health evaluated), in one change batch; WaitForDns then waits for
 * INSYNC. Records that already point there are left out, so a second run changes nothing. Route 53's API is served
 * from us-east-1: where it must not be needed ({@code dr.dns.failoverSwitch}), the records are pre-provisioned
 * failover records and this step only flips their health check's alarm in the DR region ({@link FailoverSwitch}:
 * no Route 53 call at all); Route 53's health checkers and name servers then answer the DR record.
 */
public final class SwitchDns extends Step {
  private final RegionSettings region;
  private final Route53Client route53;
  private final CloudWatchClient cloudWatch;

  public SwitchDns() {
    this(Deps.fromProcessEnv());
  }

  public SwitchDns(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public SwitchDns(Deps deps) {
    super(deps);
    this.region = RegionSettings.of(deps.config());
    this.route53 = deps.clients().in(region.drRegion()).route53();
    // only the data-plane alternative uses CloudWatch
    this.cloudWatch = region.dns() != null && region.dns().failoverSwitch() != null
        ? deps.clients().in(region.drRegion()).cloudWatch() : null;
  }

  @Override
  public String name() {
    return "SwitchDns";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    RegionSettings.Dns dns = region.dns();
    String alb = region.alb().dnsName();
    if (dns.failoverSwitch() != null) {
      return flipHealthCheck(recovery, dns.failoverSwitch());
    }
    List<Change> changes = new ArrayList<>();
    List<String> already = new ArrayList<>();
    for (String record : dns.recordNames()) {
      if (pointsAtDr(dns.hostedZoneId(), record, alb)) {
        already.add(record);
        continue;
      }
      changes.add(Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(ResourceRecordSet.builder()
          .name(record).type(RRType.A).aliasTarget(AliasTarget.builder().dnsName(alb)
              .hostedZoneId(region.alb().hostedZoneId()).evaluateTargetHealth(true).build()).build()).build());
    }
    if (changes.isEmpty()) {
      DnsSwitch done = new DnsSwitch(null, dns.recordNames(), "INSYNC", true, 0);
      return recovery.update(RegionState.PART, s -> RegionState.of(s).withDns(done)).log(entry("skipped",
          already + " already point at " + alb));
    }
    ChangeResourceRecordSetsRequest request = ChangeResourceRecordSetsRequest.builder()
        .hostedZoneId(dns.hostedZoneId()).changeBatch(b -> b.comment("Sentinel DR failover "
            + recovery.executionName()).changes(changes)).build();
    List<String> switched = changes.stream().map(c -> c.resourceRecordSet().name()).toList();
    // one batch, all records or none: every record is checked against the blast radius before anything is sent
    for (String record : switched) {
      if (!deps.config().allows("route53", target(record))) {
        throw new OutsideBlastRadiusError(name() + " refused route53:ChangeResourceRecordSets on '" + target(record)
            + "': not a record the " + deps.config().environment() + " environment config names");
      }
    }
    Mutation<ChangeResourceRecordSetsResponse> sent = mutate(recovery, "route53", "ChangeResourceRecordSets",
        target(switched.get(0)), request, () -> route53.changeResourceRecordSets(request));
    DnsSwitch next = sent.sent()
        ? new DnsSwitch(sent.response().changeInfo().id(), switched, sent.response().changeInfo().statusAsString(),
            "INSYNC".equals(sent.response().changeInfo().statusAsString()), 0)
        : new DnsSwitch(null, switched, "planned", true, 0);
    return sent.recovery().update(RegionState.PART, s -> RegionState.of(s).withDns(next)).log(entry(
        sent.sent() ? "switched" : "would-switch", switched + " -> alias of " + alb + " (zone " + dns.hostedZoneId()
            + ")" + (already.isEmpty() ? "" : "; already there: " + already)));
  }

  /** The data-plane alternative: the failover records' health check alarm to ALARM, read back; no Route 53 call. */
  private Recovery flipHealthCheck(Recovery recovery, FailoverSwitch sw) {
    String target = RegionSettings.target(region.drRegion(), sw.alarmName());
    Mutation<String> sent = mutate(recovery, "cloudwatch", "PutMetricData+SetAlarmState", target, sw.namespace()
        + "/" + sw.metricName() + " = 0, " + sw.alarmName() + " -> ALARM", () -> {
          sw.flip(cloudWatch, true, "Sentinel DR failover " + recovery.executionName() + " to " + region.drRegion());
          return sw.state(cloudWatch);
        });
    String state = sent.sent() ? sent.response() : "planned";
    DnsSwitch next = new DnsSwitch(null, region.dns().recordNames(), state, !sent.sent() || "ALARM".equals(state),
        0);
    return sent.recovery().update(RegionState.PART, s -> RegionState.of(s).withDns(next)).log(entry(
        sent.sent() ? "switched" : "would-switch", "failover records " + region.dns().recordNames() + ": health check "
            + "alarm " + sw.alarmName() + " in " + region.drRegion() + " " + state + " (data plane, no Route 53 API "
            + "call): Route 53 answers the SECONDARY record (" + region.alb().dnsName() + ") once its health checkers "
            + "see it"));
  }

  private String target(String record) {
    return RegionSettings.target(region.drRegion(), region.dns().hostedZoneId() + "/" + record);
  }

  /** The record is already an alias of the DR load balancer. */
  private boolean pointsAtDr(String zone, String record, String alb) {
    String wanted = normalize(record);
    return route53.listResourceRecordSets(b -> b.hostedZoneId(zone).startRecordName(record).startRecordType(RRType.A)
        .maxItems("1")).resourceRecordSets().stream()
        .filter(r -> normalize(r.name()).equals(wanted) && r.type() == RRType.A && r.aliasTarget() != null)
        .anyMatch(r -> normalize(r.aliasTarget().dnsName()).equals(normalize(alb)));
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    n = n.startsWith("dualstack.") ? n.substring("dualstack.".length()) : n;
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
