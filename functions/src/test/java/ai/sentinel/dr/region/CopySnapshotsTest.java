package ai.sentinel.dr.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CopyDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DeleteDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;

/**
 * Runbook Scenario 4 "Prerequisites: cross-region RDS snapshot replication": the newest source copied once into the DR
 * region with the DR key, the newest N copies kept, the newest copy's age published whatever the primary answers.
 */
class CopySnapshotsTest {
  private static final String SOURCE_ARN =
      "arn:aws:rds:us-east-1:123456789012:snapshot:rds:sentinel-db-2026-01-17-09-00";
  private final RdsClient primary = Fixtures.sdkMock(RdsClient.class);
  private final RdsClient dr = Fixtures.sdkMock(RdsClient.class);
  private final List<String> logs = StepHarness.captureLogs();

  @AfterEach
  void release() {
    StepHarness.releaseLogs();
  }

  private CopySnapshots handler(boolean dryRun) {
    Map<String, String> env = Regions.env(null);
    env.put("DRY_RUN", Boolean.toString(dryRun));
    return new CopySnapshots(Regions.deps(env, Map.of(RdsClient.class, dr), Map.of(RdsClient.class, primary)));
  }

  private static DBSnapshot snapshot(String id, String status, String created) {
    return DBSnapshot.builder().dbSnapshotIdentifier(id).status(status).dbInstanceIdentifier("sentinel-db")
        .snapshotCreateTime(created == null ? null : Instant.parse(created))
        .dbSnapshotArn("arn:aws:rds:us-east-1:123456789012:snapshot:" + id).build();
  }

