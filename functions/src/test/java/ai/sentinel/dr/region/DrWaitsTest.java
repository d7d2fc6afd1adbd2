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
import ai.sentinel.dr.region.RegionState.Confirmation;
import ai.sentinel.dr.region.RegionState.DrService;
import ai.sentinel.dr.region.RegionState.DrServices;
import ai.sentinel.dr.region.RegionState.Restore;
import ai.sentinel.dr.support.Fixtures;
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
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Endpoint;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;

/**
 * Issue 15 in the DR stack: the failover's WaitForDrInstance and WaitForDrServices wait for RDS's and ECS's own events,
 * registering their token in the DR stack's wait table and answering it through the DR region's Step Functions. The
 * function's default clients here are the primary region's (absent mocks: any call there fails the test), so the DR
 * region must be named explicitly.
 */
class DrWaitsTest {
  private static final String TOKEN = "token-dr-1";
  private static final String TABLE = "dev-sentinel-dr-region-waits";
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final DynamoDbClient drTable = Fixtures.sdkMock(DynamoDbClient.class);
  private final SfnClient drSfn = Fixtures.sdkMock(SfnClient.class);
  private final DynamoDbClient primaryTable = Fixtures.sdkMock(DynamoDbClient.class);
  private final SfnClient primarySfn = Fixtures.sdkMock(SfnClient.class);

  private Deps deps() {
    Map<String, String> env = new java.util.HashMap<>(Regions.env(null));
    env.put(DrConfig.Vars.WAIT_TABLE, TABLE);
    // the default region is deliberately not the DR one: only an explicit in(drRegion) reaches the DR mocks
    Clients clients = Clients.preset(Region.US_EAST_1, Map.of(DynamoDbClient.class, primaryTable, SfnClient.class,
        primarySfn)).presetRegion(Region.EU_WEST_1, Map.of(RdsClient.class, rds, EcsClient.class, ecs,
        DynamoDbClient.class, drTable, SfnClient.class, drSfn));
    return new Deps(DrConfig.fromEnv(env), clients, Fixtures.CLOCK);
  }

  private static RegionState confirmed() {
    return new RegionState(new Confirmation("us-east-1", "eu-west-1", true, "confirmed: test", List.of(),
        "2026-01-17T10:02:00Z"));
  }

  private static JsonNode awaitInvoke(Step step, Recovery in) throws Exception {
    ObjectNode payload = Json.object();
    payload.set(Step.RECOVERY, Json.tree(Json.write(in)));
    payload.putObject(Step.AWAIT).put("token", TOKEN);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    step.handleRequest(new ByteArrayInputStream(payload.toString().getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.tree(out.toString(StandardCharsets.UTF_8));
  }

  private void instance(String status) {
    DBInstance.Builder b = DBInstance.builder().dbInstanceIdentifier("sentinel-db-dr").dbInstanceStatus(status);
    if ("available".equals(status)) {
      b.endpoint(Endpoint.builder().address("sentinel-db-dr.abc.eu-west-1.rds.amazonaws.com").port(5432).build());
    }
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(DescribeDbInstancesResponse
        .builder().dbInstances(b.build()).build());
  }

  private static Recovery restoring() {
    Restore r = new Restore("sentinel-db-dr", "sentinel-db-cross-region-20260117-090000", "t", "creating", null,
        null, false, 1);
    return Regions.recovery(false).with(RegionState.PART, confirmed().withRestore(r));
  }

  @Test
  void theDrInstanceWaitRegistersItsTokenInTheDrRegionsWaitTable() throws Exception {
    instance("creating");
    JsonNode answer = awaitInvoke(new WaitForDrInstance(deps()), restoring());
    ArgumentCaptor<PutItemRequest> put = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(drTable).putItem(put.capture());
    assertEquals(TABLE, put.getValue().tableName());
    assertEquals("rds-instance:sentinel-db-dr#available", put.getValue().item().get("pk").s());
    assertEquals(Regions.EXECUTION, put.getValue().item().get("execution").s());
    assertEquals(TOKEN, put.getValue().item().get("token").s());
    verify(drSfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    verifyNoInteractions(primaryTable, primarySfn);
    assertFalse(answer.path("ready").asBoolean());
  }

  @Test
  void anInstanceAvailableBeforeTheRegistrationAnswersItsOwnTokenInTheDrRegion() throws Exception {
    instance("available"); // the restored event came before the token: the look after registering ends the wait
    JsonNode answer = awaitInvoke(new WaitForDrInstance(deps()), restoring());
    verify(drSfn).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    verifyNoInteractions(primaryTable, primarySfn);
    assertTrue(answer.path("ready").asBoolean());
  }

  @Test
  void theDrServicesWaitRegistersOneTokenPerServiceByName() throws Exception {
    DrServices scaled = new DrServices("sentinel-dr", List.of(new DrService("sentinel-api", "created", 2, 0),
        new DrService("sentinel-celery", "updated", 2, 0)), false, 1);
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(Service.builder().serviceName("sentinel-api").status("ACTIVE").desiredCount(2).runningCount(0)
            .deployments(software.amazon.awssdk.services.ecs.model.Deployment.builder().status("PRIMARY").build())
            .build()).build());
    Recovery in = Regions.recovery(false).with(RegionState.PART, confirmed().withServices(scaled));
    JsonNode answer = awaitInvoke(new WaitForDrServices(deps()), in);
    ArgumentCaptor<PutItemRequest> put = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(drTable, times(2)).putItem(put.capture());
    assertEquals(List.of("ecs-service:sentinel-api#stable", "ecs-service:sentinel-celery#stable"),
        put.getAllValues().stream().map(p -> p.item().get("pk").s()).toList());
    verify(drSfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    verifyNoInteractions(primaryTable, primarySfn);
    assertFalse(answer.path("ready").asBoolean());
  }

  @Test
  void nothingToAwaitBeforeTheRestoreOrTheScaleUp() {
    Recovery none = Regions.recovery(false).with(RegionState.PART, confirmed());
    assertEquals(List.of(), new WaitForDrInstance(deps()).awaits(none));
    assertEquals(List.of(), new WaitForDrServices(deps()).awaits(none));
  }
}
