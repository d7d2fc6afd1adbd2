package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.database.DatabaseState.Restore;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Step;
import ai.sentinel.dr.recovery.Verification;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Testing Schedule, "Database snapshot restore": the restored scratch instance is available and answers SELECT 1
 * with the production credentials (a restore carries the snapshot's users). The secret is only read, never changed.
 */
public final class VerifyScratchInstance extends Step {
  private final RdsClient rds;
  private final SecretsManagerClient secrets;

  public VerifyScratchInstance() {
    this(Deps.fromProcessEnv());
  }

  public VerifyScratchInstance(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public VerifyScratchInstance(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
    this.secrets = deps.clients().secrets();
  }

  @Override
  public String name() {
    return "VerifyScratchInstance";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    if (recovery.dryRun()) {
      Verification skipped = Verification.of(List.of(new Check("all", Result.SKIP, "dry-run: nothing was restored")));
      return recovery.withVerification(skipped).log(entry("skipped", "dry-run: verification not run"));
    }
    Restore restore = recovery.part(DatabaseState.PART) == null ? null : recovery.part(DatabaseState.PART).restore();
    if (restore == null || restore.endpoint() == null) {
      throw new StepFailedError("VerifyScratchInstance needs an available scratch instance (WaitForInstance)");
    }
    List<Check> checks = new ArrayList<>();
    DBInstance instance = RdsInstances.find(rds, restore.targetInstanceId()).orElse(null);
    checks.add(instance != null && "available".equals(instance.dbInstanceStatus())
        ? new Check("instance-available", Result.PASS, restore.targetInstanceId() + " is available")
        : new Check("instance-available", Result.FAIL, restore.targetInstanceId() + " is "
            + (instance == null ? "missing" : "'" + instance.dbInstanceStatus() + "'")));
    String secretId = DatabaseSettings.of(deps.config()).secretId();
    DatabaseUrl url = DatabaseUrl.parse(secrets.getSecretValue(b -> b.secretId(secretId))
        .secretString());
    checks.add(SelectOne.check(deps.config(), url, restore.endpoint() + ":" + restore.port()));
    Verification verification = Verification.of(checks);
    String summary = checks.stream().map(c -> c.name() + "=" + c.result()).toList().toString();
    if (!verification.verified()) {
      throw new VerificationFailedError("scratch restore not verified: " + checks.stream()
          .filter(c -> c.result() != Result.PASS).map(c -> c.name() + ": " + c.detail()).toList());
    }
    return recovery.withVerification(verification).log(entry("verified", summary));
  }
}
