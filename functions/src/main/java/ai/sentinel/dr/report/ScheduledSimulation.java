package ai.sentinel.dr.report;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.UsesSettings;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.Severity;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Verification;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The scheduled full DR simulation in AWS (cdk.json {@code drills.fullSimulation}), the three tasks of its state
 * machine: {@code start} announces the window to the on-call and sends each configured drill (a dry-run through the
 * manual responder of the stack that deploys the scenario, in its region) with one request id per scenario;
 * {@code check} says whether every execution has ended (or the polls are spent); {@code summary} rebuilds each
 * execution's report, writes the one-page leadership summary ({@link SimulationSummary}, the same as
 * {@code ./sentinel drill --full}'s) to {@code reports/full-dr-simulation/<start>/} of the reports bucket and closes
 * the window. The drills come from {@value #DRILLS_VAR}: the stack builds them from each scenario's own
 * simulation target, so nothing here names a scenario.
 */
@UsesSettings(ReportSettings.class)
public final class ScheduledSimulation implements RequestStreamHandler {
  /** JSON list of {@link Drill}. */
  public static final String DRILLS_VAR = "SIMULATION_DRILLS";
  /** How many checks before the summary is written with the executions still running as failures. */
  public static final String MAX_CHECKS_VAR = "SIMULATION_MAX_CHECKS";
  /**
   * Seconds the state machine waits between two checks (its Wait reads {@code $.waitSeconds}, which each task
   * returns): the stack sets 300; a local cloud, whose dry-run drills end in seconds, sets a few.
   */
  public static final String CHECK_SECONDS_VAR = "SIMULATION_CHECK_SECONDS";
  /** The key prefix of the summaries (under the Report step's reports/). */
  public static final String KEY_PREFIX = Report.PREFIX + "full-dr-simulation/";
  static final String REASON = "full DR simulation (runbook Testing Schedule, quarterly) at ";
  /** A payload value replaced by the simulation's start when it runs (e.g. a repair window's start). */
  public static final String STARTED_AT = "<simulation start>";

  /**
   * One drill of the simulation.
   *
   * @param scenario the runbook scenario
   * @param function the manual responder to invoke (name or ARN, with its alias)
   * @param region   the responder's region (the DR region for a failover)
   * @param payload  the manual payload: a dry-run drill; its request id and reason are added per run
   */
  public record Drill(String scenario, String function, String region, Map<String, Object> payload) {}

  /** One drill as sent: its execution, or why the responder started none. */
  public record Sent(String scenario, String region, String executionArn, String rejected) {}

  /** The state the state machine passes from task to task ({@code waitSeconds}: its Wait before the next check). */
  public record Run(String phase, String id, String startedAt, String announced, List<Sent> drills, Integer checks,
      Boolean done, String summary, Integer waitSeconds) {}

  private final Deps deps;
  private final Map<String, String> env;
  private final ReportStore store;
  private final OnCall onCall;

  public ScheduledSimulation() {
    this(System.getenv());
  }

  public ScheduledSimulation(Map<String, String> env) {
    this(Deps.fromEnv(env), env, null, null);
  }

  /** With a store and an on-call (tests); null: S3 in {@link Report#BUCKET_VAR}, the environment's on-call. */
  public ScheduledSimulation(Deps deps, Map<String, String> env, ReportStore store, OnCall onCall) {
    this.deps = deps;
    this.env = env;
    this.store = store != null ? store : new S3ReportStore(deps.clients().s3(), env.get(Report.BUCKET_VAR));
    this.onCall = onCall;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Run run = Json.MAPPER.readValue(input, Run.class);
    Json.MAPPER.writeValue(output, handle(run));
  }

  Run handle(Run run) {
    return switch (run.phase()) {
      case "start" -> start(run);
      case "check" -> check(run);
      case "summary" -> summary(run);
      default -> throw new IllegalArgumentException("phase must be start, check or summary, got " + run.phase());
    };
  }

  private List<Drill> drills() {
    return Json.MAPPER.convertValue(Json.tree(env.getOrDefault(DRILLS_VAR, "[]")), new TypeReference<List<Drill>>() {});
  }

  private Run start(Run run) {
    List<Drill> drills = drills();
    String announced = tell("DRILL window open (full DR simulation)", "Full DR simulation in environment '"
        + deps.config().environment() + "' started at " + run.startedAt() + ": a dry-run drill of "
        + String.join(", ", drills.stream().map(Drill::scenario).toList()) + "; production is not changed.", run);
    List<Sent> sent = new ArrayList<>();
    for (Drill d : drills) {
      @SuppressWarnings("unchecked")
      Map<String, Object> payload = (Map<String, Object>) fill(d.payload(), run.startedAt());
      payload.put("requestId", requestId(run.id(), d.scenario()));
      payload.put("reason", REASON + run.startedAt());
      try {
        var answer = deps.clients().in(d.region()).lambda().invoke(b -> b.functionName(d.function())
            .payload(SdkBytes.fromUtf8String(Json.write(payload))));
        JsonNode a = Json.tree(answer.payload().asUtf8String());
        String arn = a.path("executionArn").asText(null);
        sent.add(new Sent(d.scenario(), d.region(), arn, arn != null ? null : answer.functionError() != null
            ? "the responder failed: " + SimulationSummary.oneLine(answer.payload().asUtf8String())
            : a.path("action").asText("no answer") + ": " + a.path("reason").asText("")));
      } catch (RuntimeException e) {
        sent.add(new Sent(d.scenario(), d.region(), null, "not sent: " + e.getClass().getSimpleName() + ": "
            + SimulationSummary.oneLine(e.getMessage())));
      }
    }
    return new Run("check", run.id(), run.startedAt(), announced, sent, 0, false, null, waitSeconds());
  }

  /**
   * The drill's request id: the same for a retried start (its responder then starts no second execution), another
   * for another exercise. The responders take 1-40 letters, digits, '-' or '_' (ManualInvokes), and the run id is
   * the execution's name, 36 characters when EventBridge starts it (and a name may hold other characters): a short
   * digest of it, then the scenario; a digest of both when that is still too long.
   */
  public static String requestId(String runId, String scenario) {
    String id = "sim-" + digest(runId).substring(0, 10) + "-" + scenario;
    return id.length() <= 40 && id.matches("[A-Za-z0-9_-]+") ? id : "sim-" + digest(runId + "/" + scenario)
        .substring(0, 36);
  }

  private static String digest(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private int waitSeconds() {
    return Integer.parseInt(env.getOrDefault(CHECK_SECONDS_VAR, "300"));
  }

  /** {@code value} with every {@link #STARTED_AT} replaced by {@code startedAt}, in nested maps and lists too. */
  public static Object fill(Object value, String startedAt) {
    if (STARTED_AT.equals(value)) {
      return startedAt;
    }
    if (value instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, fill(v, startedAt)));
      return out;
    }
    if (value instanceof List<?> l) {
      return l.stream().map(v -> fill(v, startedAt)).toList();
    }
    return value;
  }

  private Run check(Run run) {
    int checks = (run.checks() == null ? 0 : run.checks()) + 1;
    boolean running = run.drills().stream().filter(s -> s.executionArn() != null).anyMatch(s -> deps.clients()
        .in(s.region()).sfn().describeExecution(b -> b.executionArn(s.executionArn())).status()
        == ExecutionStatus.RUNNING);
    int max = Integer.parseInt(env.getOrDefault(MAX_CHECKS_VAR, "24"));
    return new Run(running && checks < max ? "check" : "summary", run.id(), run.startedAt(), run.announced(),
        run.drills(), checks, !running || checks >= max, null, waitSeconds());
  }

  private Run summary(Run run) {
    ReportSettings settings = deps.config().settings(ReportSettings.class).orElse(ReportSettings.DEFAULTS);
    List<SimulationSummary.Drilled> drilled = new ArrayList<>();
    for (Sent s : run.drills()) {
      drilled.add(drilled(s, settings, run.checks()));
    }
    Instant start = Instant.parse(run.startedAt());
    Instant end = Instant.now(deps.clock());
    String closed = tell("DRILL window closed (full DR simulation)", "Full DR simulation in environment '"
        + deps.config().environment() + "' (started " + run.startedAt() + ") has ended: " + String.join(", ",
        drilled.stream().map(d -> d.scenario() + " " + d.verified()).toList()) + ".", run);
    String where = "every deployed recovery (and the region failover where its stack is deployed) drilled as a "
        + "dry-run through its manual responder in AWS, production not changed, following the Test Procedure";
    String markdown = SimulationSummary.of(new SimulationSummary.Window(deps.config().environment(), where, start,
        end, run.announced(), closed), drilled, scenario -> "not deployed in '" + deps.config().environment() + "'");
    String key = KEY_PREFIX + run.startedAt().replace(':', '-') + "/" + SimulationSummary.FILE;
    String stored = store.put(key, markdown.getBytes(StandardCharsets.UTF_8), "text/markdown; charset=utf-8");
    return new Run("done", run.id(), run.startedAt(), run.announced(), run.drills(), run.checks(), true, stored,
        run.waitSeconds());
  }

  /** One execution as the summary reads it: its report rebuilt as the Report step made it, and its verdict. */
  private SimulationSummary.Drilled drilled(Sent s, ReportSettings settings, Integer checks) {
    if (s.executionArn() == null) {
      return new SimulationSummary.Drilled(s.scenario(), null, "error", "the responder started no execution ("
          + s.rejected() + ")", null, List.of(), List.of(), null);
    }
    try {
      var sfn = deps.clients().in(s.region()).sfn();
      DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(s.executionArn()));
      // a dry-run changes nothing: its customer impact is "none", never measured
      IncidentReport report = ExecutionReports.rebuild(sfn, s.executionArn(), settings, CustomerImpact.NOT_CONFIGURED);
      Recovery recovery = ExecutionReports.document(sfn, d);
      Verification v = recovery == null ? null : recovery.verification();
      List<IncidentReport.VerificationResult> results = v == null ? List.of() : v.checks().stream()
          .map(c -> new IncidentReport.VerificationResult(c.name(), c.result().name(), c.detail())).toList();
      boolean ran = results.stream().anyMatch(c -> !c.result().equals(Verification.Result.SKIP.name()));
      String notVerified = d.status() == ExecutionStatus.SUCCEEDED ? null : d.status() == ExecutionStatus.RUNNING
          ? "execution still RUNNING after " + checks + " checks: the summary did not wait longer"
          : "execution " + d.status() + (d.error() == null ? "" : " (" + d.error()
              + (d.cause() == null ? "" : ": " + d.cause()) + ")");
      String verified = notVerified != null ? "no" : ran ? "yes" : "planned";
      return new SimulationSummary.Drilled(s.scenario(), report, verified, null, notVerified, results, List.of(),
          "execution " + s.executionArn() + " (./sentinel report ARN)");
    } catch (RuntimeException e) {
      return new SimulationSummary.Drilled(s.scenario(), null, "error", "its execution could not be read: "
          + e.getClass().getSimpleName() + ": " + SimulationSummary.oneLine(e.getMessage()), null, List.of(),
          List.of(), null);
    }
  }

  /** An information message to the on-call (nobody acts on it); how it went, or why it did not. */
  private String tell(String happened, String details, Run run) {
    try {
      OnCall to = onCall != null ? onCall : OnCall.of(deps);
      Alert alert = new Alert(deps.config().environment(), "full DR simulation", happened, details, "sentinel-dr",
          "full-dr-simulation-" + run.id(), Severity.INFO);
      return to.inform(alert) + " to " + to.target() + " at " + Instant.now(deps.clock());
    } catch (RuntimeException e) {
      return "not sent: " + e.getClass().getSimpleName() + ": " + SimulationSummary.oneLine(e.getMessage());
    }
  }
}
