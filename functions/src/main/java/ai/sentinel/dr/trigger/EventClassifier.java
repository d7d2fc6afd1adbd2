package ai.sentinel.dr.trigger;

import static ai.sentinel.dr.trigger.Fields.object;
import static ai.sentinel.dr.trigger.Fields.optionalText;
import static ai.sentinel.dr.trigger.Fields.text;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalRules.EventBridgeEvent;
import ai.sentinel.dr.trigger.SignalRules.SnsNotification;
import ai.sentinel.dr.wait.Awaited;
import ai.sentinel.dr.wait.ReadyEvents;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.event.ruler.Machine;

/**
 * Decides, for one raw payload, whether a recovery is due: {@code start}, {@code ignore} or {@code reject}. Pure: no
 * AWS call, so a rejected or ignored payload provably touches nothing. This class reads the envelopes (EventBridge
 * event, SNS record, manual payload): size, JSON, the fields every signal has; alarms are judged by {@link Alarms},
 * manual payloads by {@link ManualInvokes}, everything else by the registered scenarios' {@link SignalRules}.
 * EventBridge events are matched against the deployed patterns ({@link TriggerPatterns}) with AWS's event-ruler, and
 * only an event a deployed rule matches can start a recovery; SNS-delivered signals are judged by the same rules.
 */
public final class EventClassifier {
  /** EventBridge's maximum event size; nothing larger can be a real event. */
  public static final int MAX_BYTES = 256 * 1024;
  /** How far ahead of our clock a signal may be dated (clock skew); beyond it the signal is mis-dated. */
  public static final Duration MAX_FUTURE = Duration.ofMinutes(5);

  private final Machine machine = new Machine();
  private final List<Bound> scenarios;
  private final Alarms alarms;
  private final ManualInvokes manual;
  private final String snsKinds;
  private final Origin origin;
  private final Clock clock;
  private final Duration maxAge;

  /**
   * One registered scenario's rules in this environment.
   *
   * @param ruleIds the ids of the EventBridge rules it deploys
   */
  record Bound(Scenario scenario, SignalRules rules, SignalContext context, Set<String> ruleIds) {}

  public EventClassifier(DrConfig config, Clock clock) {
    List<Bound> bound = new ArrayList<>();
    for (Scenario scenario : ScenarioRegistry.all()) {
      SignalRules rules = scenario.signals();
      SignalContext context = new SignalContext(scenario.id(), config);
      Set<String> ids = new HashSet<>();
      rules.rules(context).forEach(r -> ids.add(r.id()));
      bound.add(new Bound(scenario, rules, context, Set.copyOf(ids)));
    }
    this.scenarios = List.copyOf(bound);
    this.origin = new Origin(config, scenarios.stream().flatMap(s -> s.rules().watchedRegions(s.context())
        .stream()).collect(java.util.stream.Collectors.toSet()));
    this.clock = clock;
    this.maxAge = Duration.ofSeconds(config.maxSignalAgeSeconds());
    this.alarms = new Alarms(config, scenarios);
    this.manual = new ManualInvokes(config, clock, scenarios);
    for (TriggerPatterns.Rule rule : TriggerPatterns.of(config)) {
      try {
        machine.addRule(rule.id(), rule.pattern());
      } catch (IOException e) {
        throw new IllegalStateException("trigger pattern " + rule.id() + " does not parse", e);
      }
    }
    List<String> kinds = scenarios.stream().map(s -> s.rules().snsNotifications())
        .filter(Objects::nonNull).toList();
    this.snsKinds = kinds.isEmpty() ? "not a CloudWatch alarm" : "neither a CloudWatch alarm nor an "
        + String.join(" or ", kinds) + " notification";
  }

  /**
   * The classification of one payload; a manual invoke without {@code requestId} is a request of its own (a fresh
   * identity). The responders pass the invocation's id instead: {@link #classify(byte[], String)}.
   */
  public Classification classify(byte[] raw) {
    return classify(raw, null);
  }

  /**
   * The classification of one payload delivered by one invocation.
   *
   * @param invocationId the Lambda request id (the same for the retries of one asynchronous invoke): the identity of
   *                     a manual invoke that gives no {@code requestId}; null for a fresh one
   */
  public Classification classify(byte[] raw, String invocationId) {
    Classification c = judge(raw, invocationId);
    // the last line of defence against echoing input: every reason and dedup key is bounded, whatever built it
    String capped = Fields.capReason(c.reason());
    String key = Fields.boundedKey(c.dedupKey());
    return capped == c.reason() && key == c.dedupKey() ? c : new Classification(c.action(), c.scenario(),
        c.resource(), key, capped, c.trigger(), c.options(), c.evidence());
  }

