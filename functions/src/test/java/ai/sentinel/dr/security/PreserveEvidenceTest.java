package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CreateExportTaskRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.CreateExportTaskResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeExportTasksRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeExportTasksResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.ExportTask;
import software.amazon.awssdk.services.cloudwatchlogs.model.ExportTaskStatus;
import software.amazon.awssdk.services.cloudwatchlogs.model.LimitExceededException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;

/** PreserveEvidence and WaitForEvidence: what is preserved where, the export slot, the manifest's hashes, re-runs. */
class PreserveEvidenceTest {
  static final String BUCKET = "dev-sentinel-dr-evidence-us-east-1";
  static final String PREFIX = "incidents/security-incident-203-0-113-77-0123456789ab/";
  private S3Client s3;
  private CloudWatchLogsClient logs;
  private RdsClient rds;
  private final Map<String, byte[]> objects = new HashMap<>();
  private boolean snapshotExists;

  @BeforeEach
  void setUp() {
    s3 = Fixtures.sdkMock(S3Client.class);
    logs = Fixtures.sdkMock(CloudWatchLogsClient.class);
    rds = Fixtures.sdkMock(RdsClient.class);
    when(s3.putObject(any(PutObjectRequest.class), any(RequestBody.class))).thenAnswer(i -> {
      PutObjectRequest r = i.getArgument(0);
      objects.put(r.key(), i.<RequestBody>getArgument(1).contentStreamProvider().newStream().readAllBytes());
      return null;
    });
    when(s3.listObjectsV2(any(ListObjectsV2Request.class))).thenAnswer(i -> ListObjectsV2Response.builder()
        .contents(objects.keySet().stream().sorted().map(k -> S3Object.builder().key(k).size((long) objects.get(k)
            .length).build()).toList()).isTruncated(false).build());
    when(s3.getObject(any(GetObjectRequest.class))).thenAnswer(i -> new ResponseInputStream<>(
        GetObjectResponse.builder().build(), AbortableInputStream.create(new ByteArrayInputStream(
            objects.get(i.<GetObjectRequest>getArgument(0).key())))));
    when(rds.describeDBSnapshots(any(DescribeDbSnapshotsRequest.class))).thenAnswer(i -> {
      if (!snapshotExists) {
        throw DbSnapshotNotFoundException.builder().message("not found").build();
      }
      return DescribeDbSnapshotsResponse.builder().dbSnapshots(DBSnapshot.builder().status("available").build())
          .build();
    });
    when(logs.describeExportTasks(any(DescribeExportTasksRequest.class))).thenReturn(
        DescribeExportTasksResponse.builder().build());
    when(logs.createExportTask(any(CreateExportTaskRequest.class))).thenAnswer(i -> {
      // CloudWatch Logs writes the export under the destination prefix
      objects.put(PREFIX + "logs/7f3c/ecs-sentinel-api-1/000000.gz", "exported log lines".getBytes());
      return CreateExportTaskResponse.builder().taskId("task-1").build();
    });
  }

  static Map<String, String> env() {
    return Fixtures.withSection(new HashMap<>(Fixtures.env()), "security", s -> s.putObject("evidence")
        .put("bucket", BUCKET).put("logGroup", "/ecs/sentinel-api").put("windowHours", 24)
        .put("retentionDays", 365).put("snapshot", true));
  }

  private PreserveEvidence preserve() {
    return new PreserveEvidence(Fixtures.deps(DrConfig.fromEnv(env()), s3, logs, rds));
  }

  private WaitForEvidence waitFor() {
    return new WaitForEvidence(Fixtures.deps(DrConfig.fromEnv(env()), s3, logs, rds));
  }

  private void exportStatus(String code) {
    when(logs.describeExportTasks(any(DescribeExportTasksRequest.class))).thenReturn(
        DescribeExportTasksResponse.builder().exportTasks(ExportTask.builder().taskId("task-1")
            .taskName("incident-0123456789ab").status(ExportTaskStatus.builder().code(code).build()).build())
            .build());
  }

  @Test
  void preservesTheSignalTheLogsOfTheWindowAndASnapshot() {
    Recovery out = StepHarness.invoke(preserve(), BlockIpsTest.assessed(false, List.of("203.0.113.77/32")));
    assertTrue(objects.containsKey(PREFIX + "signal.json"), objects.keySet().toString());
    assertTrue(new String(objects.get(PREFIX + "signal.json"), StandardCharsets.UTF_8).contains("GuardDuty"));
    ArgumentCaptor<CreateDbSnapshotRequest> snap = ArgumentCaptor.forClass(CreateDbSnapshotRequest.class);
    verify(rds).createDBSnapshot(snap.capture());
    assertEquals("sentinel-db-evidence-0123456789ab", snap.getValue().dbSnapshotIdentifier());
    assertEquals("sentinel-db", snap.getValue().dbInstanceIdentifier());
    ArgumentCaptor<CreateExportTaskRequest> export = ArgumentCaptor.forClass(CreateExportTaskRequest.class);
    verify(logs).createExportTask(export.capture());
    assertEquals("/ecs/sentinel-api", export.getValue().logGroupName());
    assertEquals(java.time.Instant.parse("2026-01-16T10:02:11Z").toEpochMilli(), export.getValue().from(),
        "24 h before the signal");
    assertEquals(Fixtures.NOW.toEpochMilli(), export.getValue().to());
    assertEquals(BUCKET, export.getValue().destination());
    assertEquals(PREFIX + "logs", export.getValue().destinationPrefix());
    assertEquals("task-1", out.part(EvidenceState.PART).exportTask());
    assertEquals(365, out.part(EvidenceState.PART).retentionDays(), "the Object Lock retention the objects are written under");
  }

