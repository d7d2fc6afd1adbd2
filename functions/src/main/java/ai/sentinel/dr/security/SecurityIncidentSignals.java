package ai.sentinel.dr.security;


import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.security.IpRanges.NotAnIp;
import ai.sentinel.dr.security.IpRanges.Range;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SecurityEventResponder;
import ai.sentinel.dr.trigger.SignalRules;
import ai.sentinel.dr.trigger.TriggerPatterns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Security incident: the signals that start it. GuardDuty findings at or above {@code security.minSeverity} on this
 * account and region (sample findings only when configured); Security Hub's custom action (an analyst's choice) and
 * imported CRITICAL findings of the configured products; console sign-ins as root or without MFA (CloudTrail); alarms
 * on the web ACL's {@code AWS/WAFV2} metrics, on the PII-access metric, or routed here by name; by hand with
 * {@code ips}, {@code apiKeyIds}, {@code severity}, {@code activeBreach}.
 *
 * <p>One incident per attacker or principal within {@code security.groupingWindowMinutes}: the recovery's resource is
 * the indicator (the first public address, else the principal, the key or the finding) and the dedup key is the
 * indicator plus the window it started in, so the same finding updated, or five findings about one address, map to
 * one execution (the later ones are duplicates of it).
 */
final class SecurityIncidentSignals implements SignalRules {
  /** Rule ids; the CDK app names its rules after them. */
  static final String GUARDDUTY = "security-guardduty-finding";
  static final String HUB_ACTION = "security-hub-custom-action";
  static final String HUB_IMPORTED = "security-hub-critical";
  static final String SIGN_IN = "security-console-sign-in";

  static final String GUARDDUTY_FINDING = "GuardDuty Finding";
  static final String HUB_CUSTOM_ACTION = "Security Hub Findings - Custom Action";
  static final String HUB_FINDINGS_IMPORTED = "Security Hub Findings - Imported";
  static final String CONSOLE_SIGN_IN = "AWS Console Sign In via CloudTrail";
  /** The trigger kind of every security event; the responder that accepts it. */
  static final String KIND = SecurityEventResponder.KIND;

  /** At most this many addresses or keys per signal: the recovery document must stay within 256 KB. */
  static final int MAX_INDICATORS = 500;
  /** A finding larger than this is kept as its id and size only (the document's 256 KB again). */
  static final int MAX_FINDING_BYTES = 32 * 1024;
  static final Pattern API_KEY_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  static final Pattern PRIORITY = Pattern.compile("P[1-4]");

  private static final String RESPONDER = SecurityEventResponder.class.getSimpleName();
  private static final String HEIGHTENED = "-sentinel-dr-heightened-";

  private static SecuritySettings settings(SignalContext context) {
    return context.config().settings(SecuritySettings.class).orElse(null);
  }

