package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.localcloud.CallRecord;
import ai.sentinel.dr.recovery.PlannedCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.trigger.AlarmResponder;
import ai.sentinel.dr.trigger.Scenarios;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Scenario 1 drill: the primary database is lost (deleted, automated backups kept), its connections alarm goes to
 * ALARM, the real CloudWatch event reaches the alarm responder, and the state machine recovers through the real step
 * handlers. It passes only when the execution succeeded and its verification passed (or, for a dry-run, when a plan
 * was produced and nothing was changed).
 */
public final class DatabaseDrill {
  private final LocalSentinel sentinel;
  private final PrintStream out;

  public DatabaseDrill(LocalSentinel sentinel, PrintStream out) {
    this.sentinel = sentinel;
    this.out = out;
  }

  /**
   * What the drill saw.
   *
   * @param executionArn the recovery execution
   * @param status       its final status
   * @param recovery     its output document (null when it failed)
   * @param passed       the drill's verdict
   */
  public record Result(String executionArn, ExecutionStatus status, Recovery recovery, boolean passed,
      DescribeExecutionResponse execution, java.nio.file.Path reportFile) {}

  /**
   * How the drill meets an approval gate: none configured, a human answers from another terminal, or the drill
   * answers itself as the named person (approve or reject), as a rehearsal would.
   */
  public record Gate(String mode, String name) {
    public static Gate none() {
      return new Gate("none", null);
    }

    public static Gate human() {
      return new Gate("human", null);
    }

    public static Gate approveAs(String name) {
      return new Gate("approve", name);
    }

    public static Gate rejectAs(String name) {
      return new Gate("reject", name);
    }
  }

  public Result run(boolean dryRun) throws InterruptedException {
    return run(dryRun, Gate.none());
  }

  public Result run(boolean dryRun, Gate gate) throws InterruptedException {
    String db = sentinel.config.dbInstanceId();
    out.println("== Drill: " + Scenarios.DATABASE_FAILURE + (dryRun ? " (dry-run)" : "") + " ==");
    out.println("seeded: " + db + " (postgres, Multi-AZ) endpoint " + sentinel.seeded.dbEndpoint()
        + "; snapshots " + sentinel.aws.rds.describeDBSnapshots(b -> b.dbInstanceIdentifier(db)).dbSnapshots()
        .stream().map(s -> s.dbSnapshotIdentifier() + " [" + s.snapshotType() + "]").toList());
    out.println("seeded: secret " + sentinel.config.dbSecretId() + "; ECS " + sentinel.config.ecsCluster() + " "
        + sentinel.config.ecsServices() + "; alarm " + LocalSentinel.RDS_ALARM);
    out.println("verify: SELECT 1 " + (sentinel.databaseReachable()
        ? "against a local PostgreSQL standing in for the restored instance"
        : "SKIPPED (no PostgreSQL server installed: apt-get install -y postgresql)"));

    String inbox = gate.mode().equals("none") ? null : subscribeToNotifications();
    String secretBefore = sentinel.aws.secrets.getSecretValue(b -> b.secretId(sentinel.config.dbSecretId()))
        .secretString();
    injectFailure(db);
    sentinel.cloud.clearCalls();
    byte[] event = alarmEvent();
    String responder = sentinel.deployment.functionFor(AlarmResponder.class);
    out.println("deliver: CloudWatch Alarm State Change (" + LocalSentinel.RDS_ALARM + " -> ALARM) to " + responder);
    JsonNode first = invoke(responder, event);
    out.println("  responder: " + first.path("action").asText() + " - " + first.path("reason").asText());
    JsonNode again = invoke(responder, event);
    out.println("  redelivered: " + again.path("action").asText() + " - " + again.path("reason").asText());
    String executionArn = first.path("executionArn").asText(null);
    if (executionArn == null) {
      out.println("FAILED: the responder started no recovery");
      return new Result(null, null, null, false, null, null);
    }
    out.println("recovery: " + executionArn);
    DescribeExecutionResponse done = new ExecutionWatcher(sentinel.aws.sfn, out)
        .follow(executionArn, Duration.ofMinutes(gate.mode().equals("human") ? 15 : 5), state -> {
          if (state.startsWith("Approve ")) {
            answerGate(inbox, gate);
          }
        });
    Recovery recovery = done.output() == null ? null : Json.read(done.output().getBytes(), Recovery.class);
    boolean passed;
    if (gate.mode().equals("reject")) {
      passed = rejectionHonored(done, secretBefore);
    } else {
      passed = report(done, recovery, dryRun);
      if (passed && gate.mode().equals("approve")) {
        passed = recovery.timeline().stream().anyMatch(e -> e.event().equals("approved")
            && e.detail().contains(gate.name()));
        out.println(passed ? "approval recorded in the timeline" : "FAILED: the approval is not in the timeline");
      }
    }
    java.nio.file.Path reportFile = saveReport(executionArn);
    return new Result(executionArn, done.status(), recovery, passed, done, reportFile);
  }

