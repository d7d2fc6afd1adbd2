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
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.AvailabilityZones;
import ai.sentinel.dr.common.AvailabilityZones.Zone;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.region.FailbackState.Primary;
import ai.sentinel.dr.region.FailbackState.Replica;
import ai.sentinel.dr.region.FailbackState.Traffic;
import ai.sentinel.dr.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeClustersRequest;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetGroupsResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CopyDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.GetChangeRequest;
import software.amazon.awssdk.services.route53.model.GetChangeResponse;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretResponse;

/**
 * The Failback Procedure's steps, each against the clients of the region it names: the DR region's for the DR
 * database, services and DNS, the primary's for the replica, the new primary instance, its secret and services.
 */
class FailbackStepsTest {
  static final String PRIMARY_ALB = "sentinel-alb-1.us-east-1.elb.amazonaws.com";
  static final String DR_ALB = "sentinel-dr-123.eu-west-1.elb.amazonaws.com";
  static final String FAILBACK = ",\"failback\":{\"primaryAlb\":{\"dnsName\":\"" + PRIMARY_ALB + "\","
      + "\"hostedZoneId\":\"Z35SXDOTRQ7X7K\"},\"healthUrl\":null,\"loadBalancerMetric\":\"app/sentinel-alb/"
      + "0123456789abcdef\",\"instanceId\":\"sentinel-db-failback\",\"kmsKeyId\":null,\"trafficPercents\":[10,50,"
      + "100],\"soakSeconds\":600,\"maxErrorRatePercent\":1.0,\"primarySecretId\":\"sentinel/database-url\","
      + "\"primaryCluster\":\"sentinel-production\",\"primaryServices\":[\"sentinel-api\",\"sentinel-celery\"]}}";
  private static final String PASSWORD = "s3cr3t-Pa55";
  private final RdsClient drRds = Fixtures.sdkMock(RdsClient.class);
  private final RdsClient primaryRds = Fixtures.sdkMock(RdsClient.class);
  private final EcsClient drEcs = Fixtures.sdkMock(EcsClient.class);
  private final EcsClient primaryEcs = Fixtures.sdkMock(EcsClient.class);
  private final SecretsManagerClient primarySecrets = Fixtures.sdkMock(SecretsManagerClient.class);
  private final Route53Client route53 = Fixtures.sdkMock(Route53Client.class);
  private final ElasticLoadBalancingV2Client primaryElb = Fixtures.sdkMock(ElasticLoadBalancingV2Client.class);
  private final CloudWatchClient primaryCloudWatch = Fixtures.sdkMock(CloudWatchClient.class);
  private final AvailabilityZones zones = org.mockito.Mockito.mock(AvailabilityZones.class);

  static Map<String, String> env() {
    Map<String, String> env = Regions.env(null);
    String dr = env.get("SETTINGS_DR");
    env.put("SETTINGS_DR", dr.substring(0, dr.length() - 1) + FAILBACK);
    return env;
  }

  private Deps deps() {
    return Regions.deps(env(), Map.of(RdsClient.class, drRds, EcsClient.class, drEcs, Route53Client.class, route53),
        Map.of(RdsClient.class, primaryRds, EcsClient.class, primaryEcs, SecretsManagerClient.class, primarySecrets,
            ElasticLoadBalancingV2Client.class, primaryElb, CloudWatchClient.class, primaryCloudWatch,
            AvailabilityZones.class, zones));
  }

  private static Recovery at(boolean dryRun, FailbackState state) {
    Recovery r = Regions.recovery(dryRun);
    return r.withEnvelope("region-failback", Regions.PRIMARY, Regions.EXECUTION, "dev", r.trigger(), r.options())
        .with(FailbackState.PART, state);
  }

  private static FailbackState empty() {
    return FailbackState.of(null);
  }

  private static DBInstance dr(boolean tagged) {
    DBInstance.Builder b = DBInstance.builder().dbInstanceIdentifier("sentinel-db-dr").dbInstanceStatus("available");
    if (tagged) {
      b.tagList(Tag.builder().key("sentinel-dr:execution").value("region-failure-us-east-1-old").build());
    }
    return b.build();
  }

