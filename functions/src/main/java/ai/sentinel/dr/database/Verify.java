package ai.sentinel.dr.database;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.errors.VerificationFailedError;
import ai.sentinel.dr.recovery.ApiHealth;
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
 * Scenario 1, Verification: the runbook's "psql $DATABASE_URL -c 'SELECT 1'" and "curl -f /health", plus the checks
 * that the recovery did what it claims (instance available, secret pointing at it, services stable). Success is
 * declared only when none failed; a failed check throws, so the state machine ends failed and escalates.
 */
public final class Verify extends Step {
  private final RdsClient rds;
  private final SecretsManagerClient secrets;

  public Verify() {
    this(Deps.fromProcessEnv());
  }

  public Verify(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public Verify(Deps deps) {
    super(deps);
    this.rds = deps.clients().rds();
    this.secrets = deps.clients().secrets();
  }

  @Override
  public String name() {
    return "Verify";
  }

  @Override
  protected Recovery run(Recovery recovery) {
    if (recovery.dryRun()) {
      Verification skipped = Verification.of(List.of(new Check("all", Result.SKIP, "dry-run: nothing was changed")));
      return recovery.withVerification(skipped).log(entry("skipped", "dry-run: verification not run"));
    }
    DatabaseState db = recovery.part(DatabaseState.PART);
    boolean restored = db.restore() != null;
    String instanceId = restored ? db.restore().targetInstanceId() : recovery.resource();
    List<Check> checks = new ArrayList<>();
    DBInstance instance = RdsInstances.find(rds, instanceId).orElse(null);
    checks.add(instance != null && "available".equals(instance.dbInstanceStatus())
        ? new Check("instance-available", Result.PASS, instanceId + " is available")
        : new Check("instance-available", Result.FAIL, instanceId + " is "
            + (instance == null ? "missing" : "'" + instance.dbInstanceStatus() + "'")));
    String secretId = DatabaseSettings.of(deps.config()).secretId();
    DatabaseUrl url = DatabaseUrl.parse(secrets.getSecretValue(b -> b.secretId(secretId))
        .secretString());
    if (restored) {
      boolean points = db.restore().endpoint() != null && db.restore().endpoint().equals(url.host())
          && url.port().equals(db.restore().port());
      checks.add(new Check("secret-repointed", points ? Result.PASS : Result.FAIL, secretId
          + " points at " + url.host() + (points ? "" : ", expected " + db.restore().endpoint())));
      boolean stable = recovery.services() != null && recovery.services().stable();
      checks.add(new Check("services-stable", stable ? Result.PASS : Result.FAIL,
          recovery.services() == null ? "services were not restarted" : recovery.services().status().toString()));
    }
    checks.add(selectOne(url));
    checks.add(ApiHealth.check(deps.config().healthUrl()));
    Verification verification = Verification.of(checks);
    Recovery out = recovery.withVerification(verification);
    String summary = checks.stream().map(c -> c.name() + "=" + c.result()).toList().toString();
    if (!verification.verified()) {
      throw new VerificationFailedError("verification failed: " + checks.stream()
          .filter(c -> c.result() == Result.FAIL).map(c -> c.name() + ": " + c.detail()).toList());
    }
    return out.log(entry("verified", summary));
  }

  /** "psql $DATABASE_URL -c 'SELECT 1'", with the credentials from the secret (never logged). */
  private Check selectOne(DatabaseUrl url) {
    return SelectOne.check(deps.config(), url, url.host() + ":" + url.port());
  }
}
