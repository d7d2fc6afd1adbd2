package ai.sentinel.dr.trigger;

import ai.sentinel.dr.trigger.Fields.BadInput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scenario's signal rules: which alarms and events (inside the EventBridge, SNS and manual envelopes) start it, and
 * its manual-payload fields and their validation. The envelopes ({@link EventClassifier}) parse, validate and
 * deduplicate what is common and ask every registered scenario's rules about the rest; {@link TriggerPatterns}
 * assembles the deployed EventBridge patterns from {@link #rules} and {@link #alarmMetrics}. Every method has a
 * default meaning "not this scenario's", except the manual invoke every scenario can be started by.
 *
 * <p>Each method gets the {@link SignalContext}: the environment (the resources it protects) and the scenario.
 */
public interface SignalRules {

  /** Its EventBridge rules other than the shared alarm rule (deployed as they are, matched with event-ruler). */
  default List<TriggerPatterns.Rule> rules(SignalContext context) {
    return List.of();
  }

  /**
   * Regions besides the stack's own whose events it judges (a DR stack watching its primary region's AWS Health
   * events, forwarded to the DR region's bus): the origin check lets their events through to the scenario's rules.
   */
  default Set<String> watchedRegions(SignalContext context) {
    return Set.of();
  }

  /** The alarm metrics it watches: branches of the shared {@link TriggerPatterns#ALARM_STATE_CHANGE} rule. */
  default List<MetricMatch> alarmMetrics(SignalContext context) {
    return List.of();
  }

  /** The resource an ALARM on this metric starts this scenario on, or null when the metric is not its own. */
  default AlarmTarget watchedBy(SignalContext context, AlarmMetric metric) {
    return null;
  }

  /**
   * Why the alarm of this name is one this scenario's own recoveries put up to watch over an incident after it, or
   * null. Such an alarm pages the on-call and never starts a recovery of any scenario, whatever its metric or route:
   * it watches the very metrics that start one, and would otherwise turn each incident's aftermath into a new one.
   */
  default String ownAlarm(SignalContext context, String alarmName) {
    return null;
  }

  /**
   * The deployed side of {@link #ownAlarm}: an EventBridge wildcard (only {@code *}) matching the names of the alarms
   * its recoveries put up, or null. The shared alarm rule's metric branches leave out alarms so named ({@code
   * anything-but} with {@code wildcard}), so they never reach a responder through it; the classifier still judges any
   * that arrive otherwise (SNS, a route by name, a replay by hand). It must match no platform alarm, which would then
   * never be delivered, so it matches the shape of the names, not just a part they share with the platform's.
   */
  default String ownAlarmWildcard(SignalContext context) {
    return null;
  }

  /**
   * The resource an ALARM that {@code ALARM_ROUTES} sends here acts on; a {@link BadInput} when the alarm cannot say
   * which protected resource that is.
   *
   * @param why "alarm NAME is routed to SCENARIO by ALARM_ROUTES", to extend with the resource's evidence
   */
  default AlarmTarget routedAlarm(SignalContext context, String alarmName, JsonNode detail, String why) {
    throw new BadInput("ALARM_ROUTES sends alarm " + alarmName + " to " + context.scenario() + ", which no alarm "
        + "starts");
  }

  /**
   * An EventBridge event other than an alarm: the classification of an event of its kind (whether one of its
   * {@link #rules} matched or not: the envelope never lets an event no deployed rule matches start), or null when the
   * event is not of its kind.
   */
  default Classification eventBridge(SignalContext context, EventBridgeEvent event) {
    return null;
  }

  /** What its SNS notifications are called in a reason ("RDS", "ElastiCache"), or null when it has none. */
  default String snsNotifications() {
    return null;
  }

  /** An SNS notification other than an alarm: its classification, or null when the message is not of its kind. */
  default Classification sns(SignalContext context, SnsNotification notification) {
    return null;
  }

  /** Manual-payload fields of its own (strings), besides the common ones every manual invoke takes. */
  default Set<String> manualFields() {
    return Set.of();
  }

  /**
   * Manual-payload fields of its own that take any JSON value (a list of IPs, a boolean), passed to {@link #manual}
   * as their JSON text: the scenario checks their types itself.
   */
  default Set<String> manualJsonFields() {
    return Set.of();
  }

  /**
   * A manual invoke (or drill, or scheduled test) of this scenario: the resource it acts on and its options, or a
   * {@link BadInput} naming the problem (a resource it does not protect, a field that does not apply to it, a
   * scenario this environment does not deploy).
   */
  ManualTarget manual(SignalContext context, ManualRequest request);

  /**
   * One metric of an alarm's configuration.
   *
   * @param alarmName  the alarm
   * @param namespace  e.g. AWS/RDS
   * @param name       the metric name, or null
   * @param dimensions dimension name to value
   */
  record AlarmMetric(String alarmName, String namespace, String name, JsonNode dimensions) {
    /** A dimension's value, or null. */
    public String dimension(String dimension) {
      return Fields.textOrNull(dimensions, dimension);
    }

    /** "alarm NAME watches NAMESPACE " + what: the start of a reason. */
    public String watches(String what) {
      return "alarm " + alarmName + " watches " + namespace + " " + what;
    }
  }

  /**
   * The resource an alarm starts a scenario on.
   *
   * @param resource the protected resource the recovery acts on
   * @param why      the reason, in one line
   */
  record AlarmTarget(String resource, String why) {}

  /**
   * One branch of the shared alarm rule: an alarm with a metric in one of these namespaces and these dimensions, and,
   * where names are given, of one of these metric names (an application's own metric may carry no dimension to tell
   * it by).
   *
   * @param namespaces CloudWatch namespaces
   * @param dimensions an EventBridge pattern for the metric's dimensions (dimension name to allowed values), or null:
   *                   any dimensions
   * @param names      metric names, or empty: any metric of the namespaces
   */
  record MetricMatch(List<String> namespaces, ObjectNode dimensions, List<String> names) {
    public MetricMatch {
      namespaces = List.copyOf(namespaces);
      names = names == null ? List.of() : List.copyOf(names);
      if (dimensions == null && names.isEmpty()) {
        throw new IllegalArgumentException("a metric branch needs dimensions or names: " + namespaces);
      }
    }

    public MetricMatch(List<String> namespaces, ObjectNode dimensions) {
      this(namespaces, dimensions, List.of());
    }
  }

  /**
   * An EventBridge event that is not an alarm.
   *
   * @param event        the whole event
   * @param source       its source, e.g. aws.rds
   * @param detailType   its detail-type
   * @param detail       its detail
   * @param matchedRules ids of the deployed rules that match it
   */
  record EventBridgeEvent(JsonNode event, String source, String detailType, JsonNode detail,
      Set<String> matchedRules) {
    public EventBridgeEvent {
      matchedRules = Set.copyOf(matchedRules);
    }

    public boolean matched(String ruleId) {
      return matchedRules.contains(ruleId);
    }
  }

  /**
   * An SNS notification whose Message is a JSON object.
   *
   * @param message the parsed Message
   * @param record  the SNS record (Timestamp, MessageId...)
   */
  record SnsNotification(JsonNode message, JsonNode record) {
    /** When SNS received it, or null. */
    public String timestamp() {
      return Fields.optionalText(record, "Timestamp");
    }

    public String messageId() {
      return Fields.optionalText(record, "MessageId");
    }
  }

  /**
   * A manual payload for this scenario, its common fields already checked.
   *
   * @param runbook  the scenario id asked for
   * @param resource the resource asked for, or null
   * @param fields   every scenario's own fields ({@link #manualFields}) the payload gives, as strings, in
   *                 declared order: a scenario refuses the ones that do not apply to it
   */
  record ManualRequest(String runbook, String resource, Map<String, String> fields) {
    public ManualRequest {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A field's value, or null when not given. */
    public String field(String name) {
      return fields.get(name);
    }
  }

  /**
   * What a manual invoke starts.
   *
   * @param resource    the protected resource the recovery acts on
   * @param option      the runbook option forced, or null
   * @param snapshotId  the snapshot to restore, or null for the latest
   * @param restoreTime the point in time to restore to (normalized ISO-8601, or "latest"), or null
   * @param detail      the trigger's detail for the scenario's first step ({@code Trigger.detail}), or null
   */
  record ManualTarget(String resource, String option, String snapshotId, String restoreTime, JsonNode detail) {
    public ManualTarget(String resource, String option, String snapshotId, String restoreTime) {
      this(resource, option, snapshotId, restoreTime, null);
    }

    /** A target with no options: the scenario decides. */
    public static ManualTarget of(String resource) {
      return new ManualTarget(resource, null, null, null);
    }
  }
}
