package ai.sentinel.dr.localcloud;

import java.util.Set;

/**
 * A whole region down, as Scenario 4's drills need it (moto's regions never fail, and its availability zones are
 * always available): every request the gateway would forward signed for that region gets no answer at all (the
 * connection closes before any response, as a request to an unreachable endpoint times out), whatever its service,
 * except the global services AWS serves from everywhere (Route 53, CloudFront, IAM, STS: their control planes are
 * assumed reachable). Lambda invokes (our in-process functions) and {@code /moto-api/} are never affected. Set only
 * by a drill or a test through {@link LocalCloud#setRegionDown}; no AWS state shows it.
 */
final class RegionOutage {
  static final Set<String> GLOBAL_SERVICES = Set.of("route53", "cloudfront", "iam", "sts");
  private volatile String region;
  /** Regional services of the region down that still answer (an impaired region: EC2 reporting its zones). */
  private volatile Set<String> answering = Set.of();

  void set(String down) {
    set(down, Set.of());
  }

  void set(String down, Set<String> stillAnswering) {
    answering = Set.copyOf(stillAnswering);
    region = down;
  }

  /** The request signed with {@code authorization} for {@code service} goes unanswered. */
  boolean affects(String authorization, String service) {
    String down = region;
    return down != null && down.equals(AwsRequests.region(authorization)) && !GLOBAL_SERVICES.contains(service)
        && !answering.contains(service);
  }
}
