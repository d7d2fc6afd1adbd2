package ai.sentinel.dr.trigger;

import static ai.sentinel.dr.trigger.Fields.bool;
import static ai.sentinel.dr.trigger.Fields.first;
import static ai.sentinel.dr.trigger.Fields.integer;
import static ai.sentinel.dr.trigger.Fields.object;
import static ai.sentinel.dr.trigger.Fields.optionalText;
import static ai.sentinel.dr.trigger.Fields.text;
import static ai.sentinel.dr.trigger.Fields.textOrNull;
import static ai.sentinel.dr.trigger.Fields.truncate;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.EventTimes;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.trigger.Fields.BadInput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.event.ruler.Machine;

/**
 * Decides, for one raw payload, whether a recovery is due: {@code start}, {@code ignore} or {@code reject}. Pure: no
 * AWS call, so a rejected or ignored payload provably touches nothing. EventBridge events are matched against the
 * deployed patterns ({@link TriggerPatterns}) with AWS's event-ruler, and only an event a deployed rule matches can
 * start a recovery; SNS-delivered alarms, RDS and ElastiCache notifications and manual payloads are parsed field by
 * field with clear errors, judged by the same {@link TriggerPatterns.Scope}.
 */
public final class EventClassifier {
  /** EventBridge's maximum event size; nothing larger can be a real event. */
  public static final int MAX_BYTES = 256 * 1024;

  private static final Set<String> MANUAL_FIELDS = Set.of("runbook", "resource", "option", "snapshotId",
      "restoreTime", "dryRun", "drill", "pollSeconds", "maxPolls", "requestId", "reason");
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[A-Za-z0-9:_-]{1,255}");
  /** ElastiCache snapshot names; automatic ones look like automatic.sentinel-redis-2026-01-17-03-00. */
  private static final Pattern CACHE_SNAPSHOT_ID = Pattern.compile("[A-Za-z][A-Za-z0-9.-]{0,254}");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
  private static final String ELASTICACHE_PREFIX = "ElastiCache:";

  private final DrConfig config;
  private final TriggerPatterns.Scope scope;
  private final Clock clock;
  private final Machine machine = new Machine();
  private final EcsEvents ecs;

  public EventClassifier(DrConfig config, Clock clock) {
    this.config = config;
    this.scope = scope(config);
    this.clock = clock;
    this.ecs = new EcsEvents(scope, defaults());
    for (TriggerPatterns.Rule rule : TriggerPatterns.of(scope)) {
      try {
        machine.addRule(rule.id(), rule.pattern());
      } catch (IOException e) {
        throw new IllegalStateException("trigger pattern " + rule.id() + " does not parse", e);
      }
    }
  }

