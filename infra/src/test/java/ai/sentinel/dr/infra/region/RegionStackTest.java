package ai.sentinel.dr.infra.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.Synth;
import ai.sentinel.dr.region.CopySnapshots;
import ai.sentinel.dr.region.RegionSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * Scenario 4's stack: deployed in the DR region, with its own topic and lock table, the scheduled cross-region copy
 * and the RPO alarm; IAM reads the primary region and writes only the DR region's copies.
 */
class RegionStackTest {
  private final RegionSynth dev = RegionSynth.of("dev");

  @Test
  void anEnvironmentWithARegionSectionGetsASecondStackInItsDrRegion() {
    assertNotNull(dev.stack, "dev has a dr section");
    assertEquals("dev-sentinel-dr-region", dev.stack.getStackName());
    assertEquals("eu-west-1", dev.stack.getRegion());
    // with dr.failback, a third, small one in the primary region forwards the failback's ready events (issue 15)
    assertEquals(List.of("dev-sentinel-dr", "dev-sentinel-dr-region", "dev-sentinel-dr-region-events"),
        dev.stacks().stream().map(s -> s.getStackName()).toList());
    assertEquals("us-east-1", dev.stacks().get(0).getRegion());
    assertEquals("us-east-1", dev.stacks().get(2).getRegion());
    // prod has a dr section without a failback: no forwarding stack
    assertEquals(List.of("prod-sentinel-dr", "prod-sentinel-dr-region"),
        RegionSynth.of("prod").stacks().stream().map(s -> s.getStackName()).toList());
  }

  @Test
  void anEnvironmentWithoutOneGetsNone() {
    // every environment of cdk.json has a dr section now (local for the region drills): one without it
    var noDr = ai.sentinel.dr.infra.Synth.load("local").without(List.of(RegionSettings.class));
    software.amazon.awscdk.App app = new software.amazon.awscdk.App();
    ai.sentinel.dr.infra.SentinelDrApp.build(app, noDr, ai.sentinel.dr.infra.RepoPaths.lambdaJar(
        ai.sentinel.dr.infra.RepoPaths.root()));
    List<String> stacks = app.getNode().getChildren().stream().filter(software.amazon.awscdk.Stack.class::isInstance)
        .map(c -> ((software.amazon.awscdk.Stack) c).getStackName()).toList();
    assertEquals(List.of("local-sentinel-dr"), stacks);
  }

  @Test
  void itHasItsOwnTopicAndLockTableInTheDrRegion() {
    assertEquals(List.of("dev-sentinel-dr-region-notifications"), dev.properties("AWS::SNS::Topic").stream()
        .map(p -> p.path("TopicName").asText()).toList());
    // and its own wait table (RegionWaitsStackTest)
    assertEquals(List.of("dev-sentinel-dr-region-locks", "dev-sentinel-dr-region-waits"),
        dev.properties("AWS::DynamoDB::Table").stream().map(p -> p.path("TableName").asText()).sorted().toList());
  }

  @Test
  void theCopyFunctionKnowsBothRegionsAndGetsOnlyTheRegionSettings() {
    JsonNode fn = dev.function("dev-sentinel-dr-region-copy-snapshots");
    assertEquals(CopySnapshots.class.getName() + "::handleRequest", fn.path("Handler").asText());
    JsonNode vars = fn.path("Environment").path("Variables");
    JsonNode region = Json.tree(vars.path("SETTINGS_DR").asText());
    assertEquals("us-east-1", region.path("primaryRegion").asText());
    assertEquals("eu-west-1", region.path("drRegion").asText());
    assertEquals("sentinel-db", region.path("sourceInstanceId").asText());
    assertTrue(vars.path("SETTINGS_DATABASE").isMissingNode(), "only the sections it reads");
    assertTrue(Synth.render(vars.path("NOTIFY_TOPIC_ARN")).startsWith("<Ref:NotificationsTopic"));
    assertTrue(Synth.render(vars.path("LOCK_TABLE")).startsWith("<Ref:LocksTable"));
  }

