package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.drill.ecs.EcsSeed;
import ai.sentinel.dr.drill.ecs.EcsServiceFailure;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.recovery.PlannedCall;
import ai.sentinel.dr.redis.RedisSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ./sentinel drill redis-failure, ecs-service-failure and security-incident --dry-run: the plan names what a recovery
 * would create and change, and nothing is created or changed (the drill counts the calls at the gateway; this test
 * also looks at the resources).
 */
class DryRunDrillsIT {
  private static LocalSentinel sentinel;

  @BeforeAll
  static void start() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"),
        Map.of(DrConfig.Vars.DRY_RUN, "true"), Files.createTempDirectory("dry-run-drills-it-"));
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static Drill.Result drill(String scenario, StringBuilder output) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Drill.Result result = Drill.of(sentinel, scenario, new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(true);
    output.append(buffer.toString(StandardCharsets.UTF_8));
    // issue 16: a dry-run never reads as a recovery: the watcher's end state line ("06:00:01  +   4.2s  = Recovered")
    // says "planned only", and no line is a bare "execution SUCCEEDED"
    for (String line : output.toString().lines().map(String::strip).toList()) {
      assertFalse(line.matches("^\\S+\\s+\\+\\s*[0-9.]+s\\s+= \\w+$") || line.matches("(?i)execution SUCCEEDED\\.?"),
          "a dry-run line reads as a recovery: '" + line + "'\n" + output);
    }
    return result;
  }

  private static List<String> plan(Drill.Result result) {
    return result.recovery().plan().stream().map(c -> c.api() + " " + c.target()).toList();
  }

  @Test
  void redisDryRunPlansTheRecoveryClusterAndTheRepointAndChangesNothing() throws Exception {
    String secretBefore = sentinel.aws.secrets.getSecretValue(b -> b.secretId(RedisSettings.of(sentinel.config)
        .secretId()))
        .secretString();
    StringBuilder output = new StringBuilder();
    Drill.Result result = drill("redis-failure", output);
    assertTrue(result.passed(), output.toString());
    assertTrue(output.toString().contains("DRY-RUN OK"), output.toString());
    assertTrue(plan(result).contains("CreateCacheCluster " + RedisSettings.of(sentinel.config).recoveryClusterId()),
        plan(result).toString());
    assertTrue(result.recovery().plan().stream().map(PlannedCall::target).anyMatch(RedisSettings.of(sentinel.config)
        .secretId()
        ::equals), plan(result).toString());
    assertEquals(secretBefore, sentinel.aws.secrets.getSecretValue(b -> b.secretId(RedisSettings.of(sentinel.config)
        .secretId()))
        .secretString());
    assertFalse(sentinel.aws.elastiCache.describeCacheClusters().cacheClusters().stream()
        .anyMatch(c -> c.cacheClusterId().equals(RedisSettings.of(sentinel.config).recoveryClusterId())));
  }

  /** The security drill's plan: block, rotate, preserve, isolate and restore; the IP set and secrets unchanged. */
  @Test
  void securityDryRunPlansEveryContainmentAndChangesNothing() throws Exception {
    var settings = ai.sentinel.dr.security.SecuritySettings.of(sentinel.config);
    Map<String, String> versions = new java.util.LinkedHashMap<>();
    for (String id : settings.rotation().secretIds()) {
      versions.put(id, sentinel.aws.secrets.getSecretValue(b -> b.secretId(id)).versionId());
    }
    List<String> setBefore = ai.sentinel.dr.drill.security.SecurityIncidentDrill.ipSet(sentinel);
    StringBuilder output = new StringBuilder();
    Drill.Result result = drill("security-incident", output);
    assertTrue(result.passed(), output.toString());
    List<String> apis = result.recovery().plan().stream().map(PlannedCall::api).distinct().toList();
    assertTrue(apis.containsAll(List.of("UpdateIPSet", "RotateSecret", "CreateExportTask", "UpdateService")),
        apis.toString());
    assertEquals(setBefore, ai.sentinel.dr.drill.security.SecurityIncidentDrill.ipSet(sentinel));
    for (var v : versions.entrySet()) {
      assertEquals(v.getValue(), sentinel.aws.secrets.getSecretValue(b -> b.secretId(v.getKey())).versionId());
    }
    var api = EcsServiceFailure.describe(sentinel, settings.isolation().service());
    assertTrue(api.desiredCount() > 0, "not isolated");
  }

  @Test
  void ecsDryRunPlansTheRedeployAndChangesNothing() throws Exception {
    String api = EcsSettings.of(sentinel.config).services().get(0);
    StringBuilder output = new StringBuilder();
    Drill.Result result = drill("ecs-service-failure", output);
    assertTrue(result.passed(), output.toString());
    assertTrue(plan(result).contains("UpdateService " + EcsSettings.of(sentinel.config).cluster() + "/" + api),
        plan(result).toString());
    // still the bad release the drill injected, at the injected count
    var service = EcsServiceFailure.describe(sentinel, api);
    List<String> revisions = sentinel.part(EcsSeed.class).taskDefinitions().get(api);
    assertEquals(revisions.get(revisions.size() - 1), service.taskDefinition());
    assertEquals(1, service.desiredCount());
    assertEquals(0, service.runningCount());
  }
  /**
   * data-corruption --dry-run: the plan names the maintenance switches, the point-in-time copy and the repair of each
   * table, and nothing is changed: live's rows are as the corruption left them, the listener has no 503 rule, the
   * parameter is still normal, no clean instance exists (no approval is asked: nothing would be repaired).
   */
  @Test
  void dataCorruptionDryRunPlansMaintenanceRestoreAndRepairAndChangesNothing() throws Exception {
    var seed = sentinel.part(ai.sentinel.dr.drill.corruption.CorruptionSeed.class);
    var drill = new ai.sentinel.dr.drill.corruption.DataCorruption();
    StringBuilder output = new StringBuilder();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Drill.Result result = new Drill(sentinel, drill, new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(true);
    output.append(buffer.toString(StandardCharsets.UTF_8));
    assertTrue(result.passed(), output.toString());
    assertTrue(output.toString().contains("DRY-RUN OK"), output.toString());
    String clean = ai.sentinel.dr.database.DatabaseSettings.of(sentinel.config).cleanInstanceId();
    List<String> plan = plan(result);
    for (String call : List.of("CreateRule sentinel-alb:443", "PutParameter " + seed.parameter(),
        "RestoreDBInstanceToPointInTime " + clean,
        "RepairSelective audit_logs", "RepairSelective threat_reports")) {
      assertTrue(plan.contains(call), call + " not in " + plan);
    }
    assertFalse(output.toString().contains("Approve RestoreTables"), output.toString());
    // live's rows, both tables whole, as the corruption left them
    assertEquals(2, drill.liveAfterInjection().size());
    assertEquals(drill.liveAfterInjection(), drill.liveNow(sentinel));
    try (var ssm = ai.sentinel.dr.drill.corruption.CorruptionSeed.ssm(sentinel.cloud.endpoint())) {
      assertEquals(ai.sentinel.dr.drill.corruption.CorruptionSeed.NORMAL, ssm.getParameter(b -> b.name(
          seed.parameter())).parameter().value());
    }
    assertEquals(1, ai.sentinel.dr.drill.corruption.CorruptionSeed.rules(sentinel, seed.listenerArn()).size(),
        "the listener has its default rule only");
    assertFalse(sentinel.aws.rds.describeDBInstances().dbInstances().stream()
        .anyMatch(i -> i.dbInstanceIdentifier().equals(clean)), "no clean instance");
  }
}
