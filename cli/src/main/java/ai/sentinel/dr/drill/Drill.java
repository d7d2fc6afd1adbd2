package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.localcloud.CallRecord;
import ai.sentinel.dr.recovery.PlannedCall;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.report.Report;
import ai.sentinel.dr.report.ReportRenderer;
import ai.sentinel.dr.report.TemplatePlaceholders;
import ai.sentinel.dr.scenario.GateExplanation;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * One recovery drill on the local cloud, the same flow for every scenario: the platform is seeded healthy, the
 * scenario injects its failure, the real event reaches the real responder (twice, as EventBridge may redeliver), and
 * the CDK-synthesized state machine recovers through the real step handlers while the drill shows each state live.
 * It passes only when the execution succeeded and its verification passed (or, for a dry-run, when a plan was produced
 * and nothing was changed), and ends with the post-incident report written to a file. A Testing Schedule test takes the
 * same path: it injects nothing and its signal is the schedule's payload.
 */
public final class Drill {
  /** The drills there are, by scenario id: the recoveries in {@link LocalScenarios#ALL}'s order, then the tests. */
  public static final Map<String, Supplier<DrillScenario>> SCENARIOS = scenarios();

  private final LocalSentinel sentinel;
  private final DrillScenario scenario;
  private final PrintStream out;
  /** Where the scenario's responders, state machine, on-call topic and reports are deployed. */
  private final LocalStack home;
  /** Approval requests that reach the on-call elsewhere than the topic (a PagerDuty stand-in), or null. */
  private java.util.function.Supplier<String> pages;

  public Drill(LocalSentinel sentinel, DrillScenario scenario, PrintStream out) {
    this.sentinel = sentinel;
    this.scenario = scenario;
    this.out = out;
    this.home = sentinel.home(scenario.id());
  }

  /** The drill for a scenario id; a clear error for a scenario without one. */
  /**
   * The approval requests also arrive through {@code pages} (each call: the text of a request not yet seen, or null),
   * e.g. the custom details of a PagerDuty stand-in's triggers when the on-call is PagerDuty and not the topic.
   */
  public Drill approvalPagesFrom(java.util.function.Supplier<String> pages) {
    this.pages = pages;
    return this;
  }

  public static Drill of(LocalSentinel sentinel, String scenario, PrintStream out) {
    Supplier<DrillScenario> s = SCENARIOS.get(scenario);
    if (s == null) {
      throw new IllegalArgumentException("no drill for '" + scenario + "' (drills: " + SCENARIOS.keySet() + ")");
    }
    return new Drill(sentinel, s.get(), out);
  }

