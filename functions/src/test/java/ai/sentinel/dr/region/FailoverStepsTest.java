package ai.sentinel.dr.region;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.invokeRaw;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.region.RegionState.Confirmation;
import ai.sentinel.dr.region.RegionState.CopyChoice;
import ai.sentinel.dr.region.RegionState.DnsSwitch;
import ai.sentinel.dr.region.RegionState.DrService;
import ai.sentinel.dr.region.RegionState.DrServices;
import ai.sentinel.dr.region.RegionState.Restore;
import ai.sentinel.dr.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.CustomOriginConfig;
import software.amazon.awssdk.services.cloudfront.model.Distribution;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.GetDistributionConfigRequest;
import software.amazon.awssdk.services.cloudfront.model.GetDistributionConfigResponse;
import software.amazon.awssdk.services.cloudfront.model.Origin;
import software.amazon.awssdk.services.cloudfront.model.Origins;
import software.amazon.awssdk.services.cloudfront.model.PreconditionFailedException;
import software.amazon.awssdk.services.cloudfront.model.UpdateDistributionRequest;
import software.amazon.awssdk.services.cloudfront.model.UpdateDistributionResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;
import software.amazon.awssdk.services.ecs.model.CreateServiceResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.Endpoint;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotResponse;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.GetChangeRequest;
import software.amazon.awssdk.services.route53.model.GetChangeResponse;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretResponse;

/**
 * The failover's steps after the gate, each against the DR region's clients only (the primary region's clients are
 * absent: a call there fails the test), each safe to run twice, each refusing what it did not create.
 */
class FailoverStepsTest {
  private static final String DR_HOST = "sentinel-db-dr.abc.eu-west-1.rds.amazonaws.com";
  private static final String PASSWORD = "s3cr3t-Pa55";
  private static final String TG_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/"
      + "sentinel-api-dr/0123456789abcdef";
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private final SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
  private final EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
  private final Route53Client route53 = Fixtures.sdkMock(Route53Client.class);
  private final CloudFrontClient cloudFront = Fixtures.sdkMock(CloudFrontClient.class);
  private final DynamoDbClient drTable = Fixtures.sdkMock(DynamoDbClient.class);
  private final DynamoDbClient primaryTable = Fixtures.sdkMock(DynamoDbClient.class);
  private final ElasticLoadBalancingV2Client elb = Fixtures.sdkMock(ElasticLoadBalancingV2Client.class);

  private Deps deps() {
    return Regions.deps(Regions.env(null), Map.of(RdsClient.class, rds, SecretsManagerClient.class, secrets,
        EcsClient.class, ecs, Route53Client.class, route53, CloudFrontClient.class, cloudFront,
        DynamoDbClient.class, drTable, ElasticLoadBalancingV2Client.class, elb),
        Map.of(DynamoDbClient.class, primaryTable));
  }

  private static Recovery at(boolean dryRun, RegionState state) {
    return Regions.recovery(dryRun).with(RegionState.PART, state);
  }

  private static RegionState confirmed() {
    return new RegionState(new Confirmation("us-east-1", "eu-west-1", true, "confirmed: test", List.of(),
        "2026-01-17T10:02:00Z"));
  }

  private static CopyChoice copy() {
    return new CopyChoice("sentinel-db-cross-region-20260117-090000", "2026-01-17T09:00:00Z", 3900, true, "latest");
  }

  private static DBSnapshot snapshot(String id, String status) {
    return DBSnapshot.builder().dbSnapshotIdentifier(id).status(status).build();
  }