  public static TriggerPatterns.Scope scope(DrConfig config) {
    return new TriggerPatterns.Scope(config.dbInstanceId(), config.alarmRoutes(), config.redisClusterId(),
        config.ecsCluster(), config.ecsServices(), config.ecsTargetGroups());
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
    if (matched.contains(TriggerPatterns.ECS_TASK_STOPPED) || matched.contains(TriggerPatterns.ECS_SERVICE_ACTION)
        || matched.contains(TriggerPatterns.ECS_DEPLOYMENT_FAILED)) {
      return ecs.classify(event, detailType, detail);
    }
    return notMatched(whyNoRule(event, source, detailType, detail));
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

  private Classification whyNoRule(JsonNode event, String source, String detailType, JsonNode detail) {
    if ("CloudWatch Alarm State Change".equals(detailType)) {
      return alarm(detail, "eventbridge", optionalText(event, "time"));
    }
    if (detailType.startsWith("CloudWatch Alarm")) {
      return Classification.ignore(detailType + " is not a state change");
    }
    if ("aws.ecs".equals(source) && EcsEvents.DETAIL_TYPES.contains(detailType)) {
      return ecs.classify(event, detailType, detail);
    }
    if ("RDS DB Instance Event".equals(detailType)) {
      String id = detail.path("SourceIdentifier").asText("?");
      if (!stripRds(id).equals(config.dbInstanceId())) {
        return Classification.ignore("RDS event for " + id + ", not the protected instance " + config.dbInstanceId());
      }
      return Classification.ignore("RDS event categories " + detail.path("EventCategories")
          + " do not signal a failure or failover");
    }
    return Classification.ignore("no trigger rule matches source '" + source + "', detail-type '" + detailType + "'");
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
    String neither = "neither a CloudWatch alarm nor an RDS or ElastiCache notification";
    JsonNode body;
    try {
      body = Json.parse(message);
    } catch (Json.Invalid e) {
      if (e.kind() != Json.Invalid.Kind.MALFORMED) {
        throw new BadInput("SNS Message: " + e.getMessage()); // JSON with two meanings: refuse, do not guess
      }
      return Classification.ignore("SNS message is not JSON: " + neither);
    }
    if (body == null || !body.isObject()) {
      return Classification.ignore("SNS message is not a JSON object: " + neither);
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
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (field.startsWith(ELASTICACHE_PREFIX)) {
        return elastiCache(body, field, optionalText(sns, "Timestamp"), optionalText(sns, "MessageId"));
      }
    }
    return Classification.ignore("SNS message is " + neither);
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

  /** Where an alarm sends its recovery: scenario, resource, and why. */
  private record Target(String scenario, String resource, String why) {}

  private Classification alarm(JsonNode detail, String via, String envelopeTime) {
    String name = text(detail, "alarmName");
    JsonNode state = object(detail, "state");
    String value = text(state, "value");
    String timestamp = optionalText(state, "timestamp");
    String dedup = "alarm:" + name + ":" + EventTimes.normalize(timestamp == null || timestamp.isEmpty()
        ? envelopeTime : timestamp);
    if (!"ALARM".equals(value)) {
      return Classification.ignore(null, null, dedup, "alarm " + name + " is " + value
          + ": only ALARM starts a recovery");
    }
    if (state.hasNonNull("actionsSuppressedBy")) {
      return Classification.ignore(null, null, dedup, "alarm " + name + " has its actions suppressed by "
          + state.get("actionsSuppressedBy").asText());
    }
    String routed = config.alarmRoutes().get(name);
    Target target;
    if (routed != null) {
      if (!Scenarios.ALL.contains(routed)) {
        return Classification.reject("ALARM_ROUTES sends " + name + " to unknown scenario '" + routed + "'");
      }
      target = routedTarget(name, routed, detail);
    } else {
      target = watched(name, detail);
      if (target == null) {
        return Classification.ignore(null, null, dedup, "alarm " + name + " watches no protected resource"
            + describeMetrics(detail) + " and has no route in ALARM_ROUTES");
      }
    }
    String summary = name + " in ALARM: " + truncate(state.path("reason").asText(""), 300);
    Trigger trigger = new Trigger("alarm", via, name, EventTimes.normalize(timestamp == null ? envelopeTime : timestamp),
        summary);
    return Classification.start(target.scenario(), target.resource(), dedup, target.why(), trigger, defaults());
  }

  /** The first of the alarm's metrics that watches a protected resource, or null. */
  private Target watched(String name, JsonNode detail) {
    for (JsonNode m : detail.path("configuration").path("metrics")) {
      JsonNode metric = m.path("metricStat").path("metric");
      String namespace = textOrNull(metric, "namespace");
      if (namespace == null) {
        continue;
      }
      JsonNode dims = metric.path("dimensions");
      String watches = "alarm " + name + " watches " + namespace + " ";
      if ("AWS/RDS".equals(namespace)) {
        String db = textOrNull(dims, "DBInstanceIdentifier");
        if (config.dbInstanceId().equals(db)) {
          return new Target(Scenarios.DATABASE_FAILURE, db, watches + "DBInstanceIdentifier=" + db);
        }
      } else if ("AWS/ElastiCache".equals(namespace)) {
        String id = textOrNull(dims, "CacheClusterId");
        if (scope.isRedisMember(id)) {
          return new Target(Scenarios.REDIS_FAILURE, config.redisClusterId(), watches + "CacheClusterId=" + id
              + (id.equals(config.redisClusterId()) ? "" : " (a node of " + config.redisClusterId() + ")"));
        }
      } else if ("AWS/ApplicationELB".equals(namespace)) {
        String tg = textOrNull(dims, "TargetGroup");
        String service = scope.serviceOfTargetGroup(tg);
        if (service != null) {
          return new Target(Scenarios.ECS_SERVICE_FAILURE, service, watches + textOrNull(metric, "name")
              + " TargetGroup=" + tg + ", the target group of " + service);
        }
      } else if (TriggerPatterns.ECS_NAMESPACES.contains(namespace)) {
        String service = textOrNull(dims, "ServiceName");
        if (scope.protectsService(service) && scope.ecsClusterName().equals(textOrNull(dims, "ClusterName"))) {
          return new Target(Scenarios.ECS_SERVICE_FAILURE, service, watches + "ClusterName="
              + scope.ecsClusterName() + " ServiceName=" + service);
        }
      }
    }
    return null;
  }

  /** ALARM_ROUTES names the scenario; the resource still has to be one this environment protects. */
  private Target routedTarget(String name, String scenario, JsonNode detail) {
    String why = "alarm " + name + " is routed to " + scenario + " by ALARM_ROUTES";
    switch (scenario) {
      case Scenarios.REDIS_FAILURE -> {
        requireRedis("ALARM_ROUTES sends alarm " + name + " to redis-failure, which");
        return new Target(scenario, config.redisClusterId(), why);
      }
      case Scenarios.ECS_SERVICE_FAILURE -> {
        for (JsonNode m : detail.path("configuration").path("metrics")) {
          JsonNode metric = m.path("metricStat").path("metric");
          JsonNode dims = metric.path("dimensions");
          String tg = textOrNull(dims, "TargetGroup");
          String byTargetGroup = scope.serviceOfTargetGroup(tg);
          if (byTargetGroup != null) {
            return new Target(scenario, byTargetGroup, why + "; TargetGroup=" + tg + " is the target group of "
                + byTargetGroup);
          }
          String service = textOrNull(dims, "ServiceName");
          String cluster = textOrNull(dims, "ClusterName");
          if (scope.protectsService(service) && (cluster == null || cluster.equals(scope.ecsClusterName()))) {
            return new Target(scenario, service, why + "; it watches ServiceName=" + service);
          }
        }
        throw new BadInput("ALARM_ROUTES sends alarm " + name + " to ecs-service-failure, but the alarm names no "
            + "protected service" + describeMetrics(detail) + ": it needs a TargetGroup dimension of a target group "
            + "in ECS_TARGET_GROUPS " + scope.targetGroups() + " or a ServiceName dimension of one of "
            + scope.ecsServices());
      }
      default -> {
        return new Target(scenario, resourceOf(scenario), why);
      }
    }
  }

  /** " (it watches AWS/ElastiCache CacheClusterId=billing-redis, ...)" for reasons, or "" without metrics. */
  private static String describeMetrics(JsonNode detail) {
    List<String> seen = new ArrayList<>();
    for (JsonNode m : detail.path("configuration").path("metrics")) {
      JsonNode metric = m.path("metricStat").path("metric");
      if (!metric.isObject()) {
        continue;
      }
      StringBuilder b = new StringBuilder(first(textOrNull(metric, "namespace"), "?"));
      metric.path("dimensions").fields().forEachRemaining(d -> b.append(' ').append(d.getKey()).append('=')
          .append(d.getValue().asText()));
      seen.add(b.toString());
    }
    return seen.isEmpty() ? "" : " (it watches " + truncate(String.join(", ", seen), 300) + ")";
  }

  private Classification rdsEvent(JsonNode detail, String via, String eventTime, String envelopeTime) {
    String sourceId = text(detail, "SourceIdentifier");
    String id = stripRds(sourceId);
    String eventId = optionalText(detail, "EventID");
    String time = EventTimes.normalize(eventTime != null ? eventTime : envelopeTime);
    String dedup = "rds:" + id + ":" + (eventId == null ? "no-event-id" : eventId) + ":" + time;
    if (!id.equals(config.dbInstanceId())) {
      return Classification.ignore(null, null, dedup, "RDS event for " + sourceId + ", not the protected instance "
          + config.dbInstanceId());
    }
    String categories = detail.has("EventCategories") ? detail.get("EventCategories").toString() : "[subscribed]";
    String summary = "RDS " + (eventId == null ? "event (no EventID)" : eventId) + " " + categories + " on "
        + id + ": " + truncate(detail.path("Message").asText(""), 300);
    Trigger trigger = new Trigger("rds-event", via, eventId == null ? "no-event-id" : eventId, time, summary);
    return Classification.start(Scenarios.DATABASE_FAILURE, id, dedup, "RDS " + categories + " event for " + id,
        trigger, defaults());
  }

  /**
   * An ElastiCache event notification (SNS only: node-based clusters do not publish their events to EventBridge).
   * The message is one JSON object like {"ElastiCache:SnapshotComplete": "sentinel-redis-001"}, sometimes with
   * "Cache Cluster ID" / "Replication Group ID" fields.
   */
  private Classification elastiCache(JsonNode body, String field, String snsTime, String messageId) {
    String event = field.substring(ELASTICACHE_PREFIX.length());
    Set<String> ids = new LinkedHashSet<>();
    for (String f : new String[] {field, "Cache Cluster ID", "Replication Group ID"}) {
      String id = textOrNull(body, f);
      if (id != null && !id.isBlank()) {
        ids.add(id.trim());
      }
    }
    String ours = ids.stream().filter(scope::isRedisMember).findFirst().orElse(null);
    String time = EventTimes.normalize(snsTime);
    String dedup = "elasticache:" + first(ours, ids.isEmpty() ? null : ids.iterator().next(), "unknown") + ":"
        + event + ":" + first(time, messageId, "unknown");
    String subject = field + " for " + (ids.isEmpty() ? "(no cluster named)" : String.join(", ", ids));
    if (config.redisClusterId() == null) {
      return Classification.ignore(null, null, dedup, subject + ": this environment protects no Redis cluster "
          + "(REDIS_CLUSTER_ID is not set)");
    }
    if (ours == null) {
      String recovery = config.redisRecoveryClusterId();
      return Classification.ignore(null, null, dedup, subject + (ids.contains(recovery)
          ? ": " + recovery + " is the cluster Sentinel DR's own recovery creates, not the protected one"
          : ", not the protected cluster " + config.redisClusterId() + " or one of its nodes"));
    }
    if (!TriggerPatterns.ELASTICACHE_FAILURE_EVENTS.contains(event)) {
      String why = TriggerPatterns.ELASTICACHE_NOT_AN_OUTAGE.get(event);
      if (why == null) {
        why = TriggerPatterns.ELASTICACHE_ROUTINE_EVENTS.contains(event)
            ? "routine notification (the cache is serving or healing itself), no recovery"
            : "not a documented ElastiCache failure notification " + TriggerPatterns.ELASTICACHE_FAILURE_EVENTS;
      }
      return Classification.ignore(null, null, dedup, subject + ": " + why);
    }
    String why = subject + ": " + TriggerPatterns.ELASTICACHE_FAILURE_MEANING.getOrDefault(event, "failure");
    Trigger trigger = new Trigger("elasticache-event", "sns", event, time, truncate(why, 400));
    return Classification.start(Scenarios.REDIS_FAILURE, config.redisClusterId(), dedup, why, trigger, defaults());
  }

  // ---- manual -----------------------------------------------------------------------------------------------

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
    if (!Scenarios.ALL.contains(runbook) && !Scenarios.TESTS.contains(runbook)) {
      throw new BadInput("unknown runbook '" + runbook + "'; known: " + Scenarios.ALL + " and the tests "
          + Scenarios.TESTS);
    }
    String resource = optionalText(root, "resource");
    String option = optionalText(root, "option");
    String snapshotId = optionalText(root, "snapshotId");
    String restoreTime = optionalText(root, "restoreTime");
    // a test of the Testing Schedule is a drill by nature, whoever starts it
    boolean drill = bool(root, "drill", false) || Scenarios.TESTS.contains(runbook);
    boolean dryRun = bool(root, "dryRun", config.dryRun());
    int pollSeconds = integer(root, "pollSeconds", config.pollSeconds(), 1, 3600);
    int maxPolls = integer(root, "maxPolls", config.maxPolls(), 1, 1000);
    String requestId = optionalText(root, "requestId");
    if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
      throw new BadInput("requestId must be 1-40 letters, digits, '-' or '_'");
    }
    String reasonText = optionalText(root, "reason");
    String target;
    switch (runbook) {
      case Scenarios.REDIS_FAILURE -> {
        requireRedis("redis-failure");
        target = config.redisClusterId();
        if (resource != null && !resource.equals(target)) {
          throw new BadInput("resource '" + resource + "' is not protected by this environment (redis-failure "
              + "covers " + target + ")");
        }
        if (option != null || restoreTime != null) {
          throw new BadInput((option != null ? "option" : "restoreTime") + " applies to database-failure only: "
              + "redis-failure restores the latest ElastiCache snapshot, or the one named by snapshotId "
              + "(ElastiCache has no point-in-time restore)");
        }
        if (snapshotId != null && !CACHE_SNAPSHOT_ID.matcher(snapshotId).matches()) {
          throw new BadInput("snapshotId must be \"latest\" or an ElastiCache snapshot name (a letter, then letters, "
              + "digits, '.' or '-')");
        }
      }
      case Scenarios.DATABASE_RESTORE_TEST -> {
        target = config.dbInstanceId();
        if (resource != null && !resource.equals(target)) {
          throw new BadInput("resource '" + resource + "' is not protected by this environment (" + runbook
              + " tests " + target + ")");
        }
        if (option != null || restoreTime != null) {
          throw new BadInput((option != null ? "option" : "restoreTime") + " does not apply to " + runbook
              + ": it restores the latest snapshot (or snapshotId) into a scratch instance");
        }
        if (snapshotId != null && !SNAPSHOT_ID.matcher(snapshotId).matches()) {
          throw new BadInput("snapshotId must be \"latest\" or a snapshot identifier");
        }
      }
      case Scenarios.ECS_SERVICE_FAILURE -> {
        if (config.ecsServices().isEmpty()) {
          throw new BadInput("ecs-service-failure is not deployed in this environment: ECS_SERVICES is empty");
        }
        if (resource == null) {
          throw new BadInput("ecs-service-failure needs resource: the failing service, one of "
              + config.ecsServices());
        }
        if (!config.protectsService(resource)) {
          throw new BadInput("resource '" + resource + "' is not a protected service (ecs-service-failure covers "
              + config.ecsServices() + ")");
        }
        if (option != null || snapshotId != null || restoreTime != null) {
          throw new BadInput("option, snapshotId and restoreTime do not apply to ecs-service-failure: it redeploys, "
              + "rolls back and scales the service");
        }
        target = resource;
      }
      default -> {
        target = resourceOf(runbook);
        if (resource != null && !resource.equals(target)) {
          throw new BadInput("resource '" + resource + "' is not protected by this environment (" + runbook
              + " covers " + target + ")");
        }
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
      }
    }
    String kind = drill ? "drill" : "manual";
    String dedup = kind + ":" + runbook + ":" + (requestId != null ? requestId : ExecutionNames.hash(canonical(root)));
    String now = Instant.now(clock).toString();
    Trigger trigger = new Trigger(kind, "manual", requestId == null ? kind : requestId, now,
        (drill ? "drill" : "manual invoke") + (reasonText == null ? "" : ": " + truncate(reasonText, 300)));
    Options options = new Options(option, snapshotId == null ? "latest" : snapshotId,
        restoreTime == null ? null : (restoreTime.equals("latest") ? "latest" : EventTimes.normalize(restoreTime)),
        dryRun, pollSeconds, maxPolls);
    return Classification.start(runbook, target, dedup, (drill ? "drill of " : "manual invoke of ") + runbook
        + " on " + target + (option == null ? "" : " option " + option) + (dryRun ? " (dry-run)" : ""), trigger,
        options);
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

  /** Scenario 2 is deployed only where a cluster is configured; anything that asks for it elsewhere is refused. */
  private void requireRedis(String what) {
    if (config.redisClusterId() == null) {
      throw new BadInput(what + " is not deployed in this environment: REDIS_CLUSTER_ID is not set");
    }
  }

  /** The protected resource of a scenario that has exactly one in this environment. */
  private String resourceOf(String scenario) {
    return switch (scenario) {
      case Scenarios.DATABASE_FAILURE, Scenarios.DATA_CORRUPTION -> config.dbInstanceId();
      case Scenarios.REGION_FAILURE -> config.region();
      default -> config.environment();
    };
  }

  private static String stripRds(String id) {
    return id.startsWith("rds:") ? id.substring(4) : id;
  }
}
