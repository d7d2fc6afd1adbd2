package ai.sentinel.dr.drill;

import ai.sentinel.dr.health.CheckResult;
import ai.sentinel.dr.health.HealthChecks;
import ai.sentinel.dr.health.PlatformHealth;
import java.io.PrintStream;
import java.time.Clock;

/**
 * The runbook appendix's health check printed during a drill (before the failure, after the injection, after the
 * recovery), with the engine of {@code ./sentinel health} on the local cloud: what an on-call would see at each point.
 * Read-only; it judges nothing in the drill's verdict. After a restore to a new instance or cluster
 * ({@code <id>-recovery}) it checks the one the repointed secret names, as the application then uses it; after a
 * recovery that moved the platform (a region failover) it checks where the scenario says the platform now runs
 * ({@link DrillScenario#healthAfter}).
 */
final class DrillHealth {
  private DrillHealth() {}

  static PlatformHealth print(LocalSentinel sentinel, String when, PrintStream out) {
    return print(HealthScope.of(sentinel), when, out);
  }

  static PlatformHealth print(HealthScope scope, String when, PrintStream out) {
    String where = scope.where() == null ? "" : " (" + scope.where() + ")";
    try {
      PlatformHealth health = HealthChecks.of(scope.targets(), scope.clients(), HealthChecks.ApiProbe.http(),
          Clock.systemUTC()).run();
      out.println("health " + when + ": " + health.overall() + where);
      for (CheckResult c : health.checks()) {
        out.println("  " + c.status() + "  " + c.title() + ": " + c.observed());
      }
      return health;
    } catch (RuntimeException e) {
      out.println("health " + when + ": not checked" + where + " (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")");
      return null;
    }
  }
}
