package ai.sentinel.dr.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Shapes every recovery state machine repeats, asserted on a definition's {@code States}. */
public final class StateMachineAssert {
  private StateMachineAssert() {}

  /** poll → choice: field present and true → done, else wait (pollSeconds) → poll. */
  public static void loop(JsonNode states, String poll, String choice, String field, String done, String waitState) {
    assertEquals(choice, states.path(poll).path("Next").asText(), poll);
    JsonNode rule = states.path(choice).path("Choices").path(0);
    assertEquals(done, rule.path("Next").asText(), choice);
    assertIsTrue(rule, field);
    assertEquals(waitState, states.path(choice).path("Default").asText(), choice);
    assertEquals("Wait", states.path(waitState).path("Type").asText(), waitState);
    assertEquals("$.options.pollSeconds", states.path(waitState).path("SecondsPath").asText(), waitState);
    assertEquals(poll, states.path(waitState).path("Next").asText(), waitState);
  }

  /**
   * poll → choice: field true → done, else the event wait {@code waitState} → poll ({@link #assertEventWait}).
   */
  public static void eventLoop(JsonNode states, String poll, String choice, String field, String done,
      String waitState) {
    assertEquals(choice, states.path(poll).path("Next").asText(), poll);
    JsonNode rule = states.path(choice).path("Choices").path(0);
    assertEquals(done, rule.path("Next").asText(), choice);
    assertIsTrue(rule, field);
    assertEquals(waitState, states.path(choice).path("Default").asText(), choice);
    assertEventWait(states, waitState, poll);
  }

  /**
   * A wait that ends on AWS's event: a waitForTaskToken task of the poll's own function with the document and the
   * token, timing out after pollSeconds, the document passed through; then the poll, whatever ended the wait (the
   * event, States.Timeout, or a failure of the wait, after a plain Wait of pollSeconds).
   */
  public static void assertEventWait(JsonNode states, String waitState, String poll) {
    JsonNode wait = states.path(waitState);
    assertEquals("Task", wait.path("Type").asText(), waitState);
    assertTrue(wait.path("Resource").toString().contains("lambda:invoke.waitForTaskToken"), waitState);
    assertEquals(states.path(poll).path("Resource").toString(),
        wait.path("Parameters").path("FunctionName").toString(), waitState + " invokes " + poll + "'s function");
    assertEquals("$", wait.path("Parameters").path("Payload").path("recovery.$").asText(), waitState);
    assertEquals("$$.Task.Token", wait.path("Parameters").path("Payload").path("await").path("token.$").asText(),
        waitState);
    assertEquals("$.options.pollSeconds", wait.path("TimeoutSecondsPath").asText(), waitState);
    assertTrue(wait.has("ResultPath") && wait.path("ResultPath").isNull(), waitState + " keeps the document");
    assertEquals(poll, wait.path("Next").asText(), waitState);
    JsonNode timeout = wait.path("Catch").path(0);
    assertEquals("States.Timeout", timeout.path("ErrorEquals").path(0).asText(), waitState);
    assertEquals(poll, timeout.path("Next").asText(), waitState);
    JsonNode failed = wait.path("Catch").path(1);
    assertEquals("States.ALL", failed.path("ErrorEquals").path(0).asText(), waitState);
    JsonNode fallback = states.path(failed.path("Next").asText());
    assertEquals("Wait", fallback.path("Type").asText(), waitState);
    assertEquals("$.options.pollSeconds", fallback.path("SecondsPath").asText(), waitState);
    assertEquals(poll, fallback.path("Next").asText(), waitState);
  }

  /** The rule tests that {@code field} is present and true (a missing field must not count as true). */
  public static void assertIsTrue(JsonNode rule, String field) {
    String text = rule.toString();
    assertTrue(text.contains("{\"Variable\":\"" + field + "\",\"IsPresent\":true}"), text);
    assertTrue(text.contains("{\"Variable\":\"" + field + "\",\"BooleanEquals\":true}"), text);
  }

  /**
   * The approval gate before {@code step}: "Dry-run?" sends a plan to the step and anything else to "Approve STEP",
   * which asks RequestApproval with a task token and waits at most {@code timeoutSeconds}; an answer goes through
   * "Acknowledge STEP" (approved) or "Acknowledge rejection of STEP" (error Rejected, then NotifyFailure), both
   * AcknowledgeApproval, which go on whatever happens to them; the timeout fails into NotifyFailure. The step is
   * entered through "Acknowledge STEP" and "Dry-run?" only.
   */
  public static void gate(JsonNode states, String step, int timeoutSeconds) {
    gate(states, step, timeoutSeconds, 0);
  }

