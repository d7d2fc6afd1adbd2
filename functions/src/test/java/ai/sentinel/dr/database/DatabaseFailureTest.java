package ai.sentinel.dr.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.scenario.GateExplanation;
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
  void updateSecretIsItsGateAndSaysWhatChangesOnWhichResourceAndWhatItMeans() {
    assertEquals(Set.of("UpdateSecret"), scenario.gates().keySet());
    GateExplanation snapshot = scenario.gates().get("UpdateSecret").explain(restored("rds:sentinel-db-1", null),
        Fixtures.config());
    assertEquals("repoint the database secret at sentinel-db-recovery (db.example), restored from "
        + "rds:sentinel-db-1, then restart the ECS services", snapshot.change());
    assertEquals("secret sentinel/database-url; ECS services sentinel-api, sentinel-celery in cluster "
        + "sentinel-production (restarted to read it)", snapshot.resource());
    assertEquals("the application reads and writes sentinel-db-recovery instead of sentinel-db from then on: data "
        + "written to sentinel-db after snapshot rds:sentinel-db-1 was taken is not in it. Rejecting changes nothing "
        + "more: the secret stays on sentinel-db and sentinel-db-recovery is left for a human", snapshot.meaning());
    GateExplanation pitr = scenario.gates().get("UpdateSecret").explain(restored(null, "2026-01-17T09:55:00Z"),
        Fixtures.config());
    assertEquals("repoint the database secret at sentinel-db-pitr (db.example), restored from the point in time "
        + "2026-01-17T09:55:00Z, then restart the ECS services", pitr.change());
    assertTrue(pitr.meaning().contains("after the point in time 2026-01-17T09:55:00Z is not in it"), pitr.meaning());
    assertNull(scenario.gates().get("UpdateSecret").explain(Fixtures.recovery(false), Fixtures.config()),
        "nothing restored yet");
  }

  @Test
  void theRestoreTestHasNoGate() {
    assertEquals(Set.of(), new DatabaseRestoreTest().gates().keySet());
  }
}
