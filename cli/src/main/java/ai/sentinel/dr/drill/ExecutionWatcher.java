package ai.sentinel.dr.drill;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Follows a state machine execution and prints each state as it is entered, with its time, the time since the
 * execution started and, for Task states, "step N of M" as {@link StatePath} defines it from the state machine's
 * definition: the live view of a drill. Returns when the execution ends or the deadline passes.
 */
public final class ExecutionWatcher {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private final SfnClient sfn;
  private final PrintStream out;
  private StatePath path;
  private final java.util.Map<String, Integer> runs = new java.util.HashMap<>();
  private final List<String> steps = new ArrayList<>();
  /** The last Task state entered is a wait between polls (its end is printed as what ended it). */
  private boolean waiting;
  /** A dry-run's success is a plan: its end must not read as a recovery. */
  private boolean dryRun;

  public ExecutionWatcher(SfnClient sfn, PrintStream out) {
    this.sfn = sfn;
    this.out = out;
  }

  /** Watches a dry-run: its end says that a plan was made and nothing changed. */
  public ExecutionWatcher dryRun(boolean isDryRun) {
    this.dryRun = isDryRun;
    return this;
  }

  /** The history, printed as it grows; the final description once the execution is no longer running. */
  public DescribeExecutionResponse follow(String executionArn, Duration deadline) throws InterruptedException {
    return follow(executionArn, deadline, state -> { });
  }

  /** As {@link #follow(String, Duration)}, calling {@code onStateEntered} with each state's name as it starts. */
  public DescribeExecutionResponse follow(String executionArn, Duration deadline,
      java.util.function.Consumer<String> onStateEntered) throws InterruptedException {
    Instant until = Instant.now().plus(deadline);
    List<HistoryEvent> seen = new ArrayList<>();
    Instant started = null;
    while (true) {
      DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(executionArn));
      started = d.startDate();
      if (path == null) {
        var machine = sfn.describeStateMachine(b -> b.stateMachineArn(d.stateMachineArn()));
        path = StatePath.of(machine.definition());
        out.println("  progress: step N of " + path.steps() + " = the N-th distinct Task state; " + path.steps()
            + " is the most a successful run of " + machine.name() + " passes through (from its definition)");
      }
      List<HistoryEvent> events = history(executionArn);
      for (HistoryEvent e : events.subList(Math.min(seen.size(), events.size()), events.size())) {
        print(e, started);
        if (e.stateEnteredEventDetails() != null) {
          onStateEntered.accept(e.stateEnteredEventDetails().name());
        }
      }
      seen = events;
      if (d.status() != ExecutionStatus.RUNNING) {
        return d;
      }
      if (Instant.now().isAfter(until)) {
        out.println("  ! still RUNNING after " + deadline.toSeconds() + " s: giving up watching");
        return d;
      }
      Thread.sleep(250);
    }
  }

  private List<HistoryEvent> history(String executionArn) {
    return history(sfn, executionArn);
  }

  /** Every event of an execution's history, all pages (as the reports read it). */
  public static List<HistoryEvent> history(SfnClient sfn, String executionArn) {
    return ai.sentinel.dr.report.ExecutionReports.history(sfn, executionArn);
  }

  private void print(HistoryEvent e, Instant started) {
    String at = CLOCK.format(e.timestamp()) + "  +" + String.format("%6.1fs",
        Duration.between(started, e.timestamp()).toMillis() / 1000.0);
    HistoryEventType type = e.type();
    switch (type) {
      case TASK_STATE_ENTERED -> {
        String name = e.stateEnteredEventDetails().name();
        waiting = path != null && path.isWait(name);
        out.println("  " + at + (waiting ? indent() + name + " (waiting for AWS's event or pollSeconds)"
            : "  " + step(name)));
      }
      case WAIT_STATE_ENTERED -> out.println("  " + at + indent() + e.stateEnteredEventDetails().name()
          + " (waiting)");
      case CHOICE_STATE_ENTERED -> out.println("  " + at + indent() + e.stateEnteredEventDetails().name());
      case FAIL_STATE_ENTERED -> out.println("  " + at + "  x " + e.stateEnteredEventDetails().name());
      case SUCCEED_STATE_ENTERED -> out.println("  " + at + "  = " + e.stateEnteredEventDetails().name()
          + (dryRun ? " (dry-run: planned only, nothing changed)" : ""));
      case TASK_FAILED -> out.println("  " + at + (waiting && "States.Timeout".equals(e.taskFailedEventDetails()
          .error()) ? indent() + "no event within pollSeconds: poll" : "    ! " + e.taskFailedEventDetails().error()
          + ": " + abbreviate(e.taskFailedEventDetails().cause())));
      case TASK_TIMED_OUT -> out.println("  " + at + (waiting ? indent() + "no event within pollSeconds: poll"
          : "    ! States.Timeout"));
      case TASK_SUCCEEDED -> {
        if (waiting) {
          out.println("  " + at + indent() + "woken by the event: poll");
        }
      }
      case LAMBDA_FUNCTION_FAILED -> out.println("  " + at + "    ! " + e.lambdaFunctionFailedEventDetails().error()
          + ": " + abbreviate(e.lambdaFunctionFailedEventDetails().cause()));
      case EXECUTION_SUCCEEDED -> out.println("  " + at + "  execution SUCCEEDED" + (dryRun
          ? " (dry-run: a plan, nothing changed)" : ""));
      case EXECUTION_FAILED -> out.println("  " + at + "  execution FAILED: "
          + e.executionFailedEventDetails().error());
      default -> {
        // entered/exited pairs of the same state are shown once
      }
    }
  }

  /** Lines of other states start where the Task states' names do. */
  private String indent() {
    return " ".repeat(2 + (path == null ? 0 : String.format("step %2d of %d  > ", 0, path.steps()).length()));
  }

  /** "step N of M  > Name", "(run k)" when a polling state is entered again, or the failure handling's mark. */
  private String step(String state) {
    int run = runs.merge(state, 1, Integer::sum);
    if (path == null || !path.isStep(state)) {
      return "failure handling  > " + state;
    }
    if (!steps.contains(state)) {
      steps.add(state);
    }
    String label = String.format("step %2d of %d", steps.indexOf(state) + 1, path.steps());
    return label + "  > " + state + (run > 1 ? " (run " + run + ")" : "");
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
