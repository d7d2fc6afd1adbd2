package ai.sentinel.dr.security;

import ai.sentinel.dr.recovery.Part;
import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;

/**
 * Scenario 6 "preserve evidence" progress ({@code $.evidence}); the Choice after WaitForEvidence reads
 * {@code $.evidence.done}.
 *
 * @param bucket      the evidence bucket
 * @param prefix      this incident's key prefix, {@code incidents/<execution>/}
 * @param from        start of the exported window (ISO-8601)
 * @param to          its end
 * @param exportTask  the CloudWatch Logs export task id, or null while none could be started (one per account)
 * @param snapshotId  the database's evidence snapshot, or null
 * @param objects     every object under the prefix with its size and SHA-256 (filled when the manifest is written)
 * @param manifestKey the manifest's key, once written
 * @param done        export completed, snapshot available, manifest written
 * @param polls       WaitForEvidence's checks so far
 * @param manifestSha256 the SHA-256 (hex) of the manifest as written: the report records it, so a later reader can
 *                    tell the manifest (and through it every object) is the one written during the incident
 * @param retentionDays the bucket's Object Lock default retention (governance mode) each object was written under, in
 *                    days from its write ({@code security.evidence.retentionDays}); null in older documents
 */
public record EvidenceState(String bucket, String prefix, String from, String to, String exportTask,
    String snapshotId, List<EvidenceObject> objects, String manifestKey, boolean done, int polls,
    String manifestSha256, Integer retentionDays) {
  public static final Part<EvidenceState> PART = new Part<>("evidence", EvidenceState.class);

  @JsonCreator
  public EvidenceState {
    objects = objects == null ? List.of() : List.copyOf(objects);
  }

  /** One preserved object: key, size in bytes, SHA-256 (hex) of its bytes as stored. */
  public record EvidenceObject(String key, long size, String sha256) {}

  EvidenceState withExportTask(String id) {
    return new EvidenceState(bucket, prefix, from, to, id, snapshotId, objects, manifestKey, done, polls,
        manifestSha256, retentionDays);
  }

  EvidenceState polled(int n) {
    return new EvidenceState(bucket, prefix, from, to, exportTask, snapshotId, objects, manifestKey, done, n,
        manifestSha256, retentionDays);
  }

  EvidenceState finished(List<EvidenceObject> preserved, String manifest, String manifestHash) {
    return new EvidenceState(bucket, prefix, from, to, exportTask, snapshotId, preserved, manifest, true, polls,
        manifestHash, retentionDays);
  }
}
