package ai.sentinel.dr.infra.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.corruption.CompareTables;
import ai.sentinel.dr.corruption.DeleteCleanInstance;
import ai.sentinel.dr.corruption.Diagnose;
import ai.sentinel.dr.corruption.EnterMaintenance;
import ai.sentinel.dr.corruption.ExitMaintenance;
import ai.sentinel.dr.corruption.HoldMaintenance;
import ai.sentinel.dr.corruption.PointInTimeRestore;
import ai.sentinel.dr.corruption.RestoreTables;
import ai.sentinel.dr.corruption.VerifyData;
import ai.sentinel.dr.corruption.WaitForInstance;
import ai.sentinel.dr.infra.Synth;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scenario 5: the data-corruption state machine's order, its always-on gate, its failure paths and its IAM. */
public class CorruptionRecoveryStackTest {
  /** The corruption package's steps, each its own function. */
  public static final List<Class<?>> STEPS = List.of(Diagnose.class, EnterMaintenance.class,
      PointInTimeRestore.class, WaitForInstance.class, CompareTables.class, RestoreTables.class, VerifyData.class,
      ExitMaintenance.class, HoldMaintenance.class, DeleteCleanInstance.class);
  /** The steps that read the databases: in the VPC, with Lambda's longest timeout. */
  public static final Set<Class<?>> DATABASE_STEPS = Set.of(Diagnose.class, CompareTables.class,
      RestoreTables.class, VerifyData.class);
  private static final String F = "DataCorruptionRecoveryFunctions";
  private static final String ID = "data-corruption";