  @Test
  void chooseCopyTakesTheNewestAvailableCopyAndSaysWhenItIsOlderThanTheRpo() {
    when(rds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(DescribeDbSnapshotsResponse
        .builder().dbSnapshots(snapshot("sentinel-db-cross-region-20260117-100000", "copying"),
            snapshot("sentinel-db-cross-region-20260117-090000", "available"),
            snapshot("sentinel-db-cross-region-20260116-090000", "available")).build());
    Recovery out = invoke(new ChooseCopy(deps()), at(false, confirmed()));
    CopyChoice c = out.part(RegionState.PART).copy();
    assertEquals("sentinel-db-cross-region-20260117-090000", c.snapshotId());
    assertEquals(3900, c.ageSeconds());
    assertTrue(c.olderThanRpo());
    assertTrue(only(out, "ChooseCopy", "chosen").detail().contains("OLDER THAN THE RPO of 60 min"));
    String gate = new RegionFailure().gates().get(RegionFailure.GATED_STEP).explain(out, deps().config())
        .text();
    assertTrue(gate.contains("restore sentinel-db-cross-region-20260117-090000, taken 2026-01-17T09:00:00Z (65 min "
        + "old: writes since then are lost; OLDER THAN THE RPO)"), gate);
    assertTrue(gate.contains("Evidence: confirmed: test"), gate);
  }

  @Test
  void aNewestCopyOlderThanTheMaximumStopsBeforeTheGateUnlessTheOperatorNamesIt() {
    when(rds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(DescribeDbSnapshotsResponse
        .builder().dbSnapshots(snapshot("sentinel-db-cross-region-20260115-090000", "available")).build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(new ChooseCopy(deps()),
        at(false, confirmed())));
    assertTrue(e.getMessage().contains("sentinel-db-cross-region-20260115-090000 is 2945 min old, older than "
        + "dr.maxCopyAgeMinutes (1440)"), e.getMessage());
    assertTrue(e.getMessage().contains("\"snapshotId\": \"sentinel-db-cross-region-20260115-090000\""),
        e.getMessage());
    Recovery r = Regions.recovery(false);
    Recovery named = r.withEnvelope(r.scenario(), r.resource(), r.executionName(), r.environment(), r.trigger(),
        new ai.sentinel.dr.recovery.Options(null, "sentinel-db-cross-region-20260115-090000", null, false, 30, 5))
        .with(RegionState.PART, confirmed());
    CopyChoice c = invoke(new ChooseCopy(deps()), named).part(RegionState.PART).copy();
    assertEquals("named", c.how());
    assertTrue(c.olderThanRpo(), "the gate still says so");
  }

  @Test
  void verificationWaitsUntilCloudFrontReportsTheOriginChangeDeployed() {
    when(cloudFront.getDistribution(any(software.amazon.awssdk.services.cloudfront.model.GetDistributionRequest
        .class))).thenReturn(software.amazon.awssdk.services.cloudfront.model.GetDistributionResponse.builder()
            .distribution(d -> d.id("E2SENTINEL").status("InProgress")).build());
    RegionState switched = confirmed().withCloudFront(new RegionState.OriginSwitch("E2SENTINEL",
        List.of("api: a -> b"), "InProgress"));
    assertFalse(switched.cloudFront().deployed(), "an update answered InProgress is not deployed yet");
    Recovery polled = invoke(new WaitForCloudFront(deps()), at(false, switched));
    assertFalse(polled.part(RegionState.PART).cloudFront().deployed());
    assertEquals(1, polled.part(RegionState.PART).cloudFront().polls());
    when(cloudFront.getDistribution(any(software.amazon.awssdk.services.cloudfront.model.GetDistributionRequest
        .class))).thenReturn(software.amazon.awssdk.services.cloudfront.model.GetDistributionResponse.builder()
            .distribution(d -> d.id("E2SENTINEL").status("Deployed")).build());
    Recovery done = invoke(new WaitForCloudFront(deps()), polled);
    assertTrue(done.part(RegionState.PART).cloudFront().deployed());
    assertEquals(2, done.part(RegionState.PART).cloudFront().polls());
  }

  @Test
  void chooseCopyWithoutAnyCopyStopsBeforeTheGate() {
    when(rds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class)))
        .thenReturn(DescribeDbSnapshotsResponse.builder().build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(new ChooseCopy(deps()),
        at(false, confirmed())));
    assertTrue(e.getMessage().contains("no available cross-region copy"), e.getMessage());
  }

