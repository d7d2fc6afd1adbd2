package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.security.SecurityState.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CreateExportTaskResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.ExportTask;
import software.amazon.awssdk.services.cloudwatchlogs.model.LimitExceededException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Scenario 6 "Immediate Response" 5, "preserve evidence", started: the triggering signal (GuardDuty's finding as
 * delivered) and the timeline so far as objects under {@code incidents/<execution>/} of the evidence bucket (Object
 * Lock, deletes denied), the API's log group exported for the window before the signal ({@code CreateExportTask}
 * into {@code .../logs}), and a snapshot of the database ({@code <instance>-evidence-<incident>}). CloudWatch Logs
 * runs one export per account: while another runs, the export is left to WaitForEvidence, which starts it when it
 * can. A re-run finds its snapshot and its export task by name and starts neither twice.
 */
@UsesSettings({SecuritySettings.class, DatabaseSettings.class})
public final class PreserveEvidence extends Step {
  public PreserveEvidence() {
    this(Deps.fromProcessEnv());
  }

  public PreserveEvidence(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public PreserveEvidence(Deps deps) {
    super(deps);
  }

  @Override
  public String name() {
    return "PreserveEvidence";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    SecuritySettings.Evidence settings = SecuritySettings.of(deps.config()).evidence();
    if (settings == null) {
      return recovery.with(EvidenceState.PART, new EvidenceState(null, null, null, null, null, null, null, null, true,
          0, null, null)).log(entry("decided", "security.evidence is not configured: nothing preserved"));
    }
    Evidence.requireBucket(settings);
    EvidenceState state = recovery.part(EvidenceState.PART);
    Recovery out = recovery;
    if (state == null) {
      Instant signal = recovery.trigger() != null && recovery.trigger().time() != null
          ? Instant.parse(recovery.trigger().time()) : Instant.now(deps.clock());
      Instant to = Instant.now(deps.clock());
      String snapshot = settings.snapshot() ? deps.config().settings(DatabaseSettings.class)
          .map(d -> d.instanceId() + "-evidence-" + Evidence.incident(recovery)).orElse(null) : null;
      state = new EvidenceState(settings.bucket(), "incidents/" + recovery.executionName() + "/",
          signal.minus(Duration.ofHours(settings.windowHours())).toString(), to.toString(), null, snapshot, null,
          null, false, 0, null, settings.retentionDays());
      out = out.with(EvidenceState.PART, state);
    }
    out = putSignal(out, settings, state);
    out = snapshot(out, state);
    out = export(out, settings, out.part(EvidenceState.PART), deps.clients().logs());
    return out;
  }

  /** The signal as received and the timeline so far: what started the incident, beside its logs. */
  private Recovery putSignal(Recovery recovery, SecuritySettings.Evidence settings, EvidenceState state) {
    S3Client s3 = deps.clients().s3();
    var signal = Json.object();
    signal.set("trigger", Json.MAPPER.valueToTree(recovery.trigger()));
    signal.set("timeline", Json.MAPPER.valueToTree(recovery.timeline()));
    byte[] bytes = Json.bytes(signal);
    String key = state.prefix() + "signal.json";
    PutObjectRequest put = PutObjectRequest.builder().bucket(settings.bucket()).key(key)
        .contentType("application/json").build();
    Mutation<?> sent = mutate(recovery, "s3", "PutObject", settings.bucket(), key,
        () -> s3.putObject(put, RequestBody.fromBytes(bytes)));
    return sent.recovery();
  }

  private Recovery snapshot(Recovery recovery, EvidenceState state) {
    if (state.snapshotId() == null) {
      return recovery;
    }
    RdsClient rds = deps.clients().rds();
    try {
      rds.describeDBSnapshots(b -> b.dbSnapshotIdentifier(state.snapshotId()));
      return recovery.log(entry("skipped", "snapshot " + state.snapshotId() + " exists already"));
    } catch (DbSnapshotNotFoundException e) {
      // not taken yet
    }
    String instance = state.snapshotId().substring(0, state.snapshotId().lastIndexOf("-evidence-"));
    CreateDbSnapshotRequest request = CreateDbSnapshotRequest.builder().dbSnapshotIdentifier(state.snapshotId())
        .dbInstanceIdentifier(instance).tags(t -> t.key("sentinel-dr:execution").value(recovery.executionName()))
        .build();
    Mutation<?> sent = mutate(recovery, "rds", "CreateDBSnapshot", state.snapshotId(), request,
        () -> rds.createDBSnapshot(request));
    SecurityState security = sent.recovery().part(SecurityState.PART);
    Recovery out = sent.recovery();
    if (security != null) {
      out = out.with(SecurityState.PART, security.withAction(new Action(now(), name(), (sent.sent() ? "" : "would ")
          + "snapshot " + instance + " as " + state.snapshotId())));
    }
    return out;
  }

  /** Starts the export unless this incident's task exists; another running export leaves it to WaitForEvidence. */
  Recovery export(Recovery recovery, SecuritySettings.Evidence settings, EvidenceState state,
      CloudWatchLogsClient logs) {
    if (state.exportTask() != null) {
      return recovery;
    }
    ExportTask existing = recovery.dryRun() ? null : Evidence.findTask(logs, Evidence.taskName(recovery));
    if (existing != null) {
      return recovery.with(EvidenceState.PART, state.withExportTask(existing.taskId()));
    }
    var request = Evidence.exportRequest(recovery, settings, state);
    Mutation<CreateExportTaskResponse> sent;
    try {
      sent = mutate(recovery, "logs", "CreateExportTask", settings.logGroup(), request,
          () -> logs.createExportTask(request));
    } catch (LimitExceededException e) {
      return recovery.log(entry(Recovery.WAITING, "another CloudWatch Logs export runs (one per account): "
          + settings.logGroup() + " is exported when it ends"));
    }
    Recovery out = sent.recovery();
    if (sent.sent()) {
      out = out.with(EvidenceState.PART, state.withExportTask(sent.response().taskId()));
    }
    return out.log(entry(sent.sent() ? "exporting" : "would-export", settings.logGroup() + " " + state.from()
        + " to " + state.to() + " into s3://" + settings.bucket() + "/" + state.prefix() + "logs"));
  }
}
