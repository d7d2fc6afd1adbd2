package ai.sentinel.dr.recovery;

import ai.sentinel.dr.database.DatabaseState;
import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.Log;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Approval gate before a destructive or wide step (e.g. repointing the production database secret). Invoked by the
 * state machine with a task token ({@code .waitForTaskToken}); it tells the on-call what is about to happen and how to
 * approve or reject, and returns. The execution waits for the answer: {@code ./sentinel approve TOKEN},
 * {@code ./sentinel reject TOKEN --reason ...} or {@code aws stepfunctions send-task-success/-failure}. No answer
 * within the gate's timeout ends the recovery failed, with nothing more changed.
 *
 * <p>Input: {@code {"recovery": {...}, "token": "...", "step": "UpdateSecret", "timeoutSeconds": 3600}}.
 */
public final class RequestApproval implements RequestStreamHandler {
  private final Deps deps;
  private final SnsClient sns;

  public RequestApproval() {
    this(Deps.fromProcessEnv());
  }

  public RequestApproval(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public RequestApproval(Deps deps) {
    this.deps = deps;
    this.sns = deps.clients().sns();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode in = Json.MAPPER.readTree(input);
    Recovery recovery = Json.MAPPER.treeToValue(in.path("recovery"), Recovery.class);
    String token = in.path("token").asText();
    String step = in.path("step").asText();
    long timeout = in.path("timeoutSeconds").asLong(0);
    String subject = "[Sentinel DR][" + recovery.environment() + "] APPROVAL needed: " + step + " for "
        + recovery.scenario() + " on " + recovery.resource();
    String message = "Recovery " + recovery.executionName() + " is waiting for approval before " + step + ".\n\n"
        + "About to: " + describe(step, recovery) + "\n\n"
        + "Approve:\n  ./sentinel approve " + token + " --by YOUR_NAME\n"
        + "  aws stepfunctions send-task-success --task-token " + token
        + " --task-output '{\"decision\":\"approved\",\"by\":\"YOUR_NAME\"}'\n"
        + "Reject:\n  ./sentinel reject " + token + " --reason \"WHY\"\n"
        + "  aws stepfunctions send-task-failure --task-token " + token + " --error Rejected --cause \"WHY\"\n\n"
        + (timeout > 0 ? "Without an answer within " + timeout / 60 + " min the recovery stops here, changes "
            + "nothing more, and escalates.\n\n" : "")
        + "Timeline so far:\n" + timeline(recovery)
        + "\ntoken: " + token + "\n";
    String messageId = sns.publish(b -> b.topicArn(deps.config().topicArn())
        .subject(subject.length() < 100 ? subject : subject.substring(0, 96) + "...").message(message)).messageId();
    Log.info(recovery.executionName(), "approval.requested", Map.of("step", step, "snsMessageId", messageId));
    Json.MAPPER.writeValue(output, Map.of("requested", step, "messageId", messageId));
  }

  private static String describe(String step, Recovery r) {
    DatabaseState db = r.part(DatabaseState.PART);
    if ("UpdateSecret".equals(step) && db != null && db.restore() != null) {
      return "repoint the database secret at " + db.restore().targetInstanceId() + " ("
          + db.restore().endpoint() + "), restored from "
          + (db.restore().sourceSnapshotId() != null ? db.restore().sourceSnapshotId()
              : "the point in time " + db.restore().restoreTime())
          + ", then restart the ECS services";
    }
    return step;
  }

  private static String timeline(Recovery r) {
    StringBuilder b = new StringBuilder();
    r.timeline().forEach(e -> b.append("- ").append(e.at()).append(' ').append(e.step()).append(' ')
        .append(e.event()).append(": ").append(e.detail()).append('\n'));
    return b.toString();
  }
}
