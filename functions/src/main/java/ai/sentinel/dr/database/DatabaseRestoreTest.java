package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Clients.Priming;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.trigger.SignalRules;
import ai.sentinel.dr.safety.LockedResource;
import java.util.List;

/**
 * Testing Schedule, "Database snapshot restore" (monthly): the latest snapshot restored into a scratch instance,
 * verified, measured and deleted.
 */
public final class DatabaseRestoreTest implements Scenario {
  public static final String ID = "database-restore-test";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "Database snapshot restore test";
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.DATABASE_COMPLETE);
  }

  /** Measured like a complete-loss restore (Option B); nothing in production changes. */
  @Override
  public boolean test() {
    return true;
  }

  @Override
  public ReportPart report() {
    return new DatabaseRestoreTestReport();
  }

  @Override
  public SignalRules signals() {
    return new DatabaseRestoreTestSignals();
  }

  /** The scratch instance is restored from the protected instance's snapshots, checked with its credentials. */
  @Override
  public List<Priming<?>> priming(DrConfig config) {
    return config.settings(DatabaseSettings.class).map(d -> DatabaseFailure.priming(d.instanceId(), d.secretId()))
        .orElse(List.of());
  }

  /** Only the scratch instance: production (instance, secret, services) is never touched by the test. */
  @Override
  public List<LockedResource> mutates(String resource, DrConfig config) {
    return List.of(LockedResource.rdsInstance(DatabaseSettings.of(config).drillInstanceId()));
  }
}
