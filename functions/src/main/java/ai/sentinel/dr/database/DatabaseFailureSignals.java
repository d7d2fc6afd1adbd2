package ai.sentinel.dr.database;

import static ai.sentinel.dr.trigger.Fields.optionalText;
import static ai.sentinel.dr.trigger.Fields.text;
import static ai.sentinel.dr.trigger.Fields.truncate;

import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.trigger.Classification;
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
      return Classification.ignore("RDS event for " + id + ", not the protected instance " + instance(context));
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
      return Classification.ignore("RDS notification from a " + eventSource + ", not a db-instance");
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
      return context.ignore(dedup, "RDS event for " + sourceId + ", not the protected instance "
          + instance(context));
    }
    String categories = detail.has("EventCategories") ? detail.get("EventCategories").toString() : "[subscribed]";
    String summary = "RDS " + (eventId == null ? "event (no EventID)" : eventId) + " " + categories + " on "
        + id + ": " + truncate(detail.path("Message").asText(""), 300);
    Trigger trigger = new Trigger("rds-event", via, eventId == null ? "no-event-id" : eventId, time, summary);
    return context.start(id, dedup, "RDS " + categories + " event for " + id, trigger);
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
      throw new BadInput("resource '" + resource + "' is not protected by this environment (" + request.runbook()
          + " covers " + target + ")");
    }
    String option = request.field("option");
    String snapshotId = request.field("snapshotId");
    String restoreTime = request.field("restoreTime");
    if (option != null && !Set.of("A", "B", "C").contains(option)) {
      throw new BadInput("option must be A, B or C, got '" + option + "'");
    }
    if (snapshotId != null && !SNAPSHOT_ID.matcher(snapshotId).matches()) {
      throw new BadInput("snapshotId must be \"latest\" or a snapshot identifier");
    }
    if (restoreTime != null && !restoreTime.equals("latest") && EventTimes.parse(restoreTime) == null) {
      throw new BadInput("restoreTime must be \"latest\" or an ISO-8601 time like 2026-01-17T10:00:00Z");
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
