package ai.sentinel.dr.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * How {@link RecoveryStateMachine}'s Lambda task states are built: a step invocation and the Report step (an
 * approval gate's states: {@link ApprovalGate}). Where they go in the runbook is the state machine's business.
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

  private static RetryProps retry() {
    return RetryProps.builder()
        .errors(RecoveryStateMachine.RETRYABLE)
        .interval(Duration.seconds(2))
        .maxAttempts(4)
        .backoffRate(2.0)
        .build();
  }
}
