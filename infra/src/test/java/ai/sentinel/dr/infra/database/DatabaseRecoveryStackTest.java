package ai.sentinel.dr.infra.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.database.ChooseOption;
import ai.sentinel.dr.database.DeleteScratchInstance;
import ai.sentinel.dr.database.Diagnose;
import ai.sentinel.dr.database.PointInTimeRestore;
import ai.sentinel.dr.database.RestoreFromSnapshot;
import ai.sentinel.dr.database.RestoreScratchInstance;
import ai.sentinel.dr.database.UpdateSecret;
import ai.sentinel.dr.database.Verify;
import ai.sentinel.dr.database.VerifyFailover;
import ai.sentinel.dr.database.VerifyScratchInstance;
import ai.sentinel.dr.database.WaitForInstance;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.Synth;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 1: the database state machine and what its functions may touch; the Testing Schedule's snapshot-restore
 * test, whose scratch instance is deleted on both paths.
 */
public class DatabaseRecoveryStackTest {
  /** The database package's steps (Scenario 1 and the restore test), each its own function. */
  public static final List<Class<?>> STEPS = List.of(Diagnose.class, ChooseOption.class, VerifyFailover.class,
      RestoreFromSnapshot.class, PointInTimeRestore.class, WaitForInstance.class, UpdateSecret.class, Verify.class,
      RestoreScratchInstance.class, VerifyScratchInstance.class,
      DeleteScratchInstance.class);
  /** The runbook's step names, as the state machine must show them. */
  private static final List<String> RUNBOOK_STATES = List.of("AcquireLock", "Diagnose", "ChooseOption", "Which option?",
      "VerifyFailover", "Failover done?", "Wait for failover", "RestoreFromSnapshot", "PointInTimeRestore",
      "WaitForInstance", "Instance available?", "Wait for instance", "UpdateSecret", "RestartServices",
      "WaitForServices", "Services stable?", "Wait for services", "Verify", "Notify", "Recovered", "NotifyFailure",
      "RecoveryFailed");

