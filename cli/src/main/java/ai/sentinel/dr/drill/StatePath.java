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
 * <p>A successful path is a walk from {@code StartAt} to a Succeed state (or a state with {@code End: true}) along
 * {@code Next}, {@code Default} and Choice edges; {@code Catch} edges are not part of it, they lead to the failure
 * handling. A path that revisits a state is the same path with a poll repeated, so only simple paths count.
 * {@code M} is the largest number of distinct Task states on any successful path: the most steps a successful run
 * can take. {@code N} is the number of distinct Task states the execution has entered so far; a polling Task state
 * entered again is the same step (shown as "run k"). A run whose choices take a shorter branch (no approval gate, no
 * rollback) succeeds before N reaches M. Task states on no successful path (NotifyFailure, ReportFailure) are the
 * failure handling and get no step number.
 *
 * @param steps      M
 * @param onSuccess  the Task states that are on some successful path
 */
public record StatePath(int steps, Set<String> onSuccess) {

  public static StatePath of(String definition) {
    JsonNode root = Json.tree(definition);
    JsonNode states = root.path("States");
    Walk walk = new Walk(states);
    walk.visit(root.path("StartAt").asText(), new ArrayList<>(), new HashSet<>());
    return new StatePath(walk.longest, Set.copyOf(walk.onSuccess));
  }

  /** True when this Task state counts as a step. */
  public boolean isStep(String state) {
    return onSuccess.contains(state);
  }

  private static final class Walk {
    private final JsonNode states;
    private int longest;
    private final Set<String> onSuccess = new LinkedHashSet<>();

    Walk(JsonNode states) {
      this.states = states;
    }

    void visit(String name, List<String> tasks, Set<String> visited) {
      JsonNode state = states.path(name);
      if (state.isMissingNode() || !visited.add(name)) {
        return;
      }
      String type = state.path("Type").asText();
      boolean task = "Task".equals(type);
      if (task) {
        tasks.add(name);
      }
      if ("Succeed".equals(type) || state.path("End").asBoolean(false)) {
        longest = Math.max(longest, tasks.size());
        onSuccess.addAll(tasks);
      } else if (!"Fail".equals(type)) {
        for (String next : next(state)) {
          visit(next, tasks, visited);
        }
      }
      if (task) {
        tasks.remove(tasks.size() - 1);
      }
      visited.remove(name);
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
