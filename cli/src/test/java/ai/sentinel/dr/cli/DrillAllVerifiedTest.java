package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Result;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The "Verified" column of {@code drill --all}'s table (issue 16): "yes" only when checks ran and passed; a dry-run,
 * whose every check is skipped, is "planned", never "yes".
 */
class DrillAllVerifiedTest {
  private static Drill.Result result(boolean passed, Result... checks) {
    List<Verification.Check> list = java.util.Arrays.stream(checks)
        .map(r -> new Verification.Check("api health", r, r.name().toLowerCase())).toList();
    Recovery recovery = new Recovery("redis-failure", "sentinel-redis", "exec", "local", null, null, null, null, null,
        checks.length == 0 ? null : Verification.of(list), null, null, null, null, null);
    return new Drill.Result("redis-failure", "arn:exec", ExecutionStatus.SUCCEEDED, recovery, passed, null, null,
        null);
  }

  @Test
  void aDryRunWhoseEveryCheckWasSkippedIsPlannedNotVerified() {
    assertEquals("planned", DrillAll.verified(result(true, Result.SKIP, Result.SKIP)));
    assertEquals("planned", DrillAll.verified(result(true)), "no verification at all is not 'yes' either");
  }

  @Test
  void aRecoveryIsVerifiedOnlyWhenACheckRanAndTheDrillPassed() {
    assertEquals("yes", DrillAll.verified(result(true, Result.SKIP, Result.PASS)));
    assertEquals("no", DrillAll.verified(result(false, Result.PASS, Result.FAIL)));
    assertEquals("no", DrillAll.verified(result(false, Result.SKIP)));
  }
}
