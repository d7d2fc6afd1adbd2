package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.TimedOutError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.security.EvidenceState.EvidenceObject;
import ai.sentinel.dr.security.SecurityState.Action;
import ai.sentinel.dr.wait.Awaited;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.ExportTask;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * One poll of the evidence PreserveEvidence started: the export task until COMPLETED (FAILED or CANCELLED stops the
 * recovery: the logs were not preserved), started here when another export held CloudWatch Logs' one slot; the
 * snapshot until available. Then every object under the incident's prefix is read back and hashed, and
 * {@code manifest.json} lists each key, size and SHA-256 beside them. {@code $.evidence.done} ends the loop; after
 * {@code maxPolls} the recovery stops naming what is missing. A dry-run has nothing to wait for.
 */
@UsesSettings({SecuritySettings.class, DatabaseSettings.class})
public final class WaitForEvidence extends Step {
  public WaitForEvidence() {
    this(Deps.fromProcessEnv());
  }

  public WaitForEvidence(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public WaitForEvidence(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "WaitForEvidence";
  }

  /**
   * What RDS says when the evidence snapshot is available (RDS-EVENT-0042, manual snapshot created), which wakes
   * "Wait for evidence". The log export has no such event (CloudWatch Logs reports an export task's end through
   * DescribeExportTasks only): while only it is pending, the wait ends after pollSeconds, as a Wait would.
   */
  @Override
  public List<Awaited> awaits(Recovery recovery) {
    EvidenceState state = recovery.part(EvidenceState.PART);
    if (state == null || state.done() || state.snapshotId() == null) {
      return List.of();
    }
    return List.of(Awaited.rdsSnapshotAvailable(state.snapshotId()));
  }

  @Override
  protected Recovery run(Recovery recovery) {
    EvidenceState state = recovery.part(EvidenceState.PART);
    if (state == null) {
      throw new StepFailedError("WaitForEvidence needs PreserveEvidence's result");
    }
    if (state.done()) {
      return recovery;
    }
    if (recovery.dryRun()) {
      return recovery.with(EvidenceState.PART, state.finished(List.of(), null, null))
          .log(entry("skipped", "dry-run: nothing was exported, nothing to wait for"));
    }
    SecuritySettings.Evidence settings = SecuritySettings.of(deps.config()).evidence();
    CloudWatchLogsClient logs = deps.clients().logs();
    Recovery out = recovery;
    List<String> waiting = new ArrayList<>();
    if (state.exportTask() == null) {
      out = new PreserveEvidence(deps).export(out, settings, state, logs);
      state = out.part(EvidenceState.PART);
    }
    if (state.exportTask() == null) {
      waiting.add("the log export (another export holds the account's one slot)");
    } else {
      waiting.addAll(pending(state, settings, logs));
    }
    if (state.snapshotId() != null) {
      waiting.addAll(snapshotPending(state));
    }
    int polls = state.polls() + 1;
    if (!waiting.isEmpty()) {
      if (polls >= recovery.options().maxPolls()) {
        throw new TimedOutError("evidence not complete after " + polls + " polls: " + waiting);
      }
      return out.with(EvidenceState.PART, state.polled(polls)).log(entry(Recovery.WAITING, String.join("; ", waiting)
          + " (poll " + polls + ")"));
    }
    return manifest(out, state.polled(polls));
  }

  /**
   * Read-only, for the wait: the poll itself starts a delayed export and writes the manifest (a second manifest
   * version in the locked bucket otherwise). Still waiting while the export is not started or not completed, or the
   * snapshot not available.
   */
  @Override
  protected boolean stillWaiting(Recovery recovery) {
    EvidenceState state = recovery.part(EvidenceState.PART);
    if (state == null || state.done() || recovery.dryRun()) {
      return false;
    }
    if (state.exportTask() == null) {
      return true;
    }
    SecuritySettings.Evidence settings = SecuritySettings.of(deps.config()).evidence();
    return !pending(state, settings, deps.clients().logs()).isEmpty()
        || (state.snapshotId() != null && !snapshotPending(state).isEmpty());
  }

  /** The export task, unless COMPLETED; FAILED or CANCELLED stops the recovery. */
  private List<String> pending(EvidenceState state, SecuritySettings.Evidence settings, CloudWatchLogsClient logs) {
    String id = state.exportTask();
    ExportTask task = logs.describeExportTasks(b -> b.taskId(id)).exportTasks().stream().findFirst()
        .orElseThrow(() -> new StepFailedError("export task " + id + " is gone"));
    String status = task.status() == null ? "?" : task.status().codeAsString();
    if (status.equals("FAILED") || status.equals("CANCELLED")) {
      throw new StepFailedError("export of " + settings.logGroup() + " (task " + id + ") " + status + ": "
          + (task.status().message() == null ? "" : task.status().message()) + "; the logs were not preserved");
    }
    return status.equals("COMPLETED") ? List.of() : List.of("export task " + id + " " + status);
  }

  /** The snapshot, unless available. */
  private List<String> snapshotPending(EvidenceState state) {
    String snapshotId = state.snapshotId();
    DBSnapshot snapshot = deps.clients().rds().describeDBSnapshots(b -> b.dbSnapshotIdentifier(snapshotId))
        .dbSnapshots().stream().findFirst().orElseThrow(() -> new StepFailedError("snapshot " + snapshotId
            + " is gone"));
    return "available".equals(snapshot.status()) ? List.of() : List.of("snapshot " + snapshotId + " "
        + snapshot.status());
  }

  private Recovery manifest(Recovery recovery, EvidenceState state) {
    S3Client s3 = deps.clients().s3();
    List<EvidenceObject> objects = Evidence.hash(s3, state.bucket(), state.prefix());
    byte[] manifest = Evidence.manifest(recovery, state, objects);
    String key = state.prefix() + Evidence.MANIFEST;
    PutObjectRequest put = PutObjectRequest.builder().bucket(state.bucket()).key(key).contentType("application/json")
        .build();
    Mutation<?> sent = mutate(recovery, "s3", "PutObject", state.bucket(), key,
        () -> s3.putObject(put, RequestBody.fromBytes(manifest)));
    String manifestHash = HexFormat.of().formatHex(Evidence.sha256(manifest));
    Recovery out = sent.recovery().with(EvidenceState.PART, state.finished(objects, key, manifestHash));
    SecurityState security = out.part(SecurityState.PART);
    if (security != null) {
      out = out.with(SecurityState.PART, security.withAction(new Action(now(), name(), "preserved " + objects.size()
          + " object(s) in s3://" + state.bucket() + "/" + state.prefix() + " (manifest with SHA-256: " + key
          + ", itself SHA-256 " + manifestHash + ")")));
    }
    long bytes = objects.stream().mapToLong(EvidenceObject::size).sum();
    return out.log(entry("verified", objects.size() + " evidence object(s), " + bytes + " bytes, hashed into s3://"
        + state.bucket() + "/" + key));
  }
}