  @Test
  void theFenceGoesIntoThePrimarysLockTableAndOursAndAnUnreachablePrimaryIsSaid() {
    when(primaryTable.scan(any(software.amazon.awssdk.services.dynamodb.model.ScanRequest.class)))
        .thenReturn(software.amazon.awssdk.services.dynamodb.model.ScanResponse.builder().build());
    Recovery out = invoke(new FenceRecoveries(deps()), at(false, confirmed()));
    ArgumentCaptor<PutItemRequest> primary = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(primaryTable).putItem(primary.capture());
    assertEquals("dev-sentinel-dr-locks", primary.getValue().tableName());
    assertEquals("fence#region:us-east-1", primary.getValue().item().get("pk").s());
    assertEquals(Regions.EXECUTION, primary.getValue().item().get("owner").s());
    ArgumentCaptor<PutItemRequest> ours = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(drTable).putItem(ours.capture());
    assertEquals("dev-sentinel-dr-region-locks", ours.getValue().tableName());
    assertEquals("written", out.part(RegionState.PART).fence().primary());

    when(primaryTable.putItem(any(PutItemRequest.class))).thenThrow(ApiCallTimeoutException.create(5000));
    Recovery unreachable = invoke(new FenceRecoveries(deps()), at(false, confirmed()));
    assertEquals("unreachable", unreachable.part(RegionState.PART).fence().primary());
    assertTrue(only(unreachable, "FenceRecoveries", "fenced").detail().contains("cannot take locks either"));
  }