  private void primaryHas(DBSnapshot... snapshots) {
    when(primary.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class)))
        .thenReturn(DescribeDbSnapshotsResponse.builder().dbSnapshots(snapshots).build());
  }

  private void drHas(DBSnapshot... snapshots) {
    when(dr.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class)))
        .thenReturn(DescribeDbSnapshotsResponse.builder().dbSnapshots(snapshots).build());
  }

  /** The EMF line of the run: what CloudWatch turns into the metric. */
  private JsonNode emf() {
    List<JsonNode> lines = logs.stream().map(Json::tree).filter(l -> l.has("_aws")).toList();
    assertEquals(1, lines.size(), logs::toString);
    return lines.get(0);
  }

  @Test
  void theNewestAvailableSourceIsCopiedIntoTheDrRegionWithTheDrKeyUnderItsTimeName() {
    primaryHas(snapshot("rds:sentinel-db-2026-01-16-09-00", "available", "2026-01-16T09:00:00Z"),
        snapshot("rds:sentinel-db-2026-01-17-09-00", "available", "2026-01-17T09:00:00Z"),
        snapshot("sentinel-db-pre-deploy", "creating", "2026-01-17T10:00:00Z"));
    drHas();
    ObjectNode out = handler(false).run();
    ArgumentCaptor<CopyDbSnapshotRequest> copy = ArgumentCaptor.forClass(CopyDbSnapshotRequest.class);
    verify(dr).copyDBSnapshot(copy.capture());
    verify(primary, never()).copyDBSnapshot(any(CopyDbSnapshotRequest.class));
    assertEquals(SOURCE_ARN, copy.getValue().sourceDBSnapshotIdentifier());
    assertEquals("sentinel-db-cross-region-20260117-090000", copy.getValue().targetDBSnapshotIdentifier());
    assertEquals("us-east-1", copy.getValue().sourceRegion());
    assertEquals("alias/sentinel-dr", copy.getValue().kmsKeyId());
    assertEquals("requested", out.get("copied").asText());
    ArgumentCaptor<DescribeDbSnapshotsRequest> asked = ArgumentCaptor.forClass(DescribeDbSnapshotsRequest.class);
    verify(primary).describeDBSnapshots(asked.capture());
    assertEquals("sentinel-db", asked.getValue().dbInstanceIdentifier());
  }

  @Test
  void aSourceAlreadyCopiedIsNotCopiedAgainAndItsAgeIsPublished() {
    primaryHas(snapshot("rds:sentinel-db-2026-01-17-09-00", "available", "2026-01-17T09:00:00Z"));
    drHas(snapshot("sentinel-db-cross-region-20260117-090000", "available", "2026-01-17T09:20:00Z"));
    ObjectNode out = handler(false).run();
    verify(dr, never()).copyDBSnapshot(any(CopyDbSnapshotRequest.class));
    assertTrue(out.get("copied").asText().startsWith("already"));
    // 10:05 now, source taken 09:00: the copy holds data 65 minutes old, whatever time the copy itself was made
    assertEquals(3900, out.get("newestCopyAgeSeconds").asLong());
    JsonNode line = emf();
    assertEquals(3900, line.get(CopySnapshots.METRIC).asLong());
    assertEquals("dev", line.get("Environment").asText());
    JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
    assertEquals("SentinelDR", directive.get("Namespace").asText());
    assertEquals("[[\"Environment\"]]", directive.get("Dimensions").toString());
    assertEquals(CopySnapshots.METRIC, directive.get("Metrics").get(0).get("Name").asText());
    assertEquals(Fixtures.NOW.toEpochMilli(), line.get("_aws").get("Timestamp").asLong());
  }

  @Test
  void onlyTheNewestCopiesAreKeptAndOnlyOursAreEverDeleted() {
    primaryHas(snapshot("rds:sentinel-db-2026-01-17-09-00", "available", "2026-01-17T09:00:00Z"));
    drHas(snapshot("sentinel-db-cross-region-20260117-090000", "available", null),
        snapshot("sentinel-db-cross-region-20260116-090000", "available", null),
        snapshot("sentinel-db-cross-region-20260115-090000", "copying", null),
        snapshot("sentinel-db-cross-region-20260114-090000", "available", null),
        snapshot("sentinel-db-manual-keep", "available", "2026-01-01T00:00:00Z"));
    ObjectNode out = handler(false).run();
    ArgumentCaptor<DeleteDbSnapshotRequest> deleted = ArgumentCaptor.forClass(DeleteDbSnapshotRequest.class);
    verify(dr, times(1)).deleteDBSnapshot(deleted.capture());
    // copiesToKeep 2: the 16th and 17th stay; the 15th is still being copied; the manual one is not ours
    assertEquals("sentinel-db-cross-region-20260114-090000", deleted.getValue().dbSnapshotIdentifier());
    assertEquals("[\"sentinel-db-cross-region-20260114-090000\"]", out.get("deleted").toString());
    verify(primary, never()).deleteDBSnapshot(any(DeleteDbSnapshotRequest.class));
  }

  @Test
  void aPrimaryThatDoesNotAnswerCopiesNothingButTheAgeIsStillPublished() {
    when(primary.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class)))
        .thenThrow(ApiCallTimeoutException.create(5000));
    drHas(snapshot("sentinel-db-cross-region-20260117-083000", "available", null));
    ObjectNode out = handler(false).run();
    verify(dr, never()).copyDBSnapshot(any(CopyDbSnapshotRequest.class));
    assertTrue(out.get("source").asText().startsWith("unreadable: us-east-1 did not answer"), out.toString());
    assertEquals(5700, emf().get(CopySnapshots.METRIC).asLong());
  }

  @Test
  void withoutAnyCopyNoAgeIsPublishedSoTheAlarmTreatsTheMissingMetricAsBreaching() {
    primaryHas();
    drHas();
    ObjectNode out = handler(false).run();
    assertTrue(out.get("newestCopy").isNull());
    assertFalse(logs.stream().anyMatch(l -> l.contains("\"_aws\"")));
  }

  @Test
  void aDryRunEnvironmentPlansTheCopyAndTheDeletionsAndSendsNeither() {
    primaryHas(snapshot("rds:sentinel-db-2026-01-17-09-00", "available", "2026-01-17T09:00:00Z"));
    drHas(snapshot("sentinel-db-cross-region-20260116-090000", "available", null),
        snapshot("sentinel-db-cross-region-20260115-090000", "available", null),
        snapshot("sentinel-db-cross-region-20260114-090000", "available", null));
    ObjectNode out = handler(true).run();
    verify(dr, never()).copyDBSnapshot(any(CopyDbSnapshotRequest.class));
    verify(dr, never()).deleteDBSnapshot(any(DeleteDbSnapshotRequest.class));
    assertTrue(out.get("copied").asText().startsWith("planned"));
    assertEquals("[\"sentinel-db-cross-region-20260114-090000 (planned)\"]", out.get("deleted").toString());
  }
}