  @Test
  void aPrimaryRegionStillImpairedStopsTheFailbackBeforeAnythingChanges() {
    when(zones.describe(any())).thenReturn(List.of(new Zone("us-east-1a", "available"),
        new Zone("us-east-1b", "impaired")));
    when(drRds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(DescribeDbInstancesResponse
        .builder().dbInstances(dr(true)).build());
    when(primaryEcs.describeClusters(any(DescribeClustersRequest.class)))
        .thenReturn(DescribeClustersResponse.builder().build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(new CheckPrimaryHealth(deps()),
        at(false, empty())));
    assertTrue(e.getMessage().contains("failback stopped, nothing changed: availability-zones unhealthy: not "
        + "available: us-east-1b impaired"), e.getMessage());
    verify(drRds, never()).createDBSnapshot(any(CreateDbSnapshotRequest.class));

    when(zones.describe(any())).thenReturn(List.of(new Zone("us-east-1a", "available")));
    Recovery healthy = invoke(new CheckPrimaryHealth(deps()), at(false, empty()));
    assertEquals(4, healthy.part(FailbackState.PART).health().size());
    assertTrue(only(healthy, "CheckPrimaryHealth", "healthy").detail().contains("dr-database healthy"));
  }

  @Test
  void theDrDatabaseIsSnapshottedThenCopiedToThePrimaryUnderOneNameThenPolledUntilAvailable() {
    String id = ReplicateToPrimary.snapshotId(RegionSettings.of(deps().config()), Regions.EXECUTION);
    assertTrue(id.matches("sentinel-db-dr-failback-[0-9a-f]{12}"), id);
    when(drRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class)))
        .thenThrow(DbSnapshotNotFoundException.builder().build());
    Recovery first = invoke(new ReplicateToPrimary(deps()), at(false, empty()));
    ArgumentCaptor<CreateDbSnapshotRequest> create = ArgumentCaptor.forClass(CreateDbSnapshotRequest.class);
    verify(drRds).createDBSnapshot(create.capture());
    assertEquals("sentinel-db-dr", create.getValue().dbInstanceIdentifier());
    assertEquals(id, create.getValue().dbSnapshotIdentifier());
    assertFalse(first.part(FailbackState.PART).replica().copied());

