package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.security.IpRanges.NotAnIp;
import ai.sentinel.dr.security.SecuritySettings.IpSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.IPSetSummary;
import software.amazon.awssdk.services.wafv2.model.ListIpSetsResponse;
import software.amazon.awssdk.services.wafv2.model.Scope;
import software.amazon.awssdk.services.wafv2.model.UpdateIpSetRequest;

/**
 * The configured WAF IP set: read with its lock token, updated with it. WAF's optimistic lock makes a concurrent
 * writer's change fail ours with WAFOptimisticLockException instead of being overwritten; the caller re-reads, merges
 * again and retries after {@link #backoff} (bounded). A CLOUDFRONT IP set lives in us-east-1 whatever the region.
 */
final class IpSets {
  /** GetIPSet/UpdateIPSet rounds before giving the step back to the state machine's retry. */
  static final int MAX_ATTEMPTS = 5;
  private static final Duration BASE = Duration.ofMillis(200);
  private static final Duration CAP = Duration.ofSeconds(5);

  private final Wafv2Client waf;
  private final IpSet config;

  IpSets(Clients clients, IpSet config) {
    this.waf = "CLOUDFRONT".equals(config.scope()) ? clients.in("us-east-1").wafv2() : clients.wafv2();
    this.config = config;
  }

  /**
   * The set as read: its entries by normalised CIDR (the spelling WAF holds as value), its lock token.
   *
   * @param id          the IP set's id
   * @param entries     normalised CIDR to the entry as WAF holds it (an unparsable entry maps to itself)
   * @param description kept on update (UpdateIPSet replaces every mutable field)
   */
  record Snapshot(String id, Map<String, String> entries, String lockToken, String description) {}

  Snapshot read() {
    String id = config.id() != null ? config.id() : findId();
    GetIpSetResponse response = waf.getIPSet(b -> b.name(config.name()).id(id).scope(scope()));
    Map<String, String> entries = new LinkedHashMap<>();
    for (String address : response.ipSet().addresses()) {
      try {
        entries.put(IpRanges.parse(address).cidr(), address);
      } catch (NotAnIp e) {
        entries.put(address, address); // not ours to judge: kept as it is
      }
    }
    return new Snapshot(id, entries, response.lockToken(), response.ipSet().description());
  }

  /** The update that makes the set hold exactly {@code addresses}, guarded by the snapshot's lock token. */
  UpdateIpSetRequest update(Snapshot snapshot, List<String> addresses) {
    UpdateIpSetRequest.Builder b = UpdateIpSetRequest.builder().name(config.name()).id(snapshot.id()).scope(scope())
        .addresses(new ArrayList<>(addresses)).lockToken(snapshot.lockToken());
    if (snapshot.description() != null) {
      b.description(snapshot.description());
    }
    return b.build();
  }

  Wafv2Client client() {
    return waf;
  }

  /** Full jitter on an exponential base, capped: racing writers spread out instead of colliding again. */
  static Duration backoff(int attempt) {
    long ceiling = Math.min(CAP.toMillis(), BASE.toMillis() << Math.min(attempt, 10));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }

  private Scope scope() {
    return Scope.fromValue(config.scope());
  }

  /** The id of the set named in the config, by ListIPSets (the config may leave the id out). */
  private String findId() {
    String marker = null;
    do {
      String next = marker;
      ListIpSetsResponse page = waf.listIPSets(b -> b.scope(scope()).limit(100).nextMarker(next));
      for (IPSetSummary s : page.ipSets()) {
        if (config.name().equals(s.name())) {
          return s.id();
        }
      }
      marker = page.ipSets().isEmpty() ? null : page.nextMarker();
    } while (marker != null);
    throw new StepFailedError("WAF IP set " + config.name() + " (" + config.scope() + ") does not exist");
  }
}