  private static Synth dev;
  private static JsonNode states;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
    states = dev.definition(DatabaseInfraScenario.ID).path("States");
  }

  @Test
  void stateMachineIsTheRunbooksScenario1() {
    JsonNode sm = dev.stateMachine(DatabaseInfraScenario.ID);
    assertEquals("dev-sentinel-dr-database-failure", sm.path("StateMachineName").asText());
    assertEquals("ALL", sm.path("LoggingConfiguration").path("Level").asText());
    assertTrue(sm.path("TracingConfiguration").path("Enabled").asBoolean());
    JsonNode definition = dev.definition(DatabaseInfraScenario.ID);
    assertEquals("AcquireLock", definition.path("StartAt").asText());
    Set<String> names = new TreeSet<>();
    states.fieldNames().forEachRemaining(names::add);
    assertTrue(names.containsAll(RUNBOOK_STATES), "missing " + diff(RUNBOOK_STATES, names));

    assertEquals("Diagnose", next("AcquireLock"));
    assertEquals(RecoveryStateMachine.ACT_CHOICE, next("Diagnose"));
    assertEquals("ChooseOption", states.path(RecoveryStateMachine.ACT_CHOICE).path("Choices").path(0).path("Next")
        .asText());
    assertEquals("Which option?", next("ChooseOption"));
    Map<String, String> options = new LinkedHashMap<>();
    states.path("Which option?").path("Choices").forEach(c -> {
      if (c.has("StringEquals")) {
        assertEquals("$.database.decision.option", c.path("Variable").asText());
        options.put(c.path("StringEquals").asText(), c.path("Next").asText());
      }
    });
    assertEquals(Map.of("A", "VerifyFailover", "B", "RestoreFromSnapshot", "C", "PointInTimeRestore"), options);
    assertEquals("NotifyFailure", next(states.path("Which option?").path("Default").asText()));

    assertLoop("VerifyFailover", "Failover done?", "$.database.failover.done", "Verify", "Wait for failover");
    assertEquals("WaitForInstance", next("RestoreFromSnapshot"));
    assertEquals("WaitForInstance", next("PointInTimeRestore"));
    assertLoop("WaitForInstance", "Instance available?", "$.database.restore.available", "UpdateSecret",
        "Wait for instance");
    assertEquals("RestartServices", next("UpdateSecret"));
    assertEquals("WaitForServices", next("RestartServices"));
    assertLoop("WaitForServices", "Services stable?", "$.services.stable", "Verify", "Wait for services");
    assertEquals("Notify", next("Verify"));
    assertEquals("Report", next("Notify"));
    assertEquals("Recovered", next("Report"));
    assertEquals("Succeed", states.path("Recovered").path("Type").asText());
  }

  /** IAM's ARN matching: '*' any run of characters, '?' exactly one. */
  private static boolean iamMatches(String pattern, String arn) {
    String regex = java.util.Arrays.stream(pattern.split("", -1)).map(c -> switch (c) {
      case "*" -> ".*";
      case "?" -> ".";
      default -> java.util.regex.Pattern.quote(c);
    }).collect(java.util.stream.Collectors.joining());
    return arn.matches(regex);
  }

  @Test
  void restoresTagOnlyWhatTheyCreateAndReadOnlyTheProtectedInstancesAutomatedSnapshots() {
    String rds = "arn:<Ref:AWS::Partition>:rds:us-east-1:<Ref:AWS::AccountId>:";
    String f = "DatabaseRecoveryFunctions";
    assertEquals(List.of(rds + "db:sentinel-db-pitr"), dev.resourcesOf(f + "PointInTimeRestore",
        "rds:AddTagsToResource"), "never tags the production instance it restores from");
    assertEquals(List.of(rds + "db:sentinel-db-recovery"), dev.resourcesOf(f + "RestoreFromSnapshot",
        "rds:AddTagsToResource"));
    List<String> restorable = dev.resourcesOf(f + "RestoreFromSnapshot", "rds:RestoreDBInstanceFromDBSnapshot");
    assertTrue(restorable.stream().anyMatch(p -> iamMatches(p, rds + "snapshot:rds:sentinel-db-2026-01-17-03-00")),
        restorable.toString());
    assertTrue(restorable.stream().noneMatch(p -> iamMatches(p,
        rds + "snapshot:rds:sentinel-db-staging-2026-01-17-03-00")), "a sibling's automated snapshot: " + restorable);
  }

  @Test
  void updateSecretIsScopedToTheSecretNotStar() {
    List<JsonNode> statements = dev.statementsOf("DatabaseRecoveryFunctionsUpdateSecret");
    JsonNode secret = statements.stream()
        .filter(s -> Synth.list(s, "Action").contains("secretsmanager:UpdateSecret")).findFirst().orElseThrow();
    assertEquals(List.of("arn:<Ref:AWS::Partition>:secretsmanager:us-east-1:<Ref:AWS::AccountId>:secret:"
        + "sentinel/database-url-??????"), Synth.list(secret, "Resource"));
  }

  @Test
  void theRestoreTestDeletesItsScratchInstanceAlsoWhenItFails() throws Exception {
    JsonNode states = dev.definition(RestoreTestInfraScenario.ID).path("States");
    assertEquals("DeleteScratchInstance", states.path("VerifyScratchInstance").path("Next").asText());
    assertEquals("Notify", states.path("DeleteScratchInstance").path("Next").asText());
    for (String step : List.of("Diagnose", "RestoreScratchInstance", "WaitForInstance", "VerifyScratchInstance")) {
      assertEquals(DatabaseRestoreTest.CLEAN_UP, states.path(step).path("Catch").path(0).path("Next").asText(),
          step + " fails into the cleanup");
    }
    assertEquals("NotifyFailure", states.path(DatabaseRestoreTest.CLEAN_UP).path("Next").asText());
    assertEquals("NotifyFailure", states.path(DatabaseRestoreTest.CLEAN_UP).path("Catch").path(0).path("Next")
        .asText(), "a cleanup that fails still tells the on-call");
    assertFalse(states.has("UpdateSecret"), "production's secret is never touched");
    assertFalse(states.has("RestartServices"), "nor its services");
  }

  @Test
  void theScratchStepsMayTouchOnlyTheScratchInstance() {
    String scratch = "arn:<Ref:AWS::Partition>:rds:us-east-1:<Ref:AWS::AccountId>:db:sentinel-db-drill";
    assertEquals(List.of(scratch), dev.resourcesOf("DatabaseRestoreTestFunctionsDeleteScratchInstance",
        "rds:DeleteDBInstance"));
    assertTrue(dev.resourcesOf("DatabaseRestoreTestFunctionsRestoreScratchInstance",
        "rds:RestoreDBInstanceFromDBSnapshot").contains(scratch));
    assertFalse(dev.resourcesOf("DatabaseRestoreTestFunctionsRestoreScratchInstance",
        "rds:RestoreDBInstanceFromDBSnapshot").stream().anyMatch(r -> r.endsWith(":db:sentinel-db")),
        "never restores over the original");
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  private static String next(String state) {
    return states.path(state).path("Next").asText();
  }

  /** poll → choice: field true → done, else wait → poll. */
  private static void assertLoop(String poll, String choice, String field, String done, String waitState) {
    assertEquals(choice, next(poll));
    JsonNode rule = states.path(choice).path("Choices").path(0);
    assertEquals(done, rule.path("Next").asText());
    assertTrue(rule.toString().contains("\"Variable\":\"" + field + "\",\"BooleanEquals\":true"), rule.toString());
    assertEquals(waitState, states.path(choice).path("Default").asText());
    ai.sentinel.dr.infra.StateMachineAssert.assertEventWait(states, waitState, poll);
  }

  private static List<String> diff(List<String> expected, Set<String> actual) {
    return expected.stream().filter(e -> !actual.contains(e)).toList();
  }
}
