package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.drill.database.DatabaseSeed;
import ai.sentinel.dr.drill.ecs.EcsServiceFailure;
import ai.sentinel.dr.drill.redis.RedisSeed;
import ai.sentinel.dr.ecs.EcsSettings;
import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.recovery.Health;
import ai.sentinel.dr.redis.RedisSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * ./sentinel drill SCENARIO --healthy for the three recoveries: the signal arrives for a resource that stays healthy
 * (a quiet minute that crosses the alarm's threshold, a late deployment notification), and the recovery ends in
 * NoAction: no recovery step ran, the platform is as it was, the attempt counted at start was given back, no lock is
 * left, the on-call got an info message and the report says "no action" with the evidence. Checked here on the cloud,
 * not only by the drill's own verdict.
 */
class HealthyDrillsIT {
  /** The first step of each recovery after the decision: none may run on a healthy resource. */
  private static final Set<String> RECOVERY_STEPS = Set.of("ChooseOption", "FindSnapshot", "ForceNewDeployment");

  private static LocalSentinel sentinel;

  @BeforeAll
  static void start() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("healthy-drills-it-"));
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
        .run(false, Drill.Gate.none(), true);
    output.append(buffer.toString(StandardCharsets.UTF_8));
    return result;
  }

  /** What every healthy drill must show, whatever the scenario; returns the report. */
  private static String endedWithNoAction(Drill.Result result, String output) throws Exception {
    assertTrue(result.passed(), output);
    assertTrue(output.contains("NO ACTION: healthy, nothing changed, attempt budget unchanged"), output);
    assertEquals(ExecutionStatus.SUCCEEDED, result.status(), output);
    List<String> entered = sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(result.executionArn())
        .maxResults(1000)).events().stream().filter(e -> e.stateEnteredEventDetails() != null)
        .map(e -> e.stateEnteredEventDetails().name()).toList();
    assertTrue(entered.contains(RecoveryStateMachine.NO_ACTION), entered.toString());
    assertTrue(entered.stream().noneMatch(RECOVERY_STEPS::contains), "no recovery step ran: " + entered);
    Health health = result.recovery().diagnosis();
    assertEquals(Health.Verdict.HEALTHY, health.verdict());
    assertFalse(health.act());
    // the on-call: an information, not a page
    assertTrue(result.recovery().timeline().stream().anyMatch(e -> "notified".equals(e.event())
        && e.detail().startsWith("NO ACTION - healthy")), result.recovery().timeline().toString());
    // the budget as the lock table holds it: nothing counts for this resource, no lock is left
    var locks = new ai.sentinel.dr.safety.RecoveryLocks(sentinel.aws.dynamoDb, sentinel.config.requireLockTable(),
        java.time.Clock.systemUTC(), java.time.Duration.ofHours(3));
    assertEquals(0, locks.recentStarts(result.scenario(), result.recovery().resource(),
        java.time.Duration.ofDays(1)).size(), "the attempt was given back");
    assertTrue(sentinel.aws.dynamoDb.scan(b -> b.tableName(sentinel.config.requireLockTable())).items().stream()
        .noneMatch(i -> i.get("pk").s().startsWith("lock#")), "every lock released");
    String report = Files.readString(result.reportFile());
    assertTrue(report.contains("no action: healthy"), report);
    assertTrue(report.contains("Evidence:"), report);
    return report;
  }

  @Test
  void aFalseAlarmOnAnAvailableDatabaseRestoresNothing() throws Exception {
    DatabaseSettings db = DatabaseSettings.of(sentinel.config);
    String secretBefore = sentinel.aws.secrets.getSecretValue(b -> b.secretId(db.secretId())).secretString();
    StringBuilder output = new StringBuilder();
    Drill.Result result = drill("database-failure", output);
    String report = endedWithNoAction(result, output.toString());
    if (sentinel.part(DatabaseSeed.class).reachable()) {
      assertTrue(report.contains("returned 1"), "SELECT 1 is the evidence: " + report);
    }
    // Diagnose read the services' credentials for SELECT 1: the password is nowhere an operator reads
    String password = ai.sentinel.dr.database.DatabaseUrl.parse(sentinel.part(DatabaseSeed.class).secretValue())
        .password();
    String history = HistoryText.of(sentinel, result.executionArn());
    Map.of("function logs", Files.readString(sentinel.functionLog()), "drill output", output.toString(),
        "execution history", history, "report", report).forEach((where, text) ->
            assertFalse(text.contains(password), "the database password in the " + where));
    assertEquals(secretBefore, sentinel.aws.secrets.getSecretValue(b -> b.secretId(db.secretId())).secretString());
    assertTrue(sentinel.aws.rds.describeDBInstances().dbInstances().stream()
        .noneMatch(i -> i.dbInstanceIdentifier().equals(db.recoveryInstanceId())
            || i.dbInstanceIdentifier().equals(db.pitrInstanceId())), "no restore");
  }

  @Test
  void aFalseAlarmOnACacheThatAnswersPingReplacesNothing() throws Exception {
    RedisSettings redis = RedisSettings.of(sentinel.config);
    String secretBefore = sentinel.aws.secrets.getSecretValue(b -> b.secretId(redis.secretId())).secretString();
    StringBuilder output = new StringBuilder();
    String report = endedWithNoAction(drill("redis-failure", output), output.toString());
    if (sentinel.part(RedisSeed.class).reachable()) {
      assertTrue(report.contains("+PONG"), "PING is the evidence: " + report);
    }
    assertEquals(secretBefore, sentinel.aws.secrets.getSecretValue(b -> b.secretId(redis.secretId())).secretString());
    assertTrue(sentinel.aws.elastiCache.describeCacheClusters().cacheClusters().stream()
        .noneMatch(c -> c.cacheClusterId().equals(redis.recoveryClusterId())), "no recovery cluster");
  }

  @Test
  void aLateDeploymentFailureOnAHealthyServiceRedeploysNothing() throws Exception {
    String api = EcsServiceFailure.service(sentinel);
    Supplier<String> state = () -> {
      Service s = EcsServiceFailure.describe(sentinel, api);
      return s.taskDefinition() + " " + s.desiredCount() + " " + s.deployments().stream()
          .map(d -> d.id() + " " + d.status()).toList();
    };
    String before = state.get();
    StringBuilder output = new StringBuilder();
    String report = endedWithNoAction(drill("ecs-service-failure", output), output.toString());
    assertTrue(report.contains("healthy, 0 unhealthy"), "the target group is the evidence: " + report);
    assertEquals(before, state.get(), "no deployment, no scaling of " + EcsSettings.of(sentinel.config).cluster()
        + "/" + api);
  }
}
