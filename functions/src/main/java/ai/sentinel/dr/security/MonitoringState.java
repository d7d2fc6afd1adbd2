package ai.sentinel.dr.security;

import ai.sentinel.dr.recovery.Part;
import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;

/**
 * Scenario 6 "monitor closely" ({@code $.monitoring}): the temporary alarms HeightenedMonitoring created for this
 * incident and the one-time schedule that removes them.
 *
 * @param alarms    the alarms, each with what it watches and its threshold
 * @param until     when the window ends (UTC, ISO-8601): the schedule fires then
 * @param schedule  the EventBridge Scheduler schedule (default group) that invokes the removal, deleted by
 *                  Scheduler after it ran (ActionAfterCompletion DELETE)
 * @param createdAt when the alarms were put (null: planned only, in a dry-run)
 */
public record MonitoringState(List<Alarm> alarms, String until, String schedule, String createdAt) {
  public static final Part<MonitoringState> PART = new Part<>("monitoring", MonitoringState.class);

  @JsonCreator
  public MonitoringState {
    alarms = alarms == null ? List.of() : List.copyOf(alarms);
  }

  /**
   * @param name      the alarm's name, {@code <env>-sentinel-dr-heightened-<incident>-<kind>}
   * @param watches   namespace, metric and dimensions, one line
   * @param threshold the sum per period at or above which it alarms
   */
  public record Alarm(String name, String watches, double threshold) {}
}
