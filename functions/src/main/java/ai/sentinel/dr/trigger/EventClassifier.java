package ai.sentinel.dr.trigger;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Trigger;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.event.ruler.Machine;

/**
 * Decides, for one raw payload, whether a recovery is due: {@code start}, {@code ignore} or {@code reject}. Pure: no
 * AWS call, so a rejected or ignored payload provably touches nothing. EventBridge events are matched against the
 * deployed patterns ({@link TriggerPatterns}) with AWS's event-ruler; SNS-delivered alarms and RDS notifications and
 * manual payloads are parsed field by field with clear errors.
 */
public final class EventClassifier {
  /** EventBridge's maximum event size; nothing larger can be a real event. */
  public static final int MAX_BYTES = 256 * 1024;

  private static final Set<String> MANUAL_FIELDS = Set.of("runbook", "resource", "option", "snapshotId",
      "restoreTime", "dryRun", "pollSeconds", "maxPolls", "requestId", "reason");
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[A-Za-z0-9:_-]{1,255}");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");

  private final DrConfig config;
  private final Clock clock;
  private final Machine machine = new Machine();

  public EventClassifier(DrConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    for (TriggerPatterns.Rule rule : TriggerPatterns.of(scope(config))) {
      try {
        machine.addRule(rule.id(), rule.pattern());
      } catch (IOException e) {
        throw new IllegalStateException("trigger pattern " + rule.id() + " does not parse", e);
      }
    }
  }

  public static TriggerPatterns.Scope scope(DrConfig config) {
    return new TriggerPatterns.Scope(config.dbInstanceId(), config.alarmRoutes());
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
      root = Json.MAPPER.readTree(raw);
    } catch (JsonProcessingException e) {
      return Classification.reject("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return Classification.reject("unreadable payload: " + e.getMessage());
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
        return manual(root);
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
      return alarm(detail, "eventbridge", text(event, "time"));
    }
    if (matched.contains(TriggerPatterns.RDS_INSTANCE_EVENT)) {
      return rdsEvent(detail, "eventbridge", optionalText(detail, "Date"), text(event, "time"));
    }
    return Classification.ignore(whyNoRule(source, detailType, detail));
  }

  /** A precise reason for the events users most often ask about; otherwise a generic one. */
  private String whyNoRule(String source, String detailType, JsonNode detail) {
    if ("CloudWatch Alarm State Change".equals(detailType)) {
      String state = detail.path("state").path("value").asText("?");
      String name = detail.path("alarmName").asText("?");
      if (!"ALARM".equals(state)) {
        return "alarm " + name + " is " + state + ": only ALARM starts a recovery";
      }
      return "alarm " + name + " watches no protected resource and has no route in ALARM_ROUTES";
    }
    if (detailType != null && detailType.startsWith("CloudWatch Alarm")) {
      return detailType + " is not a state change";
    }
    if ("RDS DB Instance Event".equals(detailType)) {
      String id = detail.path("SourceIdentifier").asText("?");
      if (!stripRds(id).equals(config.dbInstanceId())) {
        return "RDS event for " + id + ", not the protected instance " + config.dbInstanceId();
      }
      return "RDS event categories " + detail.path("EventCategories") + " do not signal a failure or failover";
    }
    return "no trigger rule matches source '" + source + "', detail-type '" + detailType + "'";
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
      body = Json.MAPPER.readTree(message);
    } catch (JsonProcessingException e) {
      return Classification.ignore("SNS message is not JSON: neither an alarm nor an RDS notification");
    }
    if (body == null || !body.isObject()) {
      return Classification.ignore("SNS message is not a JSON object: neither an alarm nor an RDS notification");
    }
    if (body.has("AlarmName")) {
      return alarm(alarmDetailFromSns(body), "sns", optionalText(sns, "Timestamp"));
    }
    if (body.has("Source ID") || body.has("Event Source")) {
      String eventSource2 = optionalText(body, "Event Source");
      if (eventSource2 != null && !"db-instance".equals(eventSource2)) {
        return Classification.ignore("RDS notification from a " + eventSource2 + ", not a db-instance");
      }
      return rdsEvent(rdsDetailFromSns(body), "sns", optionalText(body, "Event Time"),
          optionalText(sns, "Timestamp"));
    }
    return Classification.ignore("SNS message is neither a CloudWatch alarm nor an RDS notification");
  }

  /** The SNS alarm message, reshaped like EventBridge's detail so one code path routes both. */
  private static JsonNode alarmDetailFromSns(JsonNode body) {
    ObjectNode detail = Json.object();
    detail.put("alarmName", text(body, "AlarmName"));
    ObjectNode state = detail.putObject("state");
    state.put("value", text(body, "NewStateValue"));
    state.put("reason", body.path("NewStateReason").asText(""));
    state.put("timestamp", body.path("StateChangeTime").asText(""));
    ObjectNode configuration = detail.putObject("configuration");
    if (body.has("AlarmRule")) {
      configuration.put("alarmRule", body.path("AlarmRule").asText());
    }
    var metrics = configuration.putArray("metrics");
    JsonNode trigger = body.path("Trigger");
    if (trigger.has("Namespace")) {
      ObjectNode metric = metrics.addObject().putObject("metricStat").putObject("metric");
      metric.put("namespace", trigger.path("Namespace").asText());
      metric.put("name", trigger.path("MetricName").asText());
      metric.set("dimensions", dimensions(trigger.path("Dimensions")));
    }
    for (JsonNode m : trigger.path("Metrics")) {
      JsonNode stat = m.path("MetricStat").path("Metric");
      if (stat.isObject()) {
        ObjectNode metric = metrics.addObject().putObject("metricStat").putObject("metric");
        metric.put("namespace", stat.path("Namespace").asText());
        metric.put("name", stat.path("MetricName").asText());
        metric.set("dimensions", dimensions(stat.path("Dimensions")));
      }
    }
    return detail;
  }

  private static ObjectNode dimensions(JsonNode list) {
    ObjectNode out = Json.object();
    for (JsonNode d : list) {
      String name = d.has("name") ? d.path("name").asText() : d.path("Name").asText();
      String value = d.has("value") ? d.path("value").asText() : d.path("Value").asText();
      out.put(name, value);
    }
    return out;
  }

  private static JsonNode rdsDetailFromSns(JsonNode body) {
    ObjectNode detail = Json.object();
    detail.put("SourceIdentifier", text(body, "Source ID"));
    String eventId = optionalText(body, "Event ID");
    if (eventId != null) {
      // "http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-0049"
      detail.put("EventID", eventId.substring(eventId.lastIndexOf('#') + 1));
    }
    detail.put("Message", body.path("Event Message").asText(""));
    return detail;
  }

  // ---- the signals ------------------------------------------------------------------------------------------

  private Classification alarm(JsonNode detail, String via, String envelopeTime) {
    String name = text(detail, "alarmName");
    JsonNode state = object(detail, "state");
    String value = text(state, "value");
    String timestamp = optionalText(state, "timestamp");
    String dedup = "alarm:" + name + ":" + Times.normalize(timestamp == null || timestamp.isEmpty()
        ? envelopeTime : timestamp);
    if (!"ALARM".equals(value)) {
      return Classification.ignore(null, null, dedup, "alarm " + name + " is " + value
          + ": only ALARM starts a recovery");
    }
    if (state.hasNonNull("actionsSuppressedBy")) {
      return Classification.ignore(null, null, dedup, "alarm " + name + " has its actions suppressed by "
          + state.get("actionsSuppressedBy").asText());
    }
    String scenario = config.alarmRoutes().get(name);
    String why;
    if (scenario != null) {
      why = "alarm " + name + " is routed to " + scenario + " by ALARM_ROUTES";
    } else if (watchesInstance(detail)) {
      scenario = Scenarios.DATABASE_FAILURE;
      why = "alarm " + name + " watches AWS/RDS DBInstanceIdentifier=" + config.dbInstanceId();
    } else {
      return Classification.ignore(null, null, dedup, "alarm " + name
          + " watches no protected resource and has no route in ALARM_ROUTES");
    }
    if (!Scenarios.ALL.contains(scenario)) {
      return Classification.reject("ALARM_ROUTES sends " + name + " to unknown scenario '" + scenario + "'");
    }
    String summary = name + " in ALARM: " + truncate(state.path("reason").asText(""), 300);
    Trigger trigger = new Trigger("alarm", via, name, Times.normalize(timestamp == null ? envelopeTime : timestamp),
        summary);
    return start(scenario, resourceOf(scenario), dedup, why, trigger, defaults());
  }

  private boolean watchesInstance(JsonNode detail) {
    for (JsonNode m : detail.path("configuration").path("metrics")) {
      JsonNode metric = m.path("metricStat").path("metric");
      if ("AWS/RDS".equals(metric.path("namespace").asText())
          && config.dbInstanceId().equals(metric.path("dimensions").path("DBInstanceIdentifier").asText())) {
        return true;
      }
    }
    return false;
  }

  private Classification rdsEvent(JsonNode detail, String via, String eventTime, String envelopeTime) {
    String sourceId = text(detail, "SourceIdentifier");
    String id = stripRds(sourceId);
    String eventId = optionalText(detail, "EventID");
    String time = Times.normalize(eventTime != null ? eventTime : envelopeTime);
    String dedup = "rds:" + id + ":" + (eventId == null ? "no-event-id" : eventId) + ":" + time;
    if (!id.equals(config.dbInstanceId())) {
      return Classification.ignore(null, null, dedup, "RDS event for " + sourceId + ", not the protected instance "
          + config.dbInstanceId());
    }
    String categories = detail.has("EventCategories") ? detail.get("EventCategories").toString() : "[subscribed]";
    String summary = "RDS " + (eventId == null ? "event (no EventID)" : eventId) + " " + categories + " on "
        + id + ": " + truncate(detail.path("Message").asText(""), 300);
    Trigger trigger = new Trigger("rds-event", via, eventId == null ? "no-event-id" : eventId, time, summary);
    return start(Scenarios.DATABASE_FAILURE, id, dedup, "RDS " + categories + " event for " + id, trigger,
        defaults());
  }

  private Classification manual(JsonNode root) {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!MANUAL_FIELDS.contains(field)) {
        unknown.add(field);
      }
    }
    if (!unknown.isEmpty()) {
      throw new BadInput("manual payload has unknown field(s) " + unknown + "; allowed: "
          + MANUAL_FIELDS.stream().sorted().toList());
    }
    String runbook = text(root, "runbook");
    if (!Scenarios.ALL.contains(runbook)) {
      throw new BadInput("unknown runbook '" + runbook + "'; known: " + Scenarios.ALL);
    }
    String resource = optionalText(root, "resource");
    String expected = resourceOf(runbook);
    if (resource != null && !resource.equals(expected)) {
      throw new BadInput("resource '" + resource + "' is not protected by this environment (" + runbook + " covers "
          + expected + ")");
    }
    String option = optionalText(root, "option");
    if (option != null && !Set.of("A", "B", "C").contains(option)) {
      throw new BadInput("option must be A, B or C, got '" + option + "'");
    }
    String snapshotId = optionalText(root, "snapshotId");
    if (snapshotId != null && !SNAPSHOT_ID.matcher(snapshotId).matches()) {
      throw new BadInput("snapshotId must be \"latest\" or a snapshot identifier");
    }
    String restoreTime = optionalText(root, "restoreTime");
    if (restoreTime != null && !restoreTime.equals("latest") && Times.parse(restoreTime) == null) {
      throw new BadInput("restoreTime must be \"latest\" or an ISO-8601 time like 2026-01-17T10:00:00Z");
    }
    if (restoreTime != null && option == null) {
      option = "C";
    }
    if (snapshotId != null && option == null) {
      option = "B";
    }
    boolean dryRun = bool(root, "dryRun", config.dryRun());
    int pollSeconds = integer(root, "pollSeconds", config.pollSeconds(), 1, 3600);
    int maxPolls = integer(root, "maxPolls", config.maxPolls(), 1, 1000);
    String requestId = optionalText(root, "requestId");
    if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
      throw new BadInput("requestId must be 1-40 letters, digits, '-' or '_'");
    }
    String reasonText = optionalText(root, "reason");
    String dedup = "manual:" + runbook + ":" + (requestId != null ? requestId
        : ExecutionNames.hash(canonical(root)));
    String now = Instant.now(clock).toString();
    Trigger trigger = new Trigger("manual", "manual", requestId == null ? "manual" : requestId, now,
        "manual invoke" + (reasonText == null ? "" : ": " + truncate(reasonText, 300)));
    Options options = new Options(option, snapshotId == null ? "latest" : snapshotId,
        restoreTime == null ? null : (restoreTime.equals("latest") ? "latest" : Times.normalize(restoreTime)),
        dryRun, pollSeconds, maxPolls);
    return start(runbook, expected, dedup, "manual invoke of " + runbook
        + (option == null ? "" : " option " + option) + (dryRun ? " (dry-run)" : ""), trigger, options);
  }

  private static String canonical(JsonNode root) {
    // field order must not change the identity of a request
    Map<String, Object> sorted = new java.util.TreeMap<>();
    root.fields().forEachRemaining(f -> sorted.put(f.getKey(), f.getValue()));
    return Json.write(sorted);
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  private Options defaults() {
    return new Options(null, "latest", null, config.dryRun(), config.pollSeconds(), config.maxPolls());
  }

  /** The protected resource each scenario acts on in this environment. */
  private String resourceOf(String scenario) {
    return switch (scenario) {
      case Scenarios.DATABASE_FAILURE, Scenarios.DATA_CORRUPTION -> config.dbInstanceId();
      case Scenarios.ECS_SERVICE_FAILURE -> config.ecsCluster();
      case Scenarios.REGION_FAILURE -> config.region();
      default -> config.environment();
    };
  }

  private static Classification start(String scenario, String resource, String dedup, String why, Trigger trigger,
      Options options) {
    return new Classification(Classification.START, scenario, resource, dedup, why, trigger, options);
  }

  private static String stripRds(String id) {
    return id.startsWith("rds:") ? id.substring(4) : id;
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new BadInput("missing field '" + field + "'");
    }
    if (!v.isTextual()) {
      throw new BadInput("field '" + field + "' must be a string, got " + v.getNodeType().toString().toLowerCase());
    }
    return v.asText();
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadInput("field '" + field + "' must be a string, got " + v.getNodeType().toString().toLowerCase());
    }
    return v.asText();
  }

  private static JsonNode object(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isObject()) {
      throw new BadInput("field '" + field + "' must be an object");
    }
    return v;
  }

  private static boolean bool(JsonNode node, String field, boolean dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new BadInput("field '" + field + "' must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  private static int integer(JsonNode node, String field, int dflt, int min, int max) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
      throw new BadInput("field '" + field + "' must be a whole number from " + min + " to " + max + ", got " + v);
    }
    return v.intValue();
  }

  /** Bad input: becomes a reject with this message; nothing is touched. */
  private static final class BadInput extends RuntimeException {
    BadInput(String message) {
      super(message);
    }
  }
}
