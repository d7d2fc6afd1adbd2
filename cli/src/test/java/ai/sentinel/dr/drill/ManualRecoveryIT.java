package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.drill.database.DatabaseSeed;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CallRecord;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.ManualResponder;
import ai.sentinel.dr.trigger.RdsEventResponder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Manual invokes and bad input over HTTP on the local cloud, with the original database still running: restores
 * must carry the original's own settings (not the config's fallbacks), and rejected or ignored payloads must reach no
 * AWS API at all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManualRecoveryIT {
  private static LocalSentinel sentinel;

  @BeforeAll
  static void start() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("manual-recovery-it-"));
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static JsonNode invoke(Class<?> handler, byte[] payload) {
    String fn = sentinel.deployment.functionFor(handler);
    return Json.tree(sentinel.aws.lambda.invoke(b -> b.functionName(fn).payload(SdkBytes.fromByteArray(payload)))
        .payload().asUtf8String());
  }

  private static byte[] sample(String file) throws Exception {
    return Files.readAllBytes(RepoPaths.root().resolve("events").resolve(file));
  }

  private static DescribeExecutionResponse await(String executionArn) throws InterruptedException {
    return new ExecutionWatcher(sentinel.aws.sfn, new PrintStream(OutputStream.nullOutputStream()))
        .follow(executionArn, Duration.ofMinutes(3));
  }

  private static List<String> securityGroups(DBInstance i) {
    return i.vpcSecurityGroups().stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList();
  }

  @Test
  @Order(1)
  void rejectedAndIgnoredPayloadsTouchNoAwsApi() throws Exception {
    Map<Class<?>, List<String>> payloads = Map.of(
        ManualResponder.class, List.of("invalid-malformed-json.json", "invalid-wrong-types.json",
            "invalid-unknown-envelope.json", "invalid-unknown-runbook.json", "invalid-unprotected-resource.json",
            "invalid-drill-real-run.json", "invalid-manual-option-b-restore-time.json",
            "invalid-manual-sibling-snapshot.json", "invalid-manual-foreign-account-snapshot.json",
            "invalid-oversize-echo.json"),
        AlarmResponder.class, List.of("alarm-eventbridge-rds-connections-ok.json",
            "alarm-eventbridge-other-instance.json", "alarm-eventbridge-composite-suppressed.json",
            "alarm-eventbridge-foreign-account.json", "alarm-eventbridge-foreign-region.json",
            "alarm-eventbridge-stale.json", "alarm-eventbridge-future.json", "alarm-sns-foreign-topic.json"),
        RdsEventResponder.class, List.of("rds-eventbridge-other-instance.json", "rds-eventbridge-backup.json",
            "rds-eventbridge-restarted.json", "rds-sns-backup-started.json"));
    sentinel.cloud.clearCalls();
    int invokes = 0;
    for (var entry : payloads.entrySet()) {
      for (String file : entry.getValue()) {
        JsonNode answer = invoke(entry.getKey(), sample(file));
        assertTrue(List.of("reject", "ignore").contains(answer.path("action").asText()), file + ": " + answer);
        invokes++;
      }
    }
    byte[] oversize = new byte[300 * 1024];
    java.util.Arrays.fill(oversize, (byte) ' ');
    assertEquals("reject", invoke(ManualResponder.class, oversize).path("action").asText());
    invokes++;
    // RDS-EVENT-0006 (restarted) reads whether a recovery of the instance runs, to join it as evidence: one read of
    // the lock table and nothing else; every other payload makes no AWS call behind the invoke
    List<CallRecord> calls = sentinel.cloud.calls();
    List<CallRecord> behind = calls.stream().filter(c -> !"lambda".equals(c.service())).toList();
    assertEquals(invokes, calls.size() - behind.size(), calls.toString());
    assertEquals(List.of("dynamodb:GetItem"), behind.stream().map(c -> c.service() + ":" + c.action()).toList(),
        "only our own Lambda invokes and the evidence event's lock read: " + calls);
  }

  @Test
  @Order(2)
  void manualOptionBRestoresWithTheOriginalsOwnSettings() throws Exception {
    DBInstance original = sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier("sentinel-db"))
        .dbInstances().get(0);
    JsonNode answer = invoke(ManualResponder.class,
        "{\"runbook\":\"database-failure\",\"option\":\"B\",\"requestId\":\"it-option-b\"}".getBytes());
    assertEquals("start", answer.path("action").asText(), answer.toString());
    DescribeExecutionResponse done = await(answer.path("executionArn").asText());
    assertEquals(ExecutionStatus.SUCCEEDED, done.status(), done.cause());
    DBInstance restored = sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier("sentinel-db-recovery"))
        .dbInstances().get(0);
    assertEquals(DatabaseSeed.ORIGINAL_CLASS, original.dbInstanceClass());
    assertEquals(original.dbInstanceClass(), restored.dbInstanceClass());
    assertEquals(securityGroups(original), securityGroups(restored));
    assertEquals(original.dbSubnetGroup().dbSubnetGroupName(), restored.dbSubnetGroup().dbSubnetGroupName());
    assertTrue(restored.multiAZ());
  }

  @Test
  @Order(3)
  void manualOptionCRestoresToAPointInTimeWithTheOriginalsSettings() throws Exception {
    JsonNode answer = invoke(ManualResponder.class, ("{\"runbook\":\"database-failure\",\"option\":\"C\","
        + "\"restoreTime\":\"latest\",\"requestId\":\"it-option-c\"}").getBytes());
    DescribeExecutionResponse done = await(answer.path("executionArn").asText());
    assertEquals(ExecutionStatus.SUCCEEDED, done.status(), done.cause());
    DBInstance pitr = sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier("sentinel-db-pitr"))
        .dbInstances().get(0);
    assertEquals(DatabaseSeed.ORIGINAL_CLASS, pitr.dbInstanceClass());
    assertTrue(pitr.multiAZ());
    String secretHost = ai.sentinel.dr.database.DatabaseUrl.parse(sentinel.aws.secrets.getSecretValue(b -> b
        .secretId(DatabaseSettings.of(sentinel.config).secretId())).secretString()).host();
    assertEquals(pitr.endpoint().address(), secretHost);
  }

  @Test
  @Order(4)
  void aRestoreTargetLeftByAnotherRecoveryIsNotAdopted() throws Exception {
    // sentinel-db-recovery exists from the Option B run: a new recovery must stop and escalate, not reuse it
    JsonNode answer = invoke(ManualResponder.class,
        "{\"runbook\":\"database-failure\",\"option\":\"B\",\"requestId\":\"it-option-b-again\"}".getBytes());
    DescribeExecutionResponse done = await(answer.path("executionArn").asText());
    assertEquals(ExecutionStatus.FAILED, done.status());
    var events = sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(done.executionArn()).maxResults(1000))
        .events();
    String cause = events.stream().filter(e -> e.lambdaFunctionFailedEventDetails() != null)
        .map(e -> e.lambdaFunctionFailedEventDetails().error() + " " + e.lambdaFunctionFailedEventDetails().cause())
        .findFirst().orElse("no failed task");
    assertTrue(cause.contains("StepFailedError") && cause.contains("not created by this recovery"), cause);
    assertTrue(events.stream().anyMatch(e -> e.stateEnteredEventDetails() != null
        && "NotifyFailure".equals(e.stateEnteredEventDetails().name())), "the on-call was told");
    assertEquals(1, sentinel.aws.rds.describeDBInstances().dbInstances().stream()
        .filter(i -> i.dbInstanceIdentifier().equals("sentinel-db-recovery")).count());
  }
}
