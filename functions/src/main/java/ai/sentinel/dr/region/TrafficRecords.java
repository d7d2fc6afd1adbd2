package ai.sentinel.dr.region;

import ai.sentinel.dr.errors.OutsideBlastRadiusError;
import ai.sentinel.dr.common.DrConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * The failback's DNS: each configured record as the share of traffic on the primary says. 100 is a simple alias of
 * the primary load balancer (the shape before the failover, which a later failover's SwitchDns expects), 0 a simple
 * alias of the DR one, anything between two weighted aliases ({@value #PRIMARY_ID} and {@value #DR_ID}) with the
 * primary's target health evaluated. A simple record and weighted ones of one name cannot coexist, so a change
 * deletes the record sets there are and upserts the wanted ones in one batch, which Route 53 applies all or nothing.
 */
final class TrafficRecords {
  static final String PRIMARY_ID = "sentinel-primary";
  static final String DR_ID = "sentinel-dr";

  private TrafficRecords() {}

  /** The A record sets named {@code record} in {@code zone} (a simple one, or the weighted ones). */
  static List<ResourceRecordSet> current(Route53Client route53, String zone, String record) {
    String wanted = normalize(record);
    return route53.listResourceRecordSets(b -> b.hostedZoneId(zone).startRecordName(record)
        .startRecordType(RRType.A).maxItems("10")).resourceRecordSets().stream()
        .filter(r -> normalize(r.name()).equals(wanted) && r.type() == RRType.A).toList();
  }

  /** What {@code record} should be with {@code percent} of the traffic on the primary. */
  static List<ResourceRecordSet> desired(RegionSettings region, String record, int percent) {
    RegionSettings.LoadBalancer primary = region.requireFailback().primaryAlb();
    if (percent >= 100) {
      return List.of(alias(record, primary, null, null));
    }
    if (percent <= 0) {
      return List.of(alias(record, region.alb(), null, null));
    }
    return List.of(alias(record, primary, PRIMARY_ID, (long) percent),
        alias(record, region.alb(), DR_ID, (long) (100 - percent)));
  }

  /** Delete what is there and create what is wanted, or nothing when it already is. */
  static List<Change> changes(List<ResourceRecordSet> current, List<ResourceRecordSet> desired) {
    if (key(current).equals(key(desired))) {
      return List.of();
    }
    List<Change> out = new ArrayList<>();
    current.forEach(r -> out.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(r).build()));
    // UPSERT rather than CREATE: the same on AWS after the deletes, and moto refuses a CREATE identical to an earlier
    // one while the records it replaces still exist
    desired.forEach(r -> out.add(Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(r).build()));
    return out;
  }

  /** Every record is one the environment names, checked before a batch is sent: all records or none. */
  static void requireAllowed(DrConfig config, RegionSettings region, String step, List<String> records) {
    for (String record : records) {
      String target = RegionSettings.target(region.drRegion(), region.dns().hostedZoneId() + "/" + record);
      if (!config.allows("route53", target)) {
        throw new OutsideBlastRadiusError(step + " refused route53:ChangeResourceRecordSets on '" + target
            + "': not a record the " + config.environment() + " environment config names");
      }
    }
  }

  /** "primary 10, dr 90" / "primary" / "dr": where a record sends traffic now. */
  static String describe(RegionSettings region, List<ResourceRecordSet> sets) {
    String primary = normalize(region.requireFailback().primaryAlb().dnsName());
    return String.join(", ", sets.stream().map(r -> (r.aliasTarget() != null
        && normalize(r.aliasTarget().dnsName()).equals(primary) ? "primary" : "dr")
        + (r.weight() == null ? "" : " " + r.weight())).toList());
  }

  private static ResourceRecordSet alias(String record, RegionSettings.LoadBalancer alb, String id, Long weight) {
    return ResourceRecordSet.builder().name(record).type(RRType.A).setIdentifier(id).weight(weight)
        .aliasTarget(AliasTarget.builder().dnsName(alb.dnsName()).hostedZoneId(alb.hostedZoneId())
            .evaluateTargetHealth(true).build()).build();
  }

  private static List<String> key(List<ResourceRecordSet> sets) {
    return sets.stream().map(r -> r.setIdentifier() + "|" + r.weight() + "|" + (r.aliasTarget() == null ? "-"
        : normalize(r.aliasTarget().dnsName()))).sorted(Comparator.naturalOrder()).toList();
  }

  static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    n = n.startsWith("dualstack.") ? n.substring("dualstack.".length()) : n;
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
