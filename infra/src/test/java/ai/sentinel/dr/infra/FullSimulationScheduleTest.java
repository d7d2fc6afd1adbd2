package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.report.ScheduledSimulation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The Testing Schedule's quarterly "Full DR simulation" in CDK (cdk.json {@code drills.fullSimulation}): off unless
 * set (dev's stack is at 495 of CloudFormation's 500 resources), one rule with a dry-run drill of every deployed
 * recovery through the ManualResponder when set, and the field validated with the environment's name.
 */
class FullSimulationScheduleTest {
  private static final String QUARTERLY = "cron(0 6 15 3/3 ? *)";
  private static final String RULE = "dev-sentinel-dr-drill-full-simulation";
  private static final String TIME = "2026-03-15T06:00:00Z";

  private static List<JsonNode> simulationRules(Synth synth) {
    return synth.properties("AWS::Events::Rule").stream()
        .filter(r -> r.path("Name").asText().endsWith("-drill-full-simulation")).toList();
  }

  /** The app of {@code config} (every stack, with cdk-nag), and its simulation stack or null. */
  private record Built(App app, SentinelDrStack primary, SimulationStack simulation) {
    static Built of(EnvironmentConfig config) {
      App app = new App();
      SentinelDrStack primary = SentinelDrApp.build(app, config, RepoPaths.lambdaJar(RepoPaths.root()));
      SimulationStack simulation = app.getNode().getChildren().stream().filter(SimulationStack.class::isInstance)
          .map(SimulationStack.class::cast).findFirst().orElse(null);
      return new Built(app, primary, simulation);
    }
  }

  @Test
  void offUnlessCdkJsonSetsIt() {
    assertTrue(simulationRules(Synth.of("dev")).isEmpty(), "dev does not set drills.fullSimulation");
    assertTrue(simulationRules(Synth.of("prod")).isEmpty(), "prod does not set drills.fullSimulation");
    assertEquals(null, Synth.load("dev").drills().fullSimulation());
    assertEquals(null, Built.of(Synth.load("dev")).simulation(), "no simulation stack without the schedule");
  }

  @Test
  void whenSetItsOwnStackDrillsEveryRecoveryAndTheFailoverAndWritesTheSummary() throws Exception {
    Synth dev = Synth.of("dev");
    EnvironmentConfig.Drills drills = dev.config.drills();
    Built built = Built.of(Synth.load("dev").withDrills(new EnvironmentConfig.Drills(drills.tests(), QUARTERLY)));

    // the environment's stack is unchanged (495 of 500 resources): everything is in <env>-sentinel-dr-simulation
    JsonNode primary = Synth.JSON.valueToTree(Template.fromStack(built.primary()).toJSON());
    assertEquals(dev.json.path("Resources").size(), primary.path("Resources").size());
    assertTrue(simulationRules(dev).isEmpty());
    SimulationStack stack = built.simulation();
    assertEquals("dev-sentinel-dr-simulation", stack.getStackName());
    Template template = Template.fromStack(stack);
    JsonNode json = Synth.JSON.valueToTree(template.toJSON());
    String out = System.getProperty("simulation.templates");
    if (out != null) {
      // for cfn-lint: mvn ... -Dtest=FullSimulationScheduleTest -Dsimulation.templates=DIR, then cfn-lint DIR/*.json
      java.nio.file.Files.createDirectories(java.nio.file.Path.of(out));
      Synth.JSON.writeValue(java.nio.file.Path.of(out, stack.getStackName() + ".json").toFile(), json);
    }
    assertEquals(List.of(), Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
        .stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList(), "cdk-nag clean");

    // the schedule starts the state machine: start, wait, check until every drill ended, then the summary
    List<JsonNode> rules = new ArrayList<>();
    json.path("Resources").forEach(r -> {
      if (r.path("Type").asText().equals("AWS::Events::Rule")) {
        rules.add(r.path("Properties"));
      }
    });
    assertEquals(1, rules.size(), rules.toString());
    assertEquals(RULE, rules.get(0).path("Name").asText());
    assertEquals(QUARTERLY, rules.get(0).path("ScheduleExpression").asText());
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("StateMachineName",
        "dev-sentinel-dr-full-simulation"));
    String definition = Synth.render(json.path("Resources").findValues("DefinitionString").get(0));
    for (String state : List.of("Start drills", "Wait for the drills", "Check drills", "Every drill ended?",
        "Write summary")) {
      assertTrue(definition.contains("\"" + state + "\""), state + " in " + definition);
    }

