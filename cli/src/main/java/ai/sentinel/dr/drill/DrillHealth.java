package ai.sentinel.dr.drill;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.health.CheckResult;
import ai.sentinel.dr.health.HealthChecks;
import ai.sentinel.dr.health.PlatformHealth;
import java.io.PrintStream;
import java.time.Clock;

/**
 * The runbook appendix's health check printed during a drill (before the failure, after the injection, after the
 * recovery), with the engine of {@code ./sentinel health} on the local cloud: what an on-call would see at each point.
 * Read-only; it judges nothing in the drill's verdict. After a restore to a new instance or cluster
 * ({@code <id>-recovery}) it checks the one the repointed secret names, as the application then uses it.
 */
final class DrillHealth {
  private DrillHealth() {}

  static PlatformHealth print(LocalSentinel sentinel, String when, PrintStream out) {
    try {
      PlatformHealth health = HealthChecks.of(HealthChecks.Targets.of(sentinel.config),
          new Clients(sentinel.aws.functionEnvironment()), HealthChecks.ApiProbe.http(), Clock.systemUTC()).run();
      out.println("health " + when + ": " + health.overall());
      for (CheckResult c : health.checks()) {
        out.println("  " + c.status() + "  " + c.title() + ": " + c.observed());
      }
      return health;
    } catch (RuntimeException e) {
      out.println("health " + when + ": not checked (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
      return null;
    }
  }
}
