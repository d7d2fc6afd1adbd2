package ai.sentinel.dr.wait;

import ai.sentinel.dr.trigger.TriggerPatterns;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The events AWS sends when a resource a wait loop waits for is ready, and what each says is ready. They are deployed
 * as EventBridge rules with every other trigger ({@link TriggerPatterns}), target the one {@code WaitResponder}, and
 * are matched with the same event-ruler; they never start a recovery (routine events) and are never trusted: an event
 * only wakes a wait early, and the wait's own poll describes the resource and decides. So a forged or early event
 * costs one describe, and a lost one at most one poll interval.
 */
public final class ReadyEvents {
  /** The responder these rules target (simple class name in ai.sentinel.dr.trigger). */
  public static final String RESPONDER = "WaitResponder";
  public static final String RDS_INSTANCE = "ready-rds-instance";
  public static final String ECS_DEPLOYMENT = "ready-ecs-deployment";
  public static final String ECS_STEADY_STATE = "ready-ecs-steady-state";
  /**
   * RDS DB instance events after which the instance is available again (RDS User Guide, "Amazon RDS event categories
   * and event messages"): created (0005), restored from a snapshot (0008, 0043), restored to a point in time (0019),
   * Multi-AZ failover completed (0015, 0049, 0051).
   */
  public static final List<String> RDS_READY_EVENTS = List.of("RDS-EVENT-0005", "RDS-EVENT-0008", "RDS-EVENT-0015",
      "RDS-EVENT-0019", "RDS-EVENT-0043", "RDS-EVENT-0049", "RDS-EVENT-0051");
  // ---- Scenario 6's waits (issue 15), in the rules above: a rule of their own would add a rule and its invoke
  // permission to the dev primary stack, which is at CloudFormation's 500-resource limit ----------------------------
  /** The RDS rule's detail-types: instance events, and snapshot events for the manual snapshot's creation. */
  static final String RDS_SNAPSHOT_EVENT = "RDS DB Snapshot Event";
  static final List<String> RDS_READY_TYPES = List.of("RDS DB Instance Event", RDS_SNAPSHOT_EVENT);
  /**
   * RDS DB snapshot events after which a manual snapshot is available ("Amazon RDS event categories and event
   * messages", DB snapshot events): manual snapshot created (0042). RDS event ids are unique across source types, so
   * listing them beside the instance events matches no instance event.
   */
  public static final List<String> RDS_SNAPSHOT_READY_EVENTS = List.of("RDS-EVENT-0042");
  /**
   * Secrets Manager's own EventBridge event when a staging label other than AWSPENDING and AWSPREVIOUS moves to a new
   * version ("Secret event notifications", detail-type "Secret Label Updated", detail {name, labelUpdated,
   * versionId}): sent without CloudTrail or a trail, unlike RotationSucceeded (a CloudTrail service event). A
   * rotation's finishSecret moving AWSCURRENT is the end WaitForRotation polls for. A branch of the steady-state
   * rule's {@code $or}.
   */
  public static final String SECRET_LABEL_UPDATED = "Secret Label Updated";
  static final String SECRET_CURRENT_PATTERN = "{\"source\":[\"aws.secretsmanager\"],\"detail-type\":[\""
      + SECRET_LABEL_UPDATED + "\"],\"detail\":{\"labelUpdated\":[\"" + Awaited.AWSCURRENT + "\"]}}";

  private static List<String> rdsReadyEventIds() {
    List<String> ids = new ArrayList<>(RDS_READY_EVENTS);
    ids.addAll(RDS_SNAPSHOT_READY_EVENTS);
    return ids;
  }

  /**
   * ElastiCache's SNS notification that a cluster's nodes are ready to use ("Event Notifications and Amazon SNS"):
   * node-based clusters publish no EventBridge events, so this one arrives on the stack's ElastiCache topic.
   */
  public static final String CACHE_READY_NOTIFICATION = "ElastiCache:CacheClusterProvisioningComplete";
  /** The ElastiCache notification as an event-ruler pattern over the SNS message (also the subscription's filter). */
  public static final String CACHE_READY_PATTERN = "{\"" + CACHE_READY_NOTIFICATION + "\":[{\"exists\":true}]}";

  // ---- the failback's replica (issue 15): a rule only the DR stack deploys --------------------------------------
  public static final String RDS_SNAPSHOT = "ready-rds-snapshot";
  /**
   * RDS DB snapshot events after which the copy they name is available (RDS User Guide, "Amazon RDS event categories
   * and event messages", DB snapshot events): cross-Region copy finished (0060, "Finished copy of snapshot NAME from
   * region NAME": sent in the destination Region, where CopyDBSnapshot is called, naming the copy), local copy
   * finished (0197). EventBridge detail-type "RDS DB Snapshot Event", detail.SourceIdentifier the snapshot id (bare or
   * "rds:"-prefixed), detail.SourceArn its ARN in that Region.
   */
  public static final List<String> RDS_COPY_READY_EVENTS = List.of("RDS-EVENT-0060", "RDS-EVENT-0197");