  /**
   * The post-incident report the Report step stored in the reports bucket, copied next to the drill's logs and its
   * metrics printed; rebuilt from the execution if the bucket has none (the report step failed).
   */
  private java.nio.file.Path saveReport(String executionArn) {
    String name = executionArn.substring(executionArn.lastIndexOf(':') + 1);
    String key = ai.sentinel.dr.report.Report.PREFIX + Scenarios.DATABASE_FAILURE + "/" + name + ".md";
    String markdown;
    String source;
    try {
      String bucket = sentinel.deployment.environmentOf(sentinel.deployment.functionFor(
          ai.sentinel.dr.report.Report.class)).get(ai.sentinel.dr.report.Report.BUCKET_VAR);
      markdown = sentinel.aws.s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
      source = "s3://" + bucket + "/" + key;
    } catch (RuntimeException e) {
      markdown = ai.sentinel.dr.report.ReportRenderer.markdown(
          ai.sentinel.dr.cli.Reports.of(sentinel.aws.sfn, executionArn));
      source = "rebuilt from the execution (no stored report: " + e.getClass().getSimpleName() + ")";
    }
    java.nio.file.Path file = sentinel.workDir().resolve("report-" + name + ".md");
    try {
      java.nio.file.Files.writeString(file, markdown);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.println();
    boolean metrics = false;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("### ")) {
        metrics = line.startsWith("### Metrics") || line.startsWith("### Recovery Objectives");
      }
      if (metrics) {
        out.println("  " + line);
      }
    }
    out.println("report: " + file + " (" + source + ")");
    return file;
  }

  private String subscribeToNotifications() {
    String queueUrl = sentinel.aws.sqs.createQueue(b -> b.queueName("drill-notifications")).queueUrl();
    String queueArn = sentinel.aws.sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
        .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
    sentinel.aws.sns.subscribe(b -> b.topicArn(sentinel.deployment.topicEndingWith("-notifications"))
        .protocol("sqs").endpoint(queueArn));
    return queueUrl;
  }

  /** Reads the approval request from the on-call's notifications, shows it, and answers it if the drill should. */
  private void answerGate(String inbox, Gate gate) {
    String token = null;
    String message = null;
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (token == null && System.nanoTime() < until) {
      for (var m : sentinel.aws.sqs.receiveMessage(b -> b.queueUrl(inbox).waitTimeSeconds(1)
          .maxNumberOfMessages(10)).messages()) {
        String body = Json.tree(m.body()).path("Message").asText(m.body());
        for (String line : body.split("\n")) {
          if (line.startsWith("token: ")) {
            token = line.substring("token: ".length()).trim();
            message = body;
          }
        }
      }
    }
    if (token == null) {
      out.println("  ! no approval request reached the notifications topic");
      return;
    }
    out.println("  approval requested (as the on-call receives it):");
    for (String line : message.split("\n")) {
      if (line.startsWith("About to") || line.startsWith("Without")) {
        out.println("    " + line);
      }
    }
    String env = "AWS_ENDPOINT_URL=" + sentinel.cloud.endpoint() + " ";
    switch (gate.mode()) {
      case "approve" -> {
        out.println("  drill approves as " + gate.name() + ": " + env + "./sentinel approve TOKEN --by "
            + gate.name());
        ai.sentinel.dr.cli.Approvals.approve(sentinel.aws.sfn, token, gate.name(), "drill rehearsal");
      }
      case "reject" -> {
        out.println("  drill rejects as " + gate.name() + ": " + env + "./sentinel reject TOKEN --reason ...");
        ai.sentinel.dr.cli.Approvals.reject(sentinel.aws.sfn, token, gate.name(), "drill rehearsal of a rejection");
      }
      default -> {
        out.println("  waiting for a human. In another terminal, approve or reject:");
        out.println("    " + env + "./sentinel approve " + token + " --by YOUR_NAME");
        out.println("    " + env + "./sentinel reject " + token + " --reason \"WHY\"");
      }
    }
  }

  /** A rejected gate must end the recovery failed, with the production secret as it was. */
  private boolean rejectionHonored(DescribeExecutionResponse done, String secretBefore) {
    String secretAfter = sentinel.aws.secrets.getSecretValue(b -> b.secretId(sentinel.config.dbSecretId()))
        .secretString();
    boolean untouched = secretBefore.equals(secretAfter);
    boolean failed = done.status() == ExecutionStatus.FAILED;
    out.println();
    out.println("execution " + done.status() + "; secret " + sentinel.config.dbSecretId()
        + (untouched ? " unchanged" : " CHANGED"));
    out.println(failed && untouched ? "REJECTION HONORED: the recovery stopped before repointing anything"
        : "FAILED: a rejected recovery went on");
    return failed && untouched;
  }

  /** The failure: the primary is gone (its automated backups stay, as RDS keeps them when asked), no connections. */
  void injectFailure(String db) {
    sentinel.aws.cloudWatch.putMetricData(b -> b.namespace("AWS/RDS").metricData(d -> d
        .metricName("DatabaseConnections").value(0.0).unit(StandardUnit.COUNT)
        .dimensions(Dimension.builder().name("DBInstanceIdentifier").value(db).build())));
    sentinel.aws.rds.deleteDBInstance(b -> b.dbInstanceIdentifier(db).skipFinalSnapshot(true)
        .deleteAutomatedBackups(false));
    sentinel.aws.cloudWatch.setAlarmState(b -> b.alarmName(LocalSentinel.RDS_ALARM).stateValue(StateValue.ALARM)
        .stateReason("Threshold Crossed: 1 out of the last 1 datapoints [0.0] was less than or equal to the "
            + "threshold (0.0)."));
    out.println("inject: deleted " + db + " (primary lost), DatabaseConnections 0, " + LocalSentinel.RDS_ALARM
        + " -> ALARM");
  }

  byte[] alarmEvent() {
    MetricAlarm alarm = sentinel.aws.cloudWatch.describeAlarms(b -> b.alarmNames(LocalSentinel.RDS_ALARM))
        .metricAlarms().get(0);
    return AlarmEvents.stateChange(alarm, LocalAws.ACCOUNT, LocalAws.REGION.id());
  }

  /** Delivers like EventBridge does to a Lambda target: a failed invocation is retried (twice). */
  private JsonNode invoke(String function, byte[] payload) {
    InvokeResponse r = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      r = sentinel.aws.lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromByteArray(payload)));
      if (r.functionError() == null) {
        return Json.tree(r.payload().asUtf8String());
      }
      out.println("  ! " + function + " failed (attempt " + attempt + "): " + r.payload().asUtf8String());
    }
    throw new IllegalStateException(function + " failed 3 times: " + r.payload().asUtf8String());
  }

  private boolean report(DescribeExecutionResponse done, Recovery recovery, boolean dryRun) {
    out.println();
    if (recovery != null) {
      out.println("timeline:");
      for (TimelineEntry e : recovery.timeline()) {
        out.println("  " + e.at() + "  " + e.step() + " " + e.event() + ": " + e.detail());
      }
      if (recovery.verification() != null) {
        out.println("verification:");
        for (Verification.Check c : recovery.verification().checks()) {
          out.println("  " + c.result() + "  " + c.name() + ": " + c.detail());
        }
      }
      if (!recovery.plan().isEmpty()) {
        out.println("plan (dry-run, nothing sent):");
        for (PlannedCall c : recovery.plan()) {
          out.println("  " + c.step() + ": " + c.service() + ":" + c.api() + " on " + c.target());
        }
      }
    } else if (done.error() != null) {
      out.println("error: " + done.error() + ": " + done.cause());
    }
    // the platform's resources and our locks; notifications and reports are the drill's own record, not changes
    List<String> platform = List.of("rds", "secretsmanager", "ecs", "elasticache", "ec2", "dynamodb");
    List<CallRecord> mutating = sentinel.cloud.calls().stream()
        .filter(c -> c.mutating() && c.succeeded() && platform.contains(c.service()))
        .toList();
    boolean passed;
    if (dryRun) {
      passed = done.status() == ExecutionStatus.SUCCEEDED && recovery != null && !recovery.plan().isEmpty()
          && mutating.isEmpty();
      out.println("mutating calls to RDS, Secrets Manager, ECS, EC2 or the lock table: " + mutating.size()
          + " (a dry-run must make none)");
      out.println(passed ? "DRY-RUN OK: plan produced, nothing changed" : "DRY-RUN FAILED");
    } else {
      passed = done.status() == ExecutionStatus.SUCCEEDED && recovery != null && recovery.verification() != null
          && recovery.verification().verified();
      out.println(passed ? "RECOVERED and VERIFIED in " + Duration.between(done.startDate(), done.stopDate())
          .toMillis() / 1000.0 + " s" : "NOT RECOVERED: " + done.status());
    }
    return passed;
  }
}
