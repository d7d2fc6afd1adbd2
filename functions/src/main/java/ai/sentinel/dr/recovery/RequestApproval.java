package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.PagingLog;
import ai.sentinel.dr.oncall.Severity;
import ai.sentinel.dr.report.IncidentReports;
import ai.sentinel.dr.report.ReportSettings;
import ai.sentinel.dr.scenario.GateExplanation;
import ai.sentinel.dr.scenario.ScenarioRegistry;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * Approval gate before a destructive or wide step (e.g. repointing a production secret). Invoked by the state machine
 * with a task token ({@code .waitForTaskToken}); it pages the on-call with what is about to happen, on which
 * resources and what it means (as the scenario explains its gate, {@link ai.sentinel.dr.scenario.Scenario#gates()})
 * and how to approve or reject, and returns.
 * The execution waits for the answer: {@code ./sentinel approve TOKEN}, {@code ./sentinel reject TOKEN --reason ...}
 * or {@code aws stepfunctions send-task-success/-failure}. No answer within the gate's timeout ends the recovery
 * failed, with nothing more changed.
 *
 * <p>Input: {@code {"recovery": {...}, "token": "...", "step": "UpdateSecret", "timeoutSeconds": 3600}}, plus
 * {@code "repage": true, "afterMinutes": N} when the request is unanswered after {@code safety.approvalRepageMinutes}
 * and the gate asks again: a critical page under its own dedup key ({@link #repageKey}), since PagerDuty appends a
 * trigger with an open incident's key to that incident without notifying anyone again. Every page is recorded in the
 * {@link PagingLog} (who, when, how it went) for AcknowledgeApproval to put in the timeline.
 */
// the on-call may be PagerDuty (its section); a gate names the resources its step changes (every scenario's section)
@ai.sentinel.dr.common.UsesSettings(all = true)
public final class RequestApproval implements RequestStreamHandler {
  /** Appended to the execution name for the re-page's incident (acknowledged and resolved when answered). */
  public static final String REPAGE_SUFFIX = "/repage";
  private final OnCall onCall;
  private final DrConfig config;
  private final PagingLog paging;
  private final java.time.Clock clock;

  public RequestApproval() {
    this(Deps.fromProcessEnv());
  }

  public RequestApproval(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RequestApproval(Deps deps) {
    this(OnCall.of(deps), deps.config(), pagingLog(deps), deps.clock());
  }

  public RequestApproval(OnCall onCall, DrConfig config) {
    this(onCall, config, null, java.time.Clock.systemUTC());
  }

  /** @param paging where each page is recorded for the timeline; null: nowhere (the timeline says so) */
  public RequestApproval(OnCall onCall, DrConfig config, PagingLog paging, java.time.Clock clock) {
    this.onCall = onCall;
    this.config = config;
    this.paging = paging;
    this.clock = clock;
  }

  /** The deployment's paging log: the wait table, when the function has one. */
  public static PagingLog pagingLog(Deps deps) {
    return deps.config().waitTable() == null ? null
        : new PagingLog(deps.clients().dynamoDb(), deps.config().waitTable(), deps.clock());
  }

  /** The dedup key of a re-page: its own incident, so that PagerDuty notifies again at its severity. */
  public static String repageKey(String executionName) {
    return executionName + REPAGE_SUFFIX;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode in = Json.MAPPER.readTree(input);
    Recovery recovery = Json.MAPPER.treeToValue(in.path("recovery"), Recovery.class);
    String token = in.path("token").asText();
    String step = in.path("step").asText();
    long timeout = in.path("timeoutSeconds").asLong(0);
    boolean repage = in.path("repage").asBoolean(false);
    long after = in.path("afterMinutes").asLong(0);
    String message = (repage ? "RE-PAGED: the approval request sent " + after + " min ago is still unanswered; its "
        + "token has expired, answer with the token below.\n\n" : "")
        + "Recovery " + recovery.executionName() + " is waiting for approval before " + step + ".\n\n"
        + describe(step, recovery, config) + "\n\n"
        + "Approve:\n  ./sentinel approve " + token + " --by YOUR_NAME\n"
        + "  aws stepfunctions send-task-success --task-token " + token
        + " --task-output '{\"decision\":\"approved\",\"by\":\"YOUR_NAME\"}'\n"
        + "Reject:\n  ./sentinel reject " + token + " --reason \"WHY\"\n"
        + "  aws stepfunctions send-task-failure --task-token " + token + " --error Rejected --cause \"WHY\"\n\n"
        + (timeout > 0 ? "Without an answer within " + timeout / 60 + " min the recovery stops here, changes "
            + "nothing more, and escalates.\n\n" : "")
        + "Timeline so far:\n" + timeline(recovery)
        + "\ntoken: " + token + "\n";
    // the incident's priority as the report classifies the running recovery; unanswered, one level more urgent
    Severity first = pageSeverity(recovery, IncidentReports.RUNNING, config);
    Severity severity = (repage ? first.higher() : first).forDrill(recovery.drill());
    String happened = repage ? "APPROVAL STILL needed before " + step + " (unanswered for " + after + " min)"
        : "APPROVAL needed before " + step;
    String key = repage ? repageKey(recovery.executionName()) : recovery.executionName();
    // the execution and where its report will be: the recovery is waiting here, its report comes at its end
    String sent = onCall.page(PageLinks.add(Alert.about(recovery.environment(), recovery.scenario(),
        recovery.resource(), happened, message, key, severity), recovery, context == null ? null
            : context.getInvokedFunctionArn(), config.reportBucket(), PageLinks.AT_END));
    record(recovery, step, repage, new TimelineEntry(clock.instant().toString(), "Approve " + step,
        repage ? "re-paged" : "paged", "trigger to " + onCall.target() + ", severity " + severity.eventsApiName()
        + ", dedup key " + key + " (" + happened + "): " + sent));
    Log.info(recovery.executionName(), "approval.requested", Map.of("step", step, "sent", sent));
    Json.MAPPER.writeValue(output, Map.of("requested", step, "sent", sent));
  }

  /**
   * The PagerDuty severity of a page about {@code recovery}: the incident's P1-P4 as its report would give it with
   * {@code status} ({@link IncidentReports#priority}: a drill P4, a failed recovery P1, else the scenario's own rule),
   * mapped by {@link Severity#ofPriority}; a drill (dry-run or trigger kind "drill") never pages above info.
   */
  public static Severity pageSeverity(Recovery recovery, String status, DrConfig config) {
    // the recovery's own classification, not the environment's exercise flag (report.exercise makes every report of
    // the local cloud P4): a drill of a real failure pages as the recovery would, so the paging path is exercised
    return Severity.ofPriority(IncidentReports.priority(recovery, status, ReportSettings.DEFAULTS).level())
        .forDrill(recovery.drill());
  }

  private void record(Recovery recovery, String step, boolean repage, TimelineEntry entry) {
    if (paging == null) {
      return;
    }
    try {
      paging.record(recovery.executionName(), entry);
    } catch (RuntimeException e) {
      // the page went out; only its record for the timeline is lost
      Log.info(recovery.executionName(), "approval.page-not-recorded", Map.of("step", step, "repage", repage,
          "error", e.getClass().getSimpleName()));
    }
  }

  /**
   * What the gated step is about to do, on which resources and what it means, as its scenario explains it
   * ({@link GateExplanation#lines()}); "About to: STEP" when the scenario says nothing or the recovery does not know
   * enough yet.
   */
  static String describe(String step, Recovery recovery, DrConfig config) {
    return ScenarioRegistry.find(recovery.scenario())
        .map(s -> s.gates().get(step))
        .map(gate -> gate.explain(recovery, config))
        .map(GateExplanation::text)
        .orElse(GateExplanation.CHANGE + step);
  }

  private static String timeline(Recovery r) {
    StringBuilder b = new StringBuilder();
    r.timeline().forEach(e -> b.append("- ").append(e.at()).append(' ').append(e.step()).append(' ')
        .append(e.event()).append(": ").append(e.detail()).append('\n'));
    return b.toString();
  }
}
