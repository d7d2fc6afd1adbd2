package ai.sentinel.dr.health;

/**
 * One line of the health check: which check, its status, what was observed and the threshold it was judged against.
 *
 * @param check     the check's id, also its metric's suffix: rds, redis, ecs, alb, api
 * @param title     what the appendix calls it, e.g. "RDS status"
 * @param status    PASS, WARN, FAIL, or SKIP (not configured in this environment: counts as neither)
 * @param observed  what was read, e.g. "sentinel-db available" (never a secret)
 * @param threshold what PASS means, and what makes it WARN
 */
public record CheckResult(String check, String title, Status status, String observed, String threshold) {

  /** How one check came out, in increasing badness (SKIP counts as nothing). */
  public enum Status {
    SKIP, PASS, WARN, FAIL;

    /** The worse of two. */
    public Status worst(Status other) {
      return other != null && other.compareTo(this) > 0 ? other : this;
    }

    /** The metric value of a check: 0 PASS, 1 WARN, 2 FAIL; SKIP publishes nothing. */
    public Integer metricValue() {
      return switch (this) {
        case PASS -> 0;
        case WARN -> 1;
        case FAIL -> 2;
        case SKIP -> null;
      };
    }
  }
}