  @Test
  void waitsForTheExportThenWritesAManifestWithEachObjectsSha256() throws Exception {
    Recovery started = StepHarness.invoke(preserve(), BlockIpsTest.assessed(false, List.of("203.0.113.77/32")));
    exportStatus("RUNNING");
    snapshotExists = true;
    assertEquals(List.of("rds-snapshot:sentinel-db-evidence-0123456789ab#available"), waitFor().awaits(started)
        .stream().map(ai.sentinel.dr.wait.Awaited::key).toList(), "RDS-EVENT-0042 of the snapshot wakes the wait");
    Recovery polled = StepHarness.invoke(waitFor(), started);
    assertFalse(polled.part(EvidenceState.PART).done());
    assertFalse(objects.containsKey(PREFIX + "manifest.json"));
    exportStatus("COMPLETED");
    Recovery done = StepHarness.invoke(waitFor(), polled);
    EvidenceState state = done.part(EvidenceState.PART);
    assertTrue(state.done());
    assertEquals(List.of(), waitFor().awaits(done), "preserved: nothing to wait for");
    var manifest = Json.tree(new String(objects.get(PREFIX + "manifest.json"), StandardCharsets.UTF_8));
    assertEquals(2, manifest.path("objects").size(), manifest.toString());
    for (var o : manifest.path("objects")) {
      byte[] bytes = objects.get(o.path("key").asText());
      assertEquals(bytes.length, o.path("size").asLong());
      assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
          o.path("sha256").asText(), "the hash of the bytes as stored");
    }
    assertEquals("sentinel-db-evidence-0123456789ab", manifest.path("databaseSnapshot").asText());
    assertEquals(state.objects().size(), manifest.path("objects").size());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(objects.get(PREFIX
        + "manifest.json"))), state.manifestSha256(), "the manifest's own hash, for the report");
  }

  @Test
  void aBusyExportSlotIsWaitedOutAndAFailedExportStopsTheRecovery() {
    when(logs.createExportTask(any(CreateExportTaskRequest.class)))
        .thenThrow(LimitExceededException.builder().message("one export at a time").build())
        .thenReturn(CreateExportTaskResponse.builder().taskId("task-1").build());
    Recovery started = StepHarness.invoke(preserve(), BlockIpsTest.assessed(false, List.of("203.0.113.77/32")));
    assertNull(started.part(EvidenceState.PART).exportTask());
    snapshotExists = true;
    // the slot is free now: the export starts (none of this incident is listed yet), then it fails
    when(logs.describeExportTasks(any(DescribeExportTasksRequest.class))).thenReturn(
        DescribeExportTasksResponse.builder().build(), DescribeExportTasksResponse.builder().exportTasks(
            ExportTask.builder().taskId("task-1").taskName("incident-0123456789ab").status(ExportTaskStatus.builder()
                .code("FAILED").build()).build()).build());
    StepFailedError e = assertThrows(StepFailedError.class, () -> StepHarness.invoke(waitFor(), started));
    assertTrue(e.getMessage().contains("FAILED") && e.getMessage().contains("not preserved"), e.getMessage());
    verify(logs, times(2)).createExportTask(any(CreateExportTaskRequest.class));
  }

  @Test
  void aReRunStartsNeitherSnapshotNorExportTwice() {
    Recovery started = StepHarness.invoke(preserve(), BlockIpsTest.assessed(false, List.of("203.0.113.77/32")));
    snapshotExists = true;
    exportStatus("RUNNING");
    StepHarness.invoke(preserve(), BlockIpsTest.assessed(false, List.of("203.0.113.77/32")));
    verify(rds, times(1)).createDBSnapshot(any(CreateDbSnapshotRequest.class));
    verify(logs, times(1)).createExportTask(any(CreateExportTaskRequest.class));
    assertEquals("task-1", started.part(EvidenceState.PART).exportTask());
  }

  @Test
  void aDryRunPlansEverythingAndSendsNothing() {
    Recovery out = StepHarness.invoke(preserve(), BlockIpsTest.assessed(true, List.of("203.0.113.77/32")));
    verify(s3, never()).putObject(any(PutObjectRequest.class), any(RequestBody.class));
    verify(rds, never()).createDBSnapshot(any(CreateDbSnapshotRequest.class));
    verify(logs, never()).createExportTask(any(CreateExportTaskRequest.class));
    assertEquals(List.of("PutObject", "CreateDBSnapshot", "CreateExportTask"),
        out.plan().stream().map(p -> p.api()).toList());
    assertTrue(StepHarness.invoke(waitFor(), out).part(EvidenceState.PART).done());
  }

  @Test
  void theWaitOnlyReadsTheManifestIsWrittenOnceByThePollAfterIt() {
    SfnClient sfn = Fixtures.sdkMock(SfnClient.class);
    WaitForEvidence waiting = new WaitForEvidence(Fixtures.deps(DrConfig.fromEnv(env()), s3, logs, rds, sfn));
    Recovery started = StepHarness.invoke(preserve(), BlockIpsTest.assessed(false, List.of("203.0.113.77/32")));
    exportStatus("RUNNING");
    snapshotExists = true;
    assertFalse(StepHarness.awaitInvoke(waiting, started, "t-1").path("ready").asBoolean(), "the export runs");
    exportStatus("COMPLETED");
    assertTrue(StepHarness.awaitInvoke(waiting, started, "t-2").path("ready").asBoolean());
    assertFalse(objects.containsKey(PREFIX + "manifest.json"), "the wait writes no manifest (a locked version)");
    verify(sfn, times(1)).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    assertTrue(StepHarness.invoke(waitFor(), started).part(EvidenceState.PART).done());
    assertTrue(objects.containsKey(PREFIX + "manifest.json"));
  }
}
