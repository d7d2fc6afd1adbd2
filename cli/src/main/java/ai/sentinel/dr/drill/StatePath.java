package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What "step N of M" means in a drill's live progress, read from the state machine's definition (Amazon States
 * Language), never from a list kept by hand.
 *
 * <p>A successful run is a walk from {@code StartAt} to a Succeed state (or a state with {@code End: true}) along
 * {@code Next}, {@code Default} and Choice edges; {@code Catch} edges are not part of it, they lead to the failure
 * handling. A walk may pass a state again (a poll loop, or ECS's rollback going back to WaitForStability), so what
 * counts is the set of distinct Task states it passes through. {@code M} is the largest such set over all successful
 * walks: the most steps a successful run can take. {@code N} is the number of distinct Task states the execution has
 * entered so far; a Task state entered again is the same step (shown as "run k"). A run whose choices take a shorter
 * branch (no approval gate, no rollback) succeeds before N reaches M. Task states on no successful walk
 * (NotifyFailure, ReportFailure) are the failure handling and get no step number.
 *
 * A Task state that is a wait between two polls, ending on AWS's event or after pollSeconds ({@link #isWait}), is no
 * step, as a Wait state is none.
 *
 * @param steps      M
 * @param onSuccess  the Task states that are on some successful walk
 * @param waits      the Task states that are waits between polls
 */
public record StatePath(int steps, Set<String> onSuccess, Set<String> waits) {

  public static StatePath of(String definition) {
    JsonNode root = Json.tree(definition);
    Walk walk = new Walk(root.path("States"));
    walk.visit(root.path("StartAt").asText(), Set.of());
    return new StatePath(walk.longest, Set.copyOf(walk.onSuccess), Set.copyOf(walk.waits));
  }

  /** A wait between polls that ends on AWS's event (a task with the document and a task token to register). */
  static boolean isEventWait(JsonNode state) {
    return "Task".equals(state.path("Type").asText()) && state.path("Parameters").path("Payload").has("await");
  }

  /** True when this Task state is a wait between polls, not a step. */
  public boolean isWait(String state) {
    return waits.contains(state);
  }

  /** True when this Task state counts as a step. */
  public boolean isStep(String state) {
    return onSuccess.contains(state);
  }

  /**
   * Every (state, Task states passed so far) pair reachable from the start, each once: the sets only grow along a
   * walk, so this ends, and it sees every set of Task states a successful walk can collect.
   */
  private static final class Walk {
    private final JsonNode states;
    private final Set<String> seen = new HashSet<>();
    private int longest;
    private final Set<String> onSuccess = new LinkedHashSet<>();
    private final Set<String> waits = new LinkedHashSet<>();

    Walk(JsonNode states) {
      this.states = states;
    }

    void visit(String name, Set<String> tasks) {
      JsonNode state = states.path(name);
      if (state.isMissingNode() || !seen.add(name + "|" + new java.util.TreeSet<>(tasks))) {
        return;
      }
      String type = state.path("Type").asText();
      Set<String> passed = tasks;
      if (isEventWait(state)) {
        waits.add(name);
      } else if ("Task".equals(type) && !tasks.contains(name)) {
        passed = new HashSet<>(tasks);
        passed.add(name);
      }
      if ("Succeed".equals(type) || state.path("End").asBoolean(false)) {
        longest = Math.max(longest, passed.size());
        onSuccess.addAll(passed);
      } else if (!"Fail".equals(type)) {
        for (String next : next(state)) {
          visit(next, passed);
        }
      }
    }

    private static List<String> next(JsonNode state) {
      List<String> out = new ArrayList<>();
      if (state.hasNonNull("Next")) {
        out.add(state.get("Next").asText());
      }
      state.path("Choices").forEach(c -> {
        if (c.hasNonNull("Next")) {
          out.add(c.get("Next").asText());
        }
      });
      if (state.hasNonNull("Default")) {
        out.add(state.get("Default").asText());
      }
      return out;
    }
  }
}