    // every drill is a dry-run drill of a deployed recovery, accepted by its responder; the failover goes to the DR
    // stack's responder in the DR region (the primary's cannot start it)
    var classifier = classifier(dev);
    List<String> runbooks = new ArrayList<>();
    for (ScheduledSimulation.Drill d : stack.drills()) {
      runbooks.add(d.scenario());
      assertEquals(true, d.payload().get("dryRun"), d.toString());
      assertEquals(true, d.payload().get("drill"), d.toString());
      if (d.scenario().equals("region-failure")) {
        assertEquals("dev-sentinel-dr-region-manual-responder:live", d.function());
        assertEquals(dev.config.require(ai.sentinel.dr.region.RegionSettings.class).drRegion(), d.region());
        continue;
      }
      assertEquals("dev-sentinel-dr-manual-responder:live", d.function());
      // as the function sends it: the exercise's start filled in, its own request id and reason
      @SuppressWarnings("unchecked")
      Map<String, Object> payload = new LinkedHashMap<>((Map<String, Object>) ScheduledSimulation.fill(d.payload(),
          TIME));
      payload.put("requestId", ScheduledSimulation.requestId("2f1c6b7e-93a4-4f0e-b5d2-7c1e8a9b0d3f", d.scenario()));
      payload.put("reason", "full DR simulation at " + TIME);
      var c = classifier.classify(Json.write(payload).getBytes(StandardCharsets.UTF_8));
      assertEquals("start", c.action(), payload + ": " + c.reason());
      assertTrue(c.options().dryRun() && c.trigger().kind().equals("drill"), payload.toString());
    }
    assertEquals(List.of("database-failure", "redis-failure", "ecs-service-failure", "region-failure",
        "data-corruption", "security-incident"), runbooks, "every recovery and the region failover; the restore "
        + "test keeps its own schedule");

    // IAM: invoke exactly those responders, read only their scenarios' executions, write only the summaries
    String policies = Synth.JSON.valueToTree(template.findResources("AWS::IAM::Policy")).toString();
    assertTrue(policies.contains(":function:dev-sentinel-dr-region-manual-responder:live")
        && policies.contains(":function:dev-sentinel-dr-manual-responder:live"), policies);
    assertTrue(policies.contains(":execution:dev-sentinel-dr-region-failure:*"), policies);
    assertTrue(policies.contains("/reports/full-dr-simulation/*"), policies);
    // the window told on the environment's on-call topic, encrypted with its key
    assertTrue(policies.contains("sns:Publish") && policies.contains("kms:GenerateDataKey"), policies);
    JsonNode env = json.path("Resources").findValues("Environment").get(0).path("Variables");
    assertTrue(env.has(ai.sentinel.dr.report.Report.BUCKET_VAR), env.toString());
    assertEquals(stack.drills().size(), Json.tree(env.path(ScheduledSimulation.DRILLS_VAR).asText()).size());
    // every task's Parameters is an object, as ASL requires (Step Functions refuses "Parameters": "$")
    JsonNode states = Synth.JSON.readTree(definition).path("States");
    states.fields().forEachRemaining(s -> assertTrue(!s.getValue().has("Parameters")
        || s.getValue().path("Parameters").isObject(), s.getKey() + ": " + s.getValue()));
    // checks 5 min apart in AWS: the function says so and the Wait reads it (a local cloud sets a few seconds)
    assertEquals("300", env.path(ScheduledSimulation.CHECK_SECONDS_VAR).asText(), env.toString());
    assertTrue(definition.contains("\"Wait for the drills\":{\"Type\":\"Wait\",\"SecondsPath\":\"$.waitSeconds\""),
        definition);

