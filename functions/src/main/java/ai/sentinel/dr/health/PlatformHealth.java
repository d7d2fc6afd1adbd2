package ai.sentinel.dr.health;

import ai.sentinel.dr.health.CheckResult.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * The five checks of the runbook's appendix, in its order, and what they add up to: HEALTHY (exit 0), DEGRADED (a
 * WARN, exit 1) or FAILING (a FAIL, exit 2). A skipped check (not configured) changes nothing.
 *
 * @param environment the environment checked
 * @param checkedAt   when (ISO-8601)
 * @param checks      one per check, in the appendix's order
 */
public record PlatformHealth(String environment, String checkedAt, List<CheckResult> checks) {

  public PlatformHealth {
    checks = List.copyOf(checks);
  }

  /** The worst status of any check. */
  public Status worst() {
    Status worst = Status.SKIP;
    for (CheckResult c : checks) {
      worst = worst.worst(c.status());
    }
    return worst;
  }

  /** HEALTHY, DEGRADED or FAILING. */
  public String overall() {
    return switch (worst()) {
      case FAIL -> "FAILING";
      case WARN -> "DEGRADED";
      default -> "HEALTHY";
    };
  }

  /** 0 healthy, 1 degraded, 2 failing: what {@code ./sentinel health} exits with. */
  public int exitCode() {
    return switch (worst()) {
      case FAIL -> 2;
      case WARN -> 1;
      default -> 0;
    };
  }

  /** The result of check {@code id} (rds, redis, ecs, alb, api), or null. */
  public CheckResult check(String id) {
    return checks.stream().filter(c -> c.check().equals(id)).findFirst().orElse(null);
  }

  /**
   * The check as text, readable at 3 a.m.: a header, one line per check (status first, then what, what was seen and
   * the threshold in brackets), and the overall verdict with its exit code.
   */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("Sentinel platform health (" + environment + ") at " + checkedAt);
    int width = checks.stream().mapToInt(c -> c.title().length()).max().orElse(0);
    for (CheckResult c : checks) {
      out.add(String.format("  %-4s  %-" + width + "s  %s  [%s]", c.status(), c.title(), c.observed(),
          c.threshold()));
    }
    out.add("overall: " + overall() + " (exit " + exitCode() + ")");
    return out;
  }
}
