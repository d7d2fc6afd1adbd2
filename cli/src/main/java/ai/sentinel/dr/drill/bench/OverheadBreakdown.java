package ai.sentinel.dr.drill.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Where a recovery's overhead outside its waits goes (issue 15), from the execution's history alone: the time of the
 * steps' Lambda invocations (LambdaFunctionStarted to its end: the gateway, the handler and the AWS calls it makes)
 * and the rest, the Step Functions engine's own time (entering and leaving states, Choice states, parameters and
 * paths). Only time outside the AWS operations, the runbook's patience and the waits' own overhead counts.
 */
final class OverheadBreakdown {
  private OverheadBreakdown() {}

  /**
   * @param outside     seconds of the execution outside the excluded intervals
   * @param invocations of which in Lambda invocations
   * @param states      per state: name, times entered, seconds outside, of which in invocations (tab-separated,
   *                    most first)
   */
  record Split(double outside, double invocations, List<String> states) {}

  /** Every event of the execution, one a line: time, type, state (for a look at a single run). */
  static void writeHistory(List<HistoryEvent> history, Path file) throws IOException {
    Files.write(file, history.stream().map(e -> e.timestamp() + "\t" + e.typeAsString() + "\t"
        + (e.stateEnteredEventDetails() != null ? e.stateEnteredEventDetails().name()
        : e.stateExitedEventDetails() != null ? e.stateExitedEventDetails().name() : "")).toList());
  }

  /** The split of the time outside {@code excluded} (disjoint intervals: operations, patience, waits' overhead). */
  static Split split(List<HistoryEvent> history, List<Instant[]> excluded) {
    if (history.isEmpty()) {
      return new Split(0, 0, List.of());
    }
    Instant end = history.get(history.size() - 1).timestamp();
    double outside = outside(history.get(0).timestamp(), end, excluded);
    // per state entered: its span to the next state entered, and the invocations in it
    Map<String, double[]> states = new LinkedHashMap<>();
    double invocations = 0;
    String state = null;
    Instant entered = null;
    Instant invoked = null;
    for (HistoryEvent e : history) {
      HistoryEventType type = e.type();
      if (e.stateEnteredEventDetails() != null) {
        if (state != null) {
          states.computeIfAbsent(state, k -> new double[3])[1] += outside(entered, e.timestamp(), excluded);
        }
        state = e.stateEnteredEventDetails().name();
        entered = e.timestamp();
        states.computeIfAbsent(state, k -> new double[3])[0]++;
      } else if (type == HistoryEventType.LAMBDA_FUNCTION_STARTED) {
        invoked = e.timestamp();
      } else if (invoked != null && (type == HistoryEventType.LAMBDA_FUNCTION_SUCCEEDED
          || type == HistoryEventType.LAMBDA_FUNCTION_FAILED || type == HistoryEventType.LAMBDA_FUNCTION_TIMED_OUT)) {
        double in = outside(invoked, e.timestamp(), excluded);
        invocations += in;
        if (state != null) {
          states.get(state)[2] += in;
        }
        invoked = null;
      }
    }
    if (state != null) {
      states.get(state)[1] += outside(entered, end, excluded);
    }
    List<String> lines = new ArrayList<>();
    lines.add("state\tentered\toverhead s\tof which in Lambda invocations s");
    states.entrySet().stream().filter(s -> s.getValue()[1] >= 0.0005)
        .sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]))
        .forEach(s -> lines.add(String.format(Locale.ROOT, "%s\t%.0f\t%.3f\t%.3f", s.getKey(), s.getValue()[0],
            s.getValue()[1], s.getValue()[2])));
    lines.add(String.format(Locale.ROOT, "(all)\t\t%.3f\t%.3f", outside, invocations));
    return new Split(outside, invocations, lines);
  }

  /** Seconds from {@code from} to {@code to} outside the excluded intervals. */
  static double outside(Instant from, Instant to, List<Instant[]> excluded) {
    long millis = Duration.between(from, to).toMillis();
    for (Instant[] x : excluded) {
      Instant a = x[0].isAfter(from) ? x[0] : from;
      Instant b = x[1].isBefore(to) ? x[1] : to;
      if (b.isAfter(a)) {
        millis -= Duration.between(a, b).toMillis();
      }
    }
    return Math.max(0, millis) / 1000.0;
  }
}
