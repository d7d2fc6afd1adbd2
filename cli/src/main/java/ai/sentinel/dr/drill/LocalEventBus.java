package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.localcloud.LocalFunction;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * EventBridge and SNS on the local cloud, as deployed: the events the launcher sends for AWS (moto_launcher.py E1-E3:
 * an RDS instance restored, an ECS deployment completed, an ElastiCache cluster provisioned) go to the functions the
 * template's rules target, their patterns matched with event-ruler as EventBridge matches them, and SNS messages to the
 * functions the template subscribes to the topic (a body filter policy applied). Each delivery is recorded with its
 * time, so tests can tell when an event woke a wait.
 */
public final class LocalEventBus implements Consumer<byte[]> {
  /** The answer recorded for an event not delivered ({@link #setDelivering}). */
  public static final String NOT_DELIVERED = "(not delivered: polling only)";
  private final List<LocalDeployment> deployments;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final List<Delivery> forwarded = new CopyOnWriteArrayList<>();
  private volatile boolean delivering = true;

  /**
   * One delivery.
   *
   * @param at       when the function was invoked
   * @param via      the rule or topic
   * @param function the function invoked
   * @param event    what was delivered (the EventBridge event, or the SNS message)
   * @param answer   what the function answered (its error when it failed)
   */
  public record Delivery(Instant at, String via, String function, JsonNode event, String answer) {}

  public LocalEventBus(LocalDeployment deployment) {
    this(List.of(deployment));
  }

  /**
   * Several stacks of the app, each in its own region (the DR stack in the DR region): an EventBridge event reaches
   * the rules of the stacks of its own region only, as EventBridge rules are regional (an event without a region, the
   * first stack's), and another region's through a rule that targets that region's bus; an SNS message the
   * subscriptions of its topic, whichever stack has them.
   */
  public LocalEventBus(List<LocalDeployment> deployments) {
    this.deployments = List.copyOf(deployments);
  }

  @Override
  public void accept(byte[] body) {
    JsonNode root = Json.tree(new String(body, StandardCharsets.UTF_8));
    if (root.has("eventBridge")) {
      JsonNode event = root.get("eventBridge");
      String region = event.path("region").asText(deployments.get(0).region());
      route(event, region, true);
    } else if (root.has("sns")) {
      JsonNode sns = root.get("sns");
      String topic = sns.path("topicArn").asText();
      String message = sns.path("message").asText();
      for (LocalDeployment deployment : deployments) {
        for (LocalDeployment.Subscriber s : deployment.subscribers(topic)) {
          if (s.filterPolicy() != null && !matches(message, s.filterPolicy())) {
            continue;
          }
          deliver(deployment, topic, s.function(), Json.tree(message), envelope(topic, sns.path("subject")
              .asText(null), message));
        }
      }
    }
  }

  /**
   * The event on {@code bus}'s default bus: to the function targets of that region's stacks' matching rules, and,
   * once (an event forwarded from another region is not forwarded again, as EventBridge stops such loops), on to the
   * buses of other regions that a matching rule targets, the event unchanged (its {@code region} stays the source's).
   */
  private void route(JsonNode event, String bus, boolean forward) {
    for (LocalDeployment deployment : deployments) {
      if (!deployment.region().equals(bus)) {
        continue;
      }
      deployment.ruleTargets(event.toString()).forEach((rule, function) -> deliver(deployment, rule, function,
          event, event.toString().getBytes(StandardCharsets.UTF_8)));
      if (forward) {
        deployment.busTargets(event.toString()).forEach((rule, region) -> {
          forwarded.add(new Delivery(Instant.now(), rule, "event-bus:" + region, event, "forwarded"));
          route(event, region, false);
        });
      }
    }
  }

  /** The events a rule forwarded to another region's bus ({@code function} is {@code event-bus:<region>}). */
  public List<Delivery> forwarded() {
    return List.copyOf(forwarded);
  }

  /**
   * False: events are recorded (with their time: when AWS would have sent them) but reach no function, so waits only
   * poll (bench/overhead.sh's polling-only runs); true (the default): delivered as deployed.
   */
  public void setDelivering(boolean on) {
    this.delivering = on;
  }

  /** The deliveries so far, oldest first. */
  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  private void deliver(LocalDeployment deployment, String via, String functionName, JsonNode event,
      byte[] payload) {
    Optional<LocalFunction> fn = deployment.find(functionName);
    if (fn.isEmpty()) {
      return;
    }
    Instant at = Instant.now();
    if (!delivering) {
      deliveries.add(new Delivery(at, via, functionName, event, NOT_DELIVERED));
      return;
    }
    String answer;
    try {
      byte[] out = fn.get().invoke(payload);
      answer = out == null ? "" : new String(out, StandardCharsets.UTF_8);
    } catch (Exception e) {
      answer = "error: " + e; // EventBridge would retry; the wait falls back to its poll anyway
    }
    deliveries.add(new Delivery(at, via, functionName, event, answer));
  }

  private static boolean matches(String message, String policy) {
    try {
      return software.amazon.event.ruler.Ruler.matchesRule(message, policy);
    } catch (Exception e) {
      return false;
    }
  }

  /** The Lambda event SNS sends: one record. */
  private static byte[] envelope(String topic, String subject, String message) {
    ObjectNode root = Json.object();
    ObjectNode record = root.putArray("Records").addObject();
    record.put("EventSource", "aws:sns");
    record.put("EventVersion", "1.0");
    record.put("EventSubscriptionArn", topic + ":" + UUID.randomUUID());
    ObjectNode sns = record.putObject("Sns");
    sns.put("Type", "Notification");
    sns.put("MessageId", UUID.randomUUID().toString());
    sns.put("TopicArn", topic);
    if (subject != null) {
      sns.put("Subject", subject);
    }
    sns.put("Message", message);
    sns.put("Timestamp", Instant.now().toString());
    sns.putObject("MessageAttributes");
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }
}
