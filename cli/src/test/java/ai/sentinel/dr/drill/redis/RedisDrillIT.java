package ai.sentinel.dr.drill.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.drill.DrillReports;
import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.HealthLines;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.drill.PrimaryDeployments;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.redis.CacheState;
import ai.sentinel.dr.redis.RedisSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.SecurityGroupMembership;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Scenario 2 end to end over HTTP on the local cloud: the cache cluster is lost, its alarm's real event reaches the
 * responder, and the CDK-synthesized state machine recovers through the real handlers. Checked in ElastiCache,
 * Secrets Manager, ECS and the execution history, not in the drill's own words.
 */
class RedisDrillIT {
  private static LocalSentinel sentinel;
  private static Drill.Result result;
  private static Map<String, String> deploymentsBefore;
  private static String output;

  @BeforeAll
  static void runDrill() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("redis-drill-it-"));
    deploymentsBefore = PrimaryDeployments.of(sentinel);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    result = Drill.of(sentinel, "redis-failure", new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(false);
    output = buffer.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static CacheCluster recoveryCluster() {
    return sentinel.aws.elastiCache.describeCacheClusters(b -> b.cacheClusterId(
        RedisSettings.of(sentinel.config).recoveryClusterId()).showCacheNodeInfo(true)).cacheClusters().get(0);
  }

  @Test
  void drillEndsVerifiedWithARealPing() {
    assertTrue(result.passed(), output);
    assertEquals(ExecutionStatus.SUCCEEDED, result.status(), output);
    assertTrue(result.recovery().verification().verified(), output);
    assertTrue(output.contains("RECOVERED and VERIFIED"), output);
    if (sentinel.part(RedisSeed.class).reachable()) {
      assertTrue(result.recovery().verification().checks().stream().anyMatch(c -> c.detail().contains("PONG")
          && "PASS".equals(String.valueOf(c.result()))), result.recovery().verification().checks().toString());
    }
  }

  @Test
  void recoveryClusterCarriesTheOriginalsSettingsNotTheConfigFallback() {
    CacheCluster created = recoveryCluster();
    assertEquals("available", created.cacheClusterStatus());
    assertEquals("redis", created.engine());
    // the original's node type, which is deliberately not the config's fallback
    assertEquals(RedisSeed.ORIGINAL_CACHE_NODE_TYPE, created.cacheNodeType());
    assertNotEquals(RedisSettings.of(sentinel.config).nodeType(), created.cacheNodeType());
    assertEquals("7.0", created.engineVersion());
    assertEquals(RedisSettings.of(sentinel.config).subnetGroup(), created.cacheSubnetGroupName());
    assertEquals(sentinel.part(RedisSeed.class).securityGroups(), created.securityGroups().stream()
        .map(SecurityGroupMembership::securityGroupId).toList());
  }

  @Test
  void restoredFromTheNewestSnapshot() {
    List<String> snapshots = List.copyOf(sentinel.part(RedisSeed.class).snapshots().keySet());
    assertEquals(snapshots.get(snapshots.size() - 1), result.recovery().part(CacheState.PART).snapshot().name());
  }

  @Test
  void secretHoldsTheRecoveryEndpoint() {
    String address = recoveryCluster().cacheNodes().get(0).endpoint().address();
    assertTrue(address.startsWith(RedisSettings.of(sentinel.config).recoveryClusterId() + "."), address);
    assertEquals("redis://" + address + ":6379/0", sentinel.aws.secrets.getSecretValue(b -> b.secretId(
        RedisSettings.of(sentinel.config).secretId())).secretString());
    assertNotEquals(sentinel.part(RedisSeed.class).secretValue(), "redis://" + address + ":6379/0");
  }

  @Test
  void bothServicesWereRestartedAfterTheRepoint() {
    Map<String, String> after = PrimaryDeployments.of(sentinel);
    assertEquals(Set.copyOf(EcsSettings.of(sentinel.config).services()), after.keySet());
    for (String service : EcsSettings.of(sentinel.config).services()) {
      assertNotEquals(deploymentsBefore.get(service), after.get(service), service + " was not restarted");
    }
  }

  @Test
  void theExecutionWaitedForTheClusterAndRanEveryStep() {
    List<String> tasks = sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(result.executionArn())
            .maxResults(1000)).events().stream().filter(e -> e.type() == HistoryEventType.TASK_STATE_ENTERED)
        // the waits between polls are Task states too (they end on AWS's event), but no steps
        .map(e -> e.stateEnteredEventDetails().name()).filter(n -> !n.startsWith("Wait for ")).toList();
    assertEquals(List.of("AcquireLock", "Diagnose", "FindSnapshot", "CreateRecoveryCluster", "WaitForCluster",
        "UpdateSecret", "RestartServices", "WaitForServices", "Verify", "Notify", "Report"),
        tasks.stream().distinct().toList());
    // ElastiCache reports the new cluster "creating" at first: the wait loop polled more than once
    assertTrue(tasks.stream().filter("WaitForCluster"::equals).count() > 1, tasks.toString());
    assertTrue(output.contains("step 11 of 11  > Report"), output);
  }

  @Test
  void theReportMeasuresAgainstTheRedisObjectives() throws Exception {
    String report = Files.readString(result.reportFile());
    assertTrue(report.contains("| RTO | Redis Failure | 15 minutes |"), report);
    assertTrue(report.contains("| RPO | Redis Failure | 5 minutes |"), report);
    // the drill deletes the cluster: Diagnose finds it 'deleting'
    assertTrue(report.contains("Underlying cause: the cluster sentinel-redis was being deleted ('deleting')"), report);
    DrillReports.assertComplete(report);
  }

  /**
   * Issue 14: the health check after the recovery passes the checks this scenario touches, on the resource the
   * application now uses (the restored one the secret points at), not on the original the recovery replaced.
   */
  @Test
  void theHealthCheckAfterTheRecoveryPassesWhatTheScenarioTouchedOnTheRestoredResource() {
    Map<String, String> after = HealthLines.at(output, "after the recovery");
    for (String check : List.of("Redis status", "ECS services")) {
      assertTrue(after.getOrDefault(check, "").startsWith("PASS  "), check + " after the recovery: " + after
          + "\n" + output);
    }
    assertTrue(after.get("Redis status").startsWith("PASS  sentinel-redis-recovery available"), after.toString());
  }
}