    // "Start drills" waits for each responder in turn (it needs the executions they start): 6 drills + the
    // announcement, each within the 60 s bound of a call, not the default 60 s for the whole step
    List<JsonNode> functions = new ArrayList<>();
    json.path("Resources").forEach(r -> {
      if (r.path("Type").asText().equals("AWS::Lambda::Function")) {
        functions.add(r.path("Properties"));
      }
    });
    assertEquals(1, functions.size(), functions.toString());
    assertEquals((6 + 1) * 60, functions.get(0).path("Timeout").asInt(), functions.get(0).toString());
    assertThrows(IllegalStateException.class, () -> SimulationStack.timeoutSeconds(15), "15 drills cannot start "
        + "within Lambda's 900 s");
  }

  private static ai.sentinel.dr.trigger.EventClassifier classifier(Synth dev) {
    Map<String, String> env = new LinkedHashMap<>(dev.config.lambdaEnvironment(
        ai.sentinel.dr.trigger.ManualResponder.class));
    env.put("DRY_RUN", "false");
    env.put("AWS_REGION", dev.config.region());
    env.put("NOTIFY_TOPIC_ARN", "arn:aws:sns:" + dev.config.region() + ":123456789012:dev-sentinel-dr-notifications");
    Map<String, String> machines = new LinkedHashMap<>();
    dev.config.deployedScenarios().forEach(id -> machines.put(id, "arn:aws:states:us-east-1:123456789012:"
        + "stateMachine:dev-sentinel-dr-" + id));
    env.put("STATE_MACHINE_ARNS", Json.write(machines));
    return new ai.sentinel.dr.trigger.EventClassifier(ai.sentinel.dr.common.DrConfig.fromEnv(env),
        java.time.Clock.fixed(java.time.Instant.parse("2026-03-15T06:00:30Z"), java.time.ZoneOffset.UTC));
  }

  private static String problems(String field, String value) throws Exception {
    JsonNode envs = Synth.JSON.readTree(Files.readString(RepoPaths.cdkJson(RepoPaths.root())))
        .path("context").path("environments").deepCopy();
    ((ObjectNode) envs.get("prod")).putObject("drills").put(field, value);
    return assertThrows(EnvironmentConfig.InvalidConfigException.class, () -> EnvironmentConfig.load(envs, "prod"))
        .getMessage();
  }

  @Test
  void aBadScheduleIsRefusedNamingTheEnvironmentAndTheField() throws Exception {
    String notASchedule = problems("fullSimulation", "every quarter");
    assertTrue(notASchedule.startsWith("Invalid environment 'prod'"), notASchedule);
    assertTrue(notASchedule.contains("drills.fullSimulation must be an EventBridge schedule expression like "
        + "cron(0 3 1 * ? *) or rate(7 days), got \"every quarter\""), notASchedule);

    String hourly = problems("fullSimulation", "rate(1 hour)");
    assertTrue(hourly.startsWith("Invalid environment 'prod'"), hourly);
    assertTrue(hourly.contains("drills.fullSimulation drills every recovery at once: schedule it at most daily"),
        hourly);

    String typo = problems("fullSimulations", QUARTERLY);
    assertTrue(typo.contains("unknown field 'drills.fullSimulations'") && typo.contains("fullSimulation"), typo);

    JsonNode envs = Synth.JSON.readTree(Files.readString(RepoPaths.cdkJson(RepoPaths.root())))
        .path("context").path("environments").deepCopy();
    ((ObjectNode) envs.get("prod")).putObject("drills").put("fullSimulation", QUARTERLY);
    EnvironmentConfig prod = EnvironmentConfig.load(envs, "prod");
    assertEquals(QUARTERLY, prod.drills().fullSimulation());
    assertFalse(prod.drills().tests().containsKey("fullSimulation"), "no scenario owns it");
  }
}