  private static Map<String, Supplier<DrillScenario>> scenarios() {
    Map<String, Supplier<DrillScenario>> m = new LinkedHashMap<>();
    Stream.concat(LocalScenarios.ALL.stream().flatMap(s -> s.drills().stream()),
        LocalScenarios.ALL.stream().flatMap(s -> s.tests().stream())).forEach(drill -> m.put(drill.get().id(), drill));
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * What the drill saw.
   *
   * @param scenario     the scenario drilled
   * @param executionArn the recovery execution (null when none started)
   * @param status       its final status
   * @param recovery     its output document (null when it failed)
   * @param passed       the drill's verdict
   * @param execution    its final description
   * @param reportFile   the post-incident report written for it
   * @param rejection    the rejected gate's cause ("rejected by NAME (ARN): WHY"), null when no gate was rejected
   */
  public record Result(String scenario, String executionArn, ExecutionStatus status, Recovery recovery,
      boolean passed, DescribeExecutionResponse execution, Path reportFile, String rejection) {
    /** A gate was rejected and the recovery stopped as it must: the drill's outcome is "rejected". */
    public boolean rejected() {
      return rejection != null && passed;
    }
  }

  /**
   * How the drill meets an approval gate: none configured, a human answers from another terminal, or the drill
   * answers itself as the named person (approve or reject), as a rehearsal would.
   */
  public record Gate(String mode, String name, List<String> choices) {
    public Gate {
      choices = choices == null ? List.of() : List.copyOf(choices);
    }

    public Gate(String mode, String name) {
      this(mode, name, List.of());
    }

    public static Gate none() {
      return new Gate("none", null);
    }

    public static Gate human() {
      return new Gate("human", null);
    }

    public static Gate approveAs(String name) {
      return new Gate("approve", name);
    }

    /** Approves taking options the gate offers ({@code ./sentinel approve --choose}, e.g. delete-clean-copy). */
    public static Gate approveAs(String name, List<String> choices) {
      return new Gate("approve", name, choices);
    }

    public static Gate rejectAs(String name) {
      return new Gate("reject", name);
    }
  }

  public DrillScenario scenario() {
    return scenario;
  }

  public Result run(boolean dryRun) throws Exception {
    return run(dryRun, Gate.none());
  }

  public Result run(boolean dryRun, Gate gate) throws Exception {
    return run(dryRun, gate, false);
  }

  /**
   * The drill; {@code healthy}: the resource stays healthy and only its signal is raised (a false alarm), and the drill
   * passes when the recovery ends with no action ({@link NoActionCheck}).
   */
  public Result run(boolean dryRun, Gate asked, boolean healthy) throws Exception {
    // a gate that is always on still needs its answer: the drill gives it, as a rehearsal would
    Gate gate = asked.mode().equals("none") && scenario.gateAlwaysOn() && !dryRun && !healthy
        ? Gate.approveAs("drill") : asked;
    if (healthy && (dryRun || !gate.mode().equals("none"))) {
      throw new IllegalArgumentException("a healthy drill is a real run without a gate: it must change nothing");
    }
    out.println("== Drill: " + scenario.id() + (dryRun ? " (dry-run)" : healthy ? " (healthy)" : "") + " ==");
    scenario.describe(sentinel, out);
    String inbox = gate.mode().equals("none") ? null : subscribeToNotifications();
    Map<String, Integer> budgetBefore = null;
    if (healthy) {
      if (!scenario.falseAlarm(sentinel, out)) {
        throw new IllegalArgumentException(scenario.id() + " has no healthy drill");
      }
      budgetBefore = NoActionCheck.budget(sentinel);
    } else {
      DrillHealth.print(sentinel, "before the failure", out);
      // the customers' side of the failure from now on, as the load balancer would count it (simulated: nothing
      // serves here); written before the injection, which may take the region with the metrics down
      LocalTraffic.outage(sentinel, Instant.now());
      scenario.inject(sentinel, out);
      DrillHealth.print(sentinel, "after the injection", out);
    }
    // what the gate protects, as the failure left it: a rejected recovery must not change it
    DrillScenario.Guard guard = scenario.guard(sentinel);
    String guardedBefore = guard.state().get();
    sentinel.cloud.clearCalls();
    DrillScenario.Signal signal = scenario.signal(sentinel);
    out.println("deliver: " + signal.description() + " to " + signal.function());
    JsonNode first = invoke(signal.function(), signal.payload());
    out.println("  responder: " + first.path("action").asText() + " - " + first.path("reason").asText());
    JsonNode again = invoke(signal.function(), signal.payload());
    out.println("  redelivered: " + again.path("action").asText() + " - " + again.path("reason").asText());
    String executionArn = first.path("executionArn").asText(null);
    if (executionArn == null) {
      out.println("FAILED: the responder started no recovery");
      return new Result(scenario.id(), null, null, null, false, null, null, null);
    }
    out.println("recovery: " + executionArn);
    DescribeExecutionResponse done = new ExecutionWatcher(home.aws().sfn, out).dryRun(dryRun)
        .follow(executionArn, Duration.ofMinutes(gate.mode().equals("human") ? 15 : 5), state -> {
          if (state.startsWith("Approve ")) {
            answerGate(inbox, gate);
          }
        });
    if (!healthy) {
      scenario.endFault(sentinel, out);
    }
    Recovery recovery = done.output() == null ? null : Json.read(done.output().getBytes(), Recovery.class);
    boolean passed;
    if (healthy) {
      printTimeline(recovery);
      Path reportFile = saveReport(executionArn);
      passed = NoActionCheck.judge(sentinel, done, recovery, budgetBefore, Files.readString(reportFile), out)
          & reportComplete(reportFile);
      return new Result(scenario.id(), executionArn, done.status(), recovery, passed, done, reportFile, null);
    }
    // rejected by the drill (--reject-as) or by hand (./sentinel reject): one check, one wording
    String rejection = rejection(executionArn);
    if (rejection != null) {
      printTimeline(recovery);
      passed = rejectionHonored(done, guard, guardedBefore, rejection);
    } else if (gate.mode().equals("reject")) {
      out.println("FAILED: the drill rejected the gate, but no rejection reached the execution (" + done.status()
          + ")");
      passed = false;
    } else {
      passed = judge(done, recovery, dryRun);
      if (passed && gate.mode().equals("approve")) {
        passed = recovery.timeline().stream().anyMatch(e -> e.event().equals("approved")
            && e.detail().contains(gate.name()));
        out.println(passed ? "approval recorded in the timeline" : "FAILED: the approval is not in the timeline");
      }
    }
    DrillHealth.print(scenario.healthAfter(sentinel, passed && rejection == null && !dryRun), "after the recovery",
        out);
    Path reportFile = saveReport(executionArn);
    passed &= reportComplete(reportFile);
    return new Result(scenario.id(), executionArn, done.status(), recovery, passed, done, reportFile, rejection);
  }

  /**
   * The post-incident report fills every field of the runbook's template from what the recovery knows: a placeholder
   * left ("[Lesson]", "[Name]", ...) fails the drill.
   */
  private boolean reportComplete(Path reportFile) throws IOException {
    java.util.List<String> left = TemplatePlaceholders.in(Files.readString(reportFile));
    out.println(left.isEmpty() ? "report complete: no template placeholder left"
        : "FAILED: the report keeps template placeholders " + left);
    return left.isEmpty();
  }

  /** The cause a rejected gate failed with (its TaskFailed event, error "Rejected"); null when none was rejected. */
  private String rejection(String executionArn) {
    return ExecutionWatcher.history(home.aws().sfn, executionArn).stream()
        .filter(e -> e.taskFailedEventDetails() != null
            && ai.sentinel.dr.cli.Approvals.REJECTED.equals(e.taskFailedEventDetails().error()))
        .map(e -> e.taskFailedEventDetails().cause() == null ? "rejected (no reason given)"
            : e.taskFailedEventDetails().cause())
        .findFirst().orElse(null);
  }

  /**
   * The post-incident report the Report step stored in the reports bucket, copied next to the drill's logs and its
   * metrics printed; rebuilt from the execution if the bucket has none (the report step failed).
   */
  private Path saveReport(String executionArn) {
    String name = executionArn.substring(executionArn.lastIndexOf(':') + 1);
    String key = Report.PREFIX + scenario.id() + "/" + name + ".md";
    String markdown;
    String source;
    try {
      String bucket = home.deployment().environmentOf(home.deployment().functionFor(Report.class))
          .get(Report.BUCKET_VAR);
      markdown = home.aws().s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
      source = "s3://" + bucket + "/" + key;
    } catch (RuntimeException e) {
      markdown = ReportRenderer.markdown(LocalTraffic.rebuild(home.aws(), home.deployment(), executionArn));
      source = "rebuilt from the execution (no stored report: " + e.getClass().getSimpleName() + ")";
    }
    Path file = sentinel.workDir().resolve("report-" + name + ".md");
    try {
      Files.writeString(file, markdown);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
    out.println("report: " + file.toAbsolutePath() + " (" + source + ")");
    return file;
  }

  private String subscribeToNotifications() {
    String queueUrl = home.aws().sqs.createQueue(b -> b.queueName("drill-notifications")).queueUrl();
    String queueArn = home.aws().sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
        .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
    home.aws().sns.subscribe(b -> b.topicArn(home.deployment().topicEndingWith("-notifications"))
        .protocol("sqs").endpoint(queueArn));
    return queueUrl;
  }

  /** Reads the approval request from the on-call's notifications, shows it, and answers it if the drill should. */
  private void answerGate(String inbox, Gate gate) {
    String token = null;
    String message = null;
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (token == null && System.nanoTime() < until) {
      for (String page = pages == null ? null : pages.get(); page != null && token == null; page = pages.get()) {
        for (String line : page.split("\n")) {
          if (line.startsWith("token: ")) {
            token = line.substring("token: ".length()).trim();
            message = page;
          }
        }
      }
      if (token != null) {
        break;
      }
      for (var m : home.aws().sqs.receiveMessage(b -> b.queueUrl(inbox).waitTimeSeconds(1)
          .maxNumberOfMessages(10)).messages()) {
        // read once: a later gate must not find this request's token again
        home.aws().sqs.deleteMessage(b -> b.queueUrl(inbox).receiptHandle(m.receiptHandle()));
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
      // what changes, on which resources, what it means (GateExplanation), and the timeout
      if (line.startsWith(GateExplanation.CHANGE) || line.startsWith(GateExplanation.RESOURCE)
          || line.startsWith(GateExplanation.MEANING) || line.startsWith("Without")) {
        out.println("    " + line);
      }
    }
    String env = "AWS_ENDPOINT_URL=" + sentinel.cloud.endpoint() + " ";
    // who answers, as the cloud sees it: the audit trail's identity beside the name
    String identity = gate.mode().equals("human") ? null : identity();
    switch (gate.mode()) {
      case "approve" -> {
        out.println("  drill approves as " + gate.name() + ": " + env + "./sentinel approve TOKEN --by "
            + gate.name() + gate.choices().stream().map(c -> " --choose " + c).collect(Collectors.joining()));
        ai.sentinel.dr.cli.Approvals.approve(home.aws().sfn, token, gate.name(), identity, "drill rehearsal",
            gate.choices());
      }
      case "reject" -> {
        out.println("  drill rejects as " + gate.name() + ": " + env + "./sentinel reject TOKEN --reason ...");
        ai.sentinel.dr.cli.Approvals.reject(home.aws().sfn, token, gate.name(), identity,
            "drill rehearsal of a rejection");
      }
      default -> {
        out.println("  waiting for a human. In another terminal, approve or reject:");
        out.println("    " + env + "./sentinel approve " + token + " --by YOUR_NAME");
        out.println("    " + env + "./sentinel reject " + token + " --reason \"WHY\"");
      }
    }
  }

  /** The drill's AWS identity on the local cloud (STS GetCallerIdentity); null when the cloud cannot tell. */
  private String identity() {
    try {
      return ai.sentinel.dr.cli.CallerIdentity.arn(Map.of("AWS_ENDPOINT_URL", sentinel.cloud.endpoint().toString(),
          "AWS_REGION", home.region()));
    } catch (RuntimeException e) {
      out.println("  (caller identity unknown: " + e.getMessage() + ")");
      return null;
    }
  }

  /** A rejected gate must end the recovery failed, with what the gate protects as it was. */
  private boolean rejectionHonored(DescribeExecutionResponse done, DrillScenario.Guard guard, String before,
      String rejection) {
    boolean untouched = before.equals(guard.state().get());
    boolean failed = done.status() == ExecutionStatus.FAILED;
    out.println();
    out.println("execution " + done.status() + "; " + guard.description() + (untouched ? " unchanged" : " CHANGED"));
    out.println(failed && untouched ? "REJECTION HONORED (" + rejection + "): the recovery stopped before changing "
        + "anything it gates" : "FAILED: a rejected recovery went on (" + rejection + ")");
    return failed && untouched;
  }

  private void printTimeline(Recovery recovery) {
    out.println();
    if (recovery != null) {
      out.println("timeline:");
      for (TimelineEntry e : recovery.timeline()) {
        out.println("  " + e.at() + "  " + e.step() + " " + e.event() + ": " + e.detail());
      }
    }
  }

  /** Delivers like EventBridge does to a Lambda target: a failed invocation is retried (twice). */
  private JsonNode invoke(String function, byte[] payload) {
    InvokeResponse r = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      r = home.aws().lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromByteArray(payload)));
      if (r.functionError() == null) {
        return Json.tree(r.payload().asUtf8String());
      }
      out.println("  ! " + function + " failed (attempt " + attempt + "): " + r.payload().asUtf8String());
    }
    throw new IllegalStateException(function + " failed 3 times: " + r.payload().asUtf8String());
  }

