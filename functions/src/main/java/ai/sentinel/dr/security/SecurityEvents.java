package ai.sentinel.dr.security;

import static ai.sentinel.dr.security.SecurityIncidentSignals.quote;
import static ai.sentinel.dr.trigger.Fields.textOrNull;
import static ai.sentinel.dr.trigger.Fields.truncate;

import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.security.IpRanges.NotAnIp;
import ai.sentinel.dr.security.IpRanges.Range;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The security events Scenario 6 reads: a GuardDuty finding, Security Hub findings (ASFF), a console sign-in. Each is
 * checked for the account and region it is about (a finding of another account, e.g. a member's forwarded to an
 * administrator account, is not this environment's), then shaped into an {@link IncidentSignal}.
 */
final class SecurityEvents {
  private final SignalContext context;
  private final SecuritySettings settings;

  SecurityEvents(SignalContext context, SecuritySettings settings) {
    this.context = context;
    this.settings = settings;
  }

  /** Why {@code range} is never blocked (private or allow-listed), or null when it may be. */
  static String refusal(Range range, SecuritySettings settings) {
    if (IpRanges.isPrivate(range)) {
      return range.cidr() + " is a private, loopback, link-local or multicast range, never blocked";
    }
    for (Range allowed : settings.allowedRanges()) {
      if (range.overlaps(allowed)) {
        return range.cidr() + " overlaps the allow-listed " + allowed.cidr() + " (security.allowList), never blocked";
      }
    }
    return null;
  }

  /** The incident's resource for an address: "203.0.113.7" for a single address, the CIDR's text otherwise. */
  static String indicator(String cidr) {
    return cidr.endsWith("/32") || cidr.endsWith("/128") ? cidr.substring(0, cidr.lastIndexOf('/')) : cidr;
  }

  // ---- GuardDuty ---------------------------------------------------------------------------------------------------

  Classification guardDuty(JsonNode event, JsonNode detail) {
    String id = Fields.text(detail, "id");
    String type = Fields.text(detail, "type");
    JsonNode sev = detail.get("severity");
    if (sev == null || !sev.isNumber()) {
      throw new BadInput("GuardDuty finding " + quote(id) + " has no numeric severity");
    }
    double severity = sev.asDouble();
    String dedup = "guardduty:" + id + ":" + textOrNull(detail, "updatedAt");
    String foreign = foreign(event, textOrNull(detail, "accountId"), textOrNull(detail, "region"));
    if (foreign != null) {
      return context.ignore(dedup, "GuardDuty finding " + quote(id) + " " + foreign);
    }
    JsonNode service = detail.path("service");
    if (service.path("additionalInfo").path("sample").asBoolean(false) && !settings.acceptSampleFindings()) {
      return context.ignore(dedup, "GuardDuty finding " + quote(id) + " is a sample finding "
          + "(security.acceptSampleFindings is false)");
    }
    if (severity < settings.minSeverity()) {
      return context.ignore(dedup, "GuardDuty finding " + quote(type) + " has severity " + severity + ", below "
          + "security.minSeverity " + settings.minSeverity());
    }
    List<String> ips = new ArrayList<>();
    collectRemoteIps(service.path("action"), ips);
    JsonNode access = detail.path("resource").path("accessKeyDetails");
    String principal = Fields.first(textOrNull(access, "userName"), textOrNull(access, "principalId"));
    String resource = resourceOf(detail.path("resource"));
    String title = Fields.first(textOrNull(detail, "title"), type);
    IncidentSignal signal = new IncidentSignal("guardduty", truncate(title, 300), id, type, severity,
        publicFirst(ips), List.of(), principal, resource, null, null, bounded(detail, id));
    String indicator = indicatorOf(signal, "finding-" + type);
    Trigger trigger = new Trigger(SecurityIncidentSignals.KIND, "eventbridge", id,
        EventTimes.normalize(Fields.text(event, "time")), "GuardDuty " + type + " (severity " + severity + "): "
        + truncate(title, 200));
    return SecurityIncidentSignals.start(context, settings, signal, indicator,
        textOrNull(service, "eventFirstSeen"), "GuardDuty finding " + type + " of severity " + severity
        + " about " + indicator, trigger);
  }

  /** Every remoteIpDetails address under a GuardDuty action (network, API call, port probe, Kubernetes, RDS). */
  private static void collectRemoteIps(JsonNode node, List<String> out) {
    if (out.size() >= SecurityIncidentSignals.MAX_INDICATORS) {
      return;
    }
    if (node.isObject()) {
      JsonNode remote = node.get("remoteIpDetails");
      if (remote != null) {
        for (String field : List.of("ipAddressV4", "ipAddressV6")) {
          String ip = textOrNull(remote, field);
          if (ip != null && !out.contains(ip)) {
            out.add(ip);
          }
        }
      }
      node.fields().forEachRemaining(f -> collectRemoteIps(f.getValue(), out));
    } else if (node.isArray()) {
      node.forEach(item -> collectRemoteIps(item, out));
    }
  }

  private static String resourceOf(JsonNode resource) {
    String type = textOrNull(resource, "resourceType");
    String instance = textOrNull(resource.path("instanceDetails"), "instanceId");
    return type == null ? null : instance == null ? type : type + " " + instance;
  }

  // ---- Security Hub ------------------------------------------------------------------------------------------------

  Classification securityHub(JsonNode event, String detailType, JsonNode detail) {
    JsonNode findings = detail.get("findings");
    if (findings == null || !findings.isArray() || findings.isEmpty()) {
      throw new BadInput(detailType + " carries no findings[]");
    }
    boolean custom = SecurityIncidentSignals.HUB_CUSTOM_ACTION.equals(detailType);
    List<String> ips = new ArrayList<>();
    double severity = 0;
    String firstSeen = null;
    List<String> ids = new ArrayList<>();
    JsonNode first = null;
    for (JsonNode f : findings) {
      if (!f.isObject()) {
        throw new BadInput(detailType + ": findings[] must hold objects");
      }
      String id = Fields.text(f, "Id");
      String foreign = foreign(event, textOrNull(f, "AwsAccountId"), textOrNull(f, "Region"));
      if (foreign != null) {
        continue; // another account's finding in the same event acts on nothing here
      }
      String label = textOrNull(f.path("Severity"), "Label");
      String product = textOrNull(f, "ProductName");
      // a missing or non-text product is nobody's: List.contains(null) would throw
      if (!custom && (!"CRITICAL".equals(label) || product == null
          || !settings.securityHubProducts().contains(product))) {
        continue;
      }
      first = first == null ? f : first;
      ids.add(id);
      severity = Math.max(severity, f.path("Severity").path("Normalized").asDouble(labelScore(label) * 10) / 10.0);
      firstSeen = firstSeen == null ? Fields.first(textOrNull(f, "FirstObservedAt"), textOrNull(f, "CreatedAt"))
          : firstSeen;
      for (String field : List.of("SourceIpV4", "SourceIpV6")) {
        String ip = textOrNull(f.path("Network"), field);
        if (ip != null && !ips.contains(ip)) {
          ips.add(ip);
        }
      }
      collectRemoteIps(f.path("Action"), ips);
    }
    String dedup = "securityhub:" + detailType + ":" + Fields.first(textOrNull(event, "id"), String.join(",", ids));
    if (first == null) {
      return context.ignore(dedup, detailType + ": no finding of this account and region"
          + (custom ? "" : " at CRITICAL from " + settings.securityHubProducts()));
    }
    String type = first.path("Types").path(0).asText(null);
    String title = Fields.first(textOrNull(first, "Title"), type, "Security Hub finding");
    String via = custom ? "sent by an analyst (" + quote(Fields.first(textOrNull(detail, "actionName"), "custom "
        + "action")) + ")" : "imported at CRITICAL from " + textOrNull(first, "ProductName");
    IncidentSignal signal = new IncidentSignal("securityhub", truncate(title, 300), ids.get(0), type, severity,
        publicFirst(ips), List.of(), null, textOrNull(first.path("Resources").path(0), "Id"), null, null,
        bounded(first, ids.get(0)));
    String indicator = indicatorOf(signal, "finding-" + ids.get(0));
    Trigger trigger = new Trigger(SecurityIncidentSignals.KIND, "eventbridge", ids.get(0),
        EventTimes.normalize(Fields.text(event, "time")), "Security Hub " + via + ": " + truncate(title, 200));
    return SecurityIncidentSignals.start(context, settings, signal, indicator, firstSeen, "Security Hub finding "
        + via + " about " + indicator, trigger);
  }

  private static double labelScore(String label) {
    return switch (label == null ? "" : label) {
      case "CRITICAL" -> 9.0;
      case "HIGH" -> 7.0;
      case "MEDIUM" -> 4.0;
      default -> 1.0;
    };
  }

  // ---- CloudTrail console sign-in ---------------------------------------------------------------------------------

  Classification signIn(JsonNode event, JsonNode detail) {
    String eventId = Fields.first(textOrNull(detail, "eventID"), textOrNull(event, "id"));
    String dedup = "signin:" + eventId;
    if (!"ConsoleLogin".equals(textOrNull(detail, "eventName"))) {
      return context.ignore(dedup, "sign-in event " + quote(textOrNull(detail, "eventName")) + " is not a "
          + "ConsoleLogin");
    }
    // console sign-in events are delivered in us-east-1 (global sign-in endpoint): the account is what must match
    String account = Fields.first(textOrNull(detail, "recipientAccountId"), textOrNull(detail.path("userIdentity"),
        "accountId"));
    if (account != null && !account.equals(textOrNull(event, "account"))) {
      return context.ignore(dedup, "console sign-in to account " + quote(account) + ", not this one ("
          + quote(textOrNull(event, "account")) + ")");
    }
    JsonNode identity = detail.path("userIdentity");
    boolean root = "Root".equals(textOrNull(identity, "type"));
    boolean noMfa = "No".equals(textOrNull(detail.path("additionalEventData"), "MFAUsed"));
    if (!root && !noMfa) {
      return context.ignore(dedup, "console sign-in with MFA by a non-root principal");
    }
    String result = textOrNull(detail.path("responseElements"), "ConsoleLogin");
    if (!"Success".equals(result)) {
      return context.ignore(dedup, "console sign-in " + quote(result) + ": only a successful sign-in is an incident"
          + " (failed attempts are GuardDuty's to judge)");
    }
    String principal = Fields.first(textOrNull(identity, "arn"), textOrNull(identity, "userName"), root ? "root"
        : "unknown");
    String ip = textOrNull(detail, "sourceIPAddress");
    String what = root ? "root console sign-in" + (noMfa ? " without MFA" : "") : "console sign-in without MFA";
    IncidentSignal signal = new IncidentSignal("signin", what + " by " + principal + (ip == null ? "" : " from " + ip),
        eventId, what, root ? 9.0 : 7.0, ip == null ? List.of() : List.of(ip), List.of(), principal, null, null,
        null, bounded(detail, eventId));
    String time = Fields.first(textOrNull(detail, "eventTime"), textOrNull(event, "time"));
    Trigger trigger = new Trigger(SecurityIncidentSignals.KIND, "eventbridge", eventId, EventTimes.normalize(
        Fields.text(event, "time")), truncate(signal.title(), 300));
    return SecurityIncidentSignals.start(context, settings, signal, "principal-" + shortPrincipal(principal), time,
        what + " by " + principal, trigger);
  }

  private static String shortPrincipal(String principal) {
    int slash = principal.lastIndexOf('/');
    int colon = principal.lastIndexOf(':');
    return principal.substring(Math.max(slash, colon) + 1).isEmpty() ? principal
        : principal.substring(Math.max(slash, colon) + 1);
  }

  // ---- common ------------------------------------------------------------------------------------------------------

  /** Why an event about {@code account} and {@code region} is not this environment's, or null when it is. */
  private String foreign(JsonNode event, String account, String region) {
    String envelope = textOrNull(event, "account");
    if (account == null) {
      return "names no account";
    }
    if (envelope != null && !account.equals(envelope)) {
      return "is about account " + quote(account) + ", not this one (" + quote(envelope) + ")";
    }
    if (region != null && !region.equals(context.config().region())) {
      return "is about region " + quote(region) + ", not this environment's " + context.config().region();
    }
    return null;
  }

  /** The addresses with the public, blockable ones first (the incident is named after the first). */
  private List<String> publicFirst(List<String> ips) {
    Set<String> blockable = new LinkedHashSet<>();
    Set<String> other = new LinkedHashSet<>();
    for (String ip : ips) {
      try {
        Range range = IpRanges.parse(ip);
        (refusal(range, settings) == null ? blockable : other).add(range.cidr());
      } catch (NotAnIp e) {
        other.add(ip); // Assess reports it as refused
      }
    }
    List<String> out = new ArrayList<>(blockable);
    out.addAll(other);
    return out;
  }

  private String indicatorOf(IncidentSignal signal, String fallback) {
    if (!signal.ips().isEmpty()) {
      try {
        Range range = IpRanges.parse(signal.ips().get(0));
        if (refusal(range, settings) == null) {
          return indicator(range.cidr());
        }
      } catch (NotAnIp e) {
        // not an address: named otherwise
      }
    }
    if (signal.principal() != null) {
      return "principal-" + shortPrincipal(signal.principal());
    }
    return fallback;
  }

  /** The finding itself when it is small enough to travel with the recovery, else its id and size. */
  private static JsonNode bounded(JsonNode finding, String id) {
    int bytes = finding.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes <= SecurityIncidentSignals.MAX_FINDING_BYTES) {
      return finding;
    }
    ObjectNode marker = Json.object();
    marker.put("id", id);
    marker.put("truncated", true);
    marker.put("bytes", bytes);
    return marker;
  }
}
