package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.RepoPaths;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ./sentinel classify, as a user runs it on the samples in events/. */
class MainTest {
  /** When the events/ samples were delivered: they are dated 2026-01-17 around 10:00 (the unit tests' clock). */
  private static final String SAMPLES_RECEIVED_AT = "2026-01-17T10:05:00Z";

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String sample(String file) {
    return RepoPaths.root().resolve("events").resolve(file).toString();
  }

  @Test
  void everySampleGetsItsDocumentedActionAndExitCode() throws Exception {
    JsonNode index = Json.MAPPER.readTree(RepoPaths.root().resolve("events/index.json").toFile());
    for (JsonNode row : index) {
      // the samples are dated 2026-01-17 around 10:00: judged as received then (from now they are stale)
      Run r = run("classify", sample(row.get("file").asText()), "--at", SAMPLES_RECEIVED_AT);
      JsonNode printed = Json.tree(r.out());
      String expected = row.get("action").asText();
      assertEquals(expected, printed.get("action").asText(), row.toString());
      assertEquals("reject".equals(expected) ? 2 : 0, r.code(), row.toString());
      assertEquals(List.of("action", "scenario", "resource", "dedupKey", "reason").subList(0, 1),
          List.of(printed.fieldNames().next()), "action comes first");
      assertTrue(printed.has("reason"), r.out());
      if (row.has("reason")) {
        assertTrue(printed.get("reason").asText().contains(row.get("reason").asText()), row + ": " + r.out());
      }
    }
  }

  @Test
  void aDatedSampleClassifiedNowIsStale() throws Exception {
    JsonNode printed = Json.tree(run("classify", sample("alarm-eventbridge-rds-connections.json")).out());
    assertEquals("ignore", printed.get("action").asText(), printed.toString());
    assertTrue(printed.get("reason").asText().contains("old"), printed.toString());
    assertEquals(64, run("classify", sample("alarm-eventbridge-rds-connections.json"), "--at", "yesterday").code());
  }

  @Test
  void theRunbookAlarmStartsScenarioOneOnSentinelDb() throws Exception {
    JsonNode printed = Json.tree(run("classify", sample("alarm-eventbridge-rds-connections.json"), "--at",
        SAMPLES_RECEIVED_AT).out());
    assertEquals("database-failure", printed.get("scenario").asText());
    assertEquals("sentinel-db", printed.get("resource").asText());
    assertEquals("alarm:sentinel-rds-connections:2026-01-17T10:02:11.482Z", printed.get("dedupKey").asText());
  }

  @Test
  void usageErrorsAreClear() throws Exception {
    assertEquals(64, run("classify").code());
    Run missing = run("classify", "no-such-file.json");
    assertEquals(64, missing.code());
    assertTrue(missing.err().contains("no such file"), missing.err());
    Run badEnv = run("classify", sample("manual-database-failure.json"), "--env", "nope");
    assertEquals(64, badEnv.code());
    assertTrue(badEnv.err().contains("Unknown environment 'nope'"), badEnv.err());
    Run noDrill = run("drill", "no-such-scenario");
    assertEquals(64, noDrill.code());
    assertTrue(noDrill.err().contains("no drill for 'no-such-scenario' (drills: database-failure, redis-failure, "
        + "ecs-service-failure, region-failure, region-failback, data-corruption, security-incident, "
        + "database-restore-test)"), noDrill.err());
    Run noGate = run("drill", "database-restore-test", "--approval");
    assertEquals(64, noGate.code());
    assertTrue(noGate.err().contains("database-restore-test has no approval gate"), noGate.err());
    assertEquals(64, run("drill").code());
    Run noHealthy = run("drill", "database-restore-test", "--healthy");
    assertEquals(64, noHealthy.code());
    assertTrue(noHealthy.err().contains("database-restore-test has no healthy drill (healthy drills: "
        + "[database-failure, redis-failure, ecs-service-failure])"), noHealthy.err());
    Run healthyPlan = run("drill", "redis-failure", "--healthy", "--dry-run");
    assertEquals(64, healthyPlan.code());
    assertTrue(healthyPlan.err().contains("--healthy is a real run on its own"), healthyPlan.err());
    Run unknown = run("frobnicate");
    assertEquals(64, unknown.code());
    assertTrue(unknown.err().contains("unknown command"), unknown.err());
  }

  @Test
  void aRunbookWithoutAStateMachineInTheEnvironmentIsARejectNotAStart() throws Exception {
    var env = new java.util.LinkedHashMap<>(ClassifyCommand.deployedEnvironment(
        ai.sentinel.dr.infra.EnvironmentConfig.fromCdkJson(RepoPaths.cdkJson(RepoPaths.root()), "local")));
    byte[] raw = java.nio.file.Files.readAllBytes(Path.of(sample("manual-database-failure.json")));
    java.time.Clock at = java.time.Clock.fixed(java.time.Instant.parse(SAMPLES_RECEIVED_AT), java.time.ZoneOffset.UTC);
    assertEquals("start", ClassifyCommand.classify(raw, env, at).action());
    // the same environment without Scenario 1's state machine: the responder would reject it
    var machines = (com.fasterxml.jackson.databind.node.ObjectNode) Json.tree(env.get("STATE_MACHINE_ARNS"));
    machines.remove("database-failure");
    env.put("STATE_MACHINE_ARNS", Json.write(machines));
    var c = ClassifyCommand.classify(raw, env, at);
    assertEquals("reject", c.action(), c.toString());
    assertTrue(c.reason().contains("database-failure has no state machine deployed in local"), c.reason());
  }
}