  private boolean judge(DescribeExecutionResponse done, Recovery recovery, boolean dryRun) {
    printTimeline(recovery);
    if (recovery != null) {
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
    List<String> platform = List.of("rds", "secretsmanager", "ecs", "elasticache", "elasticloadbalancing", "ec2",
        "dynamodb", "ssm", "route53", "cloudfront", "ses");
    List<CallRecord> mutating = sentinel.cloud.calls().stream()
        .filter(c -> c.mutating() && c.succeeded() && platform.contains(c.service()))
        .toList();
    boolean passed;
    if (dryRun) {
      passed = done.status() == ExecutionStatus.SUCCEEDED && recovery != null && !recovery.plan().isEmpty()
          && mutating.isEmpty();
      out.println("mutating calls to RDS, ElastiCache, Secrets Manager, ECS, ELB, EC2, SSM, Route 53, CloudFront, SES "
          + "or the lock table: "
          + mutating.size() + " (a dry-run must make none)");
      out.println(passed ? "DRY-RUN OK: plan produced, nothing changed" : "DRY-RUN FAILED");
    } else {
      passed = done.status() == ExecutionStatus.SUCCEEDED && recovery != null && recovery.verification() != null
          && recovery.verification().verified();
      if (passed) {
        passed = scenario.confirm(sentinel, recovery, out);
      } else {
        scenario.explainFailure(sentinel, done, out);
      }
      out.println(scenario.verdict(passed) + (passed ? " in " + Duration.between(done.startDate(), done.stopDate())
          .toMillis() / 1000.0 + " s" : " (execution " + done.status() + ")"));
    }
    return passed;
  }
}
