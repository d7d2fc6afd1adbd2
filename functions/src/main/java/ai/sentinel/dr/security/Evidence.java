package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.security.EvidenceState.EvidenceObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CreateExportTaskRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.ExportTask;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** What PreserveEvidence and WaitForEvidence share: names, the export task, hashing. */
final class Evidence {
  static final String MANIFEST = "manifest.json";

  private Evidence() {}

  /** The incident's short id: the hash that ends the execution name (or the name itself when short). */
  static String incident(Recovery recovery) {
    String name = recovery.executionName();
    int dash = name.lastIndexOf('-');
    String tail = dash < 0 ? name : name.substring(dash + 1);
    return tail.matches("[0-9a-f]{12,}") ? tail.substring(0, 12)
        : HexFormat.of().formatHex(sha256(name.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 12);
  }

  static String taskName(Recovery recovery) {
    return "incident-" + incident(recovery);
  }

  /** This incident's export task, found by name among the recent ones (a re-run must not export twice). */
  static ExportTask findTask(CloudWatchLogsClient logs, String taskName) {
    return logs.describeExportTasks(b -> b.limit(50)).exportTasks().stream()
        .filter(t -> taskName.equals(t.taskName())).findFirst().orElse(null);
  }

  static CreateExportTaskRequest exportRequest(Recovery recovery, SecuritySettings.Evidence settings,
      EvidenceState state) {
    return CreateExportTaskRequest.builder().taskName(taskName(recovery)).logGroupName(settings.logGroup())
        .from(java.time.Instant.parse(state.from()).toEpochMilli())
        .to(java.time.Instant.parse(state.to()).toEpochMilli())
        .destination(settings.bucket()).destinationPrefix(state.prefix() + "logs").build();
  }

  /** Every object under {@code prefix} except the manifest, with its size and SHA-256 as read back from S3. */
  static List<EvidenceObject> hash(S3Client s3, String bucket, String prefix) {
    List<EvidenceObject> out = new ArrayList<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      if (o.key().equals(prefix + MANIFEST)) {
        continue;
      }
      try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(o.key()))) {
        MessageDigest digest = digest();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
          size += n;
        }
        out.add(new EvidenceObject(o.key(), size, HexFormat.of().formatHex(digest.digest())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static byte[] sha256(byte[] bytes) {
    return digest().digest(bytes);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The manifest: what was preserved, from where, over which window, each object with its size and hash. */
  static byte[] manifest(Recovery recovery, EvidenceState state, List<EvidenceObject> objects) {
    var m = Json.object();
    m.put("incident", recovery.executionName());
    m.put("scenario", recovery.scenario());
    m.put("bucket", state.bucket());
    m.put("window", state.from() + "/" + state.to());
    m.put("exportTask", state.exportTask());
    m.put("databaseSnapshot", state.snapshotId());
    var list = m.putArray("objects");
    for (EvidenceObject o : objects) {
      list.addObject().put("key", o.key()).put("size", o.size()).put("sha256", o.sha256());
    }
    return Json.bytes(m);
  }

  static void requireBucket(SecuritySettings.Evidence settings) {
    if (settings.bucket() == null) {
      throw new StepFailedError("security.evidence.bucket is not configured");
    }
  }
}
