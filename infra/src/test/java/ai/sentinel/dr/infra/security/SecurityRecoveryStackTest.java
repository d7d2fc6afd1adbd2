package ai.sentinel.dr.infra.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.infra.StateMachineAssert;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.recovery.RequestApproval;
import ai.sentinel.dr.security.Assess;
import ai.sentinel.dr.security.BlockIps;
import ai.sentinel.dr.security.DatabaseSecretRotator;
import ai.sentinel.dr.security.HeightenedMonitoring;
import ai.sentinel.dr.security.Investigate;
import ai.sentinel.dr.security.Isolate;
import ai.sentinel.dr.security.JwtSecretRotator;
import ai.sentinel.dr.security.PreserveEvidence;
import ai.sentinel.dr.security.PruneBlocks;
import ai.sentinel.dr.security.RestoreGradually;
import ai.sentinel.dr.security.RevokeApiKeys;
import ai.sentinel.dr.security.RotateSecrets;
import ai.sentinel.dr.security.WaitForEvidence;
import ai.sentinel.dr.security.VerifyContainment;
import ai.sentinel.dr.security.WaitForRotation;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scenario 6: the security incident state machine's decisions, its functions and what they may touch. */
public class SecurityRecoveryStackTest {
  /**
   * The security package's steps, each its own function, and the shared RequestApproval, which Isolate's and
   * RestoreGradually's gates need in every environment.
   */
  public static final List<Class<?>> STEPS = List.of(RequestApproval.class, Assess.class, BlockIps.class,
      RevokeApiKeys.class,
      RotateSecrets.class, WaitForRotation.class, JwtSecretRotator.class, DatabaseSecretRotator.class,
      PreserveEvidence.class, WaitForEvidence.class, Isolate.class, RestoreGradually.class, PruneBlocks.class,
      VerifyContainment.class, Investigate.class, HeightenedMonitoring.class);
  private static final String F = "SecurityRecoveryFunctions";

  private static Synth dev;
  private static Synth prod;
  private static JsonNode states;

  @BeforeAll
  static void synth() {
    dev = Synth.of("dev");
    prod = Synth.of("prod");
    states = dev.definition("security-incident").path("States");
  }

  @Test
  void stateMachineAssessesThenContains() {
    assertEquals("dev-sentinel-dr-security-incident",
        dev.stateMachine("security-incident").path("StateMachineName").asText());
    assertEquals("AcquireLock", dev.definition("security-incident").path("StartAt").asText());
    assertEquals("Assess", states.path("AcquireLock").path("Next").asText());
    // reversible containment first: nothing waits for the isolation's approval
    assertEquals("Block IPs?", states.path("Assess").path("Next").asText());
    JsonNode block = states.path("Block IPs?");
    assertEquals("BlockIps", block.path("Choices").path(0).path("Next").asText());
    assertTrue(block.path("Choices").toString().contains("$.security.assessment.containment.blockIps"));
    assertEquals("Revoke API keys?", block.path("Default").asText(), "nothing to block: the next containment");
    assertEquals("Revoke API keys?", states.path("BlockIps").path("Next").asText());
    JsonNode revoke = states.path("Revoke API keys?");
    assertEquals("RevokeApiKeys", revoke.path("Choices").path(0).path("Next").asText());
    assertTrue(revoke.path("Choices").toString().contains("$.security.assessment.containment.revokeApiKeys"));
    assertEquals("RotateSecrets", revoke.path("Default").asText());
    assertEquals("RotateSecrets", states.path("RevokeApiKeys").path("Next").asText());
  }

  @Test
  void secretsAreRotatedThenTheServicesRestartedOntoThem() {
    assertEquals("WaitForRotation", states.path("RotateSecrets").path("Next").asText());
    assertEquals("Secrets rotated?", states.path("WaitForRotation").path("Next").asText());
    JsonNode rotated = states.path("Secrets rotated?");
    assertTrue(rotated.path("Choices").toString().contains("$.rotation.done"));
    assertEquals("RestartServices", rotated.path("Choices").path(0).path("Next").asText());
    assertEquals("Wait for rotation", rotated.path("Default").asText(), "a Wait state, never a sleep in a Lambda");
    // ends on Secrets Manager's Secret Label Updated (AWSCURRENT moved), else after pollSeconds
    StateMachineAssert.assertEventWait(states, "Wait for rotation", "WaitForRotation");
  }

