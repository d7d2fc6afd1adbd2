package ai.sentinel.dr.wait;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** Answers a wait's task token: the waiting state goes on to its poll at once. */
public final class TaskTokens {
  private TaskTokens() {}

  /**
   * SendTaskSuccess with {@code output}. A token already answered, timed out (the wait has polled already) or unknown
   * is no error: waking a wait twice must never fail a recovery, since the poll after it decides.
   *
   * @return true when this call woke the wait
   */
  public static boolean answer(SfnClient sfn, String token, String output) {
    try {
      sfn.sendTaskSuccess(b -> b.taskToken(token).output(output));
      return true;
    } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException e) {
      return false;
    }
  }
}