  @Override
  public List<TriggerPatterns.Rule> rules(SignalContext context) {
    SecuritySettings s = settings(context);
    if (s == null) {
      return List.of();
    }
    List<TriggerPatterns.Rule> rules = new ArrayList<>();
    ObjectNode gd = pattern("aws.guardduty", GUARDDUTY_FINDING);
    ArrayNode numeric = gd.putObject("detail").putArray("severity").addObject().putArray("numeric").add(">=");
    // a whole number as one (7, not 7.0): CloudFormation's JSON keeps it so, and patterns are compared as JSON
    if (s.minSeverity() == Math.rint(s.minSeverity())) {
      numeric.add((int) s.minSeverity());
    } else {
      numeric.add(s.minSeverity());
    }
    rules.add(new TriggerPatterns.Rule(GUARDDUTY, RESPONDER, "GuardDuty findings of severity " + s.minSeverity()
        + " or more", gd.toString()));
    rules.add(new TriggerPatterns.Rule(HUB_ACTION, RESPONDER, "Security Hub findings an analyst sent to Sentinel DR",
        pattern("aws.securityhub", HUB_CUSTOM_ACTION).toString()));
    if (!s.securityHubProducts().isEmpty()) {
      ObjectNode hub = pattern("aws.securityhub", HUB_FINDINGS_IMPORTED);
      ObjectNode findings = hub.putObject("detail").putObject("findings");
      findings.putObject("Severity").putArray("Label").add("CRITICAL");
      ArrayNode products = findings.putArray("ProductName");
      s.securityHubProducts().forEach(products::add);
      rules.add(new TriggerPatterns.Rule(HUB_IMPORTED, RESPONDER, "CRITICAL Security Hub findings of "
          + String.join(", ", s.securityHubProducts()), hub.toString()));
    }
    ObjectNode signIn = pattern("aws.signin", CONSOLE_SIGN_IN);
    ObjectNode detail = signIn.putObject("detail");
    detail.putArray("eventName").add("ConsoleLogin");
    ArrayNode or = detail.putArray("$or");
    or.addObject().putObject("userIdentity").putArray("type").add("Root");
    or.addObject().putObject("additionalEventData").putArray("MFAUsed").add("No");
    rules.add(new TriggerPatterns.Rule(SIGN_IN, RESPONDER, "Console sign-ins as root or without MFA",
        signIn.toString()));
    return rules;
  }

  private static ObjectNode pattern(String source, String detailType) {
    ObjectNode root = Json.object();
    root.putArray("source").add(source);
    root.putArray("detail-type").add(detailType);
    return root;
  }

  // ---- alarms ----------------------------------------------------------------------------------------------------

  /**
   * The alarm rule's branches: the web ACL's {@code AWS/WAFV2} metrics, and the PII-access metric by namespace and
   * name whatever its dimensions (the platform's own metric: {@link #watchedBy} judges it so too; without this branch
   * its alarm never reached the responder).
   */
  @Override
  public List<MetricMatch> alarmMetrics(SignalContext context) {
    SecuritySettings s = settings(context);
    List<MetricMatch> matches = new ArrayList<>();
    if (s == null) {
      return matches;
    }
    if (s.webAcl() != null) {
      ObjectNode dimensions = Json.object();
      dimensions.putArray("WebACL").add(s.webAcl());
      matches.add(new MetricMatch(List.of("AWS/WAFV2"), dimensions));
    }
    if (s.piiMetric() != null) {
      matches.add(new MetricMatch(List.of(s.piiMetric().namespace()), null, List.of(s.piiMetric().name())));
    }
    return matches;
  }

  @Override
  public AlarmTarget watchedBy(SignalContext context, AlarmMetric metric) {
    SecuritySettings s = settings(context);
    if (s == null) {
      return null;
    }
    if ("AWS/WAFV2".equals(metric.namespace()) && s.webAcl() != null && s.webAcl().equals(metric.dimension("WebACL"))) {
      return new AlarmTarget("waf-" + s.webAcl(), metric.watches(metric.name() + " WebACL=" + s.webAcl()
          + ": an attack on the web ACL"));
    }
    if (s.piiMetric() != null && s.piiMetric().namespace().equals(metric.namespace())
        && s.piiMetric().name().equals(metric.name())) {
      return new AlarmTarget("pii-access", metric.watches(metric.name() + ", the platform's PII-access metric"));
    }
    return null;
  }

  /**
   * HeightenedMonitoring's alarms ({@code <env>-sentinel-dr-heightened-<incident>-<kind>}) watch the web ACL's blocks
   * and the PII metric, the very metrics that start an incident: in ALARM they page the on-call, who judges; they
   * never start one. Any environment's (two environments may share an account and a web ACL), with or without this
   * environment's security section. Not joined to the incident either: it has usually ended when its watch fires.
   */
  @Override
  public String ownAlarm(SignalContext context, String alarmName) {
    Matcher matcher = HeightenedMonitoring.ALARM.matcher(alarmName);
    if (!matcher.matches()) {
      return null;
    }
    String environment = alarmName.substring(0, alarmName.indexOf(HEIGHTENED));
    return "alarm " + alarmName + " is the heightened-monitoring alarm of incident " + matcher.group(1) + " ("
        + matcher.group(2) + ", environment " + environment + ") that the security recovery put up after it: "
        + "watched by the on-call it pages, not a new incident; no recovery starts";
  }

