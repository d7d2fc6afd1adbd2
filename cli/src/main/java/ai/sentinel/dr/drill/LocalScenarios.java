package ai.sentinel.dr.drill;

import ai.sentinel.dr.drill.corruption.CorruptionSeed;
import ai.sentinel.dr.drill.corruption.DataCorruption;
import ai.sentinel.dr.drill.database.DatabaseFailure;
import ai.sentinel.dr.drill.database.DatabaseSeed;
import ai.sentinel.dr.drill.database.SnapshotRestoreTest;
import ai.sentinel.dr.drill.ecs.EcsSeed;
import ai.sentinel.dr.drill.ecs.EcsServiceFailure;
import ai.sentinel.dr.drill.redis.RedisFailure;
import ai.sentinel.dr.drill.redis.RedisSeed;
import ai.sentinel.dr.drill.region.RegionFailbackDrill;
import ai.sentinel.dr.drill.region.RegionFailureDrill;
import ai.sentinel.dr.drill.region.RegionSeed;
import ai.sentinel.dr.drill.security.SecurityIncidentDrill;
import ai.sentinel.dr.drill.security.SecuritySeed;
import java.util.List;

/**
 * The scenarios the local cloud knows, in the runbook's order: the one list a new scenario joins. Every shared class
 * (the seed, the drills, {@code ./sentinel}) loops over it.
 */
public final class LocalScenarios {
  public static final List<LocalScenario> ALL = List.of(
      new LocalScenario(DatabaseSeed::new, List.of(DatabaseFailure::new), List.of(SnapshotRestoreTest::new)),
      new LocalScenario(RedisSeed::new, List.of(RedisFailure::new), List.of()),
      new LocalScenario(EcsSeed::new, List.of(EcsServiceFailure::new), List.of()),
      new LocalScenario(RegionSeed::new, List.of(RegionFailureDrill::new, RegionFailbackDrill::new), List.of()),
      new LocalScenario(CorruptionSeed::new, List.of(DataCorruption::new), List.of()),
      new LocalScenario(SecuritySeed::new, List.of(SecurityIncidentDrill::new), List.of()));

  private LocalScenarios() {}
}
