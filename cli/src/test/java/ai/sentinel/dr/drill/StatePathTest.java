package ai.sentinel.dr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** "step N of M": M from the definition's successful walks, Catch edges and failure handling left out. */
class StatePathTest {

  private static final String CATCH = "\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"NotifyFailure\"}]";

  @Test
  void exclusiveBranchesCountTheLongerOneAndPollLoopsCountOnce() {
    // A -> Choose -> (B -> Poll loop | C) -> D -> Succeed; failures to NotifyFailure -> Fail
    String asl = "{\"StartAt\":\"A\",\"States\":{"
        + "\"A\":{\"Type\":\"Task\",\"Next\":\"Choose\"," + CATCH + "},"
        + "\"Choose\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.x\",\"BooleanEquals\":true,\"Next\":\"B\"}],"
        + "\"Default\":\"C\"},"
        + "\"B\":{\"Type\":\"Task\",\"Next\":\"Poll\"," + CATCH + "},"
        + "\"Poll\":{\"Type\":\"Task\",\"Next\":\"Done?\"," + CATCH + "},"
        + "\"Done?\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.done\",\"BooleanEquals\":true,"
        + "\"Next\":\"D\"}],\"Default\":\"Sleep\"},"
        + "\"Sleep\":{\"Type\":\"Wait\",\"Seconds\":1,\"Next\":\"Poll\"},"
        + "\"C\":{\"Type\":\"Task\",\"Next\":\"D\"," + CATCH + "},"
        + "\"D\":{\"Type\":\"Task\",\"Next\":\"Ok\"},"
        + "\"Ok\":{\"Type\":\"Succeed\"},"
        + "\"NotifyFailure\":{\"Type\":\"Task\",\"Next\":\"Failed\"},"
        + "\"Failed\":{\"Type\":\"Fail\"}}}";
    StatePath path = StatePath.of(asl);
    assertEquals(4, path.steps(), "A, B, Poll, D");
    assertEquals(Set.of("A", "B", "Poll", "C", "D"), path.onSuccess());
    assertFalse(path.isStep("NotifyFailure"));
  }

  @Test
  void aBranchThatGoesBackToAnEarlierStateStillCountsItsNewSteps() {
    // ECS-shaped: Force -> Wait -> (stable: Scale | rollback: Previous -> Wait) ; Scale -> End
    String asl = "{\"StartAt\":\"Force\",\"States\":{"
        + "\"Force\":{\"Type\":\"Task\",\"Next\":\"Wait\"},"
        + "\"Wait\":{\"Type\":\"Task\",\"Next\":\"Stable?\"},"
        + "\"Stable?\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.stable\",\"BooleanEquals\":true,"
        + "\"Next\":\"Scale\"},{\"Variable\":\"$.rollbackDue\",\"BooleanEquals\":true,\"Next\":\"Previous\"}],"
        + "\"Default\":\"Sleep\"},"
        + "\"Sleep\":{\"Type\":\"Wait\",\"Seconds\":1,\"Next\":\"Wait\"},"
        + "\"Previous\":{\"Type\":\"Task\",\"Next\":\"Wait\"},"
        + "\"Scale\":{\"Type\":\"Task\",\"End\":true}}}";
    StatePath path = StatePath.of(asl);
    assertEquals(4, path.steps(), "Force, Wait, Previous, Scale");
    assertTrue(path.isStep("Previous"));
  }

  @Test
  void aWaitThatEndsOnAnEventIsATaskButNoStep() {
    // Poll -> Done? -> (done: D | Sleep, a waitForTaskToken task with the document and a token to register -> Poll)
    String asl = "{\"StartAt\":\"Poll\",\"States\":{"
        + "\"Poll\":{\"Type\":\"Task\",\"Next\":\"Done?\"},"
        + "\"Done?\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.done\",\"BooleanEquals\":true,"
        + "\"Next\":\"D\"}],\"Default\":\"Sleep\"},"
        + "\"Sleep\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke.waitForTaskToken\","
        + "\"Parameters\":{\"Payload\":{\"recovery.$\":\"$\",\"await\":{\"token.$\":\"$$.Task.Token\"}}},"
        + "\"TimeoutSecondsPath\":\"$.options.pollSeconds\",\"ResultPath\":null,\"Next\":\"Poll\"},"
        + "\"D\":{\"Type\":\"Task\",\"End\":true}}}";
    StatePath path = StatePath.of(asl);
    assertEquals(2, path.steps(), "Poll, D");
    assertFalse(path.isStep("Sleep"));
    assertTrue(path.isWait("Sleep"));
    assertFalse(path.isWait("Poll"));
  }
}
