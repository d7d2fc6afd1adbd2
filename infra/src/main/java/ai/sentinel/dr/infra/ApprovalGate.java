package ai.sentinel.dr.infra;

import ai.sentinel.dr.recovery.AcknowledgeApproval;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * An approval gate's states (RecoveryStateMachine#gated and #alwaysGated build one):
 *
 * <pre>
 * Approve STEP (RequestApproval pages with a task token, waits)
 *   ├─ answered yes ($.approval) ──────────► Acknowledge STEP ─────────────────► STEP
 *   ├─ Rejected ($.error) ─────────────────► Acknowledge rejection of STEP ────► onRejected (or onError)
 *   ├─ States.Timeout after the re-page minutes (only where safety.approvalRepageMinutes is set)
 *   │    ($.approvalRepaged) ──────────────► Re-page STEP: RequestApproval again, critical, a new token, waits
 *   │                                         the rest of the timeout; its answers go the same two ways
 *   └─ anything else (the timeout) ────────► onError
 * </pre>
 *
 * The wait for the re-page is the gate's own timeout in Step Functions: no function sleeps. The first token expires
 * with it; the re-page carries the token to answer with.
 *
 * The two Acknowledge states run {@link AcknowledgeApproval}: whoever answered and however (./sentinel, the AWS CLI,
 * the console), the incident paged under the execution name is acknowledged with the same dedup key, and the timeline
 * says when and to whom. An acknowledgement never changes the outcome: its errors go where its success goes.
 */
final class ApprovalGate {
  private ApprovalGate() {}

  /** The name of the state after an approved gate. */
  static String acknowledgeState(String step) {
    return "Acknowledge " + step;
  }

  /** The name of the state after a rejected gate. */
  static String acknowledgeRejectionState(String step) {
    return "Acknowledge rejection of " + step;
  }

  /**
   * @param invoke makes a plain step task of the state machine (the whole document in and out), by state name
   * @return the gate's entry, "Approve STEP"
   */
  static LambdaInvoke build(Construct scope, String step, SharedSteps shared, EnvironmentConfig.Safety safety,
      IChainable target, IChainable onRejected, IChainable onError,
      BiFunction<String, RunbookFunction, LambdaInvoke> invoke) {
    int timeout = safety.approvalTimeoutMinutes();
    int repage = safety.approvalRepageMinutes();
    LambdaInvoke acknowledged = acknowledge(acknowledgeState(step), shared, target, invoke);
    LambdaInvoke rejected = acknowledge(acknowledgeRejectionState(step), shared,
        onRejected == null ? onError : onRejected, invoke);
    LambdaInvoke approve = ask(scope, RecoveryStateMachine.approvalState(step), step, shared.requestApproval(),
        repage > 0 ? repage : timeout, null);
    answers(approve, acknowledged, rejected);
    if (repage > 0) {
      LambdaInvoke again = ask(scope, repageState(step), step, shared.requestApproval(), timeout - repage, repage);
      answers(again, acknowledged, rejected);
      again.addCatch(onError, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build());
      approve.addCatch(again, CatchProps.builder().errors(List.of("States.Timeout"))
          .resultPath("$." + AcknowledgeApproval.REPAGED_FIELD).build());
    }
    approve.addCatch(onError, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build());
    return approve;
  }

  /** The name of the state that asks again, at higher urgency, when nobody answered in time. */
  static String repageState(String step) {
    return "Re-page " + step;
  }

  /** An answer goes on through its acknowledgement: approved to {@code acknowledged}, rejected to {@code rejected}. */
  private static void answers(LambdaInvoke ask, LambdaInvoke acknowledged, LambdaInvoke rejected) {
    ask.addCatch(rejected, CatchProps.builder().errors(List.of(AcknowledgeApproval.REJECTED))
        .resultPath("$.error").build());
    ask.next(acknowledged);
  }

  private static LambdaInvoke acknowledge(String state, SharedSteps shared, IChainable next,
      BiFunction<String, RunbookFunction, LambdaInvoke> invoke) {
    LambdaInvoke task = invoke.apply(state, shared.acknowledgeApproval());
    // a lost acknowledgement leaves PagerDuty escalating; the recovery goes on as answered
    task.addCatch(next, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.acknowledgeError").build());
    task.next(next);
    return task;
  }

  /**
   * RequestApproval sends the on-call the task token; the execution waits until someone answers (approved: the answer
   * lands in {@code $.approval}) or {@code minutes} pass. {@code repagedAfter}: this is the re-page, after so many
   * minutes unanswered (null: the first request).
   */
  private static LambdaInvoke ask(Construct scope, String state, String step, RunbookFunction fn, int minutes,
      Integer repagedAfter) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("recovery", JsonPath.getEntirePayload());
    payload.put("token", JsonPath.getTaskToken());
    payload.put("step", step);
    payload.put("timeoutSeconds", minutes * 60);
    if (repagedAfter != null) {
      payload.put("repage", true);
      payload.put("afterMinutes", repagedAfter);
    }
    LambdaInvoke task = LambdaInvoke.Builder.create(scope, state)
        .lambdaFunction(fn.live())
        .integrationPattern(IntegrationPattern.WAIT_FOR_TASK_TOKEN)
        .payload(TaskInput.fromObject(payload))
        // the document passes through unchanged, with the approver's answer beside it
        .resultPath("$.approval")
        .taskTimeout(Timeout.duration(Duration.minutes(minutes)))
        .retryOnServiceExceptions(false)
        .build();
    // an invocation Lambda itself failed never reached the on-call: ask again; a rejection or timeout is not retried
    task.addRetry(RetryProps.builder()
        .errors(RecoveryStateMachine.LAMBDA_ERRORS)
        .interval(Duration.seconds(2))
        .maxAttempts(4)
        .backoffRate(2.0)
        .build());
    return task;
  }
}