  @Test
  void isolationAndTheRestoreAlwaysWaitForAHumanInEveryEnvironment() {
    for (Synth env : List.of(dev, prod)) {
      JsonNode s = env.definition("security-incident").path("States");
      JsonNode isolate = s.path("Isolate?");
      assertTrue(isolate.path("Choices").toString().contains("$.security.assessment.containment.isolate"));
      assertEquals("Dry-run? (Isolate)", isolate.path("Choices").path(0).path("Next").asText());
      assertEquals("Approve Isolate", s.path("Dry-run? (Isolate)").path("Default").asText());
      assertEquals("Acknowledge Isolate", s.path("Approve Isolate").path("Next").asText());
      assertEquals("Isolate", s.path("Acknowledge Isolate").path("Next").asText());
      assertTrue(s.path("Approve Isolate").path("Resource").asText().contains("waitForTaskToken"));
      assertEquals("Investigate", s.path("Evidence preserved?").path("Choices").path(0).path("Next").asText());
      JsonNode second = s.path("Second round?");
      assertEquals("Second round?", s.path("Investigate").path("Next").asText());
      assertTrue(second.path("Choices").toString().contains("$.security.investigation.secondRound"));
      assertEquals("Dry-run? (SecondContainmentRound)", second.path("Choices").path(0).path("Next").asText());
      assertEquals("Approve SecondContainmentRound", s.path("Dry-run? (SecondContainmentRound)").path("Default")
          .asText(), "keys and addresses the investigation found are contained only after an approval");
      assertEquals("RevokeFoundKeys", s.path("Acknowledge SecondContainmentRound").path("Next").asText(),
          "the round's approval leads to its first step");
      assertEquals("SecondContainmentRound", s.path("Approve SecondContainmentRound").path("Parameters")
          .path("Payload").path("step").asText(), "RequestApproval asks the scenario to explain the round");
      assertEquals("BlockFoundIps", s.path("RevokeFoundKeys").path("Next").asText(),
          "one approval for the second round: keys, then addresses");
      assertEquals("Isolate?", s.path("BlockFoundIps").path("Next").asText());
      assertEquals(s.path("BlockIps").path("Parameters").path("FunctionName"), s.path("BlockFoundIps")
          .path("Parameters").path("FunctionName"), "the BlockIps function again: no function of its own");
      assertEquals(s.path("RevokeApiKeys").path("Parameters").path("FunctionName"), s.path("RevokeFoundKeys")
          .path("Parameters").path("FunctionName"));
      assertEquals("Isolate?", second.path("Default").asText(), "isolation after every reversible containment");
      assertEquals("Restore?", isolate.path("Default").asText());
      assertEquals("Restore?", s.path("Isolate").path("Next").asText());
      JsonNode restore = s.path("Restore?");
      assertTrue(restore.path("Choices").toString().contains("$.security.isolation.service"));
      assertEquals("HeightenedMonitoring", restore.path("Default").asText(), "nothing isolated: nothing to restore");
      assertEquals("HeightenedMonitoring", s.path("Service restored?").path("Choices").path(0).path("Next")
          .asText());
      assertEquals("VerifyContainment", s.path("HeightenedMonitoring").path("Next").asText());
      assertEquals("Notify", s.path("VerifyContainment").path("Next").asText(), "success only after verification");
      assertEquals("Approve RestoreGradually", s.path("Dry-run? (RestoreGradually)").path("Default").asText());
      assertEquals("Acknowledge RestoreGradually", s.path("Approve RestoreGradually").path("Next").asText());
      assertEquals("RestoreGradually", s.path("Acknowledge RestoreGradually").path("Next").asText());
      assertEquals("Service restored?", s.path("RestoreGradually").path("Next").asText());
      assertTrue(s.path("Service restored?").path("Choices").toString().contains("$.security.restore.done"));
      // a step under way ends its wait on ECS's SERVICE_STEADY_STATE; a step stable before pollSeconds soaks the
      // rest ($.security.restore.soakSeconds, a plain Wait: no event ends a soak) before its error rate is judged
      JsonNode restored = s.path("Service restored?");
      assertEquals("Wait for restore step", restored.path("Default").asText());
      StateMachineAssert.assertEventWait(s, "Wait for restore step", "RestoreGradually");
      JsonNode soaking = restored.path("Choices").path(1);
      assertEquals("Soak restore step", soaking.path("Next").asText(), restored.toString());
      assertTrue(soaking.toString().contains("{\"Variable\":\"$.security.restore.soakSeconds\",\"IsPresent\":true}"),
          soaking.toString());
      assertTrue(soaking.toString().contains("\"NumericGreaterThan\":0"), soaking.toString());
      JsonNode soak = s.path("Soak restore step");
      assertEquals("Wait", soak.path("Type").asText());
      assertEquals("$.security.restore.soakSeconds", soak.path("SecondsPath").asText());
      assertEquals("RestoreGradually", soak.path("Next").asText());
    }
    for (String fn : List.of("Isolate", "RestoreGradually")) {
      Set<String> resources = new TreeSet<>();
      prod.policyStatements().forEach((policy, statements) -> {
        if (policy.startsWith(F + fn + "Role")) {
          statements.stream().filter(st -> Synth.list(st, "Action").contains("ecs:UpdateService"))
              .forEach(st -> resources.addAll(Synth.list(st, "Resource")));
        }
      });
      assertEquals(1, resources.size(), fn + " " + resources);
      assertTrue(resources.iterator().next().endsWith(":service/sentinel-production/sentinel-api"),
          resources.toString());
    }
  }

