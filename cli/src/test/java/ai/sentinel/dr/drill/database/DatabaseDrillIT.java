package ai.sentinel.dr.drill.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.drill.DrillReports;
import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.HealthLines;
import ai.sentinel.dr.drill.HistoryText;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.drill.PrimaryDeployments;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.CallRecord;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * The main job, over HTTP on the local cloud: the primary is lost, the real alarm event reaches the responder (twice),
 * and the CDK-synthesized state machine recovers through the real handlers. Checked the way an SRE would check it:
 * in RDS, Secrets Manager, ECS and the execution history, not in the drill's own words.
 */
class DatabaseDrillIT {
  private static LocalSentinel sentinel;
  private static Drill.Result result;
  private static Map<String, String> deploymentsBefore;
  private static String drillOutput;

  @BeforeAll
  static void runDrill() throws Exception {
    Path root = RepoPaths.root();
    sentinel = LocalSentinel.start(Templates.synthesize(root, "local"), Map.of(),
        Files.createTempDirectory("database-drill-it-"));
    deploymentsBefore = PrimaryDeployments.of(sentinel);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    result = Drill.of(sentinel, "database-failure", new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(false);
    drillOutput = buffer.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  @Test
  void drillEndsVerified() {
    assertTrue(result.passed(), drillOutput);
    assertEquals(ExecutionStatus.SUCCEEDED, result.status(), drillOutput);
    assertTrue(result.recovery().verification().verified());
    assertTrue(drillOutput.contains("RECOVERED and VERIFIED"), drillOutput);
  }

  @Test
  void recoveryInstanceIsMultiAzPrivateInTheOriginalsNetwork() {
    DBInstance restored = sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier("sentinel-db-recovery"))
        .dbInstances().get(0);
    assertEquals("available", restored.dbInstanceStatus());
    assertTrue(restored.multiAZ());
    assertFalse(Boolean.TRUE.equals(restored.publiclyAccessible()));
    assertEquals(DatabaseSettings.of(sentinel.config).subnetGroup(), restored.dbSubnetGroup().dbSubnetGroupName());
    assertEquals(sentinel.part(DatabaseSeed.class).securityGroups(),
        restored.vpcSecurityGroups().stream().map(g -> g.vpcSecurityGroupId()).toList());
    // the original is gone, so its class comes from the environment config's fallback
    assertEquals(DatabaseSettings.of(sentinel.config).instanceClass(), restored.dbInstanceClass());
    assertEquals(result.executionArn().substring(result.executionArn().lastIndexOf(':') + 1),
        restored.tagList().stream().filter(t -> t.key().equals("sentinel-dr:execution")).findFirst().orElseThrow()
            .value());
  }

  @Test
  void secretHoldsTheNewEndpointWithTheOldCredentials() {
    DatabaseUrl before = DatabaseUrl.parse(sentinel.part(DatabaseSeed.class).secretValue());
    DatabaseUrl after = DatabaseUrl.parse(sentinel.aws.secrets.getSecretValue(b -> b.secretId(
        DatabaseSettings.of(sentinel.config).secretId())).secretString());
    DBInstance restored = sentinel.aws.rds.describeDBInstances(b -> b.dbInstanceIdentifier("sentinel-db-recovery"))
        .dbInstances().get(0);
    assertEquals(restored.endpoint().address(), after.host());
    assertNotEquals(before.host(), after.host());
    assertEquals(before.user(), after.user());
    assertEquals(before.password(), after.password());
    assertEquals(before.database(), after.database());
  }

  @Test
  void bothServicesGotANewDeployment() {
    Map<String, String> after = PrimaryDeployments.of(sentinel);
    assertEquals(Set.copyOf(EcsSettings.of(sentinel.config).services()), after.keySet());
    for (String service : EcsSettings.of(sentinel.config).services()) {
      assertNotEquals(deploymentsBefore.get(service), after.get(service), service + " was not redeployed");
    }
  }

  @Test
  void theExecutionRanThroughTheRealHandlers() {
    List<HistoryEvent> history = sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(result.executionArn())
        .maxResults(1000)).events();
    List<String> tasks = history.stream().filter(e -> e.type() == HistoryEventType.TASK_STATE_ENTERED)
        .map(e -> e.stateEnteredEventDetails().name()).toList();
    assertEquals(List.of("AcquireLock", "Diagnose", "ChooseOption", "RestoreFromSnapshot", "WaitForInstance",
        "UpdateSecret", "RestartServices", "WaitForServices", "Verify", "Notify", "Report"), tasks);
    // every task reached our gateway as a Lambda Invoke of the function the template names
    List<String> invoked = sentinel.cloud.calls().stream().filter(c -> "lambda".equals(c.service()))
        .map(CallRecord::action).toList();
    // scenario steps are named after their package (database-...), shared steps are not
    for (String fn : List.of("acquire-lock", "database-diagnose", "database-choose-option",
        "database-restore-from-snapshot", "database-wait-for-instance", "database-update-secret", "restart-services",
        "wait-for-services", "database-verify", "notify", "report")) {
      assertTrue(invoked.stream().anyMatch(a -> a.endsWith("local-sentinel-dr-" + fn)), fn + " not in " + invoked);
    }
    // and the handlers themselves logged each step under the execution's name
    String name = result.executionArn().substring(result.executionArn().lastIndexOf(':') + 1);
    String log = read(sentinel.functionLog());
    assertTrue(log.contains("\"correlationId\":\"" + name + "\",\"event\":\"step.finished\""), log);
  }

