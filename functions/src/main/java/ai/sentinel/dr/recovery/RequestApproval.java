package ai.sentinel.dr.recovery;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import ai.sentinel.dr.oncall.Alert;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.oncall.Severity;
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
 * <p>Input: {@code {"recovery": {...}, "token": "...", "step": "UpdateSecret", "timeoutSeconds": 3600}}.
 */
// the on-call may be PagerDuty (its section); a gate names the resources its step changes (every scenario's section)
@ai.sentinel.dr.common.UsesSettings(all = true)
public final class RequestApproval implements RequestStreamHandler {
  private final OnCall onCall;
  private final DrConfig config;

  public RequestApproval() {
    this(Deps.fromProcessEnv());
  }

  public RequestApproval(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RequestApproval(Deps deps) {
    this(OnCall.of(deps), deps.config());
  }

  public RequestApproval(OnCall onCall, DrConfig config) {
    this.onCall = onCall;
    this.config = config;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode in = Json.MAPPER.readTree(input);
    Recovery recovery = Json.MAPPER.treeToValue(in.path("recovery"), Recovery.class);
    String token = in.path("token").asText();
    String step = in.path("step").asText();
    long timeout = in.path("timeoutSeconds").asLong(0);
    String message = "Recovery " + recovery.executionName() + " is waiting for approval before " + step + ".\n\n"
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
    // the recovery waits on a human mid-incident: as urgent as a failure, short of one
    String sent = onCall.page(Alert.about(recovery.environment(), recovery.scenario(), recovery.resource(),
        "APPROVAL needed before " + step, message, recovery.executionName(),
        Severity.ERROR.forDrill(recovery.drill())));
    Log.info(recovery.executionName(), "approval.requested", Map.of("step", step, "sent", sent));
    Json.MAPPER.writeValue(output, Map.of("requested", step, "sent", sent));
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