    org.mockito.Mockito.reset(drRds);
    when(drRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(DescribeDbSnapshotsResponse
        .builder().dbSnapshots(DBSnapshot.builder().dbSnapshotIdentifier(id).status("available")
            .dbSnapshotArn("arn:aws:rds:eu-west-1:123456789012:snapshot:" + id).build()).build());
    when(primaryRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class)))
        .thenThrow(DbSnapshotNotFoundException.builder().build());
    Recovery second = invoke(new ReplicateToPrimary(deps()), first);
    ArgumentCaptor<CopyDbSnapshotRequest> copy = ArgumentCaptor.forClass(CopyDbSnapshotRequest.class);
    verify(primaryRds).copyDBSnapshot(copy.capture());
    assertEquals("arn:aws:rds:eu-west-1:123456789012:snapshot:" + id, copy.getValue().sourceDBSnapshotIdentifier());
    assertEquals(id, copy.getValue().targetDBSnapshotIdentifier());
    assertEquals("eu-west-1", copy.getValue().sourceRegion());
    verify(drRds, never()).createDBSnapshot(any(CreateDbSnapshotRequest.class));

    org.mockito.Mockito.reset(primaryRds);
    when(primaryRds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenReturn(
        DescribeDbSnapshotsResponse.builder().dbSnapshots(DBSnapshot.builder().dbSnapshotIdentifier(id)
            .status("available").build()).build());
    Replica done = invoke(new ReplicateToPrimary(deps()), second).part(FailbackState.PART).replica();
    assertTrue(done.copied());
    verify(primaryRds, never()).copyDBSnapshot(any(CopyDbSnapshotRequest.class));
  }

  @Test
  void theNewPrimaryIsRestoredLikeTheOriginalAndOneItDidNotCreateIsNeverAdopted() {
    Replica replica = new Replica("sentinel-db-dr-failback-0123456789ab", "2026-01-17T10:00:00Z", "available",
        "available", true, 3);
    when(primaryRds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenAnswer(inv -> {
      DescribeDbInstancesRequest r = inv.getArgument(0);
      if ("sentinel-db".equals(r.dbInstanceIdentifier())) {
        return DescribeDbInstancesResponse.builder().dbInstances(DBInstance.builder().dbInstanceIdentifier(
            "sentinel-db").dbInstanceClass("db.r6g.large").dbSubnetGroup(g -> g.dbSubnetGroupName("sentinel-db-"
            + "subnet")).vpcSecurityGroups(v -> v.vpcSecurityGroupId("sg-0primary00000001")).build()).build();
      }
      throw DbInstanceNotFoundException.builder().build();
    });
    invoke(new RestorePrimary(deps()), at(false, empty().withReplica(replica)));
    ArgumentCaptor<RestoreDbInstanceFromDbSnapshotRequest> r =
        ArgumentCaptor.forClass(RestoreDbInstanceFromDbSnapshotRequest.class);
    verify(primaryRds).restoreDBInstanceFromDBSnapshot(r.capture());
    assertEquals("sentinel-db-failback", r.getValue().dbInstanceIdentifier());
    assertEquals(replica.snapshotId(), r.getValue().dbSnapshotIdentifier());
    assertEquals("db.r6g.large", r.getValue().dbInstanceClass());
    assertEquals(List.of("sg-0primary00000001"), r.getValue().vpcSecurityGroupIds());
    assertTrue(r.getValue().multiAZ());

    org.mockito.Mockito.reset(primaryRds);
    when(primaryRds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(
        DescribeDbInstancesResponse.builder().dbInstances(DBInstance.builder().dbInstanceIdentifier(
            "sentinel-db-failback").dbInstanceStatus("available").build()).build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> invoke(new RestorePrimary(deps()),
        at(false, empty().withReplica(replica))));
    assertTrue(e.getMessage().contains("was not created by this failback"), e.getMessage());
    verify(primaryRds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void thePrimarysSecretIsRepointedInThePrimaryRegionAndItsPasswordIsNeverWritten() {
    when(primarySecrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("postgresql://sentinel:" + PASSWORD + "@old.us-east-1.rds.amazonaws.com:5432/sentinel").build());
    when(primarySecrets.updateSecret(any(UpdateSecretRequest.class))).thenReturn(UpdateSecretResponse.builder()
        .versionId("v2").build());
    Primary primary = new Primary("sentinel-db-failback", "available", "fb.us-east-1.rds.amazonaws.com", 5432, true,
        2);
    byte[] out = invokeRaw(new UpdatePrimarySecret(deps()), at(false, empty().withPrimary(primary)));
    ArgumentCaptor<UpdateSecretRequest> u = ArgumentCaptor.forClass(UpdateSecretRequest.class);
    verify(primarySecrets).updateSecret(u.capture());
    assertEquals("postgresql://sentinel:" + PASSWORD + "@fb.us-east-1.rds.amazonaws.com:5432/sentinel",
        u.getValue().secretString());
    assertFalse(new String(out, StandardCharsets.UTF_8).contains(PASSWORD), "the value is never in the document");
  }

  private void records(ResourceRecordSet... sets) {
    when(route53.listResourceRecordSets(any(ListResourceRecordSetsRequest.class))).thenReturn(
        ListResourceRecordSetsResponse.builder().resourceRecordSets(sets).build());
    when(route53.changeResourceRecordSets(any(ChangeResourceRecordSetsRequest.class))).thenReturn(
        ChangeResourceRecordSetsResponse.builder().changeInfo(ChangeInfo.builder().id("/change/C1")
            .status("PENDING").build()).build());
  }

  private static ResourceRecordSet alias(String alb, String id, Long weight) {
    return ResourceRecordSet.builder().name("api.sentinel.example.com.").type(RRType.A).setIdentifier(id)
        .weight(weight).aliasTarget(AliasTarget.builder().dnsName(alb + ".").hostedZoneId("Z1")
            .evaluateTargetHealth(true).build()).build();
  }

  private List<Change> sentChanges() {
    ArgumentCaptor<ChangeResourceRecordSetsRequest> c = ArgumentCaptor.forClass(ChangeResourceRecordSetsRequest.class);
    verify(route53).changeResourceRecordSets(c.capture());
    return c.getValue().changeBatch().changes();
  }

  @Test
  void theFirstShiftTurnsTheDrAliasIntoWeightedRecordsTenPercentOnThePrimaryInOneBatch() {
    records(alias(DR_ALB, null, null));
    Recovery out = invoke(new ShiftTraffic(deps()), at(false, empty()));
    List<Change> changes = sentChanges();
    assertEquals(ChangeAction.DELETE, changes.get(0).action());
    assertNull(changes.get(0).resourceRecordSet().weight());
    assertEquals(List.of("sentinel-primary 10 " + PRIMARY_ALB, "sentinel-dr 90 " + DR_ALB), changes.subList(1, 3)
        .stream().map(c -> c.resourceRecordSet().setIdentifier() + " " + c.resourceRecordSet().weight() + " "
            + c.resourceRecordSet().aliasTarget().dnsName()).toList());
    Traffic t = out.part(FailbackState.PART).traffic();
    assertEquals(10, t.percent());
    assertEquals(600, t.soakSeconds());
    assertEquals("/change/C1", t.changeId());
  }

  @Test
  void theNextSharesFollowAndAtOneHundredTheRecordIsASimpleAliasOfThePrimaryAgain() {
    records(alias(PRIMARY_ALB, "sentinel-primary", 50L), alias(DR_ALB, "sentinel-dr", 50L));
    Traffic at50 = new Traffic(50, "/change/C0", 600, Traffic.ADVANCE, List.of(), 1);
    invoke(new ShiftTraffic(deps()), at(false, empty().withTraffic(at50)));
    List<Change> changes = sentChanges();
    assertEquals(3, changes.size(), "two weighted deleted, one simple created");
    ResourceRecordSet created = changes.get(2).resourceRecordSet();
    assertEquals(ChangeAction.UPSERT, changes.get(2).action());
    assertNull(created.setIdentifier());
    assertEquals(PRIMARY_ALB, created.aliasTarget().dnsName());

    org.mockito.Mockito.reset(route53);
    records(alias(PRIMARY_ALB, null, null));
    Recovery again = invoke(new ShiftTraffic(deps()), at(false, empty().withTraffic(at50)));
    verify(route53, never()).changeResourceRecordSets(any(ChangeResourceRecordSetsRequest.class));
    assertNull(again.part(FailbackState.PART).traffic().changeId(), "already there: nothing sent");
  }

  private void primaryTargets(String... states) {
    when(primaryElb.describeTargetGroups(any(DescribeTargetGroupsRequest.class))).thenReturn(
        DescribeTargetGroupsResponse.builder().targetGroups(g -> g.targetGroupArn("arn:tg")).build());
    when(primaryElb.describeTargetHealth(any(DescribeTargetHealthRequest.class))).thenReturn(
        DescribeTargetHealthResponse.builder().targetHealthDescriptions(java.util.Arrays.stream(states)
            .map(s -> TargetHealthDescription.builder().targetHealth(h -> h.state(s)).build()).toList()).build());
    when(route53.getChange(any(GetChangeRequest.class))).thenReturn(GetChangeResponse.builder()
        .changeInfo(ChangeInfo.builder().id("/change/C1").status("INSYNC").build()).build());
  }

  private void errors(double fiveXx, double requests) {
    when(primaryCloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class))).thenAnswer(inv -> {
      GetMetricStatisticsRequest r = inv.getArgument(0);
      double sum = r.metricName().startsWith("HTTPCode") ? fiveXx : requests;
      return GetMetricStatisticsResponse.builder().datapoints(Datapoint.builder().sum(sum).build()).build();
    });
  }

  @Test
  void aHealthyShareAdvancesAndTheLastOneCompletes() {
    primaryTargets("healthy", "healthy");
    errors(1, 1000);
    Traffic at10 = new Traffic(10, "/change/C1", 600, null, List.of(), 0);
    assertEquals(Traffic.ADVANCE, invoke(new CheckTraffic(deps()), at(false, empty().withTraffic(at10)))
        .part(FailbackState.PART).traffic().verdict());
    Traffic at100 = new Traffic(100, "/change/C1", 600, null, List.of(), 0);
    assertEquals(Traffic.COMPLETE, invoke(new CheckTraffic(deps()), at(false, empty().withTraffic(at100)))
        .part(FailbackState.PART).traffic().verdict());
  }

  @Test
  void anUnhealthyTargetOrTooManyErrorsIsARegressionAndAChangeNotInSyncIsJudgedAgainLater() {
    primaryTargets("healthy", "unhealthy");
    errors(0, 100);
    Traffic at10 = new Traffic(10, "/change/C1", 600, null, List.of(), 0);
    Traffic t = invoke(new CheckTraffic(deps()), at(false, empty().withTraffic(at10))).part(FailbackState.PART)
        .traffic();
    assertEquals(Traffic.REGRESSED, t.verdict());
    assertTrue(t.checks().stream().anyMatch(c -> c.startsWith("primary-targets:sentinel-api FAIL")), t.checks()
        .toString());

    primaryTargets("healthy");
    errors(30, 1000);
    Traffic rate = invoke(new CheckTraffic(deps()), at(false, empty().withTraffic(at10))).part(FailbackState.PART)
        .traffic();
    assertEquals(Traffic.REGRESSED, rate.verdict());
    assertTrue(rate.checks().stream().anyMatch(c -> c.startsWith("error-rate FAIL: 3.00% 5xx")), rate.checks()
        .toString());

    errors(0, 1000);
    when(route53.getChange(any(GetChangeRequest.class))).thenReturn(GetChangeResponse.builder()
        .changeInfo(ChangeInfo.builder().id("/change/C1").status("PENDING").build()).build());
    assertEquals(Traffic.SOAK, invoke(new CheckTraffic(deps()), at(false, empty().withTraffic(at10)))
        .part(FailbackState.PART).traffic().verdict());
  }

  @Test
  void aRegressionReturnsEveryRecordToTheDrLoadBalancerAndEndsTheFailbackAsFailed() {
    records(alias(PRIMARY_ALB, "sentinel-primary", 50L), alias(DR_ALB, "sentinel-dr", 50L));
    Traffic regressed = new Traffic(50, "/change/C1", 600, Traffic.REGRESSED, List.of("error-rate FAIL: 3.00% 5xx"),
        1);
    Recovery out = invoke(new ReturnToDr(deps()), at(false, empty().withTraffic(regressed)));
    List<Change> changes = sentChanges();
    ResourceRecordSet back = changes.get(changes.size() - 1).resourceRecordSet();
    assertEquals(DR_ALB, back.aliasTarget().dnsName());
    assertNull(back.weight());
    assertEquals(0, out.part(FailbackState.PART).traffic().percent());
    assertTrue(out.error().asText().contains("50% on the primary regressed: error-rate FAIL"), out.error().toString());
  }

  @Test
  void decommissionDeletesOnlyAFailoversDrInstanceWithAFinalSnapshotAndScalesTheDrServicesToZero() {
    when(drRds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(DescribeDbInstancesResponse
        .builder().dbInstances(dr(true)).build());
    when(drEcs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(Service.builder().serviceName("sentinel-api").status("ACTIVE").desiredCount(2).build(),
            Service.builder().serviceName("sentinel-celery").status("ACTIVE").desiredCount(0).build()).build());
    Recovery out = invoke(new DecommissionDr(deps()), at(false, empty()));
    ArgumentCaptor<DeleteDbInstanceRequest> d = ArgumentCaptor.forClass(DeleteDbInstanceRequest.class);
    verify(drRds).deleteDBInstance(d.capture());
    assertEquals("sentinel-db-dr", d.getValue().dbInstanceIdentifier());
    assertFalse(d.getValue().skipFinalSnapshot());
    assertTrue(d.getValue().finalDBSnapshotIdentifier().startsWith("sentinel-db-dr-final-"));
    ArgumentCaptor<UpdateServiceRequest> u = ArgumentCaptor.forClass(UpdateServiceRequest.class);
    verify(drEcs).updateService(u.capture());
    assertEquals("sentinel-api", u.getValue().service());
    assertEquals(0, u.getValue().desiredCount());
    assertEquals(List.of("sentinel-api"), out.part(FailbackState.PART).decommission().services());

    org.mockito.Mockito.reset(drRds);
    when(drRds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(DescribeDbInstancesResponse
        .builder().dbInstances(dr(false)).build());
    Recovery kept = invoke(new DecommissionDr(deps()), at(false, empty()));
    verify(drRds, never()).deleteDBInstance(any(DeleteDbInstanceRequest.class));
    assertEquals("kept: not created by a failover", kept.part(FailbackState.PART).decommission().instance());
  }

  @Test
  void theFirstGateSaysWhichWritesThePrimaryWillNotHave() {
    FailbackState state = empty().withHealth(List.of(new RegionState.Evidence("availability-zones", "healthy",
        "6 zones available"))).withReplica(new Replica("sentinel-db-dr-failback-0123456789ab",
        "2026-01-17T10:00:00Z", "available", "available", true, 3)).withPrimary(new Primary("sentinel-db-failback",
        "available", "fb.us-east-1.rds.amazonaws.com", 5432, true, 2));
    String gate = RegionFailback.explainShift(at(false, state)).text();
    assertTrue(gate.contains("WRITES TO THE DR DATABASE AFTER THAT ARE NOT ON THE PRIMARY"), gate);
    assertTrue(gate.contains("as of 2026-01-17T10:00:00Z"), gate);
    assertTrue(gate.contains("availability-zones healthy"), gate);
  }
}
