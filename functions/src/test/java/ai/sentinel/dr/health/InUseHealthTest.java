package ai.sentinel.dr.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.health.CheckResult.Status;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.CacheClusterNotFoundException;
import software.amazon.awssdk.services.elasticache.model.CacheNode;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersRequest;
import software.amazon.awssdk.services.elasticache.model.DescribeCacheClustersResponse;
import software.amazon.awssdk.services.elasticache.model.Endpoint;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * After a recovery the application uses the resource its connection secret points at (a restore creates
 * {@code <id>-recovery} and repoints the secret; the original is deleted or 'deleting'): the RDS and Redis checks judge
 * that resource and name it, as an on-call running {@code ./sentinel health} after a recovery expects.
 */
class InUseHealthTest {
  private static final String DB_SECRET = "sentinel/database-url";
  private static final String REDIS_SECRET = "sentinel/redis-url";
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private final ElastiCacheClient cache = Fixtures.sdkMock(ElastiCacheClient.class);
  private final SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
  private final HealthChecks checks = new HealthChecks(HealthChecks.Targets.of(Fixtures.config()), rds, cache,
      Fixtures.sdkMock(EcsClient.class), Fixtures.sdkMock(ElasticLoadBalancingV2Client.class), secrets, url -> 200,
      Fixtures.CLOCK);

  private static String host(String id) {
    return id + ".c9akciq32.us-east-1.rds.amazonaws.com";
  }

  private static String cacheHost(String id) {
    return id + ".abc123.0001.use1.cache.amazonaws.com";
  }

  private void instance(String id, String status) {
    when(rds.describeDBInstances(argThat((DescribeDbInstancesRequest r) -> r != null
        && id.equals(r.dbInstanceIdentifier())))).thenReturn(DescribeDbInstancesResponse.builder().dbInstances(
            DBInstance.builder().dbInstanceIdentifier(id).dbInstanceStatus(status).endpoint(e -> e.address(host(id))
                .port(5432)).build()).build());
  }

  private void noInstance(String id) {
    when(rds.describeDBInstances(argThat((DescribeDbInstancesRequest r) -> r != null
        && id.equals(r.dbInstanceIdentifier())))).thenThrow(DbInstanceNotFoundException.builder()
            .message("DBInstance " + id + " not found").build());
  }

  private void cluster(String id, String status) {
    when(cache.describeCacheClusters(argThat((DescribeCacheClustersRequest r) -> r != null
        && id.equals(r.cacheClusterId())))).thenReturn(DescribeCacheClustersResponse.builder().cacheClusters(
            CacheCluster.builder().cacheClusterId(id).cacheClusterStatus(status).cacheNodes(CacheNode.builder()
                .endpoint(Endpoint.builder().address(cacheHost(id)).port(6379).build()).build()).build()).build());
  }

  private void secret(String id, String value) {
    when(secrets.getSecretValue(argThat((GetSecretValueRequest r) -> r != null && id.equals(r.secretId()))))
        .thenReturn(GetSecretValueResponse.builder().name(id).secretString(value).build());
  }

  @Test
  void afterARestoreTheRdsCheckJudgesTheInstanceTheSecretPointsAtAndNamesIt() {
    noInstance("sentinel-db");
    instance("sentinel-db-recovery", "available");
    secret(DB_SECRET, "postgresql://app:pw@" + host("sentinel-db-recovery") + ":5432/sentinel?sslmode=require");

    CheckResult rdsCheck = checks.rds();

    assertEquals(Status.PASS, rdsCheck.status(), rdsCheck.toString());
    assertEquals("sentinel-db-recovery available (sentinel/database-url points here, not at sentinel-db)",
        rdsCheck.observed());
  }

  @Test
  void aPointInTimeRestoreIsFollowedTooAndTheSecretsJsonShapeIsRead() {
    instance("sentinel-db", "deleting");
    noInstance("sentinel-db-recovery");
    instance("sentinel-db-pitr", "modifying");
    secret(DB_SECRET, "{\"username\":\"app\",\"password\":\"pw\",\"host\":\"" + host("sentinel-db-pitr")
        + "\",\"port\":5432,\"dbname\":\"sentinel\"}");

    CheckResult rdsCheck = checks.rds();

    assertEquals(Status.WARN, rdsCheck.status());
    assertEquals("sentinel-db-pitr modifying (sentinel/database-url points here, not at sentinel-db)",
        rdsCheck.observed());
  }