  @Test
  void blocksAreRecordedAndAnHourlyPruneRemovesExpiredOnes() {
    List<String> tables = new ArrayList<>();
    prod.properties("AWS::DynamoDB::Table").forEach(t -> tables.add(t.path("TableName").asText()));
    assertTrue(tables.contains("prod-sentinel-dr-security-blocks"), tables.toString());
    boolean scheduled = prod.properties("AWS::Events::Rule").stream().anyMatch(r ->
        "prod-sentinel-dr-security-prune-blocks".equals(r.path("Name").asText())
            && "rate(1 hour)".equals(r.path("ScheduleExpression").asText())
            && r.path("Targets").toString().contains("PruneBlocks"));
    assertTrue(scheduled, "the hourly prune");
    List<String> writes = new ArrayList<>();
    prod.policyStatements().forEach((policy, statements) -> statements.forEach(st -> {
      if (Synth.list(st, "Action").stream().anyMatch(a -> a.startsWith("dynamodb:"))
          && Synth.list(st, "Resource").toString().contains("BlockExpiry")) {
        writes.add(policy.replaceAll("RoleDefaultPolicy[0-9A-F]+$", "") + " " + Synth.list(st, "Action"));
      }
    }));
    assertEquals(List.of(F + "BlockIps [dynamodb:PutItem]", F + "PruneBlocks [dynamodb:Scan, dynamodb:DeleteItem]"),
        writes.stream().sorted().toList());
  }

  @Test
  void evidenceIsPreservedAfterTheRestartAndWaitedFor() {
    assertEquals("PreserveEvidence", states.path("Services stable?").path("Choices").path(0).path("Next").asText());
    assertEquals("WaitForEvidence", states.path("PreserveEvidence").path("Next").asText());
    JsonNode preserved = states.path("Evidence preserved?");
    assertTrue(preserved.path("Choices").toString().contains("$.evidence.done"));
    assertEquals("Investigate", preserved.path("Choices").path(0).path("Next").asText());
    assertEquals("Wait for evidence", preserved.path("Default").asText());
    // ends on RDS-EVENT-0042 (the evidence snapshot created); the log export sends none: its timeout is the poll
    StateMachineAssert.assertEventWait(states, "Wait for evidence", "WaitForEvidence");
  }

  @Test
  void verifyContainmentOnlyReads() {
    Set<String> actions = new TreeSet<>();
    prod.policyStatements().forEach((policy, statements) -> {
      if (policy.startsWith(F + "VerifyContainmentRole")) {
        // beyond writing its own log stream
        statements.forEach(st -> Synth.list(st, "Action").stream().filter(a -> !a.startsWith("logs:"))
            .forEach(actions::add));
      }
    });
    assertEquals(new TreeSet<>(Set.of("ecs:DescribeServices", "s3:GetObject", "secretsmanager:DescribeSecret",
        "wafv2:GetIPSet")), actions, "prod names its IP set's id: no ListIPSets");
  }