  private Classification judge(byte[] raw, String invocationId) {
    if (raw == null || raw.length == 0) {
      return Classification.reject("empty payload");
    }
    if (raw.length > MAX_BYTES) {
      return Classification.reject("payload is larger than EventBridge's 256 KB limit (" + MAX_BYTES + " bytes)");
    }
    JsonNode root;
    try {
      root = Json.parse(raw); // the one strict reader: no duplicate keys, nothing after the document
    } catch (Json.Invalid e) {
      return Classification.reject(e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return Classification.reject("payload must be a JSON object, got " + (root == null ? "nothing"
          : root.getNodeType().toString().toLowerCase()));
    }
    try {
      if (root.has("Records")) {
        return sns(root);
      }
      if (root.has("detail-type") || root.has("source") || root.has("detail")) {
        return eventBridge(root);
      }
      if (root.has("runbook")) {
        return manual.classify(root, invocationId);
      }
    } catch (BadInput e) {
      return Classification.reject(e.getMessage());
    }
    return Classification.reject("unknown envelope: expected an EventBridge event (source, detail-type, detail), "
        + "an SNS notification (Records[].Sns) or a manual payload (runbook)");
  }

  /**
   * What one payload says is ready for a waiting recovery ({@link ReadyEvents}): an EventBridge event one of the
   * deployed ready rules matches, or ElastiCache's notification that a cluster is provisioned, from this stack's own
   * account, region and topics. Never a start; the age is not checked, since a wake-up only makes a wait poll now.
   *
   * @return empty for anything else, malformed payloads included
   */
  public List<Awaited> awaited(byte[] raw) {
    try {
      if (raw == null || raw.length == 0 || raw.length > MAX_BYTES) {
        return List.of();
      }
      JsonNode root = Json.parse(raw);
      if (root == null || !root.isObject()) {
        return List.of();
      }
      if (root.has("Records")) {
        JsonNode sns = root.path("Records").path(0).path("Sns");
        if (root.path("Records").size() != 1 || !sns.isObject() || origin.foreignNotification(sns) != null) {
          return List.of();
        }
        JsonNode message = Json.parse(text(sns, "Message"));
        if (message == null || !message.isObject() || origin.foreignMessage(message) != null
            || !software.amazon.event.ruler.Ruler.matchesRule(message.toString(), ReadyEvents.CACHE_READY_PATTERN)) {
          return List.of();
        }
        return ReadyEvents.fromElastiCache(message);
      }
      if (!root.has("detail-type") || origin.foreignEvent(root) != null) {
        return List.of();
      }
      return ReadyEvents.fromEventBridge(root, machine.rulesForJSONEvent(root));
    } catch (Exception e) {
      return List.of(); // not a ready event: the classification says what it is
    }
  }

  // ---- EventBridge ------------------------------------------------------------------------------------------

  private Classification eventBridge(JsonNode event) {
    String source = text(event, "source");
    String detailType = text(event, "detail-type");
    JsonNode detail = object(event, "detail");
    String foreign = origin.foreignEvent(event);
    if (foreign != null) {
      return Classification.ignore(foreign + ": only this stack's own account and region start a recovery");
    }
    return fresh(eventBridgeSignal(event, source, detailType, detail), optionalText(event, "time"));
  }

  private Classification eventBridgeSignal(JsonNode event, String source, String detailType, JsonNode detail) {
    List<String> matched;
    try {
      matched = machine.rulesForJSONEvent(event);
    } catch (Exception e) {
      throw new BadInput("event could not be matched: " + e.getMessage());
    }
    if (matched.contains(TriggerPatterns.ALARM_STATE_CHANGE)) {
      return alarms.classify(detail, "eventbridge", text(event, "time"));
    }
    if ("CloudWatch Alarm State Change".equals(detailType)) {
      return notMatched(alarms.classify(detail, "eventbridge", optionalText(event, "time")));
    }
    if (detailType.startsWith("CloudWatch Alarm")) {
      return Classification.ignore(Fields.quote(detailType) + " is not a state change");
    }
    EventBridgeEvent e = new EventBridgeEvent(event, source, detailType, detail, new HashSet<>(matched));
    for (Bound scenario : scenarios) {
      Classification c = scenario.rules().eventBridge(scenario.context(), e);
      if (c != null) {
        boolean byItsRule = matched.stream().anyMatch(scenario.ruleIds()::contains);
        return byItsRule ? c : notMatched(c);
      }
    }
    return Classification.ignore("no trigger rule matches source '" + Fields.quote(source) + "', detail-type '"
        + Fields.quote(detailType) + "'");
  }

  /**
   * The reason for an event no deployed rule matches: the same judgement as for a matched one where there is one, so
   * the reason is precise. Never a start: what the deployed rules do not deliver must not act when replayed by hand.
   */
  private static Classification notMatched(Classification c) {
    if (c.starts()) {
      return Classification.ignore(null, null, c.dedupKey(), "no deployed trigger rule matches this event ("
          + c.reason() + ")");
    }
    return c;
  }

  /**
   * A start only while the signal is fresh: its own time and its envelope's, where given, no older than
   * {@code safety.maxSignalAgeMinutes} and not ahead of our clock by more than {@link #MAX_FUTURE}. A replayed old
   * alarm, or one dated in the future, must not start a restore.
   */
  private Classification fresh(Classification c, String envelopeTime) {
    if (!c.starts()) {
      return c;
    }
    Instant now = clock.instant();
    boolean dated = false;
    for (String time : new String[] {c.trigger().time(), envelopeTime}) {
      Instant at = EventTimes.parse(time);
      if (at == null) {
        continue;
      }
      dated = true;
      String problem = EventTimes.ageProblem(at, now, maxAge, MAX_FUTURE);
      if (problem != null) {
        return Classification.ignore(c.scenario(), c.resource(), c.dedupKey(), "signal time " + problem + " at "
            + now + ": a replayed or mis-dated signal starts nothing (safety.maxSignalAgeMinutes)");
      }
    }
    if (!dated) {
      return Classification.ignore(c.scenario(), c.resource(), c.dedupKey(), "the signal carries no readable time: "
          + "its age cannot be checked, so it starts nothing");
    }
    return c;
  }

  // ---- SNS --------------------------------------------------------------------------------------------------

  private Classification sns(JsonNode root) {
    JsonNode records = root.get("Records");
    if (!records.isArray() || records.size() != 1) {
      throw new BadInput("SNS envelope must hold exactly one record in Records[]");
    }
    JsonNode record = records.get(0);
    if (!record.isObject()) {
      throw new BadInput("Records[0] must be an object");
    }
    String eventSource = record.has("EventSource") ? text(record, "EventSource") : "aws:sns";
    if (!"aws:sns".equals(eventSource)) {
      throw new BadInput("Records[0].EventSource is '" + Fields.quote(eventSource) + "', expected aws:sns");
    }
    JsonNode sns = object(record, "Sns");
    String message = text(sns, "Message");
    String foreign = origin.foreignNotification(sns);
    if (foreign != null) {
      return Classification.ignore(foreign + ": only this stack's own topics deliver signals");
    }
    return fresh(snsSignal(sns, message), optionalText(sns, "Timestamp"));
  }

  private Classification snsSignal(JsonNode sns, String message) {
    JsonNode body;
    try {
      body = Json.parse(message);
    } catch (Json.Invalid e) {
      if (e.kind() != Json.Invalid.Kind.MALFORMED) {
        throw new BadInput("SNS Message: " + e.getMessage()); // JSON with two meanings: refuse, do not guess
      }
      return Classification.ignore("SNS message is not JSON: " + snsKinds);
    }
    if (body == null || !body.isObject()) {
      return Classification.ignore("SNS message is not a JSON object: " + snsKinds);
    }
    String foreign = origin.foreignMessage(body);
    if (foreign != null) {
      return Classification.ignore(foreign + ": only this stack's own account and region start a recovery");
    }
    if (body.has("AlarmName")) {
      return alarms.classify(Alarms.detailFromSns(body), "sns", optionalText(sns, "Timestamp"));
    }
    SnsNotification notification = new SnsNotification(body, sns);
    for (Bound scenario : scenarios) {
      Classification c = scenario.rules().sns(scenario.context(), notification);
      if (c != null) {
        return c;
      }
    }
    return Classification.ignore("SNS message is " + snsKinds);
  }
}