  @Test
  void noFunctionOfThePrimaryStackCarriesTheDrSectionItNeverReads() {
    JsonNode primary = Synth.of("dev").json;
    List<String> carrying = new java.util.ArrayList<>();
    primary.path("Resources").forEach(r -> {
      if (r.path("Properties").path("Environment").path("Variables").has("SETTINGS_DR")) {
        carrying.add(r.path("Properties").path("FunctionName").asText());
      }
    });
    assertEquals(List.of(), carrying);
  }

  private JsonNode rule(RegionSynth synth, String name) {
    return synth.properties("AWS::Events::Rule").stream().filter(r -> name.equals(r.path("Name").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no rule " + name));
  }

  @Test
  void theCopyRunsOnTheConfiguredSchedule() {
    JsonNode copy = rule(dev, "dev-sentinel-dr-region-copy-snapshots");
    assertEquals("rate(1 hour)", copy.path("ScheduleExpression").asText());
    assertTrue(Synth.render(copy.path("Targets").get(0).path("Arn")).contains("CopySnapshotsLive"));
  }

  @Test
  void awsHealthIssuesOfThePrimaryReachTheDrStacksHealthResponderWithThePatternItMatches() {
    JsonNode rule = rule(dev, "dev-sentinel-dr-region-aws-health-primary");
    JsonNode pattern = rule.path("EventPattern");
    assertEquals("[\"aws.health\"]", pattern.path("source").toString());
    assertEquals("[\"us-east-1\"]", pattern.path("detail").path("eventRegion").toString());
    assertEquals("[\"RDS\",\"ECS\",\"EC2\",\"ELASTICLOADBALANCING\"]", pattern.path("detail").path("service")
        .toString());
    assertTrue(Synth.render(rule.path("Targets").get(0).path("Arn")).contains("TriggersHealthEventResponderLive"));
    JsonNode vars = dev.function("dev-sentinel-dr-region-health-event-responder").path("Environment")
        .path("Variables");
    assertTrue(Synth.render(vars.path("STATE_MACHINE_ARNS")).contains("region-failure"));
  }

  @Test
  void theAnnualFailoverTestIsADryRunDrillOfTheDrStacksResponderWhereItIsScheduled() {
    JsonNode test = rule(dev, "dev-sentinel-dr-region-drill-failover");
    assertEquals("cron(0 6 15 1 ? *)", test.path("ScheduleExpression").asText());
    JsonNode target = test.path("Targets").get(0);
    assertTrue(Synth.render(target.path("Arn")).contains("TriggersManualResponderLive"), target.toString());
    String input = target.path("InputTransformer").path("InputTemplate").asText();
    assertTrue(input.contains("\"runbook\":\"region-failure\"") && input.contains("\"drill\":true")
        && input.contains("\"dryRun\":true"), "a plan, never a real failover: " + input);
    assertTrue(RegionSynth.of("prod").properties("AWS::Events::Rule").stream()
        .noneMatch(r -> r.path("Name").asText().endsWith("-drill-failover")), "prod schedules no test");
  }

  @Test
  void theRpoAlarmPagesWhenTheNewestCopyIsOlderThanTheRpoOrNotMeasured() {
    List<String> names = dev.properties("AWS::CloudWatch::Alarm").stream().map(a -> a.path("AlarmName").asText())
        .sorted().toList();
    assertEquals(List.of("dev-sentinel-dr-region-failback-rto-missed", "dev-sentinel-dr-region-failback-timed-out",
        "dev-sentinel-dr-region-failure-rto-missed", "dev-sentinel-dr-region-failure-timed-out",
        "dev-sentinel-dr-region-primary-probe-silent", "dev-sentinel-dr-region-primary-unreachable",
        "dev-sentinel-dr-region-rpo-at-risk"), names);
    JsonNode alarm = dev.properties("AWS::CloudWatch::Alarm").stream()
        .filter(a -> a.path("AlarmName").asText().endsWith("rpo-at-risk")).findFirst().orElseThrow();
    assertEquals("SentinelDR", alarm.path("Namespace").asText());
    assertEquals(CopySnapshots.METRIC, alarm.path("MetricName").asText());
    assertEquals("[{\"Name\":\"Environment\",\"Value\":\"dev\"}]", alarm.path("Dimensions").toString());
    assertEquals(3600, alarm.path("Threshold").asInt());
    assertEquals("GreaterThanThreshold", alarm.path("ComparisonOperator").asText());
    assertEquals("breaching", alarm.path("TreatMissingData").asText());
    assertTrue(Synth.render(alarm.path("AlarmActions").get(0)).startsWith("<Ref:NotificationsTopic"));
  }

  @Test
  void theCopyReadsThePrimaryAndWritesOnlyItsOwnCopiesInTheDrRegion() {
    String fn = "PrerequisitesCopySnapshots";
    List<String> copy = dev.resourcesOf(fn, "rds:CopyDBSnapshot");
    assertTrue(copy.stream().anyMatch(r -> r.matches("arn:.*:rds:us-east-1:.*:snapshot:\\*")), copy.toString());
    assertTrue(copy.stream().anyMatch(r -> r.matches("arn:.*:rds:eu-west-1:.*:snapshot:sentinel-db-cross-region-\\*")),
        copy.toString());
    List<String> delete = dev.resourcesOf(fn, "rds:DeleteDBSnapshot");
    assertEquals(1, delete.size());
    assertTrue(delete.get(0).matches("arn:.*:rds:eu-west-1:.*:snapshot:sentinel-db-cross-region-\\*"), delete.get(0));
    assertFalse(dev.statements(fn).toString().contains("rds:Restore"), "the copy restores nothing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void cdkNagReportsNoUnsuppressedError(String env) {
    List<SynthesisMessage> errors = Annotations.fromStack(RegionSynth.of(env).stack)
        .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertEquals(List.of(), errors.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList());
  }

  /** The failover's definition, references rendered. */
  private JsonNode definition() throws Exception {
    JsonNode sm = dev.properties("AWS::StepFunctions::StateMachine").stream()
        .filter(p -> "dev-sentinel-dr-region-failure".equals(p.path("StateMachineName").asText())).findFirst()
        .orElseThrow();
    return Synth.JSON.readTree(Synth.render(sm.path("DefinitionString")));
  }

  @Test
  void theFailoverAlwaysWaitsForApprovalBeforeItsFirstChangeEvenWhereNothingIsGated() throws Exception {
    assertEquals(List.of(), dev.config.safety().approvalSteps(), "dev gates nothing");
    JsonNode states = definition().path("States");
    assertEquals("ConfirmPrimaryDown", states.path("AcquireLock").path("Next").asText());
    assertEquals("Act on diagnosis?", states.path("ConfirmPrimaryDown").path("Next").asText());
    assertEquals("$.diagnosis.act", states.path("Act on diagnosis?").path("Choices").get(0).path("And").get(1)
        .path("Variable").asText());
    assertEquals("ChooseCopy", states.path("Act on diagnosis?").path("Choices").get(0).path("Next").asText());
    assertEquals("NotifyNoAction", states.path("Act on diagnosis?").path("Default").asText());
    assertEquals("Dry-run?", states.path("ChooseCopy").path("Next").asText());
    assertEquals("Approve FenceRecoveries", states.path("Dry-run?").path("Default").asText());
    assertEquals("Acknowledge FenceRecoveries", states.path("Approve FenceRecoveries").path("Next").asText());
    assertEquals("FenceRecoveries", states.path("Acknowledge FenceRecoveries").path("Next").asText());
    assertTrue(states.path("Approve FenceRecoveries").path("Resource").asText().endsWith(".waitForTaskToken"));
    List<String> order = List.of("FenceRecoveries", "RestoreInDrRegion", "WaitForDrInstance");
    for (int i = 0; i + 1 < order.size(); i++) {
      assertEquals(order.get(i + 1), states.path(order.get(i)).path("Next").asText());
    }
    assertEquals("UpdateDrSecret", states.path("DR instance available?").path("Choices").get(0).path("Next")
        .asText());
    assertEquals("SwitchDns", states.path("DR services stable?").path("Choices").get(0).path("Next").asText());
    assertEquals("SwitchCloudFront", states.path("DNS in sync?").path("Choices").get(0).path("Next").asText());
    assertEquals("CloudFront deployed?", states.path("SwitchCloudFront").path("Next").asText());
    assertEquals("VerifyDr", states.path("CloudFront deployed?").path("Choices").get(0).path("Next").asText(),
        "verified only once the origin change is Deployed");
    assertEquals("$.region.cloudFront.deployed", states.path("CloudFront deployed?").path("Choices").get(0)
        .path("And").get(1).path("Variable").asText());
    assertEquals("CloudFront deployed?", states.path("WaitForCloudFront").path("Next").asText());
    assertEquals("NotifyCustomers", states.path("VerifyDr").path("Next").asText(), "runbook step 9 after verify");
    assertEquals("Notify", states.path("NotifyCustomers").path("Next").asText());
  }

  @Test
  void everyStepIsAFunctionOfTheDrStackAndTheResponderStartsOnlyTheFailoverAndTheFailback() {
    for (String step : List.of("confirm-primary-down", "choose-copy", "fence-recoveries", "restore-in-dr-region",
        "wait-for-dr-instance", "update-dr-secret", "scale-up-dr-services", "wait-for-dr-services", "switch-dns",
        "wait-for-dns", "switch-cloud-front", "wait-for-cloud-front", "verify-dr")) {
      assertNotNull(dev.function("dev-sentinel-dr-region-" + step));
    }
    JsonNode vars = dev.function("dev-sentinel-dr-region-manual-responder").path("Environment").path("Variables");
    String arns = Synth.render(vars.path("STATE_MACHINE_ARNS"));
    assertTrue(arns.matches("\\{\"region-failure\":\"<Ref:RegionRecoveryStateMachine[0-9A-F]+>\","
        + "\"region-failback\":\"<Ref:RegionFailbackStateMachine[0-9A-F]+>\"}"), arns);
    assertTrue(Synth.render(vars.path("LOCK_TABLE")).startsWith("<Ref:LocksTable"));
    assertFalse(vars.has("SETTINGS_REDIS"), "the DR stack's functions get database, ecs and dr only");
    assertTrue(vars.has("SETTINGS_DR"));
  }

  @Test
  void changesAreAllowedInTheDrRegionOnlyAndThePrimaryIsOnlyReadAndFenced() {
    List<String> secret = dev.resourcesOf("RegionRecoveryFunctionsUpdateDrSecret", "secretsmanager:UpdateSecret");
    assertEquals(1, secret.size());
    assertTrue(secret.get(0).matches("arn:.*:secretsmanager:eu-west-1:.*:secret:sentinel/database-url-\\?{6}"),
        secret.get(0));
    List<String> restore = dev.resourcesOf("RegionRecoveryFunctionsRestoreInDrRegion",
        "rds:RestoreDBInstanceFromDBSnapshot");
    assertTrue(restore.stream().allMatch(r -> r.contains(":rds:eu-west-1:")), restore.toString());
    List<String> fence = dev.resourcesOf("RegionRecoveryFunctionsFenceRecoveries", "dynamodb:PutItem");
    assertTrue(fence.stream().anyMatch(r -> r.matches("arn:.*:dynamodb:us-east-1:.*:table/dev-sentinel-dr-locks")),
        fence.toString());
    List<String> services = dev.resourcesOf("RegionRecoveryFunctionsScaleUpDrServices", "ecs:UpdateService");
    assertEquals(2, services.size());
    assertTrue(services.stream().allMatch(r -> r.matches("arn:.*:ecs:eu-west-1:.*:service/sentinel-dr/.*")),
        services.toString());
    // every statement of the failover naming the primary region is a read, or the fence (the failback's own
    // changes in the primary are RegionFailbackStackTest's)
    List<JsonNode> statements = new java.util.ArrayList<>();
    dev.resources("AWS::IAM::Policy").forEach((id, p) -> {
      if (!id.startsWith("RegionFailback")) {
        p.path("Properties").path("PolicyDocument").path("Statement").forEach(statements::add);
      }
    });
    statements.forEach(st -> {
      if (st.toString().contains("us-east-1")) {
        // the fence item, and the running recoveries' lock items marked fencedBy (the fence notice)
        Synth.list(st, "Action").forEach(a -> assertTrue(a.matches("(rds|ecs|ec2):Describe.*|rds:CopyDBSnapshot|"
            + "dynamodb:(PutItem|Scan|UpdateItem)"), a + " in " + st));
      }
    });
  }

  /** prod's dr section has no customerNotification (no address is invented for it): synthesis says what it means. */
  @Test
  void aDrStackWhoseFailoverTellsNoCustomerSaysSoWhenSynthesized() {
    RegionSynth prod = RegionSynth.of("prod");
    List<SynthesisMessage> warned = Annotations.fromStack(prod.stack).findWarning("*",
        Match.stringLikeRegexp(".*customerNotification.*"));
    assertEquals(1, warned.size(), warned.toString());
    String text = String.valueOf(warned.get(0).getEntry().getData());
    assertTrue(text.startsWith("prod: dr.customerNotification is not set, so a failover tells no customer"), text);
    assertTrue(text.contains("Production must set it (cdk.json environments.prod.dr.customerNotification)"), text);
    assertEquals(0, prod.resources("AWS::SES::Template").size());
    assertFalse(prod.json.path("Resources").toString().contains("ses:"), "no SES right either");
    // dev sets it: no warning
    assertEquals(List.of(), Annotations.fromStack(dev.stack).findWarning("*",
        Match.stringLikeRegexp(".*customerNotification.*")));
  }

  /** Runbook step 1's open AWS Health events: the assessment may ask DescribeEvents (read-only, global). */
  @Test
  void theAssessmentMayReadAwsHealthsEventsAndNoOtherFunctionMay() {
    assertEquals(List.of("*"), dev.resourcesOf("RegionRecoveryFunctionsConfirmPrimaryDown", "health:DescribeEvents"));
    List<String> readers = new java.util.ArrayList<>();
    dev.resources("AWS::IAM::Policy").forEach((id, p) -> {
      if (p.path("Properties").path("PolicyDocument").toString().contains("health:")) {
        readers.add(id);
      }
    });
    assertEquals(1, readers.size(), readers.toString());
    assertTrue(readers.get(0).startsWith("RegionRecoveryFunctionsConfirmPrimaryDown"), readers.toString());
  }

  /** Runbook step 9: the SES template of dr.customerNotification, sent only from its sender with it, in the DR region. */
  @Test
  void customersAreToldBySesFromTheConfiguredSenderWithTheConfiguredTemplateOnly() {
    RegionSynth dev = RegionSynth.of("dev");
    var templates = dev.resources("AWS::SES::Template");
    assertEquals(1, templates.size(), templates.keySet().toString());
    JsonNode t = templates.values().iterator().next().path("Properties").path("Template");
    assertEquals("sentinel-dev-region-failover", t.path("TemplateName").asText());
    assertTrue(t.path("TextPart").asText().contains("{{statusText}}"), t.toString());
    List<JsonNode> ses = new java.util.ArrayList<>();
    dev.resources("AWS::IAM::Policy").forEach((id, p) -> p.path("Properties").path("PolicyDocument")
        .path("Statement").forEach(st -> {
          if (st.toString().contains("ses:")) {
            ses.add(st);
          }
        }));
    assertEquals(1, ses.size(), ses.toString());
    assertEquals(List.of("ses:SendTemplatedEmail"), Synth.list(ses.get(0), "Action"));
    String resources = ses.get(0).path("Resource").toString();
    assertTrue(resources.contains(":ses:eu-west-1:") && !resources.contains("us-east-1"), resources);
    assertTrue(resources.contains("identity/status@dev.sentinel.example.com")
        && resources.contains("template/sentinel-dev-region-failover"), resources);
  }
}