  @Test
  void theEvidenceBucketLocksEveryObjectAndDeniesDeletes() {
    JsonNode bucket = null;
    for (JsonNode b : prod.properties("AWS::S3::Bucket")) {
      if ("prod-sentinel-dr-evidence-us-east-1".equals(b.path("BucketName").asText())) {
        bucket = b;
      }
    }
    assertTrue(bucket != null, "the configured evidence bucket");
    assertTrue(bucket.path("ObjectLockEnabled").asBoolean());
    JsonNode retention = bucket.path("ObjectLockConfiguration").path("Rule").path("DefaultRetention");
    assertEquals(365, retention.path("Days").asInt(), bucket.toString());
    assertEquals("Enabled", bucket.path("VersioningConfiguration").path("Status").asText());
    assertEquals("AES256", bucket.path("BucketEncryption").path("ServerSideEncryptionConfiguration").path(0)
        .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText());
    String policies = prod.properties("AWS::S3::BucketPolicy").toString();
    assertTrue(policies.contains("EvidenceIsNeverDeleted") && policies.contains("s3:DeleteObjectVersion")
        && policies.contains("s3:BypassGovernanceRetention"), policies);
    assertTrue(policies.contains("logs.amazonaws.com") && policies.contains("aws:SourceAccount"));
  }

  @Test
  void rotationFunctionsAreAttachedToTheirSecretsWithoutRotatingOnDeploy() {
    List<JsonNode> schedules = new ArrayList<>();
    prod.properties("AWS::SecretsManager::RotationSchedule").forEach(schedules::add);
    assertEquals(2, schedules.size());
    Set<String> secrets = new TreeSet<>();
    for (JsonNode s : schedules) {
      secrets.add(s.path("SecretId").asText());
      assertFalse(s.path("RotateImmediatelyOnUpdate").asBoolean(true), "a deployment never rotates: " + s);
      assertEquals(90, s.path("RotationRules").path("AutomaticallyAfterDays").asInt());
      assertTrue(s.path("RotationLambdaARN").toString().contains("Live"), "the alias live: " + s);
    }
    assertEquals(Set.of("sentinel/database-url", "sentinel/jwt-secret"), secrets);
    prod.properties("AWS::Lambda::Permission").forEach(p -> {
      if (p.path("Principal").asText().equals("secretsmanager.amazonaws.com")) {
        assertTrue(p.has("SourceAccount"), "only this account's Secrets Manager may invoke: " + p);
      }
    });
    assertTrue(prod.function("prod-sentinel-dr-security-database-secret-rotator").has("VpcConfig"),
        "setSecret changes the role's password in the database");
  }

  @Test
  void eachRotationFunctionStagesVersionsOfItsOwnSecretOnly() {
    for (String[] fn : new String[][] {{"JwtSecretRotator", "jwt-secret"}, {"DatabaseSecretRotator",
        "database-url"}, {"RotateSecrets", null}, {"WaitForRotation", null}}) {
      Set<String> resources = new TreeSet<>();
      List<String> actions = new ArrayList<>();
      prod.policyStatements().forEach((policy, statements) -> {
        if (policy.startsWith(F + fn[0] + "Role")) {
          statements.forEach(s -> {
            List<String> a = Synth.list(s, "Action");
            if (a.stream().anyMatch(x -> x.startsWith("secretsmanager:"))) {
              resources.addAll(Synth.list(s, "Resource"));
              actions.addAll(a);
            }
          });
        }
      });
      assertFalse(resources.isEmpty(), fn[0]);
      if (fn[1] != null) {
        assertEquals(1, resources.size(), fn[0] + " " + resources);
        assertTrue(resources.iterator().next().endsWith(":secret:sentinel/" + fn[1] + "-??????"), resources.toString());
        assertFalse(actions.contains("secretsmanager:RotateSecret"), fn[0]);
      }
    }
  }

  @Test
  void revokeApiKeysReadsOnlyTheDatabaseUrlSecret() {
    List<String> actions = new ArrayList<>();
    Set<String> resources = new TreeSet<>();
    prod.policyStatements().forEach((policy, statements) -> {
      if (policy.startsWith(F + "RevokeApiKeys")) {
        statements.forEach(s -> {
          actions.addAll(Synth.list(s, "Action"));
          resources.addAll(Synth.list(s, "Resource"));
        });
      }
    });
    assertTrue(actions.contains("secretsmanager:GetSecretValue"), actions.toString());
    assertTrue(actions.stream().allMatch(a -> a.equals("secretsmanager:GetSecretValue") || a.startsWith("logs:")
        || a.startsWith("xray:") || a.startsWith("ec2:")), "nothing but the secret (and VPC networking): " + actions);
    assertTrue(resources.stream().anyMatch(r -> r.endsWith(":secret:sentinel/database-url-??????")),
        resources.toString());
  }

