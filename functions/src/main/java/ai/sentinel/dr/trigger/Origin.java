package ai.sentinel.dr.trigger;

import static ai.sentinel.dr.trigger.Fields.quote;
import static ai.sentinel.dr.trigger.Fields.textOrNull;

import ai.sentinel.dr.common.DrConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Where a signal comes from: only this stack's own account and region (and, over SNS, its own topics) may start a
 * recovery. Checked once for every envelope, whatever the scenario: the EventBridge {@code account} and
 * {@code region}, every ARN in {@code resources} and at the top level of {@code detail}; the SNS record's
 * {@code TopicArn} and the ARNs and {@code AWSAccountId} at the top level of its message. The stack's account is
 * that of its own notifications topic ({@code NOTIFY_TOPIC_ARN}, always set by the stack), so no variable is added
 * to the functions' 4 KB budget; the region is {@code AWS_REGION}.
 */
final class Origin {
  private final String account;
  private final String region;
  private final String topicPrefix;
  private final String notificationsTopic;

  /** Regions besides the stack's own that a deployed scenario watches ({@link SignalRules#watchedRegions}). */
  private final java.util.Set<String> watched;

  Origin(DrConfig config) {
    this(config, java.util.Set.of());
  }

  Origin(DrConfig config, java.util.Set<String> watched) {
    this.watched = java.util.Set.copyOf(watched);
    this.notificationsTopic = config.topicArn();
    this.account = Arn.parse(notificationsTopic) == null ? null : Arn.parse(notificationsTopic).account();
    this.region = config.region();
    this.topicPrefix = config.environment() + "-sentinel-dr-";
  }

  /** The stack's own account, or null when its topic ARN does not say (then only the region is checked). */
  String account() {
    return account;
  }

  /** Why an EventBridge event is not this stack's to act on, or null when it is. */
  String foreignEvent(JsonNode event) {
    String eventAccount = textOrNull(event, "account");
    if (eventAccount != null && account != null && !eventAccount.equals(account)) {
      return "event from account " + quote(eventAccount) + ", not this stack's account " + account;
    }
    String eventRegion = textOrNull(event, "region");
    if (eventRegion != null && !eventRegion.equals(region) && !watched.contains(eventRegion)) {
      return "event from region " + quote(eventRegion) + ", not this stack's region " + region;
    }
    JsonNode resources = event.get("resources");
    if (resources != null && resources.isArray()) {
      for (int i = 0; i < resources.size(); i++) {
        String problem = resources.get(i).isTextual() ? foreignArn(resources.get(i).asText(), "resources[" + i + "]")
            : null;
        if (problem != null) {
          return problem;
        }
      }
    }
    return foreignArns(event.get("detail"), "detail.");
  }

  /** Why an SNS delivery is not this stack's to act on (another topic, account or region), or null. */
  String foreignNotification(JsonNode sns) {
    String topic = textOrNull(sns, "TopicArn");
    if (topic == null) {
      return "the SNS record names no TopicArn: not delivered by one of this stack's topics";
    }
    String problem = foreignArn(topic, "TopicArn");
    if (problem != null) {
      return problem;
    }
    Arn arn = Arn.parse(topic);
    if (arn == null || !arn.service().equals("sns") || !arn.resource().startsWith(topicPrefix)
        || topic.equals(notificationsTopic)) {
      return "TopicArn " + quote(topic) + " is not one of this stack's signal topics (" + topicPrefix + "*)";
    }
    return null;
  }

  /** Why an SNS message (alarm, RDS, ...) names another account or region, or null. */
  String foreignMessage(JsonNode message) {
    String messageAccount = textOrNull(message, "AWSAccountId");
    if (messageAccount != null && account != null && !messageAccount.equals(account)) {
      return "message from account " + quote(messageAccount) + ", not this stack's account " + account;
    }
    return foreignArns(message, "");
  }

  /** The first top-level ARN of {@code node} in another account or region, as a reason; null when none. */
  private String foreignArns(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isTextual()) {
        String problem = foreignArn(field.getValue().asText(), path + quote(field.getKey()));
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  /** Why this ARN is another account's or region's, or null (also for text that is not an ARN). */
  String foreignArn(String text, String where) {
    Arn arn = Arn.parse(text);
    if (arn == null) {
      return null;
    }
    // global resources (IAM, S3) leave region or account empty: nothing to compare
    if (!arn.account().isEmpty() && account != null && !arn.account().equals(account)) {
      return where + " " + quote(text) + " is in account " + quote(arn.account()) + ", not this stack's account "
          + account;
    }
    if (!arn.region().isEmpty() && !arn.region().equals(region) && !watched.contains(arn.region())) {
      return where + " " + quote(text) + " is in region " + quote(arn.region()) + ", not this stack's region "
          + region;
    }
    return null;
  }

  /** arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. */
  record Arn(String service, String region, String account, String resource) {
    static Arn parse(String text) {
      if (text == null || !text.startsWith("arn:")) {
        return null;
      }
      String[] parts = text.split(":", 6);
      return parts.length < 6 ? null : new Arn(parts[2], parts[3], parts[4], parts[5]);
    }
  }
}
