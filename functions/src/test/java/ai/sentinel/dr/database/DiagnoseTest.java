package ai.sentinel.dr.database;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.DescribeEventsRequest;
import software.amazon.awssdk.services.rds.model.DescribeEventsResponse;
import software.amazon.awssdk.services.rds.model.Event;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.SourceType;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/** Runbook Scenario 1 "Diagnosis": the three read-only commands (status, events 60 min, DatabaseConnections). */
class DiagnoseTest {
  private final RdsClient rds = Fixtures.sdkMock(RdsClient.class);
  private final CloudWatchClient cloudWatch = Fixtures.sdkMock(CloudWatchClient.class);
  private Map<String, DBInstance> instances;

  @BeforeEach
  void setUp() {
    instances = Db.stubInstances(rds);
    when(rds.describeEvents(any(DescribeEventsRequest.class))).thenReturn(DescribeEventsResponse.builder().events(
        Event.builder().date(Db.at("2026-01-17T10:01:00Z")).eventCategories("failure")
            .message("DB instance shutdown").build(),
        Event.builder().date(Db.at("2026-01-17T10:02:00Z")).eventCategories("failure")
            .message("The database has been shut down due to storage full").build()).build());
    when(cloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class))).thenReturn(
        GetMetricStatisticsResponse.builder().datapoints(
            Datapoint.builder().timestamp(Db.at("2026-01-17T10:00:00Z")).average(0.0).build(),
            Datapoint.builder().timestamp(Db.at("2026-01-17T09:55:00Z")).average(48.0).build()).build());
  }

  @Test
  void recordsWhatTheRunbooksThreeCommandsShow() {
    instances.put(Db.ORIGINAL, Db.instance(Db.ORIGINAL, "storage-full", "us-east-1a", Db.OLD_HOST, 5432).toBuilder()
        .secondaryAvailabilityZone("us-east-1b").multiAZ(true).dbInstanceClass("db.r6g.large")
        .dbSubnetGroup(DBSubnetGroup.builder().dbSubnetGroupName("sentinel-db-subnet").build())
        .vpcSecurityGroups(VpcSecurityGroupMembership.builder().vpcSecurityGroupId("sg-0aaa").build()).build());
    Recovery out = invoke(new Diagnose(Fixtures.deps(rds, cloudWatch)), Fixtures.recovery(false));

    ArgumentCaptor<DescribeEventsRequest> events = ArgumentCaptor.forClass(DescribeEventsRequest.class);
    verify(rds).describeEvents(events.capture());
    assertEquals(Db.ORIGINAL, events.getValue().sourceIdentifier());
    assertEquals(SourceType.DB_INSTANCE, events.getValue().sourceType());
    assertEquals(60, events.getValue().duration());

    ArgumentCaptor<GetMetricStatisticsRequest> metric = ArgumentCaptor.forClass(GetMetricStatisticsRequest.class);
    verify(cloudWatch).getMetricStatistics(metric.capture());
    GetMetricStatisticsRequest m = metric.getValue();
    assertEquals("AWS/RDS", m.namespace());
    assertEquals("DatabaseConnections", m.metricName());
    assertEquals("DBInstanceIdentifier", m.dimensions().get(0).name());
    assertEquals(Db.ORIGINAL, m.dimensions().get(0).value());
    assertEquals(300, m.period());
    assertEquals(List.of(Statistic.AVERAGE), m.statistics());
    assertEquals(Fixtures.NOW, m.endTime());
    assertEquals(Duration.ofHours(1), Duration.between(m.startTime(), m.endTime()));

    Diagnosis d = out.part(DatabaseState.PART).diagnosis();
    assertTrue(d.instanceFound());
    assertEquals("storage-full", d.status());
    assertTrue(d.multiAz());
    assertEquals("us-east-1a", d.availabilityZone());
    assertEquals("us-east-1b", d.secondaryZone());
    assertEquals("db.r6g.large", d.instanceClass());
    assertEquals("sentinel-db-subnet", d.subnetGroup());
    assertEquals(List.of("sg-0aaa"), d.securityGroups());
    assertEquals(Db.OLD_HOST, d.endpoint());
    assertEquals(2, d.recentEvents().size());
    assertEquals(0.0, d.connectionsAverage()); // the latest datapoint, not the largest
    assertTrue(d.rootCause().contains("storage full"), d.rootCause());
    assertTrue(only(out, "Diagnose", "diagnosed").detail().contains("2 RDS event(s)"));
  }

  @Test
  void missingInstanceIsAFindingNotAnError() {
    when(cloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class)))
        .thenReturn(GetMetricStatisticsResponse.builder().build());
    Recovery out = invoke(new Diagnose(Fixtures.deps(rds, cloudWatch)), Fixtures.recovery(false));
    Diagnosis d = out.part(DatabaseState.PART).diagnosis();
    assertFalse(d.instanceFound());
    assertNull(d.status());
    assertTrue(d.securityGroups().isEmpty());
    assertNull(d.connectionsAverage());
    assertTrue(only(out, "Diagnose", "diagnosed").detail().contains("no data"));
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  // ---- the verdict: act only on a confirmed failure

  private Recovery diagnosed(String status, String forcedOption) {
    if (status != null) {
      instances.put(Db.ORIGINAL, Db.instance(Db.ORIGINAL, status, "us-east-1a", Db.OLD_HOST, 5432));
    }
    Recovery in = Fixtures.recovery(false);
    if (forcedOption != null) {
      in = Db.withOptions(in, Db.options(forcedOption, null, null, false));
    }
    return invoke(new Diagnose(Fixtures.deps(rds, cloudWatch)), in);
  }

  @Test
  void anAvailableInstanceIsHealthyAndTheRecoveryTakesNoAction() {
    Recovery out = diagnosed("available", null);
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
    assertFalse(out.diagnosis().act());
    // the environment configures no connect check: the evidence says what was not checked
    assertTrue(out.diagnosis().evidence().stream().anyMatch(e -> e.startsWith("SELECT 1 not run")),
        out.diagnosis().evidence().toString());
    verify(rds, never()).restoreDBInstanceFromDBSnapshot(any(RestoreDbInstanceFromDbSnapshotRequest.class));
  }

  @Test
  void anAvailableInstanceThatDoesNotAnswerSelectOneIsInconclusive() throws Exception {
    SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("postgresql://sentinel:pw-x1@" + Db.OLD_HOST + ":5432/sentinel").build());
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    int port = closed;
    instances.put(Db.ORIGINAL, Db.instance(Db.ORIGINAL, "available", "us-east-1a", Db.OLD_HOST, 5432));
    Map<String, String> env = Fixtures.withSection(Fixtures.env(), "database",
        d -> d.put("verifyConnect", true).put("connectHost", "127.0.0.1:" + port));
    Recovery out = invoke(new Diagnose(Fixtures.deps(ai.sentinel.dr.common.DrConfig.fromEnv(env), rds, cloudWatch,
        secrets)), Fixtures.recovery(false));
    assertEquals(Verdict.INCONCLUSIVE, out.diagnosis().verdict(), out.diagnosis().evidence().toString());
    assertFalse(out.diagnosis().act());
    assertTrue(out.diagnosis().evidence().stream().anyMatch(e -> e.contains("SELECT 1 on 127.0.0.1:" + port)),
        out.diagnosis().evidence().toString());
  }

  @Test
  void aLostOrMissingInstanceIsAConfirmedFailure() {
    assertTrue(diagnosed("storage-full", null).diagnosis().act());
    instances.clear();
    Recovery gone = diagnosed(null, null);
    assertEquals(Verdict.FAILED, gone.diagnosis().verdict());
    assertTrue(gone.diagnosis().act());
  }

  @Test
  void anInstanceNotServingIsAFailureOptionAWaitsFor() {
    Recovery out = diagnosed("rebooting", null);
    assertEquals(Verdict.FAILED, out.diagnosis().verdict());
    assertTrue(out.diagnosis().act());
  }

  @Test
  void aStoppedInstanceIsLeftToAHumanUnlessTheOperatorChoseAnOption() {
    Recovery alone = diagnosed("stopped", null);
    assertEquals(Verdict.INCONCLUSIVE, alone.diagnosis().verdict());
    assertFalse(alone.diagnosis().act());
    Recovery forced = diagnosed("stopped", "B");
    assertTrue(forced.diagnosis().act());
    assertTrue(forced.diagnosis().reason().contains("Option B requested by the operator"));
  }

  @Test
  void anOperatorsOptionOnAHealthyInstanceIsActedOnWithTheHealthRecorded() {
    Recovery out = diagnosed("available", "C");
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
    assertTrue(out.diagnosis().act());
  }
}