  /**
   * {@code *-sentinel-dr-heightened-*-*-*}: any environment's {@code <env>-sentinel-dr-heightened-<incident>-<kind>},
   * every kind being two words ({@code waf-blocked}). A platform alarm that merely resembles one, without the incident
   * ({@code dev-sentinel-dr-heightened-waf-blocked}), is still delivered, as {@link #ownAlarm} does not claim it.
   */
  @Override
  public String ownAlarmWildcard(SignalContext context) {
    return "*" + HEIGHTENED + "*-*-*";
  }

  @Override
  public AlarmTarget routedAlarm(SignalContext context, String alarmName, JsonNode detail, String why) {
    if (settings(context) == null) {
      throw new BadInput(context.scenario() + " is not deployed in this environment (no security section)");
    }
    return new AlarmTarget("alarm-" + alarmName, why);
  }

  // ---- EventBridge -------------------------------------------------------------------------------------------------

  @Override
  public Classification eventBridge(SignalContext context, EventBridgeEvent event) {
    boolean ours = "aws.guardduty".equals(event.source()) && GUARDDUTY_FINDING.equals(event.detailType())
        || "aws.securityhub".equals(event.source()) && (HUB_CUSTOM_ACTION.equals(event.detailType())
            || HUB_FINDINGS_IMPORTED.equals(event.detailType()))
        || "aws.signin".equals(event.source()) && CONSOLE_SIGN_IN.equals(event.detailType());
    if (!ours) {
      return null;
    }
    SecuritySettings s = settings(context);
    if (s == null) {
      return Classification.ignore(event.detailType() + ": " + context.scenario() + " is not deployed in this "
          + "environment (no security section)");
    }
    SecurityEvents events = new SecurityEvents(context, s);
    return switch (event.source()) {
      case "aws.guardduty" -> events.guardDuty(event.event(), event.detail());
      case "aws.securityhub" -> events.securityHub(event.event(), event.detailType(), event.detail());
      default -> events.signIn(event.event(), event.detail());
    };
  }

  /** One incident per indicator and window: the execution is named after both. */
  static Classification start(SignalContext context, SecuritySettings s, IncidentSignal signal, String indicator,
      String firstSeen, String reason, Trigger trigger) {
    Instant at = EventTimes.parse(firstSeen);
    if (at == null) {
      at = EventTimes.parse(trigger.time());
    }
    long window = Duration.ofMinutes(s.groupingWindowMinutes()).toSeconds();
    String bucket = at == null ? "undated" : Instant.ofEpochSecond(at.getEpochSecond() / window * window).toString();
    Trigger withDetail = new Trigger(trigger.kind(), trigger.source(), trigger.id(), trigger.time(),
        trigger.summary(), Json.MAPPER.valueToTree(signal));
    return context.start(indicator, "security:" + indicator + ":" + bucket, reason, withDetail);
  }

  // ---- manual ------------------------------------------------------------------------------------------------------

  @Override
  public Set<String> manualJsonFields() {
    return new LinkedHashSet<>(List.of("ips", "apiKeyIds", "severity", "activeBreach"));
  }

