package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.ecs.EcsServiceFailure;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CallRecord;
import ai.sentinel.dr.redis.RedisSettings;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.EcsEventResponder;
import ai.sentinel.dr.trigger.ElastiCacheEventResponder;
import ai.sentinel.dr.trigger.EventClassifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * Signals about things Sentinel DR does not protect, delivered to the deployed responders over HTTP on the local
 * cloud (EventBridge events, alarms, ElastiCache notifications through SNS): another ECS cluster, another service in
 * our cluster, another cache cluster, and the recovery cluster a Redis recovery creates. None may start an execution
 * or change anything; the same signals about the protected resources would (checked with the responders' own
 * classifier, so the ignores are not a responder ignoring all).
 */
class IgnoredSignalsIT {
  private static LocalSentinel sentinel;

  @BeforeAll
  static void start() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("ignored-signals-it-"));
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static String serviceArn(String cluster, String service) {
    return "arn:aws:ecs:" + LocalAws.REGION.id() + ":" + LocalAws.ACCOUNT + ":service/" + cluster + "/" + service;
  }

  /** "ECS Task State Change" for a task of a service that stopped because it could not start. */
  private static byte[] taskStopped(String cluster, String service) {
    String clusterArn = "arn:aws:ecs:" + LocalAws.REGION.id() + ":" + LocalAws.ACCOUNT + ":cluster/" + cluster;
    ObjectNode event = Json.object();
    event.put("version", "0");
    event.put("id", java.util.UUID.randomUUID().toString());
    event.put("detail-type", "ECS Task State Change");
    event.put("source", "aws.ecs");
    event.put("account", LocalAws.ACCOUNT);
    event.put("time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    event.put("region", LocalAws.REGION.id());
    String taskArn = "arn:aws:ecs:" + LocalAws.REGION.id() + ":" + LocalAws.ACCOUNT + ":task/" + cluster
        + "/0123456789abcdef0123456789abcdef";
    event.putArray("resources").add(taskArn);
    ObjectNode detail = event.putObject("detail");
    detail.put("clusterArn", clusterArn);
    detail.put("taskArn", taskArn);
    detail.put("group", "service:" + service);
    detail.put("lastStatus", "STOPPED");
    detail.put("desiredStatus", "STOPPED");
    detail.put("stopCode", "TaskFailedToStart");
    detail.put("stoppedReason", "CannotPullContainerError: pull image manifest has been retried 5 time(s)");
    detail.put("taskDefinitionArn", "arn:aws:ecs:" + LocalAws.REGION.id() + ":" + LocalAws.ACCOUNT
        + ":task-definition/" + service + ":2");
    detail.put("stoppedAt", Instant.now().toString());
    detail.put("launchType", "FARGATE");
    return Json.bytes(event);
  }

  /** A real alarm on a cache cluster's CurrConnections, in ALARM, as CloudWatch's event describes it. */
  private static byte[] cacheAlarm(String clusterId) {
    String name = clusterId + "-connections";
    Dimension d = Dimension.builder().name("CacheClusterId").value(clusterId).build();
    sentinel.aws.cloudWatch.putMetricAlarm(b -> b.alarmName(name).namespace("AWS/ElastiCache")
        .metricName("CurrConnections").dimensions(d).statistic(Statistic.AVERAGE).period(300).evaluationPeriods(1)
        .threshold(0.0).comparisonOperator(ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD));
    sentinel.aws.cloudWatch.setAlarmState(b -> b.alarmName(name).stateValue(StateValue.ALARM)
        .stateReason("Threshold Crossed"));
    MetricAlarm alarm = sentinel.aws.cloudWatch.describeAlarms(b -> b.alarmNames(name)).metricAlarms().get(0);
    return AlarmEvents.stateChange(alarm, LocalAws.ACCOUNT, LocalAws.REGION.id());
  }

  /** An ElastiCache event notification as SNS delivers it to a Lambda subscriber. */
  private static byte[] cacheNotification(String event, String clusterId) {
    ObjectNode root = Json.object();
    ObjectNode record = root.putArray("Records").addObject();
    record.put("EventSource", "aws:sns");
    record.put("EventVersion", "1.0");
    // the stack's own topic: a notification from any other topic is ignored for that reason alone
    String topic = "arn:aws:sns:" + LocalAws.REGION.id() + ":" + LocalAws.ACCOUNT + ":" + sentinel.config.environment()
        + "-sentinel-dr-elasticache-events";
    record.put("EventSubscriptionArn", topic + ":2bcfbf39-05c3-41de-beaa-fcfcc21c8f55");
    ObjectNode sns = record.putObject("Sns");
    sns.put("Type", "Notification");
    sns.put("MessageId", java.util.UUID.randomUUID().toString());
    sns.put("TopicArn", topic);
    sns.put("Subject", "ElastiCache Notification Message");
    sns.put("Message", Json.write(Map.of("ElastiCache:" + event, clusterId)));
    sns.put("Timestamp", Instant.now().toString());
    sns.put("SignatureVersion", "1");
    sns.put("Signature", "EXAMPLE");
    sns.putObject("MessageAttributes");
    return Json.bytes(root);
  }

  private record Delivery(String what, Class<?> responder, byte[] event, boolean aboutProtected) {}

  /** The same event, sent from another account (envelope and resource ARNs). */
  private static byte[] fromAccount(byte[] event, String account) {
    return Json.write(Json.tree(new String(event, java.nio.charset.StandardCharsets.UTF_8)))
        .replace(LocalAws.ACCOUNT, account).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The same alarm state change, dated {@code age} ago: a replay. */
  private static byte[] replayed(byte[] alarmEvent, java.time.Duration age) {
    ObjectNode event = (ObjectNode) Json.tree(new String(alarmEvent, java.nio.charset.StandardCharsets.UTF_8));
    String then = Instant.now().minus(age).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    event.put("time", then);
    ((ObjectNode) event.get("detail").get("state")).put("timestamp", then);
    return Json.bytes(event);
  }

  /** The same SNS delivery from a topic that is not one of the stack's. */
  private static byte[] viaOtherTopic(byte[] delivery) {
    return new String(delivery, java.nio.charset.StandardCharsets.UTF_8).replace("-sentinel-dr-elasticache-events",
        "-elasticache-events-of-someone-else").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void signalsAboutOtherClustersServicesAndCachesStartNothing() {
    String cluster = EcsSettings.of(sentinel.config).cluster();
    String api = EcsSettings.of(sentinel.config).services().get(0);
    String redis = RedisSettings.of(sentinel.config).clusterId();
    Instant now = Instant.now();
    List<Delivery> others = List.of(
        new Delivery("deployment failed in another cluster", EcsEventResponder.class,
            EcsServiceFailure.deploymentFailed(serviceArn("other-cluster", api), "ecs-svc/1", now), false),
        new Delivery("deployment failed for another service", EcsEventResponder.class,
            EcsServiceFailure.deploymentFailed(serviceArn(cluster, "sentinel-admin"), "ecs-svc/2", now), false),
        new Delivery("task stopped in another cluster", EcsEventResponder.class,
            taskStopped("other-cluster", api), false),
        new Delivery("task of another service stopped", EcsEventResponder.class,
            taskStopped(cluster, "sentinel-admin"), false),
        new Delivery("alarm on another cache", AlarmResponder.class, cacheAlarm("sentinel-sessions"), false),
        new Delivery("alarm on the recovery cluster", AlarmResponder.class,
            cacheAlarm(RedisSettings.of(sentinel.config).recoveryClusterId()), false),
        new Delivery("ElastiCache failure notification for another cache", ElastiCacheEventResponder.class,
            cacheNotification("CacheClusterProvisioningFailed", "billing-redis"), false),
        new Delivery("ElastiCache failure notification for the recovery cluster", ElastiCacheEventResponder.class,
            cacheNotification("CacheClusterProvisioningFailed", RedisSettings.of(sentinel.config)
                .recoveryClusterId()), false),
        // the protected resources, but from another account, replayed, or delivered by another topic (issue 10)
        new Delivery("alarm on " + redis + " from another account", AlarmResponder.class,
            fromAccount(cacheAlarm(redis), "999999999999"), false),
        new Delivery("task of " + api + " stopped, in another account", EcsEventResponder.class,
            fromAccount(taskStopped(cluster, api), "999999999999"), false),
        new Delivery("alarm on " + redis + " replayed two hours later", AlarmResponder.class,
            replayed(cacheAlarm(redis), java.time.Duration.ofHours(2)), false),
        new Delivery("ElastiCache failure notification for " + redis + " via another topic",
            ElastiCacheEventResponder.class, viaOtherTopic(cacheNotification("CacheClusterProvisioningFailed",
                redis)), false));
    List<Delivery> protectedOnes = List.of(
        new Delivery("deployment failed for " + api, EcsEventResponder.class,
            EcsServiceFailure.deploymentFailed(serviceArn(cluster, api), "ecs-svc/3", now), true),
        new Delivery("task of " + api + " stopped", EcsEventResponder.class, taskStopped(cluster, api), true),
        new Delivery("alarm on " + redis, AlarmResponder.class, cacheAlarm(redis), true),
        new Delivery("ElastiCache failure notification for " + redis, ElastiCacheEventResponder.class,
            cacheNotification("CacheClusterProvisioningFailed", redis), true));

    // the control: the same kinds of signal about what is protected would start a recovery
    EventClassifier classifier = new EventClassifier(sentinel.config, Clock.systemUTC());
    for (Delivery d : protectedOnes) {
      assertEquals("start", classifier.classify(d.event()).action(), d.what());
    }

    sentinel.cloud.clearCalls();
    List<String> answers = new ArrayList<>();
    for (Delivery d : others) {
      String fn = sentinel.deployment.functionFor(d.responder());
      var r = sentinel.aws.lambda.invoke(b -> b.functionName(fn).payload(SdkBytes.fromByteArray(d.event())));
      JsonNode answer = Json.tree(r.payload().asUtf8String());
      answers.add(d.what() + ": " + answer);
      assertEquals(null, r.functionError(), d.what() + ": " + answer);
      assertEquals("ignore", answer.path("action").asText(), d.what() + ": " + answer);
    }
    for (String scenario : List.of("database-failure", "redis-failure",
        "ecs-service-failure")) {
      assertTrue(sentinel.aws.sfn.listExecutions(b -> b.stateMachineArn(sentinel.stateMachine(scenario)))
          .executions().isEmpty(), scenario + " started by one of " + answers);
    }
    List<String> platform = List.of("rds", "secretsmanager", "ecs", "elasticache", "elasticloadbalancing",
        "dynamodb", "states", "sns");
    List<CallRecord> changes = sentinel.cloud.calls().stream().filter(c -> !"lambda".equals(c.service()))
        .filter(c -> c.mutating() && platform.contains(c.service())).toList();
    assertEquals(List.of(), changes);
  }
}