  @Test
  void theRestoreUsesTheChosenCopyTheDrSettingsAndTagsItsInstance() {
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class)))
        .thenThrow(DbInstanceNotFoundException.builder().build());
    when(rds.restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class)))
        .thenReturn(RestoreDbInstanceFromDbSnapshotResponse.builder().build());
    Recovery out = invoke(new RestoreInDrRegion(deps()), at(false, confirmed().withCopy(copy())));
    ArgumentCaptor<RestoreDbInstanceFromDbSnapshotRequest> r =
        ArgumentCaptor.forClass(RestoreDbInstanceFromDbSnapshotRequest.class);
    verify(rds).restoreDBInstanceFromDBSnapshot(r.capture());
    assertEquals("sentinel-db-dr", r.getValue().dbInstanceIdentifier());
    assertEquals("sentinel-db-cross-region-20260117-090000", r.getValue().dbSnapshotIdentifier());
    assertEquals("db.t3.medium", r.getValue().dbInstanceClass());
    assertEquals("sentinel-db-subnet-dr", r.getValue().dbSubnetGroupName());
    assertEquals(List.of("sg-0dr000000000001"), r.getValue().vpcSecurityGroupIds());
    assertTrue(r.getValue().multiAZ());
    assertFalse(r.getValue().publiclyAccessible());
    assertTrue(r.getValue().tags().contains(Tag.builder().key("sentinel-dr:execution").value(Regions.EXECUTION)
        .build()));
    assertEquals("creating", out.part(RegionState.PART).restore().status());
  }

  @Test
  void anInstanceOfThatNameItDidNotCreateIsNeverAdopted() {
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(DescribeDbInstancesResponse
        .builder().dbInstances(DBInstance.builder().dbInstanceIdentifier("sentinel-db-dr").dbInstanceStatus(
            "available").tagList(Tag.builder().key("sentinel-dr:execution").value("someone-else").build()).build())
        .build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(new RestoreInDrRegion(deps()),
        at(false, confirmed().withCopy(copy()))));
    assertTrue(e.getMessage().contains("not created by this failover"), e.getMessage());
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void aDryRunPlansTheRestoreAndSendsNothing() {
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class)))
        .thenThrow(DbInstanceNotFoundException.builder().build());
    Recovery out = invoke(new RestoreInDrRegion(deps()), at(true, confirmed().withCopy(copy())));
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
    assertEquals("eu-west-1:sentinel-db-dr", out.plan().get(0).target());
  }

  @Test
  void waitingEndsWhenTheDrInstanceIsAvailableWithAnEndpoint() {
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(DescribeDbInstancesResponse
        .builder().dbInstances(DBInstance.builder().dbInstanceIdentifier("sentinel-db-dr").dbInstanceStatus(
            "available").endpoint(Endpoint.builder().address(DR_HOST).port(5432).build()).build()).build());
    Restore restoring = new Restore("sentinel-db-dr", copy().snapshotId(), "t", "creating", null, null, false, 2);
    Recovery out = invoke(new WaitForDrInstance(deps()), at(false, confirmed().withRestore(restoring)));
    Restore r = out.part(RegionState.PART).restore();
    assertTrue(r.available());
    assertEquals(DR_HOST, r.endpoint());
    assertEquals(3, r.polls());
  }

  @Test
  void theDrSecretIsRepointedKeepingItsCredentialsWhichNeverReachTheDocument() {
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("postgresql://sentinel:" + PASSWORD + "@old-dr-host:5432/sentinel?sslmode=require").build());
    when(secrets.updateSecret(any(UpdateSecretRequest.class))).thenReturn(UpdateSecretResponse.builder()
        .versionId("v2").build());
    Restore available = new Restore("sentinel-db-dr", copy().snapshotId(), "t", "available", DR_HOST, 5432, true, 3);
    byte[] raw = invokeRaw(new UpdateDrSecret(deps()), at(false, confirmed().withRestore(available)));
    ArgumentCaptor<UpdateSecretRequest> u = ArgumentCaptor.forClass(UpdateSecretRequest.class);
    verify(secrets).updateSecret(u.capture());
    assertEquals("sentinel/database-url", u.getValue().secretId());
    assertEquals("postgresql://sentinel:" + PASSWORD + "@" + DR_HOST + ":5432/sentinel?sslmode=require",
        u.getValue().secretString());
    assertFalse(new String(raw, StandardCharsets.UTF_8).contains(PASSWORD), "never in the document");
  }

  @Test
  void preProvisionedServicesAreScaledUpAndMissingOnesCreatedAsTheRunbookDoes() {
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(Service.builder().serviceName("sentinel-celery").status("ACTIVE").desiredCount(0).runningCount(0)
            .build()).build());
    when(ecs.describeTaskDefinition(any(DescribeTaskDefinitionRequest.class))).thenReturn(
        DescribeTaskDefinitionResponse.builder().taskDefinition(t -> t.containerDefinitions(c -> c.name("api")
            .portMappings(p -> p.containerPort(8000)))).build());
    when(elb.describeTargetGroups(any(DescribeTargetGroupsRequest.class))).thenReturn(DescribeTargetGroupsResponse
        .builder().targetGroups(t -> t.targetGroupArn(TG_ARN)).build());
    when(ecs.updateService(any(UpdateServiceRequest.class))).thenReturn(UpdateServiceResponse.builder().build());
    when(ecs.createService(any(CreateServiceRequest.class))).thenReturn(CreateServiceResponse.builder().build());
    Recovery out = invoke(new ScaleUpDrServices(deps()), at(false, confirmed()).withRepointedAt(
        "2026-01-17T10:04:00Z"));
    ArgumentCaptor<UpdateServiceRequest> update = ArgumentCaptor.forClass(UpdateServiceRequest.class);
    verify(ecs).updateService(update.capture());
    assertEquals("sentinel-dr", update.getValue().cluster());
    assertEquals("sentinel-celery", update.getValue().service());
    assertEquals(2, update.getValue().desiredCount());
    assertTrue(update.getValue().forceNewDeployment());
    ArgumentCaptor<CreateServiceRequest> create = ArgumentCaptor.forClass(CreateServiceRequest.class);
    verify(ecs).createService(create.capture());
    CreateServiceRequest c = create.getValue();
    assertEquals("sentinel-api", c.serviceName());
    assertEquals("FARGATE", c.launchTypeAsString());
    assertEquals(2, c.desiredCount());
    assertEquals("DISABLED", c.networkConfiguration().awsvpcConfiguration().assignPublicIpAsString());
    assertEquals(List.of("subnet-0dr00000000001", "subnet-0dr00000000002"),
        c.networkConfiguration().awsvpcConfiguration().subnets());
    assertEquals(TG_ARN, c.loadBalancers().get(0).targetGroupArn());
    assertEquals("api", c.loadBalancers().get(0).containerName());
    assertEquals(8000, c.loadBalancers().get(0).containerPort());
    List<DrService> done = out.part(RegionState.PART).services().services();
    assertEquals(List.of("created", "updated"), done.stream().map(DrService::action).toList());
  }

  @Test
  void servicesAreStableOnlyWhenEveryOneRunsItsCountInOneDeployment() {
    DrServices scaled = new DrServices("sentinel-dr", List.of(new DrService("sentinel-api", "created", 2, 0),
        new DrService("sentinel-celery", "updated", 2, 0)), false, 0);
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(service("sentinel-api", 2, 2), service("sentinel-celery", 2, 1)).build());
    Recovery waiting = invoke(new WaitForDrServices(deps()), at(false, confirmed().withServices(scaled)));
    assertFalse(waiting.part(RegionState.PART).services().stable());
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(service("sentinel-api", 2, 2), service("sentinel-celery", 2, 2)).build());
    Recovery stable = invoke(new WaitForDrServices(deps()), waiting);
    assertTrue(stable.part(RegionState.PART).services().stable());
    assertEquals(2, stable.part(RegionState.PART).services().polls());
  }

  private static Service service(String name, int desired, int running) {
    return Service.builder().serviceName(name).status("ACTIVE").desiredCount(desired).runningCount(running)
        .deployments(software.amazon.awssdk.services.ecs.model.Deployment.builder().status("PRIMARY").build())
        .build();
  }

  @Test
  void dnsIsSwitchedToAnAliasOfTheDrLoadBalancerOnceAndNotAgain() {
    when(route53.listResourceRecordSets(any(ListResourceRecordSetsRequest.class)))
        .thenReturn(ListResourceRecordSetsResponse.builder().build());
    when(route53.changeResourceRecordSets(any(ChangeResourceRecordSetsRequest.class))).thenReturn(
        ChangeResourceRecordSetsResponse.builder().changeInfo(ChangeInfo.builder().id("/change/C1").status("PENDING")
            .submittedAt(Instant.parse("2026-01-17T10:05:00Z")).build()).build());
    Recovery out = invoke(new SwitchDns(deps()), at(false, confirmed()));
    ArgumentCaptor<ChangeResourceRecordSetsRequest> c =
        ArgumentCaptor.forClass(ChangeResourceRecordSetsRequest.class);
    verify(route53).changeResourceRecordSets(c.capture());
    assertEquals("Z0SENTINEL", c.getValue().hostedZoneId());
    var change = c.getValue().changeBatch().changes().get(0);
    assertEquals("UPSERT", change.actionAsString());
    assertEquals("api.sentinel.example.com", change.resourceRecordSet().name());
    assertEquals("sentinel-dr-123.eu-west-1.elb.amazonaws.com", change.resourceRecordSet().aliasTarget().dnsName());
    assertEquals("Z32O12XQLNTSW2", change.resourceRecordSet().aliasTarget().hostedZoneId());
    assertEquals("/change/C1", out.part(RegionState.PART).dns().changeId());
    assertFalse(out.part(RegionState.PART).dns().insync());

    when(route53.listResourceRecordSets(any(ListResourceRecordSetsRequest.class))).thenReturn(
        ListResourceRecordSetsResponse.builder().resourceRecordSets(r -> r.name("api.sentinel.example.com.").type("A")
            .aliasTarget(a -> a.dnsName("dualstack.sentinel-dr-123.eu-west-1.elb.amazonaws.com.")
                .hostedZoneId("Z32O12XQLNTSW2").evaluateTargetHealth(true))).build());
    Recovery again = invoke(new SwitchDns(deps()), out);
    verify(route53, times(1)).changeResourceRecordSets(any(ChangeResourceRecordSetsRequest.class));
    assertTrue(again.part(RegionState.PART).dns().insync());
  }

  /** Route 53 reports a change PENDING until its name servers have it (moto is INSYNC at once: only here). */
  @Test
  void theDnsWaitPollsTheChangeFromPendingToInsyncAndGivesUpAfterMaxPolls() {
    when(route53.getChange(any(GetChangeRequest.class))).thenReturn(
        GetChangeResponse.builder().changeInfo(ChangeInfo.builder().id("/change/C1").status("PENDING").build()).build(),
        GetChangeResponse.builder().changeInfo(ChangeInfo.builder().id("/change/C1").status("INSYNC").build()).build());
    RegionState switched = confirmed().withDns(new DnsSwitch("/change/C1", List.of("api.sentinel.example.com"),
        "PENDING", false, 0));
    Recovery pending = invoke(new WaitForDns(deps()), at(false, switched));
    DnsSwitch first = pending.part(RegionState.PART).dns();
    assertEquals("PENDING", first.status());
    assertFalse(first.insync(), "the state machine waits and polls again");
    assertEquals(1, first.polls());
    assertTrue(only(pending, "WaitForDns", Recovery.WAITING).detail().contains("/change/C1 is PENDING"));
    Recovery insync = invoke(new WaitForDns(deps()), pending);
    DnsSwitch second = insync.part(RegionState.PART).dns();
    assertEquals("INSYNC", second.status());
    assertTrue(second.insync(), "DNS in sync?: on to SwitchCloudFront");
    assertEquals(2, second.polls());
    assertTrue(only(insync, "WaitForDns", "done").detail().contains("in sync after 2 poll(s)"));
    ArgumentCaptor<GetChangeRequest> asked = ArgumentCaptor.forClass(GetChangeRequest.class);
    verify(route53, times(2)).getChange(asked.capture());
    assertEquals(List.of("/change/C1", "/change/C1"), asked.getAllValues().stream().map(GetChangeRequest::id)
        .toList());
    // still PENDING at the last allowed poll (maxPolls 5): the wait fails instead of looping for ever
    when(route53.getChange(any(GetChangeRequest.class))).thenReturn(GetChangeResponse.builder().changeInfo(
        ChangeInfo.builder().id("/change/C1").status("PENDING").build()).build());
    RegionState late = confirmed().withDns(new DnsSwitch("/change/C1", List.of("api.sentinel.example.com"),
        "PENDING", false, 4));
    TimedOutError e = assertThrows(TimedOutError.class, () -> invoke(new WaitForDns(deps()), at(false, late)));
    assertTrue(e.getMessage().contains("still PENDING after 5 polls"), e.getMessage());
  }

  private static GetDistributionConfigResponse distribution(String etag, String apiOrigin) {
    return GetDistributionConfigResponse.builder().eTag(etag).distributionConfig(DistributionConfig.builder()
        .callerReference("ref").comment("sentinel").enabled(true).origins(Origins.builder().quantity(2).items(
            Origin.builder().id("api").domainName(apiOrigin).customOriginConfig(CustomOriginConfig.builder()
                .httpPort(80).httpsPort(443).originProtocolPolicy("https-only").build()).build(),
            Origin.builder().id("static").domainName("sentinel-static.s3.amazonaws.com").build()).build()).build())
        .build();
  }

  @Test
  void theCloudFrontOriginMovesWithTheETagReadAndIsReReadWhenSomeoneChangedItMeanwhile() {
    when(cloudFront.getDistributionConfig(any(GetDistributionConfigRequest.class)))
        .thenReturn(distribution("E1", "sentinel-alb-1.us-east-1.elb.amazonaws.com"))
        .thenReturn(distribution("E2", "sentinel-alb-1.us-east-1.elb.amazonaws.com"));
    when(cloudFront.updateDistribution(any(UpdateDistributionRequest.class)))
        .thenThrow(PreconditionFailedException.builder().statusCode(412).message("stale").build())
        .thenReturn(UpdateDistributionResponse.builder().eTag("E3").distribution(Distribution.builder()
            .status("InProgress").build()).build());
    Recovery out = invoke(new SwitchCloudFront(deps()), at(false, confirmed()));
    ArgumentCaptor<UpdateDistributionRequest> u = ArgumentCaptor.forClass(UpdateDistributionRequest.class);
    verify(cloudFront, times(2)).updateDistribution(u.capture());
    assertEquals(List.of("E1", "E2"), u.getAllValues().stream().map(UpdateDistributionRequest::ifMatch).toList());
    DistributionConfig sent = u.getAllValues().get(1).distributionConfig();
    assertEquals("sentinel-dr-123.eu-west-1.elb.amazonaws.com", sent.origins().items().get(0).domainName());
    assertEquals("sentinel-static.s3.amazonaws.com", sent.origins().items().get(1).domainName(), "S3 untouched");
    assertEquals("InProgress", out.part(RegionState.PART).cloudFront().status());
  }

  @Test
  void anOriginAlreadyInTheDrRegionIsLeftAlone() {
    when(cloudFront.getDistributionConfig(any(GetDistributionConfigRequest.class)))
        .thenReturn(distribution("E1", "sentinel-dr-123.eu-west-1.elb.amazonaws.com"));
    Recovery out = invoke(new SwitchCloudFront(deps()), at(false, confirmed()));
    verify(cloudFront, never()).updateDistribution(any(UpdateDistributionRequest.class));
    assertEquals("unchanged", out.part(RegionState.PART).cloudFront().status());
  }

  @Test
  void noStepAfterTheGateTouchesThePrimaryRegion() {
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class)))
        .thenThrow(DbInstanceNotFoundException.builder().build());
    invoke(new RestoreInDrRegion(deps()), at(false, confirmed().withCopy(copy())));
    // the primary region's clients hold only the lock table (the fence): nothing else was asked there
    verifyNoInteractions(primaryTable);
    assertNull(confirmed().restore());
  }
}