  @Override
  public ManualTarget manual(SignalContext context, ManualRequest request) {
    String scenario = request.runbook();
    for (String field : List.of("option", "snapshotId", "restoreTime")) {
      if (request.field(field) != null) {
        throw new BadInput(field + " does not apply to " + scenario + ": it contains a security incident (give "
            + "ips, apiKeyIds, severity, activeBreach)");
      }
    }
    SecuritySettings s = settings(context);
    if (s == null) {
      throw new BadInput(scenario + " is not deployed in this environment: it has no security section");
    }
    if (request.resource() != null) {
      throw new BadInput("resource does not apply to " + scenario + ": name the attacker with ips or apiKeyIds");
    }
    List<String> ips = stringList(request, "ips");
    List<Range> ranges = new ArrayList<>();
    for (String ip : ips) {
      Range range;
      try {
        range = IpRanges.parse(ip);
      } catch (NotAnIp e) {
        throw new BadInput("ips: " + e.getMessage());
      }
      String refused = SecurityEvents.refusal(range, s);
      if (refused != null) {
        throw new BadInput("ips: " + refused + ": nothing was started");
      }
      ranges.add(range);
    }
    List<String> keys = stringList(request, "apiKeyIds");
    for (String key : keys) {
      if (!API_KEY_ID.matcher(key).matches()) {
        throw new BadInput("apiKeyIds: '" + quote(key) + "' is not an API key id (1-128 letters, digits, _ . : -)");
      }
    }
    String priority = null;
    JsonNode severity = json(request, "severity");
    if (severity != null) {
      if (!severity.isTextual() || !PRIORITY.matcher(severity.asText()).matches()) {
        throw new BadInput("severity must be P1, P2, P3 or P4, got " + quote(severity));
      }
      priority = severity.asText();
    }
    Boolean active = null;
    JsonNode breach = json(request, "activeBreach");
    if (breach != null) {
      if (!breach.isBoolean()) {
        throw new BadInput("activeBreach must be true or false, got " + quote(breach));
      }
      active = breach.booleanValue();
    }
    if (ranges.isEmpty() && keys.isEmpty() && !Boolean.TRUE.equals(active)) {
      throw new BadInput(scenario + " needs something to contain: ips, apiKeyIds or activeBreach true");
    }
    List<String> cidrs = ranges.stream().map(Range::cidr).distinct().toList();
    String indicator = !cidrs.isEmpty() ? SecurityEvents.indicator(cidrs.get(0))
        : !keys.isEmpty() ? "key-" + keys.get(0) : "breach";
    IncidentSignal signal = new IncidentSignal("manual", "reported by hand", null, null, null, cidrs,
        keys.stream().distinct().toList(), null, null, active, priority, null);
    return new ManualTarget(indicator, null, null, null, Json.MAPPER.valueToTree(signal));
  }

  private static JsonNode json(ManualRequest request, String field) {
    String text = request.field(field);
    return text == null ? null : Json.tree(text);
  }

  /** A list of strings of at most {@link #MAX_INDICATORS}, or a {@link BadInput}; empty when not given. */
  private static List<String> stringList(ManualRequest request, String field) {
    JsonNode node = json(request, field);
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (!node.isArray()) {
      throw new BadInput(field + " must be a list of strings, got " + quote(node));
    }
    if (node.size() > SecuritySettings.WAF_IP_SET_LIMIT) {
      throw new BadInput(field + " holds " + node.size() + " entries: more than WAF's " + SecuritySettings
          .WAF_IP_SET_LIMIT + " addresses per IP set; nothing was started");
    }
    if (node.size() > MAX_INDICATORS) {
      throw new BadInput(field + " holds " + node.size() + " entries: at most " + MAX_INDICATORS + " per incident "
          + "(the recovery document's size); nothing was started");
    }
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new BadInput(field + " must be a list of strings, got " + quote(item));
      }
      out.add(item.asText());
    }
    return out;
  }

  /** An input value as a reason may quote it: whole when short, else its start and its length. */
  static String quote(String value) {
    if (value == null) {
      return "null";
    }
    return value.length() <= 64 ? value : value.substring(0, 64) + "\u2026 (" + value.length() + " characters)";
  }

  static String quote(JsonNode value) {
    return value == null ? "null" : quote(value.isTextual() ? value.asText() : value.toString());
  }
}
