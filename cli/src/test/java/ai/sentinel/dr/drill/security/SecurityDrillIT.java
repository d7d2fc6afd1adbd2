package ai.sentinel.dr.drill.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.security.MonitoringState;
import ai.sentinel.dr.security.SecuritySettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Scenario 6 end to end over HTTP on the local cloud: a GuardDuty finding (the API task role's credentials used from
 * an outside address) goes through the deployed rule's pattern to the security responder; the address is blocked at
 * WAF, both secrets are rotated by the deployed rotation functions (the database role's password really changes in
 * PostgreSQL), the evidence is preserved, all before anyone is asked; isolation and the restore happen after the
 * drill approved them; the recovery verifies itself. No secret value, old or new, appears anywhere an operator reads.
 */
class SecurityDrillIT {
  private static LocalSentinel sentinel;
  private static Drill.Result result;
  private static String output;
  private static String inbox;
  private static final Map<String, String> before = new LinkedHashMap<>();

  @BeforeAll
  static void runDrill() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("security-drill-it-"));
    for (String id : settings().rotation().secretIds()) {
      before.put(id, value(id));
    }
    inbox = subscribeEverything();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    result = Drill.of(sentinel, "security-incident", new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(false);
    output = buffer.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static SecuritySettings settings() {
    return SecuritySettings.of(sentinel.config);
  }

  private static String value(String secretId) {
    return sentinel.aws.secrets.getSecretValue(b -> b.secretId(secretId).versionStage("AWSCURRENT")).secretString();
  }

  /** A queue on every topic of the stack: whatever SNS carried (approvals, outcomes, alarms) lands in it. */
  private static String subscribeEverything() {
    String url = sentinel.aws.sqs.createQueue(b -> b.queueName("security-drill-it-all")).queueUrl();
    String arn = sentinel.aws.sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("QueueArn"))
        .attributesAsStrings().get("QueueArn");
    sentinel.deployment.topics().values().forEach(topic -> sentinel.aws.sns.subscribe(b -> b.topicArn(topic)
        .protocol("sqs").endpoint(arn)));
    return url;
  }

  private static List<HistoryEvent> history() {
    return sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(result.executionArn()).maxResults(1000))
        .events();
  }

  private static List<String> states() {
    return history().stream().filter(e -> e.type() == HistoryEventType.TASK_STATE_ENTERED)
        .map(e -> e.stateEnteredEventDetails().name()).toList();
  }

  @Test
  void drillEndsContainedAndVerified() {
    assertTrue(result.passed(), output);
    assertEquals(ExecutionStatus.SUCCEEDED, result.status(), output);
    assertTrue(result.recovery().verification().verified(), output);
    assertTrue(output.contains("CONTAINED and VERIFIED"), output);
    assertTrue(output.contains("matched by rule " + sentinel.config.environment()
        + "-sentinel-dr-security-guardduty-finding"), output);
  }

  @Test
  void reversibleContainmentRunsBeforeAnyoneIsAskedAndIsolationOnlyAfterApproval() {
    List<String> states = states();
    int approveIsolate = states.indexOf("Approve Isolate");
    assertTrue(approveIsolate > 0, states.toString());
    for (String step : List.of("Assess", "BlockIps", "RotateSecrets", "WaitForRotation", "RestartServices",
        "PreserveEvidence", "WaitForEvidence")) {
      int at = states.indexOf(step);
      assertTrue(at >= 0 && at < approveIsolate, step + " before the approval in " + states);
    }
    assertTrue(states.indexOf("Isolate") > approveIsolate, states.toString());
    assertTrue(states.indexOf("RestoreGradually") > states.indexOf("Approve RestoreGradually"), states.toString());
    assertEquals("VerifyContainment", states.get(states.indexOf("Notify") - 1), states.toString());
    List<TimelineEntry> approvals = result.recovery().timeline().stream().filter(e -> e.event().equals("approved"))
        .toList();
    assertEquals(3, approvals.size(), "isolation, the second round, the restore: " + approvals);
    int approveRound = states.indexOf("Approve SecondContainmentRound");
    assertTrue(approveRound > 0 && states.indexOf("RevokeFoundKeys") > approveRound, states.toString());
    assertEquals("BlockFoundIps", states.get(states.indexOf("RevokeFoundKeys") + 1), states.toString());
    assertTrue(approvals.stream().allMatch(e -> e.detail().contains("drill")), approvals.toString());
  }

  @Test
  void theAttackerIsBlockedTheHandEntryKeptNothingAllowListed() {
    List<String> set = SecurityIncidentDrill.ipSet(sentinel);
    assertTrue(set.contains(SecurityIncidentDrill.ATTACKER + "/32"), set.toString());
    assertTrue(set.contains(SecuritySeed.HAND_BLOCKED), set.toString());
    assertTrue(set.contains(SecurityIncidentDrill.ACCOMPLICE + "/32"), "found by the investigation, blocked in the "
        + "second round: " + set);
    assertEquals(3, set.size(), "the office's address the investigation also saw is not blocked: " + set);
  }

  @Test
  void bothSecretsHaveANewAwsCurrentAndTheDatabasePasswordReallyChanged() throws Exception {
    for (String id : settings().rotation().secretIds()) {
      assertNotEquals(before.get(id), value(id), id);
    }
    String dbId = settings().rotation().databaseSecretId();
    String address = sentinel.part(SecuritySeed.class).localAddress();
    try (var c = SecuritySeed.connect(value(dbId), address); var rs = c.createStatement().executeQuery("SELECT 1")) {
      assertTrue(rs.next());
    }
    var refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
        () -> SecuritySeed.connect(before.get(dbId), address).close());
    assertEquals("28P01", refused.getSQLState(), "the old password is refused");
  }

  @Test
  void theApiIsBackAtItsCount() {
    String api = settings().isolation().service();
    var service = ai.sentinel.dr.drill.ecs.EcsServiceFailure.describe(sentinel, api);
    assertEquals(3, service.desiredCount());
    assertEquals(3, service.runningCount());
    List<String> scaled = result.recovery().timeline().stream().filter(e -> "RestoreGradually".equals(e.step()))
        .map(TimelineEntry::detail).toList();
    assertFalse(scaled.isEmpty());
  }

  /**
   * Issue 14: the drill's health check after the recovery passes what Scenario 6 touched: the API isolated to 0 and
   * restored step by step is at its count with healthy targets, and /health answers at the front door.
   */
  @Test
  void theHealthCheckAfterTheRestorePassesTheServicesAndTheirTargets() {
    Map<String, String> after = ai.sentinel.dr.drill.HealthLines.at(output, "after the recovery");
    for (String check : List.of("ECS services", "ALB health", "API health")) {
      assertTrue(after.getOrDefault(check, "").startsWith("PASS  "), check + " after the recovery: " + after
          + "\n" + output);
    }
    assertTrue(after.get("ECS services").contains(settings().isolation().service() + " 3/3"), after.toString());
  }

  @Test
  void noSecretValueOldOrNewAppearsAnywhereAnOperatorReads() throws Exception {
    List<String> secrets = new ArrayList<>();
    for (String id : settings().rotation().secretIds()) {
      secrets.add(before.get(id));
      secrets.add(value(id));
    }
    String dbId = settings().rotation().databaseSecretId();
    secrets.add(DatabaseUrl.parse(before.get(dbId)).password());
    secrets.add(DatabaseUrl.parse(value(dbId)).password());
    StringBuilder sns = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      var messages = sentinel.aws.sqs.receiveMessage(b -> b.queueUrl(inbox).maxNumberOfMessages(10)
          .waitTimeSeconds(1)).messages();
      if (messages.isEmpty()) {
        break;
      }
      messages.forEach(m -> sns.append(m.body()).append('\n'));
    }
    assertTrue(sns.toString().contains("token: "), "the approval requests went through SNS: " + sns);
    String history = Json.write(history().stream().map(HistoryEvent::toString).toList());
    Map<String, String> places = Map.of("function logs", Files.readString(sentinel.functionLog()),
        "drill output", output, "execution history", history, "SNS messages", sns.toString(),
        "report", Files.readString(result.reportFile()));
    for (var place : places.entrySet()) {
      for (int i = 0; i < secrets.size(); i++) {
        assertFalse(place.getValue().contains(secrets.get(i)), "secret value #" + i + " in the " + place.getKey());
      }
    }
  }

  @Test
  void heightenedMonitoringAlarmsWereInPlaceAndTheirRemovalDeletedExactlyThem() {
    assertTrue(output.contains("PASS  heightened monitoring until"), output);
    assertTrue(output.contains("PASS  removal schedule"), output);
    assertTrue(output.contains("PASS  window ended"), output);
    List<String> states = states();
    assertEquals(states.indexOf("VerifyContainment") - 1, states.indexOf("HeightenedMonitoring"), states.toString());
    MonitoringState m = result.recovery().part(MonitoringState.PART);
    assertEquals(4, m.alarms().size(), m.toString());
    long hours = java.time.Duration.between(java.time.Instant.now(), java.time.Instant.parse(m.until())).toHours();
    assertTrue(hours >= 47 && hours <= 48, m.until());
    List<String> names = m.alarms().stream().map(MonitoringState.Alarm::name).toList();
    assertTrue(sentinel.aws.cloudWatch.describeAlarms(b -> b.alarmNames(names)).metricAlarms().isEmpty(),
        "removed when the window ended");
  }
}
