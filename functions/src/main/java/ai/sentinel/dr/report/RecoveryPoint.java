package ai.sentinel.dr.report;

import java.time.Duration;
import java.time.Instant;

/**
 * The recovery point a recovery restored to, as a distance before the failure (the RPO achieved), and what it was.
 *
 * @param seconds  trigger time minus the recovery point (0: nothing lost); null when it cannot be measured
 * @param basis    what the recovery point was ("snapshot X taken T", "Multi-AZ failover: ..."), or why it is unknown;
 *                 null when there is nothing to say
 * @param snapshot true when the point is a snapshot's time (a missed RPO then names the snapshot)
 */
public record RecoveryPoint(Long seconds, String basis, boolean snapshot) {

  /** Nothing known about the recovery point. */
  public static final RecoveryPoint UNKNOWN = new RecoveryPoint(null, null, false);

  /** A recovery point that is not a snapshot (a failover, a point in time, a stateless service). */
  public static RecoveryPoint of(Long seconds, String basis) {
    return new RecoveryPoint(seconds, basis, false);
  }

  /**
   * Restoring to {@code point}: its distance before the trigger, described by {@code basis}; unmeasured when either
   * time is unknown.
   */
  public static RecoveryPoint at(ReportFacts f, Instant point, String basis, boolean snapshot) {
    if (point == null || f.triggerTime() == null) {
      return new RecoveryPoint(null, basis + (f.triggerTime() == null ? "; trigger time unknown" : ""), snapshot);
    }
    // a recovery point after the failure began loses nothing before it
    return new RecoveryPoint(Math.max(0, Duration.between(point, f.triggerTime()).getSeconds()), basis, snapshot);
  }
}
