package ai.sentinel.dr.database;

import static ai.sentinel.dr.trigger.Fields.optionalText;
import static ai.sentinel.dr.trigger.Fields.text;
import static ai.sentinel.dr.trigger.Fields.truncate;

import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.trigger.Classification;
import ai.sentinel.dr.trigger.Fields;
import ai.sentinel.dr.trigger.Fields.BadInput;
import ai.sentinel.dr.trigger.RdsEventResponder;
import ai.sentinel.dr.trigger.SignalContext;
import ai.sentinel.dr.trigger.SignalRules;
import ai.sentinel.dr.trigger.TriggerPatterns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Database failure: the signals that start it and its manual-payload fields. Alarms on the instance's
 * {@code AWS/RDS DBInstanceIdentifier}; RDS DB instance events of the failover, failure and availability categories
 * (EventBridge rule {@value #RDS_INSTANCE_EVENT}, or the RDS event subscription's SNS notifications); by hand with an
 * option (A, B, C), a snapshot or a point in time. The free-text RDS {@code Message} is never used for matching.
 */
public final class DatabaseFailureSignals implements SignalRules {
  /** The EventBridge rule of RDS instance events; the CDK app names the rule after it. */
  public static final String RDS_INSTANCE_EVENT = "rds-instance-event";

  /** RDS event categories that signal a database failure or a failover (never matched on the free-text Message). */
  public static final List<String> RDS_FAILURE_CATEGORIES = List.of("failover", "failure", "availability");

  /**
   * The RDS DB instance events that start Scenario 1 (the RDS User Guide, "Amazon RDS event categories and event
   * messages", DB instance events), the same over EventBridge and SNS, each with what it means. Only these start a
   * recovery: each start spends an attempt of the budget, so routine events must not exhaust it before a failure.
   */
  public static final Map<String, String> FAILURE_EVENTS = Map.of(
      "RDS-EVENT-0004", "DB instance shutdown",
      "RDS-EVENT-0013", "a Multi-AZ failover has started (Option A verifies that it completes)",
      "RDS-EVENT-0022", "an error occurred while restarting the database engine",
      "RDS-EVENT-0031", "the DB instance failed (incompatible configuration or underlying storage issue); the "
          + "runbook answer is a point-in-time restore",
      "RDS-EVENT-0035", "the DB instance could not start: invalid parameters",
      "RDS-EVENT-0036", "the DB instance is in an incompatible network (subnets invalid or gone)");

  /**
   * Routine events that say the instance is back ("restarted", "failover completed"): while a recovery of the
   * instance runs they join it as evidence (a timeline entry); they never start one.
   */
  public static final Set<String> JOINS_AS_EVIDENCE = Set.of("RDS-EVENT-0006", "RDS-EVENT-0015", "RDS-EVENT-0049",
      "RDS-EVENT-0051");

  /**
   * Documented DB instance events of the subscribed categories (failover, failure, availability) that are not an
   * outage of the instance, each with why it starts nothing. Events of other categories (backup, maintenance,
   * notification, ...) are not failures by their category.
   */
  public static final Map<String, String> NOT_A_FAILURE = Map.ofEntries(
      Map.entry("RDS-EVENT-0006", "the DB instance restarted: it is back (a reboot, ours or a maintenance one)"),
      Map.entry("RDS-EVENT-0015", "a Multi-AZ failover completed: the standby serves"),
      Map.entry("RDS-EVENT-0049", "a Multi-AZ failover completed: the standby serves"),
      Map.entry("RDS-EVENT-0050", "a Multi-AZ activation started after a successful instance recovery"),
      Map.entry("RDS-EVENT-0051", "a Multi-AZ activation completed: the database is accessible"),
      Map.entry("RDS-EVENT-0065", "the instance recovered from a partial failover"),
      Map.entry("RDS-EVENT-0034", "RDS did not attempt a requested failover because one occurred recently"),
      Map.entry("RDS-EVENT-0221", "the database is shut down for lack of storage: a restore adds none; increase the "
          + "allocated storage (the connection alarm still starts Scenario 1 if it stays down)"),
      Map.entry("RDS-EVENT-0222", "free storage is low: a warning, the instance still serves"),
      Map.entry("RDS-EVENT-0058", "a Statspack option failed: the instance serves"),
      Map.entry("RDS-EVENT-0079", "Enhanced Monitoring could not be enabled: the instance serves"),
      Map.entry("RDS-EVENT-0080", "Enhanced Monitoring was disabled: the instance serves"),
      Map.entry("RDS-EVENT-0081", "the native backup IAM role is misconfigured: the instance serves"),
      Map.entry("RDS-EVENT-0165", "an RDS Custom instance is outside the support perimeter"),
      Map.entry("RDS-EVENT-0188", "a major version upgrade was rolled back: the instance serves on the old version"),
      Map.entry("RDS-EVENT-0219", "storage autoscaling will retry: the instance serves"),
      Map.entry("RDS-EVENT-0220", "storage autoscaling is cooling off: the instance serves"),
      Map.entry("RDS-EVENT-0223", "storage autoscaling cannot scale: the instance serves"),
      Map.entry("RDS-EVENT-0224", "storage autoscaling reached the maximum threshold: the instance serves"),
      Map.entry("RDS-EVENT-0237", "the storage type is unavailable for autoscaling: the instance serves"),
      Map.entry("RDS-EVENT-0254", "the account's storage quota stops autoscaling: the instance serves"));

  static final String DETAIL_TYPE = "RDS DB Instance Event";
  /** RDS snapshot identifiers, as a manual payload may name one. */
  static final Pattern SNAPSHOT_ID = Pattern.compile("[A-Za-z0-9:_-]{1,255}");

  /** The protected instance: the one resource this scenario's signals are about. */
  static String instance(SignalContext context) {
    return DatabaseSettings.of(context.config()).instanceId();
  }

  @Override
  public List<TriggerPatterns.Rule> rules(SignalContext context) {
    String db = instance(context);
    ObjectNode root = Json.object();
    root.putArray("source").add("aws.rds");
    root.putArray("detail-type").add(DETAIL_TYPE);
    ObjectNode detail = root.putObject("detail");
    // SourceIdentifier arrives both bare and with the "rds:" prefix
    detail.putArray("SourceIdentifier").add(db).add("rds:" + db);
    ArrayNode categories = detail.putArray("EventCategories");
    RDS_FAILURE_CATEGORIES.forEach(categories::add);
    return List.of(new TriggerPatterns.Rule(RDS_INSTANCE_EVENT, RdsEventResponder.class.getSimpleName(),
        "RDS failover/failure/availability events of " + db, root.toString()));
  }

  @Override
  public List<MetricMatch> alarmMetrics(SignalContext context) {
    ObjectNode dimensions = Json.object();
    dimensions.putArray("DBInstanceIdentifier").add(instance(context));
    return List.of(new MetricMatch(List.of("AWS/RDS"), dimensions));
  }

  @Override
  public AlarmTarget watchedBy(SignalContext context, AlarmMetric metric) {
    String db = metric.dimension("DBInstanceIdentifier");
    if ("AWS/RDS".equals(metric.namespace()) && instance(context).equals(db)) {
      return new AlarmTarget(db, metric.watches("DBInstanceIdentifier=" + db));
    }
    return null;
  }

  @Override
  public AlarmTarget routedAlarm(SignalContext context, String alarmName, JsonNode detail, String why) {
    return new AlarmTarget(instance(context), why);
  }

  @Override
  public Classification eventBridge(SignalContext context, EventBridgeEvent event) {
    if (!DETAIL_TYPE.equals(event.detailType())) {
      return null;
    }
    JsonNode detail = event.detail();
    if (event.matched(RDS_INSTANCE_EVENT)) {
      return rdsEvent(context, detail, "eventbridge", optionalText(detail, "Date"), text(event.event(), "time"));
    }
    String id = detail.path("SourceIdentifier").asText("?");
    if (!stripRds(id).equals(instance(context))) {
      return Classification.ignore("RDS event for " + Fields.quote(id) + ", not the protected instance "
          + instance(context));
    }
    return Classification.ignore("RDS event categories " + detail.path("EventCategories")
        + " do not signal a failure or failover");
  }

  @Override
  public String snsNotifications() {
    return "RDS";
  }

  @Override
  public Classification sns(SignalContext context, SnsNotification notification) {
    JsonNode body = notification.message();
    if (!body.has("Source ID") && !body.has("Event Source")) {
      return null;
    }
    String eventSource = optionalText(body, "Event Source");
    if (eventSource != null && !"db-instance".equals(eventSource)) {
      return Classification.ignore("RDS notification from a " + Fields.quote(eventSource) + ", not a db-instance");
    }
    return rdsEvent(context, detailFromSns(body), "sns", optionalText(body, "Event Time"), notification.timestamp());
  }

  /** The RDS event notification, reshaped like EventBridge's detail so one code path judges both. */
  private static JsonNode detailFromSns(JsonNode body) {
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

  private static Classification rdsEvent(SignalContext context, JsonNode detail, String via, String eventTime,
      String envelopeTime) {
    String sourceId = text(detail, "SourceIdentifier");
    String id = stripRds(sourceId);
    String eventId = optionalText(detail, "EventID");
    String time = EventTimes.normalize(eventTime != null ? eventTime : envelopeTime);
    String dedup = "rds:" + id + ":" + (eventId == null ? "no-event-id" : eventId) + ":" + time;
    if (!id.equals(instance(context))) {
      return context.ignore(dedup, "RDS event for " + Fields.quote(sourceId) + ", not the protected instance "
          + instance(context));
    }
    String categories = detail.has("EventCategories") ? detail.get("EventCategories").toString() : "[subscribed]";
    if (eventId == null) {
      return context.ignore(dedup, "RDS event for " + id + " without an EventID: only the listed failure events "
          + FAILURE_EVENTS.keySet().stream().sorted().toList() + " start a recovery (the free-text Message is never "
          + "used)");
    }
    if (JOINS_AS_EVIDENCE.contains(eventId)) {
      // the instance is back: news for a recovery that may be running, never a reason to start one
      Trigger trigger = new Trigger("rds-event", via, eventId, time, "RDS " + eventId + " on " + id + ": "
          + NOT_A_FAILURE.get(eventId));
      return context.evidence(id, dedup, "RDS " + eventId + " " + categories + " for " + id + ": "
          + NOT_A_FAILURE.get(eventId) + "; no recovery (joins a running recovery of " + id + " as evidence)",
          trigger);
    }
    if (!FAILURE_EVENTS.containsKey(eventId)) {
      String why = NOT_A_FAILURE.get(eventId);
      return context.ignore(dedup, "RDS " + Fields.quote(eventId) + " " + categories + " for " + id + ": "
          + (why != null ? why : "not one of the failure events " + FAILURE_EVENTS.keySet().stream().sorted().toList())
          + "; no recovery");
    }
    String summary = "RDS " + (eventId == null ? "event (no EventID)" : eventId) + " " + categories + " on "
        + id + ": " + truncate(detail.path("Message").asText(""), 300);
    Trigger trigger = new Trigger("rds-event", via, eventId == null ? "no-event-id" : eventId, time, summary);
    return context.start(id, dedup, "RDS " + eventId + " " + categories + " for " + id + ": "
        + FAILURE_EVENTS.get(eventId), trigger);
  }

  /**
   * An automated snapshot names its instance ({@code rds:<instance>-YYYY-MM-DD-HH-MM}): one of another instance,
   * a sibling such as {@code sentinel-db-staging}, is refused here (the restore step checks any snapshot's source
   * instance again before restoring).
   */
  private static void requireOwnSnapshot(String instance, String snapshotId) {
    if (snapshotId == null || snapshotId.equals("latest")) {
      return;
    }
    if (snapshotId.startsWith("arn:") && !snapshotId.contains(":snapshot:")) {
      throw new BadInput("snapshotId " + Fields.quote(snapshotId) + " is not a DB snapshot ARN");
    }
    String automated = snapshotId.startsWith("arn:") ? snapshotId.substring(snapshotId.indexOf(":snapshot:")
        + ":snapshot:".length()) : snapshotId;
    if (automated.startsWith("rds:") && !Pattern.matches("rds:" + Pattern.quote(instance)
        + "-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}", automated)) {
      throw new BadInput("snapshotId " + Fields.quote(snapshotId) + " is an automated snapshot of another instance, "
          + "not of " + instance + " (rds:" + instance + "-YYYY-MM-DD-HH-MM)");
    }
  }

  private static String stripRds(String id) {
    return id.startsWith("rds:") ? id.substring(4) : id;
  }

  @Override
  public Set<String> manualFields() {
    return new LinkedHashSet<>(List.of("option", "snapshotId", "restoreTime"));
  }

  /** Option A, B or C, or the runbook's choice; a snapshot implies B, a point in time C. */
  @Override
  public ManualTarget manual(SignalContext context, ManualRequest request) {
    String target = instance(context);
    String resource = request.resource();
    if (resource != null && !resource.equals(target)) {
      throw new BadInput("resource '" + Fields.quote(resource) + "' is not protected by this environment ("
          + request.runbook() + " covers " + target + ")");
    }
    String option = request.field("option");
    String snapshotId = request.field("snapshotId");
    String restoreTime = request.field("restoreTime");
    if (option != null && !Set.of("A", "B", "C").contains(option)) {
      throw new BadInput("option must be A, B or C, got '" + Fields.quote(option) + "'");
    }
    if (snapshotId != null && !SNAPSHOT_ID.matcher(snapshotId).matches()) {
      throw new BadInput("snapshotId must be \"latest\" or a snapshot identifier");
    }
    requireOwnSnapshot(target, snapshotId);
    if (restoreTime != null && !restoreTime.equals("latest") && EventTimes.parse(restoreTime) == null) {
      throw new BadInput("restoreTime must be \"latest\" or an ISO-8601 time like 2026-01-17T10:00:00Z");
    }
    // an option that would ignore a given snapshot or point in time is a contradiction, never resolved silently
    if (snapshotId != null && restoreTime != null) {
      throw new BadInput("snapshotId (option B) and restoreTime (option C) contradict each other: give one");
    }
    if ("A".equals(option) && (snapshotId != null || restoreTime != null)) {
      throw new BadInput("option A (verify the Multi-AZ failover) restores nothing: "
          + (snapshotId != null ? "snapshotId" : "restoreTime") + " would be ignored; use option "
          + (snapshotId != null ? "B" : "C") + " or leave it out");
    }
    if ("B".equals(option) && restoreTime != null) {
      throw new BadInput("option B restores a snapshot: restoreTime would be ignored (a point in time is option C)");
    }
    if ("C".equals(option) && snapshotId != null) {
      throw new BadInput("option C restores to a point in time: snapshotId would be ignored (a snapshot is "
          + "option B)");
    }
    if (restoreTime != null && option == null) {
      option = "C";
    }
    if (snapshotId != null && option == null) {
      option = "B";
    }
    return new ManualTarget(target, option, snapshotId, restoreTime == null ? null
        : (restoreTime.equals("latest") ? "latest" : EventTimes.normalize(restoreTime)));
  }
}
