package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.drill.database.DatabaseSeed;
import ai.sentinel.dr.drill.redis.RedisSeed;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.redis.RedisSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The secret scan of {@link DrillSafetyIT} on the Redis and ECS recoveries' failure paths (NotifyFailure,
 * ReportFailure, the failed execution): a Redis recovery whose cache refuses the credentials of the Redis URL, and an
 * ECS recovery whose rollback is rejected at its approval gate after Diagnose read a log tail full of credentials.
 * One local cloud for both (the gate before DeployPreviousVersion gates nothing of the Redis recovery). The database
 * recovery's failure paths are scanned by SafetyIT (rejected gate) and RestoreTestDrillIT (failed verification); the
 * happy paths by DrillSafetyIT and HealthyDrillsIT.
 */
class FailurePathSecretsIT {
  /** The password of the services' Redis URL; the stand-in cache has none configured, so AUTH is refused. */
  private static final String REDIS_PASSWORD = "canaryRedisUrl7";

  private static LocalSentinel sentinel;

  @BeforeAll
  static void start() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local", List.of("DeployPreviousVersion")),
        Map.of(), Files.createTempDirectory("failure-path-secrets-it-"));
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static String databasePassword() {
    return ai.sentinel.dr.database.DatabaseUrl.parse(sentinel.part(DatabaseSeed.class).secretValue()).password();
  }

  @Test
  void aRedisRecoveryWhoseCacheRefusesThePasswordFailsAndLeaksItNowhere() throws Exception {
    assumeTrue(sentinel.part(RedisSeed.class).reachable(), "needs redis-server: Verify's PING is the failure");
    String queue = DrillSafetyIT.subscribe(sentinel);
    String secretId = RedisSettings.of(sentinel.config).secretId();
    String url = sentinel.part(RedisSeed.class).secretValue().replace("redis://", "redis://:" + REDIS_PASSWORD + "@");
    sentinel.aws.secrets.putSecretValue(b -> b.secretId(secretId).secretString(url));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Drill.Result result = Drill.of(sentinel, "redis-failure", new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(false);
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(ExecutionStatus.FAILED, result.status(), output);
    assertFalse(result.passed(), output);
    // the password went through UpdateSecret (repointed with it) and Verify (AUTH refused), then the failure path
    String repointed = sentinel.aws.secrets.getSecretValue(b -> b.secretId(secretId)).secretString();
    assertTrue(repointed.contains(":" + REDIS_PASSWORD + "@")
        && repointed.contains(RedisSettings.of(sentinel.config).recoveryClusterId()), "repointed, password kept");
    String history = HistoryText.of(sentinel, result.executionArn());
    assertTrue(history.contains("VerificationFailedError") && history.contains("AUTH on "),
        "Verify failed on AUTH: " + output);
    assertTrue(history.contains("ReportFailure"), "the failure path ran: " + output);
    DrillSafetyIT.assertNoSecret(DrillSafetyIT.readable(sentinel, result, output, queue),
        List.of(REDIS_PASSWORD, databasePassword()));
  }

  @Test
  void anEcsRecoveryWhoseRollbackIsRejectedLeaksNoSecretOfTheLogTail() throws Exception {
    String queue = DrillSafetyIT.subscribe(sentinel);
    DrillSafetyIT.plantLogTail(sentinel);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Drill.Result result = Drill.of(sentinel, "ecs-service-failure",
        new PrintStream(buffer, true, StandardCharsets.UTF_8)).run(false, Drill.Gate.rejectAs("carol"));
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertTrue(result.passed(), "the rejection was honored: " + output);
    assertEquals(ExecutionStatus.FAILED, result.status(), output);
    String history = HistoryText.of(sentinel, result.executionArn());
    // the log tail reached the recovery document (redacted), so the scan below is not vacuous
    assertTrue(history.contains("JWT_SECRET=") && history.contains("PGPASSWORD="), "log tail in the history");
    assertTrue(history.contains("ReportFailure"), "the failure path ran: " + output);
    List<String> secrets = new ArrayList<>(DrillSafetyIT.LOG_TAIL_SECRETS);
    secrets.add(databasePassword());
    DrillSafetyIT.assertNoSecret(DrillSafetyIT.readable(sentinel, result, output, queue), secrets);
  }
}
