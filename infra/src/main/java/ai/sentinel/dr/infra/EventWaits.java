package ai.sentinel.dr.infra;

import ai.sentinel.dr.recovery.Step;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * A wait between two polls that ends on AWS's own event: instead of a Wait of {@code pollSeconds}, a
 * {@code .waitForTaskToken} task of the poll step's own function, timing out after {@code pollSeconds}. The function
 * registers the token against what the poll waits for ({@link Step#awaits}) and polls once more (an event that came
 * before the registration is not lost: it answers its own token then); the WaitResponder answers it when the event
 * arrives. Whatever ends the wait (the event, the timeout, or a failure of the wait itself), the poll runs next and
 * decides: the event is never trusted, a lost one costs at most one poll interval, and a broken wait mechanism
 * degrades to plain polling (a Wait, then the poll), never to a failed recovery.
 */
final class EventWaits {
  private EventWaits() {}

  /**
   * @param scope     the state machine construct
   * @param stateName the wait's state name ("Wait for instance")
   * @param fn        the poll step's function
   * @param poll      the poll step's task, where the wait goes on to
   */
  static LambdaInvoke create(Construct scope, String stateName, RunbookFunction fn, LambdaInvoke poll) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put(Step.RECOVERY, JsonPath.getEntirePayload());
    payload.put(Step.AWAIT, Map.of("token", JsonPath.getTaskToken()));
    LambdaInvoke wait = LambdaInvoke.Builder.create(scope, stateName)
        .lambdaFunction(fn.live())
        .integrationPattern(IntegrationPattern.WAIT_FOR_TASK_TOKEN)
        .payload(TaskInput.fromObject(payload))
        // the document passes through unchanged: the poll after the wait reads the resource
        .resultPath(JsonPath.DISCARD)
        .taskTimeout(Timeout.at(RecoveryStateMachine.POLL_SECONDS))
        .retryOnServiceExceptions(false)
        .build();
    // no event within pollSeconds: poll now, as a Wait would have
    wait.addCatch(poll, CatchProps.builder().errors(List.of("States.Timeout")).resultPath(JsonPath.DISCARD).build());
    // the wait itself failed (its function could not be invoked): plain polling for this round
    Wait fallback = Wait.Builder.create(scope, stateName + " (polling)")
        .time(WaitTime.secondsPath(RecoveryStateMachine.POLL_SECONDS)).build();
    fallback.next(poll);
    wait.addCatch(fallback, CatchProps.builder().errors(List.of("States.ALL")).resultPath(JsonPath.DISCARD).build());
    wait.next(poll);
    return wait;
  }

  /**
   * Each poll step with an event wait registers its token in the stack's wait table and answers its own token (the
   * resource was ready before the event), on this state machine's executions only. A stack without the table gives
   * nothing: its waits time out, i.e. poll.
   */
  static void grant(Construct scope, Set<RunbookFunction> awaiting, String stateMachineName) {
    // the ARN from the name: the state machine's own reference would make its functions depend on it (a cycle)
    String arn = new Arns(scope).colon("states", "stateMachine", stateMachineName);
    WaitTokensTable.find(scope).ifPresent(waits -> awaiting.forEach(fn -> {
      waits.grantRegister(fn);
      fn.allow(List.of("states:SendTaskSuccess"), List.of(arn));
    }));
  }
}
