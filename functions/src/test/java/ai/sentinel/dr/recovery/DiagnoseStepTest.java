package ai.sentinel.dr.recovery;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.support.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One rule for every scenario: act only on a confirmed failure, or where acting cannot make things worse. */
class DiagnoseStepTest {

  /** A scenario's Diagnose reduced to its verdict. */
  private static DiagnoseStep saying(Verdict verdict, String decidedBy) {
    return new DiagnoseStep(Fixtures.deps()) {
      @Override
      protected Finding diagnose(Recovery recovery) {
        return new Finding(recovery, verdict, List.of("sentinel-db is 'available'", "SELECT 1 returned 1"),
            decidedBy);
      }
    };
  }

  private static Recovery real() {
    return Fixtures.recovery(false);
  }

  @Test
  void aHealthyResourceEndsWithNoActionAndItsEvidence() {
    Recovery out = invoke(saying(Verdict.HEALTHY, null), real());
    assertFalse(out.diagnosis().act());
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
    assertEquals(List.of("sentinel-db is 'available'", "SELECT 1 returned 1"), out.diagnosis().evidence());
    assertEquals(Fixtures.NOW.toString(), out.diagnosis().checkedAt());
    String detail = only(out, "Diagnose", "healthy").detail();
    assertTrue(detail.contains("no action") && detail.contains("SELECT 1 returned 1"), detail);
  }

  @Test
  void anInconclusiveDiagnosisChangesNothingEither() {
    Recovery out = invoke(saying(Verdict.INCONCLUSIVE, null), real());
    assertFalse(out.diagnosis().act());
    assertTrue(only(out, "Diagnose", "inconclusive").detail().contains("a human must judge"));
  }

  @Test
  void aConfirmedFailureActs() {
    Recovery out = invoke(saying(Verdict.FAILED, null), real());
    assertTrue(out.diagnosis().act());
    assertTrue(only(out, "Diagnose", "confirmed").detail().contains("failure confirmed"));
  }

  @Test
  void aDryRunPlansEvenOnAHealthyResourceAndSaysARealRunWouldNot() {
    Recovery out = invoke(saying(Verdict.HEALTHY, null), Fixtures.recovery(true));
    assertTrue(out.diagnosis().act());
    assertTrue(only(out, "Diagnose", "proceeding").detail().contains("a real run would take no action"));
  }

  @Test
  void anOperatorsExplicitDecisionIsActedOnWithTheHealthBesideIt() {
    Recovery out = invoke(saying(Verdict.HEALTHY, "Option B requested by the operator"), real());
    assertTrue(out.diagnosis().act());
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
    assertTrue(out.diagnosis().reason().contains("Option B requested by the operator"), out.diagnosis().reason());
  }

  @Test
  void aTestOfTheTestingScheduleProceedsWhateverProductionsHealth() {
    Recovery test = real().withEnvelope("database-restore-test", "sentinel-db", "test-1", "dev", real().trigger(),
        real().options());
    Recovery out = invoke(saying(Verdict.HEALTHY, null), test);
    assertTrue(out.diagnosis().act());
    assertTrue(out.diagnosis().reason().contains("Testing Schedule test"), out.diagnosis().reason());
  }
}
