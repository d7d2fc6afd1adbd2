package ai.sentinel.dr.trigger;

import static ai.sentinel.dr.trigger.Fields.object;
import static ai.sentinel.dr.trigger.Fields.optionalText;
import static ai.sentinel.dr.trigger.Fields.text;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.SignalRules.EventBridgeEvent;
import ai.sentinel.dr.trigger.SignalRules.SnsNotification;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
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

  private final Machine machine = new Machine();
  private final List<Bound> scenarios;
  private final Alarms alarms;
  private final ManualInvokes manual;
  private final String snsKinds;

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

  public Classification classify(byte[] raw) {
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
        return manual.classify(root);
      }
    } catch (BadInput e) {
      return Classification.reject(e.getMessage());
    }
    return Classification.reject("unknown envelope: expected an EventBridge event (source, detail-type, detail), "
        + "an SNS notification (Records[].Sns) or a manual payload (runbook)");
  }

  // ---- EventBridge ------------------------------------------------------------------------------------------

  private Classification eventBridge(JsonNode event) {
    String source = text(event, "source");
    String detailType = text(event, "detail-type");
    JsonNode detail = object(event, "detail");
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
      return Classification.ignore(detailType + " is not a state change");
    }
    EventBridgeEvent e = new EventBridgeEvent(event, source, detailType, detail, new HashSet<>(matched));
    for (Bound scenario : scenarios) {
      Classification c = scenario.rules().eventBridge(scenario.context(), e);
      if (c != null) {
        boolean byItsRule = matched.stream().anyMatch(scenario.ruleIds()::contains);
        return byItsRule ? c : notMatched(c);
      }
    }
    return Classification.ignore("no trigger rule matches source '" + source + "', detail-type '" + detailType + "'");
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
      throw new BadInput("Records[0].EventSource is '" + eventSource + "', expected aws:sns");
    }
    JsonNode sns = object(record, "Sns");
    String message = text(sns, "Message");
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
