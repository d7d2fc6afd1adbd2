package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.corruption.CorruptionState.CleanInstance;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.scenario.GateExplanation;
import ai.sentinel.dr.support.Fixtures;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scenario 5 as a plug-in: what its repair gate tells the on-call (CorruptionStepsIT checks a real diff in it). */
class DataCorruptionTest {
  private final DataCorruption scenario = new DataCorruption();

  @Test
  void theRepairGateSaysWhichRowsChangeInWhichTablesAndWhatARejectionLeaves() {
    assertEquals(Set.of("RestoreTables"), scenario.gates().keySet());
    CorruptionState state = new CorruptionState(Cases.REQUEST, null, null, null, null, null)
        .withClean(new CleanInstance("sentinel-db-clean", "2026-01-17T08:35:00Z", "t", "available", "local", 5432,
            true, 1, false))
        .withCompare(new CorruptionState.Compare(Map.of(), Map.of(), 1, true, true));
    Recovery compared = Cases.with(Cases.recovery(false), state);
    GateExplanation gate = scenario.gates().get("RestoreTables").explain(compared, Fixtures.config());
    assertTrue(gate.change().startsWith("repair only the differing rows where "), gate.change());
    assertTrue(gate.change().endsWith(" in audit_logs from the clean copy sentinel-db-clean (restored to "
        + "2026-01-17T08:35:00Z), one transaction per table"), gate.change());
    assertEquals("the live database sentinel-db: tables audit_logs", gate.resource());
    assertTrue(gate.meaning().startsWith("Diff and plan: nothing compared yet. Maintenance stays on until the data is "
        + "verified."), gate.meaning());
    assertTrue(gate.meaning().endsWith("Rejecting leaves live's rows as they are, ends maintenance and keeps the "
        + "clean copy"), gate.meaning());
    assertNull(scenario.gates().get("RestoreTables").explain(Cases.recovery(false), Fixtures.config()),
        "nothing compared yet");
  }
}
