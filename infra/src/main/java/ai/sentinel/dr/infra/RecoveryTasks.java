package ai.sentinel.dr.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * How {@link RecoveryStateMachine}'s Lambda task states are built: a step invocation, the Report step, and an
 * approval gate's wait for a task token. Where they go in the runbook is the state machine's business.
 */
final class RecoveryTasks {
  private RecoveryTasks() {}

  /** A step invocation: the whole document in, the function's answer as the whole document out. */
  static LambdaInvoke invoke(Construct scope, String stateName, RunbookFunction fn) {
    LambdaInvoke task = LambdaInvoke.Builder.create(scope, stateName)
        .lambdaFunction(fn.live())
        .payloadResponseOnly(true)
        .resultPath("$")
        // CDK's default retry (6 attempts) is replaced by the runbook's below
        .retryOnServiceExceptions(false)
        .build();
    task.addRetry(retry());
    return task;
  }

  /** The Report step: the document plus what only the execution knows (its ARN and start time). */
  static LambdaInvoke report(Construct scope, String stateName, RunbookFunction report, String status,
      IChainable end) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("recovery.$", "$");
    payload.put("executionArn.$", "$$.Execution.Id");
    payload.put("executionStart.$", "$$.Execution.StartTime");
    payload.put("status", status);
    LambdaInvoke task = LambdaInvoke.Builder.create(scope, stateName)
        .lambdaFunction(report.live())
        .payload(TaskInput.fromObject(payload))
        .payloadResponseOnly(true)
        .resultPath("$")
        .retryOnServiceExceptions(false)
        .build();
    task.addRetry(retry());
    task.addCatch(end, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.reportError").build());
    task.next(end);
    return task;
  }

  /**
   * The gate before {@code step}: RequestApproval sends the on-call the task token; the execution waits until someone
   * answers (approved: the answer lands in {@code $.approval}) or {@code minutes} pass. A rejection (error
   * "Rejected") goes to {@code onRejected} (null: like any error); any other error, the timeout (States.Timeout)
   * included, to {@code onError}.
   */
  static LambdaInvoke approval(Construct scope, String step, RunbookFunction fn, int minutes,
      IChainable onRejected, IChainable onError) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("recovery", JsonPath.getEntirePayload());
    payload.put("token", JsonPath.getTaskToken());
    payload.put("step", step);
    payload.put("timeoutSeconds", minutes * 60);
    LambdaInvoke task = LambdaInvoke.Builder.create(scope, RecoveryStateMachine.approvalState(step))
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
    if (onRejected != null) {
      task.addCatch(onRejected, CatchProps.builder().errors(List.of("Rejected")).resultPath("$.error").build());
    }
    task.addCatch(onError, CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build());
    return task;
  }

  private static RetryProps retry() {
    return RetryProps.builder()
        .errors(RecoveryStateMachine.RETRYABLE)
        .interval(Duration.seconds(2))
        .maxAttempts(4)
        .backoffRate(2.0)
        .build();
  }
}
