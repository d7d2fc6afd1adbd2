package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.drill.database.DatabaseSeed;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CallRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The Redis and ECS drills under lost answers (moto applied the request, the caller never heard): each mutation is
 * applied once and the drill ends verified; and no secret reaches any place an operator reads — function logs, the
 * drill's output, the execution history, the SNS messages, the report — including secrets planted in the ECS log
 * tail the recovery reads.
 */
class DrillSafetyIT {
  /** Secrets of the forms a log tail may carry; the recovery must redact every one before the document is written. */
  static final List<String> LOG_TAIL_SECRETS = List.of("canaryPgPass1", "canaryBearer2", "canaryRedisPw3",
      "canaryUrlPw4", "canaryJwt5", "canaryAwsKey6");
  private static final List<String> LOG_TAIL = List.of(
      "PGPASSWORD=canaryPgPass1 psql -h db",
      "Authorization: Bearer canaryBearer2",
      "connecting to redis://:canaryRedisPw3@cache.internal:6379/0",
      "db url postgresql://sentinel:canaryUrlPw4@db.internal:5432/sentinel failed",
      "JWT_SECRET=canaryJwt5",
      "aws_secret_access_key=canaryAwsKey6");

  /** Writes {@link #LOG_TAIL} to the API service's log group a minute ago: the tail ECS Diagnose reads. */
  static void plantLogTail(LocalSentinel sentinel) {
    EcsSettings ecs = EcsSettings.of(sentinel.config);
    String group = ecs.logGroup(ecs.services().get(0));
    String stream = "ecs/canary/" + System.nanoTime();
    sentinel.aws.logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
    long at = Instant.now().minusSeconds(60).toEpochMilli();
    List<InputLogEvent> events = new ArrayList<>();
    for (int i = 0; i < LOG_TAIL.size(); i++) {
      events.add(InputLogEvent.builder().timestamp(at + i).message(LOG_TAIL.get(i)).build());
    }
    sentinel.aws.logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events));
  }

  /** Every SNS message of the drill, through a queue subscribed to each of the stack's topics. */
  static String subscribe(LocalSentinel sentinel) {
    String queue = sentinel.aws.sqs.createQueue(b -> b.queueName("drill-safety-" + System.nanoTime())).queueUrl();
    String queueArn = sentinel.aws.sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNamesWithStrings(
        "QueueArn")).attributesAsStrings().get("QueueArn");
    sentinel.deployment.topics().values().forEach(topic -> sentinel.aws.sns.subscribe(b -> b.topicArn(topic)
        .protocol("sqs").endpoint(queueArn)));
    return queue;
  }

  private static String messages(LocalSentinel sentinel, String queue) {
    StringBuilder all = new StringBuilder();
    for (int round = 0; round < 50; round++) {
      List<Message> got = sentinel.aws.sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10))
          .messages();
      if (got.isEmpty()) {
        break;
      }
      got.forEach(m -> all.append(m.body()).append('\n'));
      got.forEach(m -> sentinel.aws.sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle())));
    }
    return all.toString();
  }

  /** Everything an operator reads after a drill, with where it came from. */
  static Map<String, String> readable(LocalSentinel sentinel, Drill.Result result, String output,
      String queue) throws Exception {
    String history = HistoryText.of(sentinel, result.executionArn());
    String sns = messages(sentinel, queue);
    assertTrue(!sns.isBlank(), "the on-call was told something");
    return Map.of("function logs", Files.readString(sentinel.functionLog()), "drill output", output,
        "execution history", history, "SNS messages", sns,
        "report", result.reportFile() == null ? "" : Files.readString(result.reportFile()));
  }

  /** Fails naming every place each secret reached (a prefix of it), not only the first one found. */
  static void assertNoSecret(Map<String, String> readable, List<String> secrets) {
    List<String> leaks = new ArrayList<>();
    for (String secret : secrets) {
      readable.forEach((where, text) -> {
        if (text.contains(secret)) {
          leaks.add("secret " + secret.substring(0, 6) + "... in the " + where);
        }
      });
    }
    assertTrue(leaks.isEmpty(), String.join("; ", leaks));
  }

  private static Map<String, Long> applied(LocalSentinel sentinel, List<String> actions) {
    return sentinel.cloud.calls().stream().filter(CallRecord::applied).filter(c -> actions.contains(c.action()))
        .collect(Collectors.groupingBy(CallRecord::action, Collectors.counting()));
  }

  private static Drill.Result drill(LocalSentinel sentinel, String scenario, ByteArrayOutputStream buffer)
      throws Exception {
    return Drill.of(sentinel, scenario, new PrintStream(buffer, true, StandardCharsets.UTF_8)).run(false);
  }

  @Test
  void redisDrillWithAThirdOfAnswersLostAppliesEachMutationOnceAndLeaksNoSecret() throws Exception {
    try (LocalSentinel sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("drill-safety-it-"))) {
      String queue = subscribe(sentinel);
      sentinel.cloud.setLostResponseRate(0.3, 20260117L);
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      Drill.Result result = drill(sentinel, "redis-failure", buffer);
      sentinel.cloud.setLostResponseRate(0, 0);
      String output = buffer.toString(StandardCharsets.UTF_8);
      assertTrue(result.passed(), output);
      assertTrue(sentinel.cloud.calls().stream().anyMatch(c -> c.responseLost() && c.mutating()),
          "mutations whose answer was lost");
      int services = EcsSettings.of(sentinel.config).services().size();
      // the recovery cluster, the repoint (PutSecretValue with the same request token), each service's restart
      assertEquals(Map.of("CreateCacheCluster", 1L, "PutSecretValue", 1L, "UpdateService", (long) services),
          applied(sentinel, List.of("CreateCacheCluster", "PutSecretValue", "UpdateSecret", "UpdateService")),
          output);
      String dbPassword = ai.sentinel.dr.database.DatabaseUrl.parse(sentinel.part(DatabaseSeed.class).secretValue())
          .password();
      assertNoSecret(readable(sentinel, result, output, queue), List.of(dbPassword));
    }
  }

  @Test
  void ecsDrillWithAThirdOfAnswersLostAppliesEachMutationOnceAndRedactsTheLogTail() throws Exception {
    try (LocalSentinel sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("drill-safety-it-"))) {
      String queue = subscribe(sentinel);
      plantLogTail(sentinel);
      sentinel.cloud.setLostResponseRate(0.3, 20260117L);
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      Drill.Result result = drill(sentinel, "ecs-service-failure", buffer);
      sentinel.cloud.setLostResponseRate(0, 0);
      String output = buffer.toString(StandardCharsets.UTF_8);
      assertTrue(result.passed(), output);
      // the forced deployment, the rollback, the scale-up: each sent once, lost answers included
      assertEquals(Map.of("UpdateService", 3L), applied(sentinel, List.of("UpdateService")), output);
      String dbPassword = ai.sentinel.dr.database.DatabaseUrl.parse(sentinel.part(DatabaseSeed.class).secretValue())
          .password();
      List<String> secrets = new ArrayList<>(LOG_TAIL_SECRETS);
      secrets.add(dbPassword);
      assertNoSecret(readable(sentinel, result, output, queue), secrets);
    }
  }
}