  @Test
  void theDuplicatedEventStartedOneExecution() {
    int executions = sentinel.aws.sfn.listExecutions(b -> b.stateMachineArn(sentinel.stateMachine(
        "database-failure"))).executions().size();
    assertEquals(1, executions);
    assertTrue(drillOutput.contains("redelivered: ignore - duplicate"), drillOutput);
  }

  /** The execution history with the states' data (HistoryText: the SDK's own toString hides it), and the report. */
  @Test
  void noSecretValueInAnyLogLineHistoryOrReport() throws Exception {
    String password = DatabaseUrl.parse(sentinel.part(DatabaseSeed.class).secretValue()).password();
    assertNotNull(password);
    Map.of("function logs", read(sentinel.functionLog()), "drill output", drillOutput,
        "execution history", HistoryText.of(sentinel, result.executionArn()),
        "report", Files.readString(result.reportFile())).forEach((where, text) ->
            assertFalse(text.contains(password), "the database password in the " + where));
  }

  @Test
  void theOnCallWasNotified() {
    assertTrue(result.recovery().timeline().stream().anyMatch(e -> e.step().equals("Notify")
        && e.detail().startsWith("RECOVERED (verified)")), result.recovery().timeline().toString());
    long published = sentinel.cloud.calls().stream().filter(c -> "sns".equals(c.service())
        && "Publish".equals(c.action()) && c.succeeded()).count();
    // one outcome (Notify) and one summary of the post-incident report (Report), however often the event came
    assertEquals(2, published);
  }

  @Test
  void everyRecoveryEndsWithAPostIncidentReportInTheRunbooksTemplate() throws Exception {
    String bucket = sentinel.deployment.environmentOf(sentinel.deployment.functionFor(
        ai.sentinel.dr.report.Report.class)).get("REPORT_BUCKET");
    String name = result.executionArn().substring(result.executionArn().lastIndexOf(':') + 1);
    String stored = sentinel.aws.s3.getObjectAsBytes(b -> b.bucket(bucket)
        .key("reports/database-failure/" + name + ".md")).asUtf8String();
    List<String> headings = stored.lines().filter(l -> l.startsWith("#")).toList();
    assertEquals(List.of("## Incident Report: [DRILL] Database failure on sentinel-db (Option B: restore from "
        + "snapshot)",
        "### Timeline", "### Root Cause", "### Resolution", "### Lessons Learned", "### Action Items",
        "### Metrics"), headings.subList(0, 7));
    assertTrue(stored.contains("| RTO | Database Failure (Complete) | 30 minutes |"), stored);
    assertEquals(stored, Files.readString(result.reportFile()));
    DrillReports.assertComplete(stored);
    // the local cloud's load balancer counted the injected outage: every request failed from the signal to verified
    String impact = stored.lines().filter(l -> l.startsWith("- Customer Impact: ")).findFirst().orElseThrow();
    assertTrue(impact.startsWith("- Customer Impact: none: drill (local cloud: drills only, no customer traffic); "
        + "load balancer over the window: 100% of requests failed: "), impact);
    assertTrue(impact.contains(" on app/sentinel-alb/"), impact);
    assertTrue(stored.contains("Underlying cause: the primary instance sentinel-db no longer exists "
        + "(DBInstanceNotFound)"), stored);
    JsonNode json = ai.sentinel.dr.common.Json.tree(sentinel.aws.s3.getObjectAsBytes(b -> b.bucket(bucket)
        .key("reports/database-failure/" + name + ".json")).asUtf8String());
    assertEquals("SUCCEEDED", json.path("status").asText(), json.toString());
    // the same report, rebuilt from Step Functions alone by ./sentinel report
    String rebuilt = ai.sentinel.dr.report.ReportRenderer.markdown(
        ai.sentinel.dr.drill.LocalTraffic.rebuild(sentinel.aws, sentinel.deployment, result.executionArn()));
    assertEquals(headings, rebuilt.lines().filter(l -> l.startsWith("#")).toList());
    // and its numbers went to CloudWatch as Embedded Metric Format
    assertTrue(read(sentinel.functionLog()).lines().anyMatch(l -> l.contains("\"_aws\"")
        && l.contains("\"RTO\"") && l.contains(name)), "EMF line with RTO for this execution");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Issue 14: the health check after the recovery passes the checks this scenario touches, on the resource the
   * application now uses (the restored one the secret points at), not on the original the recovery replaced.
   */
  @Test
  void theHealthCheckAfterTheRecoveryPassesWhatTheScenarioTouchedOnTheRestoredResource() {
    Map<String, String> after = HealthLines.at(drillOutput, "after the recovery");
    for (String check : List.of("RDS status", "ECS services")) {
      assertTrue(after.getOrDefault(check, "").startsWith("PASS  "), check + " after the recovery: " + after
          + "\n" + drillOutput);
    }
    assertTrue(after.get("RDS status").startsWith("PASS  sentinel-db-recovery available"), after.toString());
  }
}
