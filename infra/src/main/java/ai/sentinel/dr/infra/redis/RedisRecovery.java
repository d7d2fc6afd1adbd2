package ai.sentinel.dr.infra.redis;

import ai.sentinel.dr.infra.RecoveryStateMachine;
import ai.sentinel.dr.infra.RunbookFunction;
import ai.sentinel.dr.redis.CreateRecoveryCluster;
import ai.sentinel.dr.redis.Diagnose;
import ai.sentinel.dr.redis.FindSnapshot;
import ai.sentinel.dr.redis.RedisSettings;
import ai.sentinel.dr.redis.UpdateSecret;
import ai.sentinel.dr.redis.Verify;
import ai.sentinel.dr.redis.WaitForCluster;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.amazon.awscdk.Aws;
import software.constructs.Construct;

/**
 * Runbook Scenario 2 (Redis failure) as the state machine {@code <env>-sentinel-dr-redis-failure}, built only for an
 * environment with a {@code redis} section:
 *
 * <pre>
 * AcquireLock → Diagnose → "Act on diagnosis?" ─no─► NotifyNoAction → ReportNoAction → NoAction
 *   ─act─► FindSnapshot → CreateRecoveryCluster
 *   → WaitForCluster ⟲ "Cluster available?" / "Wait for cluster"
 *   → [gate] UpdateSecret → RestartServices → WaitForServices ⟲ "Services stable?" / "Wait for services"
 *   → Verify → Notify → Report → Recovered
 * </pre>
 * Each step of the redis package has its own function ({@code <env>-sentinel-dr-redis-<step>}) allowed only the calls
 * its step makes ({@link RedisPermissions}); Diagnose and Verify run in the configured {@code vpc}, where they can
 * reach the cache for a PING (Diagnose: is it healthy? then nothing is replaced). The gate before UpdateSecret is on
 * when {@code safety.approvalSteps} lists "UpdateSecret", the name that also gates the database secret.
 */
public final class RedisRecovery extends RecoveryStateMachine {
  static final String UPDATE_SECRET = UpdateSecret.class.getSimpleName();

  public RedisRecovery(Construct scope, String id, Props props) {
    super(scope, id, RedisInfraScenario.ID, props);
    if (config.settings(RedisSettings.class).isEmpty()) {
      throw new IllegalArgumentException("environment '" + config.name() + "' configures no redis: no Scenario 2");
    }
    // PING before anything: a cache that answers is not replaced
    RunbookFunction diagnose = function(Diagnose.class,
        config.require(RedisSettings.class).verifyConnect() ? config.vpc() : null);
    RunbookFunction findSnapshot = function(FindSnapshot.class);
    RunbookFunction createRecoveryCluster = function(CreateRecoveryCluster.class);
    // the recovery cluster notifies the stack's topic, whose "provisioning complete" ends the wait for it
    createRecoveryCluster.function().addEnvironment(CreateRecoveryCluster.TOPIC_VAR, "arn:" + Aws.PARTITION + ":sns:"
        + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":" + RedisInfraScenario.eventTopicName(config));
    RunbookFunction waitForCluster = function(WaitForCluster.class);
    RunbookFunction updateSecret = function(UpdateSecret.class);
    // the one step that needs the cache's network: PING
    RunbookFunction verify = function(Verify.class, config.vpc());
    new RedisPermissions(this, config).grant(diagnose, findSnapshot, createRecoveryCluster, waitForCluster,
        updateSecret, verify);

    LambdaInvoke acquireLockTask = acquireLock();
    LambdaInvoke diagnoseTask = step("Diagnose", diagnose);
    LambdaInvoke findSnapshotTask = step("FindSnapshot", findSnapshot);
    LambdaInvoke createRecoveryClusterTask = step("CreateRecoveryCluster", createRecoveryCluster);
    LambdaInvoke waitForClusterTask = step("WaitForCluster", waitForCluster);
    LambdaInvoke updateSecretTask = step(UPDATE_SECRET, updateSecret);
    LambdaInvoke verifyTask = step("Verify", verify);

    verifyTask.next(finish());
    updateSecretTask.next(restartServices(verifyTask));
    // the cache is back: repointing the secret moves every API and worker task to it
    Choice clusterAvailable = new Choice(this, "Cluster available?")
        .when(isTrue("$.cache.cluster.available"), gated(UPDATE_SECRET, updateSecretTask))
        .otherwise(eventWait("Wait for cluster", waitForClusterTask));
    waitForClusterTask.next(clusterAvailable);
    findSnapshotTask.next(createRecoveryClusterTask).next(waitForClusterTask);
    acquireLockTask.next(diagnoseTask);
    actOnDiagnosis(diagnoseTask, findSnapshotTask);

    build(acquireLockTask, "Scenario 2: Redis failure", "Redis");
  }
}
