package ai.sentinel.dr.database;

import static ai.sentinel.dr.recovery.StepHarness.invoke;
import static ai.sentinel.dr.recovery.StepHarness.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.database.DatabaseState.Decision;
import ai.sentinel.dr.database.DatabaseState.Diagnosis;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runbook Scenario 1 "Recovery Steps": which of Options A, B, C is taken, and when a human must decide. */
class ChooseOptionTest {
  private final ChooseOption step = new ChooseOption(Fixtures.deps());

  private Recovery diagnosed(Diagnosis d, String forced) {
    Recovery r = Fixtures.recovery(false).with(DatabaseState.PART, new DatabaseState(d, null, null, null, null));
    return Db.withOptions(r, Db.options(forced, "latest", null, false));
  }

  private Decision decide(Diagnosis d, String forced) {
    return invoke(step, diagnosed(d, forced)).part(DatabaseState.PART).decision();
  }

  @Test
  void operatorOptionWinsOverTheDiagnosis() {
    // a healthy Multi-AZ instance would be Option A, but the operator asked for C
    Decision c = decide(Fixtures.diagnosis(true, "available", true), "C");
    assertEquals("C", c.option());
    assertTrue(c.reason().contains("operator"), c.reason());
    // a lost instance would be B, but the operator asked for A while it still exists
    assertEquals("A", decide(Fixtures.diagnosis(true, "failed", true), "A").option());
    assertEquals("B", decide(Fixtures.diagnosis(true, "available", true), "B").option());
  }

  @Test
  void instanceNotFoundRestoresFromSnapshot() {
    Decision d = decide(Fixtures.diagnosis(false, null, false), null);
    assertEquals("B", d.option());
    assertTrue(d.reason().contains("not found"), d.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"failed", "storage-full", "incompatible-restore", "incompatible-network", "restore-error",
      "inaccessible-encryption-credentials", "deleting"})
  void statusesThatDoNotRecoverByThemselvesRestoreFromSnapshot(String status) {
    // Multi-AZ does not help: the standby does not save an instance in these states
    Decision d = decide(Fixtures.diagnosis(true, status, true), null);
    assertEquals("B", d.option(), status);
    assertTrue(d.reason().contains(status), d.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"available", "rebooting", "modifying", "backing-up"})
  void multiAzInstanceThatExistsIsAFailoverToVerify(String status) {
    Decision d = decide(Fixtures.diagnosis(true, status, true), null);
    assertEquals("A", d.option(), status);
    assertTrue(d.reason().contains("Multi-AZ"), d.reason());
  }

  @Test
  void singleAzInstanceThatIsAvailableIsNeverRestoredOverLiveData() {
    Decision d = decide(Fixtures.diagnosis(true, "available", false), null);
    assertEquals("A", d.option());
    assertTrue(d.reason().contains("single-AZ"), d.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"stopped", "stopping", "creating"})
  void statesTheRunbookDoesNotCoverStopForAHuman(String status) {
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(step, diagnosed(Fixtures.diagnosis(true, status, true), null)));
    assertTrue(e.getMessage().contains(status), e.getMessage());
    assertTrue(e.getMessage().contains("human"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"D", "a", "restore", ""})
  void unknownForcedOptionIsAnErrorNotAGuess(String forced) {
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(step, diagnosed(Fixtures.diagnosis(true, "failed", false), forced)));
    assertTrue(e.getMessage().contains("unknown option"), e.getMessage());
  }

  @Test
  void forcedFailoverOfAMissingInstanceIsRefused() {
    StepFailedError e = assertThrows(StepFailedError.class,
        () -> invoke(step, diagnosed(Fixtures.diagnosis(false, null, false), "A")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void withoutADiagnosisThereIsNoDecision() {
    assertThrows(StepFailedError.class, () -> invoke(step, Fixtures.recovery(false)));
  }

  @Test
  void decisionAndReasonLandInTheStateAndTheTimeline() {
    Recovery before = diagnosed(Fixtures.diagnosis(true, "storage-full", false), null);
    Recovery out = invoke(step, before);
    Decision d = out.part(DatabaseState.PART).decision();
    TimelineEntry e = only(out, "ChooseOption", "decided");
    assertEquals("Option B: " + d.reason(), e.detail());
    assertEquals(Fixtures.NOW.toString(), e.at());
    // the diagnosis is carried through untouched, nothing else is started
    assertEquals(before.part(DatabaseState.PART).diagnosis(), out.part(DatabaseState.PART).diagnosis());
    assertNull(out.part(DatabaseState.PART).restore());
    assertEquals(before.timeline().size() + 1, out.timeline().size());
  }
}
