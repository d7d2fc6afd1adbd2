package ai.sentinel.dr.drill.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.ExecutionWatcher;
import ai.sentinel.dr.drill.HistoryText;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CallRecord;
import ai.sentinel.dr.localcloud.CloudTemplate;
import ai.sentinel.dr.recovery.Verification;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * ./sentinel drill database-restore-test, over HTTP on the local cloud: the Testing Schedule's snapshot restore test
 * passes (scratch instance restored, SELECT 1, deleted), a test that fails after the restore still deletes its scratch
 * instance before telling the on-call, and a scratch instance the test did not create is never deleted. Production is
 * checked in RDS, Secrets Manager, ECS and the gateway's call log after every run, not in the drill's own words.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoreTestDrillIT {
  private static final String SCRATCH = "sentinel-db-drill";
  private static CloudTemplate template;
  /** The happy path's local cloud; the foreign-instance case runs on it afterwards. */
  private static LocalSentinel sentinel;
  private static Map<String, String> deploymentsBefore;
  private static Run passed;

  private record Run(Drill.Result result, String output, List<HistoryEvent> history) {
    List<String> statesEntered() {
      return history.stream().filter(e -> e.stateEnteredEventDetails() != null)
          .map(e -> e.stateEnteredEventDetails().name()).toList();
    }

    /** The recovery document a state returned (its TaskStateExited output). */
    JsonNode outputOf(String state) {
      return history.stream().filter(e -> e.stateExitedEventDetails() != null
              && state.equals(e.stateExitedEventDetails().name()))
          .map(e -> Json.tree(e.stateExitedEventDetails().output())).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError(state + " never exited: " + statesEntered()));
    }

    /** "step event: detail" of a step's timeline entries in a state's output. */
    List<String> timelineOf(String state, String step) {
      List<String> entries = new ArrayList<>();
      outputOf(state).path("timeline").forEach(e -> {
        if (step.equals(e.path("step").asText())) {
          entries.add(e.path("event").asText() + ": " + e.path("detail").asText());
        }
      });
      return entries;
    }

    String failure() {
      return history.stream().filter(e -> e.lambdaFunctionFailedEventDetails() != null)
          .map(e -> e.lambdaFunctionFailedEventDetails().error() + ": " + e.lambdaFunctionFailedEventDetails()
              .cause()).findFirst().orElse("no failed task");
    }
  }

  @BeforeAll
  static void runTheScheduledTest() throws Exception {
    template = Templates.synthesize(RepoPaths.root(), "local");
    sentinel = LocalSentinel.start(template, Map.of(), Files.createTempDirectory("restore-test-drill-it-"));
    deploymentsBefore = primaryDeployments(sentinel);
    passed = drill(sentinel);
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static Run drill(LocalSentinel on) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Drill.Result result = Drill.of(on, "database-restore-test",
        new PrintStream(buffer, true, StandardCharsets.UTF_8)).run(false);
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertNotNull(result.executionArn(), output);
    return new Run(result, output, ExecutionWatcher.history(on.aws.sfn, result.executionArn()));
  }

  private static Map<String, String> primaryDeployments(LocalSentinel on) {
    return on.aws.ecs.describeServices(b -> b.cluster(EcsSettings.of(on.config).cluster())
        .services(EcsSettings.of(on.config).services()))
        .services().stream().collect(Collectors.toMap(s -> s.serviceName(), s -> s.taskDefinition() + " "
            + s.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).map(Deployment::id).toList()));
  }

  private static Optional<DBInstance> instance(LocalSentinel on, String id) {
    try {
      return on.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().stream().findFirst();
    } catch (DbInstanceNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Deleted, as RDS shows it: gone (moto) or still "deleting" (AWS, for a few minutes). */
  private static void assertDeleted(LocalSentinel on, String id) {
    Optional<DBInstance> left = instance(on, id);
    assertTrue(left.isEmpty() || "deleting".equals(left.get().dbInstanceStatus()),
        id + " is " + left.map(DBInstance::dbInstanceStatus).orElse("gone"));
  }

  /** Successful calls that change something, per service:action, since the drill delivered its signal. */
  private static Map<String, Long> mutations(LocalSentinel on) {
    return on.cloud.calls().stream().filter(c -> c.mutating() && c.succeeded())
        .filter(c -> List.of("rds", "secretsmanager", "ecs").contains(c.service()))
        .collect(Collectors.groupingBy(c -> c.service() + ":" + c.action(), TreeMap::new, Collectors.counting()));
  }

  /** The database, its secret and its services are as seeded; nothing but the scratch instance was changed. */
  private static void assertProductionUntouched(LocalSentinel on, Map<String, String> servicesBefore,
      Map<String, Long> allowedRdsChanges) {
    DBInstance db = instance(on, DatabaseSettings.of(on.config).instanceId()).orElseThrow();
    assertEquals("available", db.dbInstanceStatus());
    assertEquals(on.part(DatabaseSeed.class).endpoint(), db.endpoint().address());
    assertEquals(DatabaseSeed.ORIGINAL_CLASS, db.dbInstanceClass());
    assertEquals(on.part(DatabaseSeed.class).secretValue(), on.aws.secrets.getSecretValue(b -> b.secretId(
        DatabaseSettings.of(on.config).secretId())).secretString(), "the database secret changed");
    assertEquals(servicesBefore, primaryDeployments(on));
    assertEquals(allowedRdsChanges, mutations(on), "no Secrets Manager or ECS change, RDS only on " + SCRATCH);
  }

  // ---- (a) the scheduled test passes ------------------------------------------------------------------------------

  @Test
  @Order(1)
  void theTestRestoresVerifiesAndDeletesTheScratchInstance() {
    assertTrue(passed.result().passed(), passed.output());
    assertEquals(ExecutionStatus.SUCCEEDED, passed.result().status(), passed.output());
    assertEquals(List.of("AcquireLock", "Diagnose", "RestoreScratchInstance", "WaitForInstance",
        "Instance available?", "VerifyScratchInstance", "DeleteScratchInstance", "Notify", "Report", "Recovered"),
        passed.statesEntered());
    Verification verification = passed.result().recovery().verification();
    assertTrue(verification.verified(), verification.toString());
    // SELECT 1 ran for real against the local PostgreSQL (DB_CONNECT_HOST), with the production credentials
    Verification.Check select = verification.checks().stream().filter(c -> c.name().equals("select-1"))
        .findFirst().orElseThrow();
    assertEquals(sentinel.part(DatabaseSeed.class).reachable() ? Verification.Result.PASS
        : Verification.Result.SKIP, select.result(), select.detail());
    assertEquals(SCRATCH, passed.result().recovery().part(DatabaseState.PART).restore().targetInstanceId());
    assertDeleted(sentinel, SCRATCH);
    assertTrue(passed.output().contains("RESTORE TEST PASSED: restored, VERIFIED and deleted in "), passed.output());
  }

  @Test
  @Order(1)
  void productionWasNotTouched() {
    assertProductionUntouched(sentinel, deploymentsBefore, Map.of("rds:DeleteDBInstance", 1L,
        "rds:RestoreDBInstanceFromDBSnapshot", 1L));
    assertTrue(passed.output().contains("production: unchanged"), passed.output());
  }

  @Test
  @Order(1)
  void theSchedulesPayloadStartedOneTestAndItsReportMeasuresAgainstDatabaseFailureComplete() throws Exception {
    assertTrue(passed.output().contains("redelivered: ignore - duplicate"), passed.output());
    assertEquals(1, sentinel.aws.sfn.listExecutions(b -> b.stateMachineArn(sentinel.stateMachine(
        "database-restore-test"))).executions().size());
    Path report = passed.result().reportFile();
    assertTrue(passed.output().contains("report: " + report.toAbsolutePath()), passed.output());
    String markdown = Files.readString(report);
    assertTrue(markdown.startsWith("## Incident Report: [DRILL] Database snapshot restore test on sentinel-db"),
        markdown);
    assertTrue(markdown.matches("(?s).*\\| RTO \\| Database Failure \\(Complete\\) \\| 30 minutes \\| \\d+s .*\\| pass "
        + "\\|.*"), markdown);
    assertTrue(markdown.matches("(?s).*\\| RPO \\| Database Failure \\(Complete\\) \\| 1 hour \\| \\d+s \\(snapshot "
        + ".*\\| pass \\|.*"), markdown);
  }

  // ---- (b) the test fails after the scratch instance exists ---------------------------------------------------------

  @Test
  @Order(2)
  void aTestThatFailsAfterTheRestoreStillDeletesTheScratchInstanceAndTellsTheOnCall() throws Exception {
    // the scratch instance does not answer: SELECT 1 goes to a port that is bound but never listens, so the
    // connection is refused at once and nothing started meanwhile (the local PostgreSQL) can take that port
    try (Socket closed = new Socket()) {
      closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Map<String, String> unreachable = Map.of(DatabaseSettings.SECTION.variable(),
          "{\"connectHost\":\"127.0.0.1:" + closed.getLocalPort() + "\",\"verifyConnect\":true}");
      failedTestCleansUp(unreachable);
    }
  }

  private static void failedTestCleansUp(Map<String, String> overrides) throws Exception {
    try (LocalSentinel broken = LocalSentinel.start(template, overrides,
        Files.createTempDirectory("restore-test-drill-it-failed-"))) {
      Map<String, String> servicesBefore = primaryDeployments(broken);
      String inbox = subscribe(broken);
      Run failed = drill(broken);

      assertFalse(failed.result().passed(), failed.output());
      assertEquals(ExecutionStatus.FAILED, failed.result().status(), failed.output());
      assertTrue(failed.failure().startsWith("ai.sentinel.dr.errors.VerificationFailedError")
          && failed.failure().contains("select-1"), failed.failure());
      // the Catch path, in this order: cleanup first, then the on-call, the report, the failed end
      List<String> states = failed.statesEntered();
      assertEquals(List.of("VerifyScratchInstance", "CleanUpScratchInstance", "NotifyFailure", "ReportFailure",
          "RecoveryFailed"), states.subList(states.indexOf("VerifyScratchInstance"), states.size()), states.toString());
      assertEquals(List.of("requested: rds:DeleteDBInstance on " + SCRATCH, "cleaned-up: " + SCRATCH
          + " deletion requested (no final snapshot: it is a copy)"),
          failed.timelineOf("CleanUpScratchInstance", "DeleteScratchInstance"));
      assertDeleted(broken, SCRATCH);
      assertProductionUntouched(broken, servicesBefore, Map.of("rds:DeleteDBInstance", 1L,
          "rds:RestoreDBInstanceFromDBSnapshot", 1L));

      // the on-call heard it failed, and that the scratch instance was deleted
      List<JsonNode> notes = notifications(broken, inbox);
      JsonNode failure = notes.stream().filter(n -> n.path("Subject").asText().endsWith(": FAILED - human needed"))
          .findFirst().orElseThrow(() -> new AssertionError("no failure notification in " + notes));
      assertTrue(failure.path("Subject").asText().contains("database-restore-test on sentinel-db"), failure.toString());
      String body = failure.path("Message").asText();
      assertTrue(body.contains("DeleteScratchInstance cleaned-up: " + SCRATCH + " deletion requested"), body);
      assertTrue(body.contains("VerificationFailedError"), body);

      String report = Files.readString(failed.result().reportFile());
      assertTrue(report.startsWith("## Incident Report: [DRILL] Database snapshot restore test"), report);
      assertTrue(report.contains("FAILED"), report);
      assertTrue(failed.output().contains("cleanup: cleaned-up: " + SCRATCH + " deletion requested"), failed.output());
      assertTrue(failed.output().contains("scratch instance " + SCRATCH + " after the failure: gone (cleaned up)")
          && failed.output().contains("RESTORE TEST FAILED (execution FAILED)"), failed.output());

      // the failure path leaks no secret: the production password the test used for SELECT 1 is nowhere an
      // operator reads (function logs, drill output, execution history, SNS messages, report)
      String password = ai.sentinel.dr.database.DatabaseUrl.parse(broken.part(DatabaseSeed.class).secretValue())
          .password();
      Map<String, String> readable = Map.of("function logs", Files.readString(broken.functionLog()),
          "drill output", failed.output(), "SNS messages", notes.toString(), "report", report,
          "execution history", HistoryText.of(broken, failed.result().executionArn()));
      readable.forEach((where, text) -> assertFalse(text.contains(password), "the database password in the "
          + where));
    }
  }

  private static String subscribe(LocalSentinel on) {
    String queueUrl = on.aws.sqs.createQueue(b -> b.queueName("on-call")).queueUrl();
    String queueArn = on.aws.sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings("QueueArn"))
        .attributesAsStrings().get("QueueArn");
    on.aws.sns.subscribe(b -> b.topicArn(on.deployment.topicEndingWith("-notifications")).protocol("sqs")
        .endpoint(queueArn));
    return queueUrl;
  }

  /** What reached the on-call's topic, as SNS envelopes (Subject, Message). */
  private static List<JsonNode> notifications(LocalSentinel on, String queueUrl) {
    List<JsonNode> out = new ArrayList<>();
    List<software.amazon.awssdk.services.sqs.model.Message> batch;
    do {
      batch = on.aws.sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
          .messages();
      batch.forEach(m -> out.add(Json.tree(m.body())));
    } while (!batch.isEmpty());
    return out;
  }

  // ---- (c) a scratch instance the test did not create -----------------------------------------------------------

  @Test
  @Order(3)
  void aForeignScratchInstanceIsRefusedAndLeftInPlace() throws Exception {
    // someone's own instance under the scratch name: no sentinel-dr tags
    sentinel.aws.rds.restoreDBInstanceFromDBSnapshot(b -> b.dbInstanceIdentifier(SCRATCH)
        .dbSnapshotIdentifier(sentinel.part(DatabaseSeed.class).manualSnapshotId()).dbInstanceClass("db.t3.medium")
        .tags(Tag.builder().key("owner").value("dba-on-call").build()));
    Map<String, String> servicesBefore = primaryDeployments(sentinel);
    Run refused = drill(sentinel);

    assertFalse(refused.result().passed(), refused.output());
    assertEquals(ExecutionStatus.FAILED, refused.result().status(), refused.output());
    assertTrue(refused.failure().startsWith("ai.sentinel.dr.errors.StepFailedError")
        && refused.failure().contains(SCRATCH + " already exists and was not created by this recovery"),
        refused.failure());
    List<String> states = refused.statesEntered();
    assertEquals(List.of("RestoreScratchInstance", "CleanUpScratchInstance", "NotifyFailure", "ReportFailure",
        "RecoveryFailed"), states.subList(states.indexOf("RestoreScratchInstance"), states.size()), states.toString());
    List<String> cleanup = refused.timelineOf("CleanUpScratchInstance", "DeleteScratchInstance");
    assertEquals(1, cleanup.size(), cleanup.toString());
    assertTrue(cleanup.get(0).startsWith("left: " + SCRATCH + " was not created by this test"), cleanup.toString());

    DBInstance kept = instance(sentinel, SCRATCH).orElseThrow(() -> new AssertionError(SCRATCH + " was deleted"));
    assertEquals("available", kept.dbInstanceStatus());
    assertEquals(List.of("owner=dba-on-call"), kept.tagList().stream().map(t -> t.key() + "=" + t.value()).toList());
    // not even a delete was attempted, and nothing was restored over it
    assertEquals(List.of(), sentinel.cloud.calls().stream().filter(c -> "rds".equals(c.service()) && c.mutating())
        .map(CallRecord::action).toList());
    assertProductionUntouched(sentinel, servicesBefore, Map.of());
    assertTrue(Files.readString(refused.result().reportFile()).contains("FAILED"));
    assertTrue(refused.output().contains("cleanup: left: " + SCRATCH + " was not created by this test")
        && refused.output().contains("scratch instance " + SCRATCH + " after the failure: available (left in place)"),
        refused.output());
  }
}
