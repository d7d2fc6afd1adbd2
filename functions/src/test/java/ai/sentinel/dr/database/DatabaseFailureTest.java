package ai.sentinel.dr.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.support.Fixtures;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scenario 1 as a plug-in: what its approval gate tells the on-call. */
class DatabaseFailureTest {
  private final DatabaseFailure scenario = new DatabaseFailure();

  private static Recovery restored(String snapshot, String restoreTime) {
    DatabaseState.Restore restore = new DatabaseState.Restore(snapshot == null ? "sentinel-db-pitr"
        : "sentinel-db-recovery", snapshot, null, restoreTime, "2026-01-17T10:02:16Z", "available", "db.example", 5432,
        3, true);
    return Fixtures.recovery(false).with(DatabaseState.PART, new DatabaseState(null, null, null, restore, null));
  }

  @Test
  void updateSecretIsItsGateAndSaysWhereProductionWillPoint() {
    assertEquals(Set.of("UpdateSecret"), scenario.gates().keySet());
    assertEquals("repoint the database secret at sentinel-db-recovery (db.example), restored from "
        + "rds:sentinel-db-1, then restart the ECS services",
        scenario.gates().get("UpdateSecret").apply(restored("rds:sentinel-db-1", null)));
    assertEquals("repoint the database secret at sentinel-db-pitr (db.example), restored from the point in time "
        + "2026-01-17T09:55:00Z, then restart the ECS services",
        scenario.gates().get("UpdateSecret").apply(restored(null, "2026-01-17T09:55:00Z")));
    assertNull(scenario.gates().get("UpdateSecret").apply(Fixtures.recovery(false)), "nothing restored yet");
  }

  @Test
  void theRestoreTestHasNoGate() {
    assertEquals(Set.of(), new DatabaseRestoreTest().gates().keySet());
  }
}
