package ai.sentinel.dr.drill.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Cli;
import ai.sentinel.dr.cli.Main;
import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.DrillScenario;
import ai.sentinel.dr.drill.HistoryText;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Scenario 5's failure path after writes were stopped (issue 11: "on any failure after EnterMaintenance, maintenance
 * stays on and the on-call is told exactly which state each table is in"), with a step failing for real: the restored
 * clean copy has lost its threat_reports table (renamed away on the clean PostgreSQL server before the drill), so
 * CompareTables fails on it after EnterMaintenance. Judged on the cloud and the databases: the execution failed, the
 * SSM parameter and the ALB's 503 rule are still in place, the page (SNS, read through a subscribed SQS queue) names
 * each table and its state and carries no password, and live is exactly as the corruption left it. The gateway's
 * fault injection cannot do this: its faults are drawn at random over every call (the page's own included), not
 * aimed at one step.
 */
class CorruptionHoldMaintenanceIT {

  @Test
  void aCompareThatFailsAfterWritesStoppedKeepsThemStoppedAndPagesEachTablesState() throws Exception {
    try (LocalSentinel sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("corruption-hold-it-"))) {
      CorruptionSeed seed = sentinel.part(CorruptionSeed.class);
      try (Connection clean = seed.clean(); Statement st = clean.createStatement()) {
        st.execute("ALTER TABLE threat_reports RENAME TO threat_reports_lost");
      }
      String queue = subscribe(sentinel);
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      DataCorruption drill = new DataCorruption();
      Drill.Result result = new Drill(sentinel, drill, new PrintStream(buffer, true, StandardCharsets.UTF_8))
          .run(false, Drill.Gate.approveAs("bob"));
      String output = buffer.toString(StandardCharsets.UTF_8);
      assertEquals(ExecutionStatus.FAILED, result.status(), output);
      assertFalse(result.passed(), output);
      var history = sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(result.executionArn())
          .maxResults(1000)).events();
      List<String> entered = history.stream().filter(e -> e.stateEnteredEventDetails() != null)
          .map(e -> e.stateEnteredEventDetails().name()).toList();
      // the failure came after writes were stopped, before any repair
      assertTrue(entered.contains("EnterMaintenance") && entered.contains("CompareTables"), entered.toString());
      assertFalse(entered.contains("RestoreTables") || entered.contains("ExitMaintenance"), entered.toString());

      // writes still stopped: the parameter the application reads and the listener's 503 rule
      try (SsmClient ssm = CorruptionSeed.ssm(sentinel.cloud.endpoint())) {
        assertNotEquals(CorruptionSeed.NORMAL, ssm.getParameter(b -> b.name(seed.parameter())).parameter()
            .value(), "maintenance parameter still on");
      }
      List<String> rules = CorruptionSeed.rules(sentinel, seed.listenerArn());
      assertEquals(2, rules.size(), "the default rule and the 503 rule: " + rules);
      assertTrue(rules.stream().anyMatch(r -> r.contains("503")), rules.toString());

      // the on-call's page says maintenance is held and where each table stands
      String sns = messages(sentinel, queue);
      assertTrue(sns.contains("stays ON"), sns);
      for (String table : DataCorruption.TABLES) {
        assertTrue(sns.contains(table + ": ") && sns.matches("(?s).*" + table + ": [^\\n]*NOT repaired \\(live "
            + "unchanged\\).*"), table + " and its state in the page: " + sns);
      }
      assertTrue(sns.contains("is kept for a manual repair"), sns);
      String password = DatabaseUrl.parse(sentinel.aws.secrets.getSecretValue(b -> b.secretId(
          DatabaseSettings.of(sentinel.config).secretId())).secretString()).password();
      assertTrue(password != null && password.length() >= 8);
      Map.of("SNS messages", sns, "drill output", output, "execution history",
          HistoryText.of(sentinel, result.executionArn()), "function logs", Files.readString(sentinel.functionLog()))
          .forEach((where, text) -> assertFalse(text.contains(password), "the database password in the " + where));

      // no repair: live exactly as the corruption left it
      assertEquals(drill.liveAfterInjection(), drill.liveNow(sentinel), "live as the corruption left it");

      // one recovery per resource at a time: the failed recovery left maintenance on, so it keeps the database
      // locked, and a second request for the same database starts nothing (issue 11's user expectation)
      String first = result.executionArn().substring(result.executionArn().lastIndexOf(':') + 1);
      String lockKey = "lock#rds-instance:" + DatabaseSettings.of(sentinel.config).instanceId();
      assertTrue(lockItem(sentinel, lockKey).containsKey("held"), "the database lock is kept after the end");
      DrillScenario.Signal again = drill.signal(sentinel);
      JsonNode refused = Json.tree(sentinel.aws.lambda.invoke(b -> b.functionName(again.function())
          .payload(SdkBytes.fromByteArray(again.payload()))).payload().asUtf8String());
      assertTrue(refused.path("reason").asText().startsWith("resource busy: maintenance held by " + first),
          refused.toString());
      assertTrue(refused.path("executionArn").isMissingNode() || refused.path("executionArn").isNull(),
          refused.toString());
      assertEquals(1, sentinel.aws.sfn.listExecutions(b -> b.stateMachineArn(sentinel.stateMachine(drill.id())))
          .executions().size(), "no second recovery started");
      assertEquals(drill.liveAfterInjection(), drill.liveNow(sentinel), "the second request touched nothing");

      // the human, having ended maintenance, releases the locks: the database is free again
      ByteArrayOutputStream said = new ByteArrayOutputStream();
      int code = Main.run(new String[] {"release", first, "--env", "local", "--by", "alice"}, new Cli(
          new PrintStream(said, true, StandardCharsets.UTF_8), System.err, Map.of("AWS_ENDPOINT_URL",
              sentinel.cloud.endpoint().toString(), "AWS_REGION", sentinel.config.region(), "AWS_ACCESS_KEY_ID",
              "test", "AWS_SECRET_ACCESS_KEY", "test"), Path.of("")));
      String released = said.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, released);
      assertTrue(released.contains("released rds-instance:") && released.contains("maintenance held by " + first),
          released);
      assertTrue(lockItem(sentinel, lockKey).isEmpty(), "released");
    }
  }

  private static Map<String, AttributeValue> lockItem(LocalSentinel sentinel, String key) {
    var item = sentinel.aws.dynamoDb.getItem(b -> b.tableName(sentinel.config.requireLockTable())
        .key(Map.of("pk", AttributeValue.fromS(key))).consistentRead(true));
    return item.hasItem() ? item.item() : Map.of();
  }

  /** A queue subscribed to each of the stack's topics: every page of the recovery. */
  private static String subscribe(LocalSentinel sentinel) {
    String queue = sentinel.aws.sqs.createQueue(b -> b.queueName("corruption-hold-" + System.nanoTime()))
        .queueUrl();
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
      // SNS to SQS wraps the page in an envelope: its Message is the text the on-call reads
      got.forEach(m -> all.append(ai.sentinel.dr.common.Json.tree(m.body()).path("Message").asText(m.body()))
          .append('\n'));
      got.forEach(m -> sentinel.aws.sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle())));
    }
    return all.toString();
  }
}
