package ai.sentinel.dr.localcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * moto_launcher.py E5 and E6 over HTTP: a forced Multi-AZ failover and an ECS scale-up take the configured time and end
 * with the event AWS sends (RDS-EVENT-0049, SERVICE_STEADY_STATE), which the waits of Scenario 1 Option A ("Wait for
 * failover") and Scenario 3 ("Wait for scale-up") await. E7 and E8: Secrets Manager's "Secret Label Updated" when
 * AWSCURRENT moves and RDS-EVENT-0042 for a manual snapshot, which Scenario 6's rotation and evidence waits await.
 */
class ReadinessEventsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BlockingQueue<JsonNode> EVENTS = new LinkedBlockingQueue<>();
  private static LocalCloud cloud;
  private static RdsClient rds;
  private static EcsClient ecs;
  private static SecretsManagerClient sm;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(FunctionRegistry.of());
    cloud.onEvents(body -> {
      try {
        EVENTS.add(JSON.readTree(body));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    rds = configure(RdsClient.builder()).build();
    ecs = configure(EcsClient.builder()).build();
    sm = configure(SecretsManagerClient.builder()).build();
  }

  private static <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    builder.region(Region.US_EAST_1).endpointOverride(URI.create(cloud.endpoint().toString()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    return builder;
  }

  @AfterAll
  static void stop() {
    rds.close();
    ecs.close();
    sm.close();
    cloud.close();
  }

  @Test
  void aForcedMultiAzFailoverReboots_movesToTheStandbyZoneAndSendsCompletedWhenAvailable() throws Exception {
    EVENTS.clear();
    cloud.setReadiness(Map.of("rdsFailoverSeconds", 2.0));
    rds.createDBInstance(b -> b.dbInstanceIdentifier("failover-db").engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("sentinel").masterUserPassword("password1").multiAZ(true)
        .availabilityZone("us-east-1a"));
    long asked = System.nanoTime();
    DBInstance answer = rds.rebootDBInstance(b -> b.dbInstanceIdentifier("failover-db").forceFailover(true))
        .dbInstance();
    assertEquals("rebooting", answer.dbInstanceStatus());

    JsonNode started = next("RDS DB Instance Event");
    assertEquals("RDS-EVENT-0013", started.path("detail").path("EventID").asText(), started.toString());
    assertEquals("failover-db", started.path("detail").path("SourceIdentifier").asText());
    assertEquals("rebooting", instance("failover-db").dbInstanceStatus(), "rebooting for rdsFailoverSeconds");

    JsonNode completed = next("RDS DB Instance Event");
    double seconds = (System.nanoTime() - asked) / 1e9;
    assertEquals("RDS-EVENT-0049", completed.path("detail").path("EventID").asText(), completed.toString());
    assertEquals("failover", completed.path("detail").path("EventCategories").path(0).asText());
    assertTrue(seconds >= 1.9 && seconds < 6, "completed after the configured 2 s: " + seconds);
    DBInstance after = instance("failover-db");
    assertEquals("available", after.dbInstanceStatus());
    assertEquals("us-east-1b", after.availabilityZone(), "the standby in the other zone is the primary now");
  }

  @Test
  void aForcedFailoverOfASingleAzInstanceIsRefusedAsOnAws() {
    rds.createDBInstance(b -> b.dbInstanceIdentifier("single-db").engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("sentinel").masterUserPassword("password1").multiAZ(false));
    RdsException refused = assertThrows(RdsException.class,
        () -> rds.rebootDBInstance(b -> b.dbInstanceIdentifier("single-db").forceFailover(true)));
    assertEquals("InvalidParameterCombination", refused.awsErrorDetails().errorCode());
    assertEquals("available", instance("single-db").dbInstanceStatus());
  }

  @Test
  void aScaleUpTakesTheConfiguredTimeThenSendsSteadyState() throws Exception {
    EVENTS.clear();
    cloud.setReadiness(Map.of("ecsScaleSeconds", 2.0));
    ecs.createCluster(b -> b.clusterName("scale"));
    String revision = ecs.registerTaskDefinition(b -> b.family("scale-api")
        .containerDefinitions(c -> c.name("api").image("api:1").memory(512))).taskDefinition().taskDefinitionArn();
    ecs.createService(b -> b.cluster("scale").serviceName("scale-api").taskDefinition(revision).desiredCount(1));
    assertEquals(1, service("scale-api").runningCount());
    EVENTS.clear();  // a new service's own deployment events

    long asked = System.nanoTime();
    ecs.updateService(b -> b.cluster("scale").service("scale-api").desiredCount(3));
    Service scaling = service("scale-api");
    assertEquals(1, scaling.runningCount(), "still starting tasks");
    assertEquals(2, scaling.pendingCount());
    assertEquals(1, scaling.deployments().size(), "a scale-up is no new deployment");

    JsonNode steady = next("ECS Service Action");
    double seconds = (System.nanoTime() - asked) / 1e9;
    assertEquals("SERVICE_STEADY_STATE", steady.path("detail").path("eventName").asText(), steady.toString());
    assertTrue(steady.path("resources").path(0).asText().endsWith(":service/scale/scale-api"), steady.toString());
    assertTrue(seconds >= 1.9 && seconds < 6, "steady after the configured 2 s: " + seconds);
    assertEquals(3, service("scale-api").runningCount());

    // a scale-down is steady at once, and says so too
    EVENTS.clear();
    ecs.updateService(b -> b.cluster("scale").service("scale-api").desiredCount(1));
    assertEquals("SERVICE_STEADY_STATE", next("ECS Service Action").path("detail").path("eventName").asText());
    assertEquals(1, service("scale-api").runningCount());
    assertEquals(List.of(), EVENTS.stream().toList(), "one event per change");
  }

  @Test
  void movingAwsCurrentSendsSecretsManagersLabelEventAndAwsPendingSendsNone() throws Exception {
    String arn = sm.createSecret(b -> b.name("app/label").secretString("v1")).arn();
    String token = "22222222-3333-4444-8555-666666666666";
    sm.putSecretValue(b -> b.secretId("app/label").secretString("v2").clientRequestToken(token)
        .versionStages("AWSPENDING"));
    String old = sm.describeSecret(b -> b.secretId("app/label")).versionIdsToStages().entrySet().stream()
        .filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey).findFirst().orElseThrow();
    EVENTS.clear();
    // what a rotation's finishSecret does (E7); AWS sends no event for AWSPENDING or AWSPREVIOUS
    sm.updateSecretVersionStage(b -> b.secretId("app/label").versionStage("AWSPENDING").removeFromVersionId(token));
    sm.updateSecretVersionStage(b -> b.secretId(arn).versionStage("AWSCURRENT").moveToVersionId(token)
        .removeFromVersionId(old));
    JsonNode moved = next("Secret Label Updated");
    assertEquals("aws.secretsmanager", moved.path("source").asText());
    assertEquals(arn, moved.path("resources").path(0).asText());
    assertEquals("app/label", moved.path("detail").path("name").asText(), moved.toString());
    assertEquals("AWSCURRENT", moved.path("detail").path("labelUpdated").asText());
    assertEquals(token, moved.path("detail").path("versionId").asText());
    Thread.sleep(500);
    assertEquals(List.of(), EVENTS.stream().toList(), "one event, for AWSCURRENT only");
  }

  @Test
  void aManualSnapshotSendsManualSnapshotCreated() throws Exception {
    rds.createDBInstance(b -> b.dbInstanceIdentifier("snap-db").engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("app").masterUserPassword("not-a-secret-1"));
    EVENTS.clear();
    rds.createDBSnapshot(b -> b.dbInstanceIdentifier("snap-db").dbSnapshotIdentifier("snap-db-evidence-1"));
    JsonNode created = next("RDS DB Snapshot Event");
    assertEquals("RDS-EVENT-0042", created.path("detail").path("EventID").asText(), created.toString());
    assertEquals("snap-db-evidence-1", created.path("detail").path("SourceIdentifier").asText());
    assertEquals("SNAPSHOT", created.path("detail").path("SourceType").asText());
    assertTrue(created.path("resources").path(0).asText().endsWith(":snapshot:snap-db-evidence-1"),
        created.toString());
    assertEquals("available", rds.describeDBSnapshots(b -> b.dbSnapshotIdentifier("snap-db-evidence-1"))
        .dbSnapshots().get(0).status());
  }

  /** The next event of {@code detailType} as EventBridge delivers it ({"eventBridge": EVENT}), within 10 s. */
  private static JsonNode next(String detailType) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonNode body = EVENTS.poll(200, TimeUnit.MILLISECONDS);
      if (body != null && detailType.equals(body.path("eventBridge").path("detail-type").asText())) {
        return body.path("eventBridge");
      }
    }
    throw new AssertionError("no " + detailType + " within 10 s");
  }

  private static DBInstance instance(String id) {
    return rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().get(0);
  }

  private static Service service(String name) {
    return ecs.describeServices(b -> b.cluster("scale").services(name)).services().get(0);
  }
}
