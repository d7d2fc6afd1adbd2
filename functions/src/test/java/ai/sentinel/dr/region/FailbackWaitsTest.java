package ai.sentinel.dr.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.region.FailbackState.Primary;
import ai.sentinel.dr.region.FailbackState.Replica;
import ai.sentinel.dr.region.FailbackState.Services;
import ai.sentinel.dr.support.Fixtures;
import ai.sentinel.dr.trigger.WaitResponder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CopyDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.Endpoint;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;

/**
 * Issue 15 in the failback: RestorePrimary and RestartPrimaryServices poll resources of the primary region, but their
 * state machine and wait table are the DR stack's. Their waits register in the DR region's wait table and answer
 * through the DR region's Step Functions (the primary's clients here hold the primary's own wait table and Step
 * Functions: any use of them fails the test), and wait for what the primary's RDS and ECS events name.
 */
class FailbackWaitsTest {
  private static final String TOKEN = "token-failback-1";
  private static final String TABLE = "dev-sentinel-dr-region-waits";
  private final RdsClient primaryRds = Fixtures.sdkMock(RdsClient.class);
  private final EcsClient primaryEcs = Fixtures.sdkMock(EcsClient.class);
  private final DynamoDbClient primaryTable = Fixtures.sdkMock(DynamoDbClient.class);
  private final SfnClient primarySfn = Fixtures.sdkMock(SfnClient.class);
  private final DynamoDbClient drTable = Fixtures.sdkMock(DynamoDbClient.class);
  private final SfnClient drSfn = Fixtures.sdkMock(SfnClient.class);
  private final RdsClient drRds = Fixtures.sdkMock(RdsClient.class);

  private Deps deps() {
    Map<String, String> env = new java.util.HashMap<>(FailbackStepsTest.env());
    env.put(DrConfig.Vars.WAIT_TABLE, TABLE);
    // the default region is deliberately the primary: only an explicit in(drRegion) reaches the DR wait table
    Clients clients = Clients.preset(Region.US_EAST_1, Map.of(RdsClient.class, primaryRds, EcsClient.class,
        primaryEcs, DynamoDbClient.class, primaryTable, SfnClient.class, primarySfn)).presetRegion(Region.EU_WEST_1,
        Map.of(DynamoDbClient.class, drTable, SfnClient.class, drSfn, RdsClient.class, drRds));
    return new Deps(DrConfig.fromEnv(env), clients, Fixtures.CLOCK);
  }

  private static Recovery at(FailbackState state) {
    Recovery r = Regions.recovery(false);
    return r.withEnvelope("region-failback", Regions.PRIMARY, Regions.EXECUTION, "dev", r.trigger(), r.options())
        .with(FailbackState.PART, state);
  }

  private static FailbackState restoring() {
    return FailbackState.of(null).withReplica(new Replica("sentinel-db-dr-failback-1", "t", "available",
        "available", true, 1)).withPrimary(new Primary("sentinel-db-failback", "creating", null, null, false, 1));
  }

