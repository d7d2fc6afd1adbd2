package ai.sentinel.dr.recovery;

import java.util.List;

/**
 * The checks run before a recovery may be declared successful.
 *
 * @param checks   each check and its result
 * @param verified true only when no check failed and at least one passed
 */
public record Verification(List<Check> checks, boolean verified) {

  public static Verification of(List<Check> checks) {
    boolean anyFailed = checks.stream().anyMatch(c -> c.result() == Result.FAIL);
    boolean anyPassed = checks.stream().anyMatch(c -> c.result() == Result.PASS);
    return new Verification(List.copyOf(checks), !anyFailed && anyPassed);
  }

  /** Outcome of one check. SKIP says it could not run here (not configured, dry-run), and why. */
  public enum Result { PASS, FAIL, SKIP }

  /** One check: what was checked, its result, and what was seen. */
  public record Check(String name, Result result, String detail) {}
}