  @Test
  void blockIpsMayTouchOnlyTheConfiguredIpSet() {
    List<String> actions = new ArrayList<>();
    Set<String> resources = new TreeSet<>();
    prod.policyStatements().forEach((policy, statements) -> {
      if (policy.startsWith(F + "BlockIps")) {
        statements.forEach(s -> {
          actions.addAll(Synth.list(s, "Action"));
          resources.addAll(Synth.list(s, "Resource"));
        });
      }
    });
    assertTrue(actions.containsAll(List.of("wafv2:GetIPSet", "wafv2:UpdateIPSet")), actions.toString());
    assertFalse(actions.contains("wafv2:ListIPSets"), "prod names the IP set's id: no lookup");
    assertTrue(resources.stream().anyMatch(r -> r.endsWith(
        ":regional/ipset/sentinel-blocklist/a1b2c3d4-5678-90ab-cdef-111111111111")), resources.toString());
    assertFalse(resources.contains("*"), resources.toString());
    dev.policyStatements().forEach((policy, statements) -> {
      if (policy.startsWith(F + "Assess")) {
        statements.forEach(s -> assertTrue(Synth.list(s, "Action").stream().allMatch(a -> a.startsWith("logs:")
            || a.startsWith("xray:")), "Assess reads only the recovery: " + s));
      }
    });
  }

  @Test
  void heightenedMonitoringTouchesOnlyItsOwnAlarmsAndSchedulesTheirRemovalThroughANarrowRole() {
    for (Synth env : List.of(dev, prod)) {
      String p = env == dev ? "dev-sentinel-dr" : "prod-sentinel-dr";
      Set<String> actions = new TreeSet<>();
      env.statementsOf(F + "HeightenedMonitoring").forEach(st -> Synth.list(st, "Action").stream()
          .filter(a -> !a.startsWith("logs:")).forEach(actions::add));
      assertEquals(new TreeSet<>(Set.of("cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms",
          "cloudwatch:DeleteAlarms", "iam:PassRole", "scheduler:CreateSchedule", "scheduler:GetSchedule")), actions);
      List<String> alarms = env.resourcesOf(F + "HeightenedMonitoring", "cloudwatch:PutMetricAlarm");
      assertEquals(1, alarms.size());
      assertTrue(alarms.get(0).endsWith(":alarm:" + p + "-heightened-*"), alarms.toString());
      assertEquals(alarms, env.resourcesOf(F + "HeightenedMonitoring", "cloudwatch:DeleteAlarms"));
      List<String> schedules = env.resourcesOf(F + "HeightenedMonitoring", "scheduler:CreateSchedule");
      assertTrue(schedules.size() == 1 && schedules.get(0).endsWith(":schedule/default/" + p + "-heightened-end-*"),
          schedules.toString());
      JsonNode pass = env.statementsOf(F + "HeightenedMonitoring").stream()
          .filter(st -> Synth.list(st, "Action").contains("iam:PassRole")).findFirst().orElseThrow();
      assertEquals("scheduler.amazonaws.com", pass.path("Condition").path("StringEquals")
          .path("iam:PassedToService").asText());
      assertFalse(Synth.list(pass, "Resource").contains("*"), pass.toString());
      // the role Scheduler assumes: this account's schedules only, and it may invoke the removal only
      JsonNode role = env.resources("AWS::IAM::Role").entrySet().stream()
          .filter(e -> e.getKey().contains("HeightenedAlarmsSchedulerRole")).findFirst().orElseThrow().getValue();
      JsonNode trust = role.path("Properties").path("AssumeRolePolicyDocument").path("Statement").path(0);
      assertEquals("scheduler.amazonaws.com", trust.path("Principal").path("Service").asText());
      assertTrue(trust.path("Condition").path("StringEquals").has("aws:SourceAccount"), trust.toString());
      List<JsonNode> invoke = new ArrayList<>();
      env.policyStatements().forEach((id, statements) -> {
        if (id.contains("HeightenedAlarmsSchedulerRole")) {
          invoke.addAll(statements);
        }
      });
      assertEquals(1, invoke.size(), invoke.toString());
      assertEquals(List.of("lambda:InvokeFunction"), Synth.list(invoke.get(0), "Action"));
      String self = ":function:" + p + "-security-heightened-monitoring:live";
      assertTrue(Synth.list(invoke.get(0), "Resource").get(0).endsWith(self), invoke.toString());
      JsonNode vars = env.function(p + "-security-heightened-monitoring").path("Environment").path("Variables");
      assertTrue(Synth.render(vars.path(HeightenedMonitoring.END_FUNCTION)).endsWith(self), vars.toString());
      assertTrue(Synth.render(vars.path(HeightenedMonitoring.SCHEDULER_ROLE)).contains("SchedulerRole"),
          vars.toString());
    }
  }
}
