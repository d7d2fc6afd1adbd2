package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.drill.database.DatabaseFailure;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CallRecord;
import ai.sentinel.dr.recovery.PlannedCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.RdsEventResponder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The safety envelope's evidence, counted at the local cloud (the gateway's call log), not in mocks: concurrent and
 * duplicated signals, injected AWS faults, a dry-run, an approval gate approved and rejected.
 */
class SafetyIT {
  /** Successful mutating calls of a Scenario 1 recovery: each must happen exactly this often. */
  private static final Map<String, Long> ONE_RECOVERY = Map.of("RestoreDBInstanceFromDBSnapshot", 1L,
      "UpdateSecret", 1L, "UpdateService", 2L);

  private static LocalSentinel start(boolean approvalGate, Map<String, String> overrides) throws Exception {
    return LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local", approvalGate), overrides,
        Files.createTempDirectory("safety-it-"));
  }

  private static Map<String, Long> recoveryMutations(LocalSentinel sentinel) {
    return sentinel.cloud.calls().stream().filter(CallRecord::succeeded)
        .filter(c -> ONE_RECOVERY.containsKey(c.action()))
        .collect(Collectors.groupingBy(CallRecord::action, Collectors.counting()));
  }

  private static String drill(LocalSentinel sentinel, boolean dryRun, Drill.Gate gate,
      Drill.Result[] result) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    result[0] = Drill.of(sentinel, "database-failure", new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(dryRun, gate);
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void tenCopiesAndTenOtherSignalsForOneResourceMakeOneRecovery() throws Exception {
    try (LocalSentinel sentinel = start(false, Map.of())) {
      DatabaseFailure drill = new DatabaseFailure();
      drill.inject(sentinel, new PrintStream(OutputStream.nullOutputStream()));
      byte[] alarm = drill.signal(sentinel).payload();
      JsonNode rdsTemplate = Json.MAPPER.readTree(RepoPaths.root().resolve(
          "events/rds-eventbridge-failover-started.json").toFile());
      List<Map.Entry<String, byte[]>> deliveries = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        deliveries.add(Map.entry(sentinel.deployment.functionFor(AlarmResponder.class), alarm));
        ObjectNode other = rdsTemplate.deepCopy();
        // ten distinct failure events of the last minute (older or routine ones start nothing: issue 10)
        String at = java.time.Instant.now().minusSeconds(30 - i).toString();
        ((ObjectNode) other.get("detail")).put("EventID", i % 2 == 0 ? "RDS-EVENT-0013" : "RDS-EVENT-0031");
        ((ObjectNode) other.get("detail")).put("Date", at);
        other.put("time", at);
        deliveries.add(Map.entry(sentinel.deployment.functionFor(RdsEventResponder.class), Json.bytes(other)));
      }
      sentinel.cloud.clearCalls();
      ExecutorService pool = Executors.newFixedThreadPool(deliveries.size());
      CountDownLatch go = new CountDownLatch(1);
      List<Future<JsonNode>> answers = new ArrayList<>();
      for (var d : deliveries) {
        answers.add(pool.submit(() -> {
          go.await();
          return Json.tree(sentinel.aws.lambda.invoke(b -> b.functionName(d.getKey())
              .payload(SdkBytes.fromByteArray(d.getValue()))).payload().asUtf8String());
        }));
      }
      go.countDown();
      List<JsonNode> results = new ArrayList<>();
      for (Future<JsonNode> f : answers) {
        results.add(f.get());
      }
      pool.shutdown();
      List<String> arns = sentinel.aws.sfn.listExecutions(b -> b.stateMachineArn(sentinel.stateMachine(
          "database-failure"))).executions().stream().map(e -> e.executionArn()).toList();
      assertEquals(1, arns.size(), "one recovery for one resource: " + results);
      // a signal joins once, however many copies of it arrived
      long joined = results.stream().filter(r -> r.path("reason").asText().startsWith("joined"))
          .map(r -> r.path("dedupKey").asText()).distinct().count();
      assertTrue(results.stream().allMatch(r -> List.of("start", "ignore").contains(r.path("action").asText())),
          results.toString());
      DescribeExecutionResponse done = new ExecutionWatcher(sentinel.aws.sfn,
          new PrintStream(OutputStream.nullOutputStream())).follow(arns.get(0), Duration.ofMinutes(3));
      assertEquals(ExecutionStatus.SUCCEEDED, done.status(), done.cause());
      assertEquals(ONE_RECOVERY, recoveryMutations(sentinel));
      Recovery recovery = Json.read(done.output().getBytes(), Recovery.class);
      long joinedInTimeline = recovery.timeline().stream().filter(e -> e.event().equals("joined")).count();
      assertEquals(joined, joinedInTimeline, "every joined signal is in the recovery's timeline");
      assertTrue(joined >= 1, results.toString());
    }
  }

  @Test
  void withThirtyPercentOfAwsCallsFailingTheDrillStillVerifiesAndMutatesOnce() throws Exception {
    try (LocalSentinel sentinel = start(false, Map.of())) {
      sentinel.cloud.setFaultRate(0.3, 20260117L);
      Drill.Result[] result = new Drill.Result[1];
      String output = drill(sentinel, false, Drill.Gate.none(), result);
      sentinel.cloud.setFaultRate(0, 0);
      assertTrue(result[0].passed(), output);
      long injected = sentinel.cloud.calls().stream().filter(CallRecord::injectedFault).count();
      assertTrue(injected >= 5, "faults were injected: " + injected);
      assertEquals(ONE_RECOVERY, recoveryMutations(sentinel));
    }
  }

  @Test
  void withAThirdOfAwsResponsesLostAfterMotoAppliedThemEachMutationIsStillAppliedOnce() throws Exception {
    try (LocalSentinel sentinel = start(false, Map.of())) {
      sentinel.cloud.setLostResponseRate(0.3, 20260117L);
      Drill.Result[] result = new Drill.Result[1];
      String output = drill(sentinel, false, Drill.Gate.none(), result);
      sentinel.cloud.setLostResponseRate(0, 0);
      assertTrue(result[0].passed(), output);
      List<CallRecord> lost = sentinel.cloud.calls().stream().filter(CallRecord::responseLost).toList();
      assertTrue(lost.stream().anyMatch(CallRecord::mutating), "mutations whose answer was lost: " + lost);
      Map<String, Long> applied = sentinel.cloud.calls().stream().filter(CallRecord::applied)
          .filter(c -> ONE_RECOVERY.containsKey(c.action()))
          .collect(Collectors.groupingBy(CallRecord::action, Collectors.counting()));
      assertEquals(ONE_RECOVERY, applied, "applied at moto, lost answers included: " + lost);
    }
  }

  @Test
  void aDryRunChangesNothingAndItsPlanIsWhatTheRealRunDoes() throws Exception {
    List<String> planned;
    try (LocalSentinel sentinel = start(false, Map.of("DRY_RUN", "true"))) {
      Drill.Result[] result = new Drill.Result[1];
      String output = drill(sentinel, true, Drill.Gate.none(), result);
      assertTrue(result[0].passed(), output);
      assertEquals(Map.of(), recoveryMutations(sentinel));
      planned = result[0].recovery().plan().stream().map(PlannedCall::api).sorted().toList();
    }
    try (LocalSentinel sentinel = start(false, Map.of())) {
      Drill.Result[] result = new Drill.Result[1];
      drill(sentinel, false, Drill.Gate.none(), result);
      List<String> sent = recoveryMutations(sentinel).entrySet().stream()
          .flatMap(e -> java.util.Collections.nCopies(e.getValue().intValue(), e.getKey()).stream()).sorted()
          .toList();
      assertEquals(sent, planned);
    }
  }

  @Test
  void anApprovedGateLetsTheRecoveryFinishAndRecordsWhoApproved() throws Exception {
    try (LocalSentinel sentinel = start(true, Map.of())) {
      Drill.Result[] result = new Drill.Result[1];
      String output = drill(sentinel, false, Drill.Gate.approveAs("alice"), result);
      assertTrue(result[0].passed(), output);
      assertTrue(result[0].recovery().timeline().stream().anyMatch(e -> e.event().equals("approved")
          && e.detail().contains("alice")), output);
      assertTrue(output.contains("Approve UpdateSecret"), output);
    }
  }

  @Test
  void anUnansweredGateTimesOutAndLeavesEverythingAsItWas() throws Exception {
    var template = Templates.synthesize(RepoPaths.root(), "local", c -> c.withSafety(
        new ai.sentinel.dr.infra.EnvironmentConfig.Safety(List.of("UpdateSecret"), 1, c.safety().budget(),
            c.safety().lockLeaseMinutes())));
    try (LocalSentinel sentinel = LocalSentinel.start(template, Map.of(), Files.createTempDirectory("safety-it-"))) {
      String databaseSecret = DatabaseSettings.of(sentinel.config).secretId();
      String secretBefore = sentinel.aws.secrets.getSecretValue(b -> b.secretId(databaseSecret)).secretString();
      Drill.Result[] result = new Drill.Result[1];
      String output = drill(sentinel, false, Drill.Gate.human(), result);
      assertEquals(ExecutionStatus.FAILED, result[0].status(), output);
      String error = sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(result[0].executionArn())
          .maxResults(1000)).events().stream().filter(e -> e.taskTimedOutEventDetails() != null)
          .map(e -> e.taskTimedOutEventDetails().error()).findFirst().orElse("no timeout event");
      assertEquals("States.Timeout", error, output);
      assertEquals(secretBefore, sentinel.aws.secrets.getSecretValue(b -> b.secretId(databaseSecret)).secretString());
      Map<String, Long> mutations = recoveryMutations(sentinel);
      assertEquals(null, mutations.get("UpdateSecret"), mutations.toString());
      assertEquals(null, mutations.get("UpdateService"), mutations.toString());
    }
  }

  @Test
  void aRejectedGateStopsTheRecoveryBeforeTheSecretIsTouched() throws Exception {
    try (LocalSentinel sentinel = start(true, Map.of())) {
      String queue = DrillSafetyIT.subscribe(sentinel);
      Drill.Result[] result = new Drill.Result[1];
      String output = drill(sentinel, false, Drill.Gate.rejectAs("bob"), result);
      assertTrue(result[0].passed(), output);
      assertEquals(ExecutionStatus.FAILED, result[0].status());
      // the reason reaches the drill's verdict, the timeline and the report (moto dropped it: launcher F10)
      assertTrue(result[0].rejected(), output);
      assertTrue(output.contains("REJECTION HONORED (rejected by bob (arn:aws:"), output);
      assertTrue(output.contains("): drill rehearsal of a rejection"), output);
      assertTrue(Files.readString(result[0].reportFile()).contains("drill rehearsal of a rejection"),
          Files.readString(result[0].reportFile()));
      // the failure path leaks no secret either: logs, output, history, SNS, report
      String password = ai.sentinel.dr.database.DatabaseUrl.parse(sentinel.part(
          ai.sentinel.dr.drill.database.DatabaseSeed.class).secretValue()).password();
      DrillSafetyIT.assertNoSecret(DrillSafetyIT.readable(sentinel, result[0], output, queue), List.of(password));
      Map<String, Long> mutations = recoveryMutations(sentinel);
      assertEquals(null, mutations.get("UpdateSecret"), mutations.toString());
      assertEquals(null, mutations.get("UpdateService"), mutations.toString());
    }
  }
}