  private static JsonNode awaitInvoke(Step step, Recovery in) throws Exception {
    ObjectNode payload = Json.object();
    payload.set(Step.RECOVERY, Json.tree(Json.write(in)));
    payload.putObject(Step.AWAIT).put("token", TOKEN);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    step.handleRequest(new ByteArrayInputStream(payload.toString().getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.tree(out.toString(StandardCharsets.UTF_8));
  }

  private void primaryInstance(String status) {
    DBInstance.Builder b = DBInstance.builder().dbInstanceIdentifier("sentinel-db-failback").dbInstanceStatus(status)
        .tagList(Tag.builder().key("sentinel-dr:execution").value(Regions.EXECUTION).build());
    if ("available".equals(status)) {
      b.endpoint(Endpoint.builder().address("sentinel-db-failback.abc.us-east-1.rds.amazonaws.com").port(5432)
          .build());
    }
    when(primaryRds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(
        DescribeDbInstancesResponse.builder().dbInstances(b.build()).build());
  }

  @Test
  void theNewPrimaryInstanceWaitRegistersInTheDrRegionsWaitTable() throws Exception {
    primaryInstance("creating");
    JsonNode answer = awaitInvoke(new RestorePrimary(deps()), at(restoring()));
    ArgumentCaptor<PutItemRequest> put = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(drTable).putItem(put.capture());
    assertEquals(TABLE, put.getValue().tableName());
    assertEquals("rds-instance:sentinel-db-failback#available", put.getValue().item().get("pk").s());
    assertEquals(TOKEN, put.getValue().item().get("token").s());
    verify(drSfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    verifyNoInteractions(primaryTable, primarySfn);
    assertFalse(answer.path("ready").asBoolean());
  }

  @Test
  void aNewPrimaryAvailableBeforeTheRegistrationAnswersItsOwnTokenInTheDrRegion() throws Exception {
    primaryInstance("available");
    JsonNode answer = awaitInvoke(new RestorePrimary(deps()), at(restoring()));
    verify(drSfn).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    verifyNoInteractions(primaryTable, primarySfn);
    assertTrue(answer.path("ready").asBoolean());
  }

  @Test
  void theRestartedPrimaryServicesWaitRegistersOneTokenPerServiceInTheDrRegion() throws Exception {
    when(primaryEcs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse
        .builder().services(Service.builder().serviceName("sentinel-api").desiredCount(3).runningCount(1)
            .deployments(Deployment.builder().status("PRIMARY").build(), Deployment.builder().status("ACTIVE")
                .build()).build()).build());
    FailbackState restarted = restoring().withServices(new Services("t", false, "restarting", 0));
    JsonNode answer = awaitInvoke(new RestartPrimaryServices(deps()), at(restarted));
    ArgumentCaptor<PutItemRequest> put = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(drTable, times(2)).putItem(put.capture());
    assertEquals(List.of("ecs-service:sentinel-api#stable", "ecs-service:sentinel-celery#stable"),
        put.getAllValues().stream().map(p -> p.item().get("pk").s()).toList());
    verify(drSfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    verifyNoInteractions(primaryTable, primarySfn);
    assertFalse(answer.path("ready").asBoolean());
  }

  @Test
  void nothingToAwaitBeforeTheRestoreOrTheRestartIsSent() {
    Recovery none = at(FailbackState.of(null));
    assertEquals(List.of(), new RestorePrimary(deps()).awaits(none));
    assertEquals(List.of(), new RestartPrimaryServices(deps()).awaits(none));
    assertEquals(List.of(), new ReplicateToPrimary(deps()).awaits(none));
  }

  // ---- the replica: the DR snapshot, then its copy in the primary region (RDS-EVENT-0042, then RDS-EVENT-0060) ---

  private static final String SNAPSHOT = "sentinel-db-dr-failback-1";

  private static FailbackState replica(String snapshot, String copy) {
    return FailbackState.of(null).withReplica(new Replica(SNAPSHOT, "t", snapshot, copy, false, 1));
  }

  private static DescribeDbSnapshotsResponse snapshot(String region, String status) {
    return DescribeDbSnapshotsResponse.builder().dbSnapshots(DBSnapshot.builder().dbSnapshotIdentifier(SNAPSHOT)
        .status(status).dbSnapshotArn("arn:aws:rds:" + region + ":123456789012:snapshot:" + SNAPSHOT).build()).build();
  }

  @Test
  void theReplicaCopyWaitRegistersTheSnapshotInTheDrRegionsWaitTable() throws Exception {
    when(drRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(snapshot("eu-west-1",
        "available"));
    when(primaryRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(snapshot("us-east-1",
        "pending"));
    JsonNode answer = awaitInvoke(new ReplicateToPrimary(deps()), at(replica("available", "copying")));
    ArgumentCaptor<PutItemRequest> put = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(drTable).putItem(put.capture());
    assertEquals(TABLE, put.getValue().tableName());
    // RDS names the copy by its own identifier, the same as the DR snapshot's: one key for both halves of the wait
    assertEquals("rds-snapshot:" + SNAPSHOT + "#available", put.getValue().item().get("pk").s());
    verify(drSfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    verifyNoInteractions(primaryTable, primarySfn);
    assertFalse(answer.path("ready").asBoolean());
  }

  @Test
  void aCopyAvailableBeforeTheRegistrationAnswersItsOwnToken() throws Exception {
    when(drRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(snapshot("eu-west-1",
        "available"));
    when(primaryRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(snapshot("us-east-1",
        "available"));
    JsonNode answer = awaitInvoke(new ReplicateToPrimary(deps()), at(replica("available", "copying")));
    verify(drSfn).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    assertTrue(answer.path("ready").asBoolean());
  }

  @Test
  void theSnapshotWaitNeverCopiesItWakesTheStepThatDoes() throws Exception {
    // the DR snapshot became available between the step's poll and its wait: the wait's own look must not send the
    // copy (that change would be missing from the recovery's timeline); it ends the wait so the step sends it now
    when(drRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(snapshot("eu-west-1",
        "available"));
    when(primaryRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class)))
        .thenThrow(DbSnapshotNotFoundException.builder().build());
    JsonNode answer = awaitInvoke(new ReplicateToPrimary(deps()), at(replica("creating", null)));
    verify(primaryRds, never()).copyDBSnapshot(any(CopyDbSnapshotRequest.class));
    verify(drSfn).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    assertTrue(answer.path("ready").asBoolean());

    org.mockito.Mockito.reset(drSfn);
    when(drRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(snapshot("eu-west-1",
        "creating"));
    JsonNode creating = awaitInvoke(new ReplicateToPrimary(deps()), at(replica("creating", null)));
    verify(primaryRds, never()).copyDBSnapshot(any(CopyDbSnapshotRequest.class));
    verify(drSfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    assertFalse(creating.path("ready").asBoolean());
  }

  @Test
  void theForwardedCopyFinishedEventWakesTheDrStacksWaitResponderAndNotThePrimarys() throws Exception {
    byte[] sample = java.nio.file.Files.readAllBytes(Fixtures.events().resolve(
        "rds-eventbridge-snapshot-copy-finished.json"));
    Map<String, String> env = new java.util.HashMap<>(FailbackStepsTest.env());
    env.put(DrConfig.Vars.WAIT_TABLE, TABLE);
    when(drTable.query(any(QueryRequest.class))).thenReturn(QueryResponse.builder().items(Map.of(
        "pk", AttributeValue.fromS("k"), "execution", AttributeValue.fromS("exec-1"), "token", AttributeValue.fromS(
        TOKEN), "expiresAt", AttributeValue.fromN(Long.toString(Fixtures.NOW.getEpochSecond() + 60)))).build());
    WaitResponder dr = new WaitResponder(new Deps(DrConfig.fromEnv(env), Clients.preset(Region.EU_WEST_1, Map.of(
        DynamoDbClient.class, drTable, SfnClient.class, drSfn)), Fixtures.CLOCK));
    WaitResponder.Answer woke = dr.handle(sample);
    assertEquals(List.of("rds-snapshot:sentinel-db-dr-failback-0123456789ab#available"), woke.awaited());
    assertEquals(List.of("exec-1"), woke.woken());
    // the primary stack deploys no snapshot rule (and has no room for one): the event is nothing to it
    Map<String, String> primaryEnv = new java.util.HashMap<>(Fixtures.env());
    primaryEnv.put(DrConfig.Vars.WAIT_TABLE, "dev-sentinel-dr-waits");
    WaitResponder.Answer primary = new WaitResponder(new Deps(DrConfig.fromEnv(primaryEnv), Clients.preset(
        Region.US_EAST_1, Map.of(DynamoDbClient.class, primaryTable, SfnClient.class, primarySfn)), Fixtures.CLOCK))
        .handle(sample);
    assertEquals(List.of(), primary.awaited());
    verifyNoInteractions(primaryTable, primarySfn);
  }
}
