package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Clients.Priming;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.SettingsSection;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.report.Objectives.Objective;
import ai.sentinel.dr.report.Objectives;
import ai.sentinel.dr.report.ReportPart;
import ai.sentinel.dr.scenario.ApprovalGate;
import ai.sentinel.dr.scenario.GateExplanation;
import ai.sentinel.dr.scenario.Scenario;
import ai.sentinel.dr.trigger.SignalRules;
import ai.sentinel.dr.recovery.RestartServices;
import ai.sentinel.dr.safety.LockedResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Runbook Scenario 1: Database Failure (Options A, B, C). */
public final class DatabaseFailure implements Scenario {
  public static final String ID = "database-failure";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "Database failure";
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objectives.DATABASE_SINGLE_AZ, Objectives.DATABASE_COMPLETE);
  }

  @Override
  public ReportPart report() {
    return new DatabaseFailureReport();
  }

  @Override
  public SignalRules signals() {
    return new DatabaseFailureSignals();
  }

  @Override
  public List<Priming<?>> priming(DrConfig config) {
    return config.settings(DatabaseSettings.class).map(d -> priming(d.instanceId(), d.secretId()))
        .orElse(List.of());
  }

  /** The protected instance and its secret (the restore test primes the same instance). */
  static List<Priming<?>> priming(String instanceId, String secretId) {
    return List.of(
        new Priming<>(RdsClient.class, rds -> rds.describeDBInstances(b -> b.dbInstanceIdentifier(instanceId))),
        new Priming<>(SecretsManagerClient.class, sm -> sm.describeSecret(b -> b.secretId(secretId))));
  }

  /** Repointing the database secret moves production traffic to the restored instance. */
  @Override
  public Map<String, ApprovalGate> gates() {
    return Map.of("UpdateSecret", DatabaseFailure::explainUpdateSecret);
  }

  static GateExplanation explainUpdateSecret(Recovery r, DrConfig config) {
    DatabaseState db = r.part(DatabaseState.PART);
    if (db == null || db.restore() == null) {
      return null;
    }
    DatabaseState.Restore restore = db.restore();
    String target = restore.targetInstanceId();
    String secret = config.settings(DatabaseSettings.class).map(DatabaseSettings::secretId)
        .orElse("the database secret");
    String since = restore.sourceSnapshotId() != null
        ? "snapshot " + restore.sourceSnapshotId() + " was taken"
            + (restore.snapshotTime() == null ? "" : " (" + restore.snapshotTime() + ")")
        : "the point in time " + restore.restoreTime();
    return new GateExplanation(
        "repoint the database secret at " + target + " (" + restore.endpoint() + "), restored from "
            + (restore.sourceSnapshotId() != null ? restore.sourceSnapshotId()
                : "the point in time " + restore.restoreTime()) + ", then restart the ECS services",
        "secret " + secret + "; " + RestartServices.describeTargets(config) + " (restarted to read it)",
        "the application reads and writes " + target + " instead of " + r.resource() + " from then on: data "
            + "written to " + r.resource() + " after " + since + " is not in it. Rejecting changes nothing more: "
            + "the secret stays on " + r.resource() + " and " + target + " is left for a human");
  }

  @Override
  public List<SettingsSection<?>> settings() {
    return List.of(DatabaseSettings.SECTION);
  }

  /** The instance, the instances a restore creates, the secret it repoints and the services it restarts. */
  @Override
  public List<LockedResource> mutates(String resource, DrConfig config) {
    List<LockedResource> out = new ArrayList<>(List.of(LockedResource.rdsInstance(resource)));
    config.settings(DatabaseSettings.class).ifPresent(d -> out.addAll(List.of(
        LockedResource.rdsInstance(d.recoveryInstanceId()), LockedResource.rdsInstance(d.pitrInstanceId()),
        LockedResource.secret(d.secretId()))));
    out.addAll(RestartServices.targets(config));
    return out;
  }
}