  /**
   * {@link #gate(JsonNode, String, int)} where the environment re-pages after {@code repageSeconds} (0: never): then
   * "Approve STEP" waits that long, its States.Timeout goes (marking $.approvalRepaged) to "Re-page STEP", which asks
   * again with repage and afterMinutes for the rest of the timeout and answers the same two ways.
   */
  public static void gate(JsonNode states, String step, int timeoutSeconds, int repageSeconds) {
    String approveName = RecoveryStateMachine.approvalState(step);
    JsonNode dryRun = states.path("Dry-run?");
    assertEquals("Choice", dryRun.path("Type").asText());
    assertEquals(1, dryRun.path("Choices").size());
    assertEquals(step, dryRun.path("Choices").path(0).path("Next").asText());
    assertIsTrue(dryRun.path("Choices").path(0), "$.options.dryRun");
    assertEquals(approveName, dryRun.path("Default").asText(), "absent or false: a real recovery asks first");

    JsonNode approve = states.path(approveName);
    assertEquals("Task", approve.path("Type").asText());
    assertTrue(Synth.render(approve.path("Resource")).endsWith(":states:::lambda:invoke.waitForTaskToken"),
        approve.toString());
    assertTrue(Synth.render(approve.path("Parameters").path("FunctionName"))
        .matches("<Ref:SharedStepsRequestApprovalLive[0-9A-F]+>"), approve.toString());
    int first = repageSeconds > 0 ? repageSeconds : timeoutSeconds;
    assertEquals(Synth.JSON.createObjectNode().put("recovery.$", "$").put("token.$", "$$.Task.Token")
        .put("step", step).put("timeoutSeconds", first), approve.path("Parameters").path("Payload"));
    assertEquals("$.approval", approve.path("ResultPath").asText(), "the document passes through");
    assertEquals(first, approve.path("TimeoutSeconds").asInt());
    String acknowledge = "Acknowledge " + step;
    String acknowledgeRejection = "Acknowledge rejection of " + step;
    List<JsonNode> asks = new ArrayList<>(List.of(approve));
    int last = 1;
    if (repageSeconds > 0) {
      JsonNode timedOut = approve.path("Catch").path(1);
      assertEquals("States.Timeout", timedOut.path("ErrorEquals").path(0).asText());
      assertEquals("$.approvalRepaged", timedOut.path("ResultPath").asText());
      assertEquals("Re-page " + step, timedOut.path("Next").asText());
      JsonNode again = states.path("Re-page " + step);
      assertTrue(Synth.render(again.path("Resource")).endsWith(":states:::lambda:invoke.waitForTaskToken"),
          "the wait is Step Functions', no function sleeps: " + again);
      assertEquals(Synth.JSON.createObjectNode().put("recovery.$", "$").put("token.$", "$$.Task.Token")
          .put("step", step).put("timeoutSeconds", timeoutSeconds - repageSeconds).put("repage", true)
          .put("afterMinutes", repageSeconds / 60), again.path("Parameters").path("Payload"));
      assertEquals(timeoutSeconds - repageSeconds, again.path("TimeoutSeconds").asInt(), "the whole gate: the timeout");
      assertEquals("States.ALL", again.path("Catch").path(1).path("ErrorEquals").path(0).asText());
      assertEquals("NotifyFailure", again.path("Catch").path(1).path("Next").asText());
      asks.add(again);
      last = 2;
    }
    for (JsonNode ask : asks) {
      assertEquals(acknowledge, ask.path("Next").asText());
      assertEquals("Rejected", ask.path("Catch").path(0).path("ErrorEquals").path(0).asText());
      assertEquals(acknowledgeRejection, ask.path("Catch").path(0).path("Next").asText());
      assertEquals("$.error", ask.path("Catch").path(0).path("ResultPath").asText());
    }
    assertEquals("States.ALL", approve.path("Catch").path(last).path("ErrorEquals").path(0).asText());
    assertEquals("NotifyFailure", approve.path("Catch").path(last).path("Next").asText());
    List<String> retried = new ArrayList<>();
    approve.path("Retry").forEach(r -> r.path("ErrorEquals").forEach(e -> retried.add(e.asText())));
    assertTrue(retried.stream().allMatch(e -> e.startsWith("Lambda.")), "a rejection is not retried: " + retried);
    for (String[] ack : List.of(new String[] {acknowledge, step},
        new String[] {acknowledgeRejection, "NotifyFailure"})) {
      JsonNode state = states.path(ack[0]);
      assertTrue(Synth.render(state.path("Resource")).matches("<Ref:SharedStepsAcknowledgeApprovalLive[0-9A-F]+>"),
          state.toString());
      assertEquals(ack[1], state.path("Next").asText(), ack[0]);
      assertEquals(List.of(ack[1]), List.of(state.path("Catch").path(0).path("Next").asText()),
          ack[0] + ": a lost acknowledgement changes no outcome");
    }
    assertEquals(Set.of(acknowledge, "Dry-run?"), predecessors(states, step));
  }

  /** Every state a state can go to: Next, Default, Choices and Catch targets. */
  public static List<String> targets(JsonNode state) {
    List<String> out = new ArrayList<>();
    List<JsonNode> nodes = new ArrayList<>(List.of(state.path("Next"), state.path("Default")));
    state.path("Choices").forEach(c -> nodes.add(c.path("Next")));
    state.path("Catch").forEach(c -> nodes.add(c.path("Next")));
    nodes.stream().filter(JsonNode::isTextual).forEach(n -> out.add(n.asText()));
    return out;
  }

  public static Set<String> predecessors(JsonNode states, String target) {
    Set<String> out = new TreeSet<>();
    states.fields().forEachRemaining(e -> {
      if (targets(e.getValue()).contains(target)) {
        out.add(e.getKey());
      }
    });
    return out;
  }
}