  private static Synth dev;
  private static Synth prod;
  private static JsonNode states;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
    prod = Synth.of("prod");
    states = dev.definition(ID).path("States");
  }

  private static String next(String state) {
    return states.path(state).path("Next").asText();
  }

  @Test
  void stepsFollowTheRunbook() {
    assertEquals("dev-sentinel-dr-data-corruption", dev.stateMachine(ID).path("StateMachineName").asText());
    assertEquals("AcquireLock", dev.definition(ID).path("StartAt").asText());
    assertEquals("Diagnose", next("AcquireLock"));
    JsonNode act = states.path(next("Diagnose"));
    assertEquals("Choice", act.path("Type").asText());
    assertTrue(act.path("Choices").toString().contains("$.diagnosis.act"));
    assertEquals("EnterMaintenance", act.path("Choices").path(0).path("Next").asText(),
        "writes stop before anything else happens");
    assertEquals("NotifyNoAction", act.path("Default").asText(), "no corrupted row found: no action");
    assertEquals("PointInTimeRestore", next("EnterMaintenance"));
    assertEquals("WaitForInstance", next("PointInTimeRestore"));
    JsonNode available = states.path("Clean copy available?");
    assertTrue(available.path("Choices").toString().contains("$.corruption.clean.available"));
    assertEquals("CompareTables", available.path("Choices").path(0).path("Next").asText());
    ai.sentinel.dr.infra.StateMachineAssert.assertEventWait(states, available.path("Default").asText(),
        "WaitForInstance");
    JsonNode compared = states.path(next("CompareTables"));
    assertEquals("CompareTables", compared.path("Default").asText(), "the compare resumes until done");
    JsonNode needed = states.path(compared.path("Choices").path(0).path("Next").asText());
    assertTrue(needed.path("Choices").toString().contains("$.corruption.compare.differs"));
    assertEquals("VerifyData", needed.path("Default").asText(), "nothing to repair: verify and resume");
    JsonNode restored = states.path(next("RestoreTables"));
    assertTrue(restored.path("Choices").toString().contains("$.corruption.restored"), restored.toString());
    assertEquals("VerifyData", restored.path("Choices").path(0).path("Next").asText());
    assertEquals("RestoreTables", restored.path("Default").asText(), "one table a run until every table is done");
    JsonNode verified = states.path(next("VerifyData"));
    assertTrue(verified.path("Choices").toString().contains("$.corruption.verify.done"), verified.toString());
    assertTrue(verified.path("Choices").path(0).toString().contains("$.verification.verified"), verified.toString());
    assertEquals("ExitMaintenance", verified.path("Choices").path(0).path("Next").asText(),
        "writes resume only after a passed verification");
    assertEquals("HoldMaintenance", verified.path("Choices").path(1).path("Next").asText(),
        "a failed verdict holds maintenance");
    assertEquals("VerifyData", verified.path("Default").asText(), "the verification resumes until done");
    assertEquals("DeleteCleanInstance", next("ExitMaintenance"));
    assertEquals("Notify", next("DeleteCleanInstance"));
  }

  /**
   * keepCleanInstanceHours: the outcome is notified and reported (the lock released) before the copy's retention;
   * then a Wait until the time DeleteCleanInstance recorded, and the deletion, looping if woken early.
   */
  @Test
  void aRetainedCleanCopyIsDeletedAfterTheReportAndItsWait() {
    JsonNode kept = states.path(next("Report"));
    assertEquals("Clean copy kept?", next("Report"));
    assertEquals("Recovered", kept.path("Default").asText(), "no retention: the recovery ends");
    assertTrue(kept.path("Choices").toString().contains("$.corruption.clean.deleteAfter"), kept.toString());
    JsonNode wait = states.path(kept.path("Choices").path(0).path("Next").asText());
    assertEquals("Wait", wait.path("Type").asText());
    assertEquals("$.corruption.clean.deleteAfter", wait.path("TimestampPath").asText());
    assertEquals("DeleteCleanInstance (after retention)", wait.path("Next").asText());
    assertEquals("Clean copy kept?", next("DeleteCleanInstance (after retention)"));
    assertEquals(states.path("DeleteCleanInstance").path("Resource").toString(),
        states.path("DeleteCleanInstance (after retention)").path("Resource").toString());
  }

  @Test
  void theRepairAlwaysWaitsForAHumanWhoSeesTheDiff() {
    for (Synth synth : List.of(dev, prod)) {
      JsonNode s = synth.definition(ID).path("States");
      JsonNode needed = s.path("Repair needed?");
      assertEquals("Dry-run? (RestoreTables)", needed.path("Choices").path(0).path("Next").asText());
      assertEquals("Approve RestoreTables", s.path("Dry-run? (RestoreTables)").path("Default").asText());
      JsonNode gate = s.path("Approve RestoreTables");
      assertTrue(gate.path("Resource").asText().contains("waitForTaskToken"));
      // an answer is acknowledged to the on-call first (AcknowledgeApproval), whichever it is
      assertEquals("Acknowledge RestoreTables", gate.path("Next").asText());
      assertEquals("RestoreTables", s.path("Acknowledge RestoreTables").path("Next").asText());
      // rejected: live was not changed, writes resume; anything else (the timeout too): maintenance is held
      assertEquals(List.of("Rejected"), Synth.list(gate.path("Catch").path(0), "ErrorEquals"));
      assertEquals("Acknowledge rejection of RestoreTables", gate.path("Catch").path(0).path("Next").asText());
      assertEquals("ExitMaintenance (rejected)", s.path("Acknowledge rejection of RestoreTables").path("Next")
          .asText());
      // where safety.approvalRepageMinutes is set, the first timeout re-pages and the re-page gate waits again;
      // its rejection, timeout or error ends as the first gate's would
      JsonNode last = gate;
      if ("States.Timeout".equals(gate.path("Catch").path(1).path("ErrorEquals").path(0).asText())) {
        assertEquals("Re-page RestoreTables", gate.path("Catch").path(1).path("Next").asText());
        last = s.path("Re-page RestoreTables");
        assertEquals("Acknowledge RestoreTables", last.path("Next").asText());
        assertEquals("Acknowledge rejection of RestoreTables", last.path("Catch").path(0).path("Next").asText());
        assertEquals("HoldMaintenance", gate.path("Catch").path(2).path("Next").asText());
      }
      JsonNode anyOther = last.path("Catch").path(last.path("Catch").size() - 1);
      assertEquals(List.of("States.ALL"), Synth.list(anyOther, "ErrorEquals"));
      assertEquals("HoldMaintenance", anyOther.path("Next").asText());
      assertEquals("NotifyFailure", s.path("ExitMaintenance (rejected)").path("Next").asText());
    }
  }

  @Test
  void aFailureAfterWritesStoppedHoldsMaintenanceAndTellsTheOnCall() {
    for (String step : List.of("EnterMaintenance", "PointInTimeRestore", "WaitForInstance", "CompareTables",
        "RestoreTables", "VerifyData", "ExitMaintenance", "ExitMaintenance (rejected)")) {
      assertEquals("HoldMaintenance", states.path(step).path("Catch").path(0).path("Next").asText(), step);
    }
    assertEquals("NotifyFailure", states.path("Diagnose").path("Catch").path(0).path("Next").asText(),
        "nothing was changed yet");
    assertEquals("NotifyFailure", next("HoldMaintenance"));
    assertEquals("NotifyFailure", states.path("HoldMaintenance").path("Catch").path(0).path("Next").asText());
  }

  @Test
  void eachStepMayTouchOnlyItsOwnResources() {
    Map<String, Set<String>> actions = new TreeMap<>();
    Map<String, Set<String>> resources = new TreeMap<>();
    prod.policyStatements().forEach((policy, statements) -> {
      if (policy.startsWith(F)) {
        String step = policy.substring(F.length()).replaceAll("Role.*", "");
        statements.forEach(st -> {
          // the function's own log stream and, in the VPC, its network interfaces are every function's
          actions.computeIfAbsent(step, k -> new TreeSet<>()).addAll(Synth.list(st, "Action").stream()
              .filter(a -> !a.startsWith("logs:") && !a.startsWith("ec2:")).toList());
          resources.computeIfAbsent(step, k -> new TreeSet<>()).addAll(Synth.list(st, "Resource"));
        });
      }
    });
    assertEquals(Set.of(), actions.getOrDefault("HoldMaintenance", Set.of()), "HoldMaintenance changes nothing");
    assertEquals(Set.of("elasticloadbalancing:CreateRule", "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeRules", "ssm:GetParameter",
        "ssm:PutParameter"), actions.get("EnterMaintenance"));
    assertTrue(actions.get("ExitMaintenance").contains("elasticloadbalancing:DeleteRule"));
    assertFalse(actions.get("EnterMaintenance").contains("elasticloadbalancing:DeleteRule"));
    assertEquals(Set.of("rds:DescribeDBInstances", "rds:DeleteDBInstance"), actions.get("DeleteCleanInstance"));
    assertEquals(Set.of("rds:DescribeDBInstances", "rds:DescribeDBInstanceAutomatedBackups", "ecs:DescribeServices",
        "secretsmanager:GetSecretValue"), actions.get("Diagnose"), "Diagnose reads only");
    assertEquals(Set.of("secretsmanager:GetSecretValue"), actions.get("CompareTables"));
    assertEquals(Set.of("secretsmanager:GetSecretValue"), actions.get("RestoreTables"));
    List<String> rds = new ArrayList<>();
    resources.forEach((step, rs) -> rs.stream().filter(r -> r.contains(":rds:") && r.contains(":db:"))
        .forEach(r -> rds.add(step + " " + r)));
    for (String r : rds) {
      assertTrue(r.endsWith(":db:sentinel-db-clean") || r.endsWith(":db:sentinel-db"), r);
      if (r.startsWith("DeleteCleanInstance") || r.startsWith("WaitForInstance")) {
        assertTrue(r.endsWith(":db:sentinel-db-clean"), "only the clean copy: " + r);
      }
    }
    assertTrue(resources.get("ExitMaintenance").stream().anyMatch(r -> r.contains(
        "listener-rule/app/sentinel-alb/*/*/*")), resources.get("ExitMaintenance").toString());
    assertTrue(resources.get("EnterMaintenance").stream().anyMatch(r -> r.contains(
        ":parameter/sentinel/maintenance-mode")), resources.get("EnterMaintenance").toString());
  }

  @Test
  void theDatabaseStepsRunInTheVpcWithTheLongestTimeout() {
    for (Class<?> step : STEPS) {
      JsonNode fn = prod.function(ai.sentinel.dr.infra.Names.function("prod-sentinel-dr", step));
      assertEquals(DATABASE_STEPS.contains(step), fn.has("VpcConfig"), step.getSimpleName());
      assertEquals(DATABASE_STEPS.contains(step) ? 900 : 60, fn.path("Timeout").asInt(), step.getSimpleName());
    }
  }
}