  @Test
  void whenTheSecretPointsAtTheConfiguredInstanceOnlyItIsReadAndTheLineIsUnchanged() {
    instance("sentinel-db", "available");
    secret(DB_SECRET, "postgresql://app:pw@" + host("sentinel-db") + ":5432/sentinel");

    assertEquals("sentinel-db available", checks.rds().observed());
    verify(rds, never()).describeDBInstances(argThat((DescribeDbInstancesRequest r) -> r != null
        && !"sentinel-db".equals(r.dbInstanceIdentifier())));
  }

  @Test
  void aSecretThatNamesNoKnownInstanceOrCannotBeReadLeavesTheConfiguredInstanceAndSaysWhy() {
    instance("sentinel-db", "available");
    noInstance("sentinel-db-recovery");
    noInstance("sentinel-db-pitr");
    secret(DB_SECRET, "postgresql://app:pw@proxy.internal.example.com:5432/sentinel");
    assertEquals(Status.PASS, checks.rds().status());
    assertEquals("sentinel-db available (sentinel/database-url's host proxy.internal.example.com is none of "
        + "sentinel-db, sentinel-db-recovery, sentinel-db-pitr)", checks.rds().observed());

    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenThrow((SecretsManagerException)
        SecretsManagerException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
            .errorCode("AccessDeniedException").build()).build());
    CheckResult unreadable = checks.rds();
    assertEquals(Status.PASS, unreadable.status());
    assertEquals("sentinel-db available (sentinel/database-url unreadable (AccessDeniedException): the configured "
        + "instance is checked)", unreadable.observed());
  }

  @Test
  void aDeletedOriginalWithNoReplacementStillFails() {
    noInstance("sentinel-db");
    noInstance("sentinel-db-recovery");
    noInstance("sentinel-db-pitr");
    secret(DB_SECRET, "postgresql://app:pw@" + host("sentinel-db") + ":5432/sentinel");

    CheckResult rdsCheck = checks.rds();

    assertEquals(Status.FAIL, rdsCheck.status());
    assertEquals("sentinel-db not found", rdsCheck.observed());
  }

  @Test
  void afterARedisRecoveryTheCheckJudgesTheClusterTheSecretPointsAtNotTheDeletingOriginal() {
    cluster("sentinel-redis", "deleting");
    cluster("sentinel-redis-recovery", "available");
    secret(REDIS_SECRET, "redis://" + cacheHost("sentinel-redis-recovery") + ":6379/0");

    CheckResult redisCheck = checks.redis();

    assertEquals(Status.PASS, redisCheck.status(), redisCheck.toString());
    assertEquals("sentinel-redis-recovery available (sentinel/redis-url points here, not at sentinel-redis)",
        redisCheck.observed());
    verify(cache).describeCacheClusters(argThat((DescribeCacheClustersRequest r) -> r != null
        && "sentinel-redis-recovery".equals(r.cacheClusterId()) && Boolean.TRUE.equals(r.showCacheNodeInfo())));
  }

  @Test
  void aRedisSecretPointingAtTheOriginalKeepsItsLineAndAGoneOriginalWithoutReplacementFails() {
    cluster("sentinel-redis", "available");
    secret(REDIS_SECRET, "rediss://:token@" + cacheHost("sentinel-redis") + ":6379/0");
    assertEquals("sentinel-redis available", checks.redis().observed());

    when(cache.describeCacheClusters(any(DescribeCacheClustersRequest.class))).thenThrow(
        CacheClusterNotFoundException.builder().message("not found").build());
    CheckResult gone = checks.redis();
    assertEquals(Status.FAIL, gone.status());
    assertEquals("sentinel-redis not found", gone.observed());
  }

  @Test
  void targetsNameTheReplacementsARecoveryMayCreateAndTheSecrets() {
    HealthChecks.Targets targets = HealthChecks.Targets.of(Fixtures.config());
    assertEquals(List.of("sentinel-db", "sentinel-db-recovery", "sentinel-db-pitr"), targets.dbInstances());
    assertEquals(DB_SECRET, targets.dbSecret());
    assertEquals(List.of("sentinel-redis", "sentinel-redis-recovery"), targets.redisClusters());
    assertEquals(REDIS_SECRET, targets.redisSecret());
  }
}
