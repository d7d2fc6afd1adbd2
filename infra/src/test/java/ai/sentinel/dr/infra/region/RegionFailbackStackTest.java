package ai.sentinel.dr.infra.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.Synth;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scenario 4's Failback Procedure in the DR stack: its order, its two gates (always), the automatic return to DR on
 * a regression, and IAM that changes in the primary region only what the failback makes or repoints there.
 */
class RegionFailbackStackTest {
  private final RegionSynth dev = RegionSynth.of("dev");

  private JsonNode states() throws Exception {
    JsonNode sm = dev.properties("AWS::StepFunctions::StateMachine").stream()
        .filter(p -> "dev-sentinel-dr-region-failback".equals(p.path("StateMachineName").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no failback state machine"));
    return Synth.JSON.readTree(Synth.render(sm.path("DefinitionString"))).path("States");
  }

  private static String next(JsonNode states, String state) {
    return states.path(state).path("Next").asText();
  }

  /** The Choice's target for {@code verdict} ({@code $.failback.traffic.verdict} equals it). */
  private static String when(JsonNode choice, String verdict) {
    for (JsonNode c : choice.path("Choices")) {
      if (verdict.equals(c.path("StringEquals").asText())) {
        assertEquals("$.failback.traffic.verdict", c.path("Variable").asText());
        return c.path("Next").asText();
      }
    }
    return null;
  }

  @Test
  void theFailbackReplicatesRestoresAndRestartsBeforeItsFirstGateThenShiftsTrafficStepByStep() throws Exception {
    assertEquals(List.of(), dev.config.safety().approvalSteps(), "dev gates nothing: both gates are built anyway");
    JsonNode states = states();
    assertEquals("CheckPrimaryHealth", next(states, "AcquireLock"));
    assertEquals("ReplicateToPrimary", next(states, "CheckPrimaryHealth"));
    assertEquals("Replica in primary?", next(states, "ReplicateToPrimary"));
    assertEquals("RestorePrimary", states.path("Replica in primary?").path("Choices").get(0).path("Next").asText());
    assertEquals("Primary instance available?", next(states, "RestorePrimary"));
    assertEquals("UpdatePrimarySecret", states.path("Primary instance available?").path("Choices").get(0)
        .path("Next").asText());
    assertEquals("RestartPrimaryServices", next(states, "UpdatePrimarySecret"));
    assertEquals("Dry-run? (ShiftTraffic)", states.path("Primary services stable?").path("Choices").get(0)
        .path("Next").asText());
    assertEquals("Approve ShiftTraffic", states.path("Dry-run? (ShiftTraffic)").path("Default").asText());
    assertTrue(states.path("Approve ShiftTraffic").path("Resource").asText().endsWith(".waitForTaskToken"));
    assertEquals("Acknowledge ShiftTraffic", next(states, "Approve ShiftTraffic"));
    assertEquals("ShiftTraffic", next(states, "Acknowledge ShiftTraffic"));
    assertEquals("Soak", next(states, "ShiftTraffic"));
    assertEquals("$.failback.traffic.soakSeconds", states.path("Soak").path("SecondsPath").asText());
    assertEquals("CheckTraffic", next(states, "Soak"));
    JsonNode judged = states.path("Traffic healthy?");
    assertEquals("ShiftTraffic", when(judged, "advance"), "the next share after a healthy soak");
    assertEquals("Soak", when(judged, "soak"), "a change not yet in sync is judged again after another soak");
    assertEquals("RestoreCloudFrontOrigin", when(judged, "complete"));
    assertEquals("ReturnToDr", judged.path("Default").asText(), "anything else, a regression, returns to DR");
    assertEquals("NotifyFailure", next(states, "ReturnToDr"), "and the failback ends failed, the on-call told");
  }

  @Test
  void theDrPlatformIsDecommissionedOnlyAfterASecondApprovalAndTheFailbackIsVerifiedAfterIt() throws Exception {
    JsonNode states = states();
    assertEquals("Dry-run? (DecommissionDr)", next(states, "RestoreCloudFrontOrigin"));
    assertEquals("Approve DecommissionDr", states.path("Dry-run? (DecommissionDr)").path("Default").asText());
    assertEquals("Acknowledge DecommissionDr", next(states, "Approve DecommissionDr"));
    assertEquals("DecommissionDr", next(states, "Acknowledge DecommissionDr"));
    assertEquals("VerifyFailback", next(states, "DecommissionDr"));
    assertEquals("Notify", next(states, "VerifyFailback"));
    for (String step : List.of("CheckPrimaryHealth", "ReplicateToPrimary", "ShiftTraffic", "CheckTraffic",
        "DecommissionDr", "VerifyFailback")) {
      assertEquals("NotifyFailure", states.path(step).path("Catch").get(0).path("Next").asText(), step);
    }
  }

  @Test
  void theManualResponderMayStartTheFailbackAndItsFunctionsAreTheDrStacks() {
    for (String step : List.of("check-primary-health", "replicate-to-primary", "restore-primary",
        "update-primary-secret", "restart-primary-services", "shift-traffic", "check-traffic", "return-to-dr",
        "restore-cloud-front-origin", "decommission-dr", "verify-failback")) {
      assertNotNull(dev.function("dev-sentinel-dr-region-" + step));
    }
    List<String> start = dev.resourcesOf("TriggersManualResponder", "states:StartExecution");
    assertEquals(2, start.size(), start.toString());
    assertTrue(start.stream().anyMatch(a -> a.startsWith("<Ref:RegionFailbackStateMachine")), start.toString());
    List<String> health = dev.resourcesOf("TriggersHealthEventResponder", "states:StartExecution");
    assertEquals(1, health.size(), "an AWS Health event never starts a failback: " + health);
  }

  @Test
  void inThePrimaryRegionItChangesOnlyWhatTheFailbackMakesOrRepointsThere() {
    List<String> secret = dev.resourcesOf("RegionFailbackFunctionsUpdatePrimarySecret",
        "secretsmanager:UpdateSecret");
    assertEquals(1, secret.size());
    assertTrue(secret.get(0).matches("arn:.*:secretsmanager:us-east-1:.*:secret:sentinel/database-url-\\?{6}"),
        secret.get(0));
    List<String> restore = dev.resourcesOf("RegionFailbackFunctionsRestorePrimary",
        "rds:RestoreDBInstanceFromDBSnapshot");
    assertTrue(restore.stream().anyMatch(r -> r.matches("arn:.*:rds:us-east-1:.*:db:sentinel-db-failback")),
        restore.toString());
    assertFalse(restore.stream().anyMatch(r -> r.matches("arn:.*:db:sentinel-db")), "never the original");
    List<String> copy = dev.resourcesOf("RegionFailbackFunctionsReplicateToPrimary", "rds:CopyDBSnapshot");
    assertTrue(copy.stream().allMatch(r -> r.matches("arn:.*:rds:(us-east-1|eu-west-1):.*:snapshot:"
        + "sentinel-db-dr-failback-\\*")), copy.toString());
    List<String> delete = dev.resourcesOf("RegionFailbackFunctionsDecommissionDr", "rds:DeleteDBInstance");
    assertEquals(1, delete.size());
    assertTrue(delete.get(0).matches("arn:.*:rds:eu-west-1:.*:db:sentinel-db-dr"), delete.get(0));
    List<JsonNode> primaryWrites = new ArrayList<>();
    dev.statements("RegionFailback").forEach(st -> {
      if (st.toString().contains("us-east-1") && Synth.list(st, "Action").stream().anyMatch(a ->
          !a.matches("(rds|ecs|ec2|secretsmanager|elasticloadbalancing|cloudwatch):(Describe|Get).*"))) {
        primaryWrites.add(st);
      }
    });
    primaryWrites.forEach(st -> Synth.list(st, "Action").forEach(a -> assertTrue(a.matches("rds:(CopyDBSnapshot|"
        + "AddTagsToResource|RestoreDBInstanceFromDBSnapshot|DescribeDBSnapshots|DescribeDBInstances|"
        + "CreateDBSnapshot)|secretsmanager:(GetSecretValue|UpdateSecret)|ecs:(DescribeServices|UpdateService)|"
        + "kms:(DescribeKey|CreateGrant|Decrypt)"), a + " in " + st)));
    assertFalse(primaryWrites.toString().contains("rds:DeleteDBInstance"));
  }

  @Test
  void anEnvironmentWithoutAFailbackSectionDeploysNoFailback() {
    RegionSynth prod = RegionSynth.of("prod");
    assertNull(prod.stack.failback());
    assertTrue(prod.properties("AWS::StepFunctions::StateMachine").stream()
        .noneMatch(p -> p.path("StateMachineName").asText().endsWith("-failback")));
  }
}