  /**
   * The ready rule of the copies of DB snapshots whose identifier starts with {@code idPrefix}. Not one of
   * {@link #rules()} (deployed by every stack): only a stack whose recovery copies snapshots deploys it, narrowed to
   * their names (the primary stack copies none and has no room for more rules).
   */
  public static TriggerPatterns.Rule rdsSnapshot(String idPrefix) {
    return new TriggerPatterns.Rule(RDS_SNAPSHOT, RESPONDER, "RDS snapshots " + idPrefix + "* copied: wakes the "
        + "recovery waiting for them (never starts one)", "{\"source\":[\"aws.rds\"],\"detail-type\":"
        + jsonList(List.of(RDS_SNAPSHOT_EVENT)) + ",\"detail\":{\"EventID\":" + jsonList(RDS_COPY_READY_EVENTS)
        + ",\"SourceIdentifier\":[{\"prefix\":\"" + idPrefix + "\"},{\"prefix\":\"rds:" + idPrefix + "\"}]}}");
  }

  private ReadyEvents() {}

  /** An RDS event's SourceIdentifier, which arrives bare and with the "rds:" prefix, without the prefix. */
  private static String rdsSourceId(JsonNode event) {
    String id = event.path("detail").path("SourceIdentifier").asText("");
    return id.startsWith("rds:") ? id.substring(4) : id;
  }

  /** The EventBridge rules of the ready events. */
  public static List<TriggerPatterns.Rule> rules() {
    return List.of(
        new TriggerPatterns.Rule(RDS_INSTANCE, RESPONDER, "RDS instances created, restored or failed over, and "
            + "manual DB snapshots created: wakes the recoveries waiting for them (never starts one)",
            "{\"source\":[\"aws.rds\"],\"detail-type\":" + jsonList(RDS_READY_TYPES) + ",\"detail\":{\"EventID\":"
            + jsonList(rdsReadyEventIds()) + "}}"),
        new TriggerPatterns.Rule(ECS_DEPLOYMENT, RESPONDER, "ECS deployments completed: wakes the recoveries "
            + "waiting for the service (never starts one)", "{\"source\":[\"aws.ecs\"],\"detail-type\":"
            + "[\"ECS Deployment State Change\"],\"detail\":{\"eventName\":[\"SERVICE_DEPLOYMENT_COMPLETED\"]}}"),
        new TriggerPatterns.Rule(ECS_STEADY_STATE, RESPONDER, "ECS services in steady state, and secrets whose "
            + "AWSCURRENT label moved: wakes the recoveries waiting for them (never starts one)",
            "{\"$or\":[{\"source\":[\"aws.ecs\"],\"detail-type\":[\"ECS Service Action\"],\"detail\":"
            + "{\"eventName\":[\"SERVICE_STEADY_STATE\"]}}," + SECRET_CURRENT_PATTERN + "]}"));
  }

  /** What an EventBridge event that matched {@code matchedRules} says is ready (empty: none of the ready rules). */
  public static List<Awaited> fromEventBridge(JsonNode event, List<String> matchedRules) {
    List<Awaited> out = new ArrayList<>();
    if (matchedRules.contains(RDS_INSTANCE)) {
      String id = rdsSourceId(event);
      if (!id.isBlank()) {
        out.add(RDS_SNAPSHOT_EVENT.equals(event.path("detail-type").asText())
            ? Awaited.rdsSnapshotAvailable(id) : Awaited.rdsInstanceAvailable(id));
      }
    }
    if (matchedRules.contains(RDS_SNAPSHOT)) {
      String id = rdsSourceId(event);
      if (!id.isBlank()) {
        out.add(Awaited.rdsSnapshotAvailable(id));
      }
    }
    if (matchedRules.contains(ECS_STEADY_STATE) && SECRET_LABEL_UPDATED.equals(event.path("detail-type").asText())) {
      String name = event.path("detail").path("name").asText("");
      if (!name.isBlank()) {
        out.add(Awaited.secretCurrentMoved(name));
      }
      return out;
    }
    if (matchedRules.contains(ECS_DEPLOYMENT) || matchedRules.contains(ECS_STEADY_STATE)) {
      // resources[0]: arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME (or service/NAME, the old format)
      for (JsonNode arn : event.path("resources")) {
        String text = arn.asText("");
        int at = text.indexOf(":service/");
        if (at >= 0 && text.length() > at + ":service/".length()) {
          out.add(Awaited.ecsServiceStable(text.substring(at + ":service/".length())));
        }
      }
    }
    return out;
  }

  /**
   * What an ElastiCache notification says is ready: {"ElastiCache:CacheClusterProvisioningComplete": "ID"} names the
   * cluster (or a node of it, {@code ID-0001}, which names its cluster too).
   */
  public static List<Awaited> fromElastiCache(JsonNode message) {
    Set<String> ids = new LinkedHashSet<>();
    for (Iterator<String> it = message.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (field.equals(CACHE_READY_NOTIFICATION) || field.equals("Cache Cluster ID")) {
        String id = message.path(field).asText("").trim();
        if (!id.isEmpty()) {
          ids.add(id);
          if (id.matches(".+-\\d{4}")) {
            ids.add(id.substring(0, id.length() - 5));
          }
        }
      }
    }
    if (!message.has(CACHE_READY_NOTIFICATION)) {
      return List.of();
    }
    return ids.stream().map(Awaited::cacheClusterAvailable).toList();
  }

  private static String jsonList(List<String> values) {
    return "[\"" + String.join("\",\"", values) + "\"]";
  }
}
