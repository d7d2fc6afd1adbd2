package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.corruption.sql.CompareProgress;
import ai.sentinel.dr.corruption.sql.TableRepair;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * VerifyData's judgement of a fresh compare (the compare itself runs on real PostgreSQL in CorruptionStepsIT): a
 * selective repair passes only when no row matching the condition differs, a full one only when no row differs at
 * all, and an unfinished compare never passes.
 */
class VerifyDataTest {
  private static final CorruptionRequest FULL = new CorruptionRequest(List.of("audit_logs"),
      Cases.REQUEST.conditions(), null, "full");

  /** A finished (or not) compare with these differences. */
  private static CompareProgress compared(boolean done, long onlyInClean, long onlyInLive, long changed) {
    return new CompareProgress("audit_logs", 0, 1, 16, 2, 10, done ? 10 : 4, List.of(), 100, 100, onlyInClean,
        onlyInLive, changed, List.of(), null);
  }

  private static TableRepair.Result left(long deleted, long inserted, long updated) {
    return new TableRepair.Result("audit_logs", deleted, inserted, updated);
  }

  @Test
  void selectivePassesWhenNothingInTheConditionDiffersAndSaysWhatOutsideItWasKept() {
    Check ok = VerifyData.check("audit_logs", Cases.REQUEST, compared(true, 0, 0, 1), left(0, 0, 0));
    assertEquals(Result.PASS, ok.result());
    assertEquals("repaired-audit_logs", ok.name());
    assertTrue(ok.detail().contains("1 row(s) outside it differ (writes since the clean time, kept)"), ok.detail());

    Check late = VerifyData.check("audit_logs", Cases.REQUEST, compared(true, 0, 1, 2), left(1, 0, 1));
    assertEquals(Result.FAIL, late.result());
    assertTrue(late.detail().contains("2 row(s) where timestamp in [2026-01-17T08:40:00Z, now) still differ "
        + "from the clean copy (1 to delete, 0 to insert, 1 to update)"), late.detail());
  }

  @Test
  void fullPassesOnlyWhenNoRowDiffers() {
    assertEquals(Result.PASS, VerifyData.check("audit_logs", FULL, compared(true, 0, 0, 0), null).result());
    Check left = VerifyData.check("audit_logs", FULL, compared(true, 1, 0, 0), null);
    assertEquals(Result.FAIL, left.result());
    assertTrue(left.detail().contains("1 row(s) still differ"), left.detail());
  }

  @Test
  void anUnfinishedCompareIsNotAVerification() {
    for (CorruptionRequest request : List.of(Cases.REQUEST, FULL)) {
      Check c = VerifyData.check("audit_logs", request, compared(false, 0, 0, 0), null);
      assertEquals(Result.FAIL, c.result());
      assertTrue(c.detail().contains("did not finish"), c.detail());
    }
  }
}
