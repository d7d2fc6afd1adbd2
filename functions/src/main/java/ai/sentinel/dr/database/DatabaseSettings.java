package ai.sentinel.dr.database;

import ai.sentinel.dr.common.ConfigReader;
import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Settings;
import ai.sentinel.dr.common.SettingsSection.ScheduledTest;
import ai.sentinel.dr.common.SettingsSection;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The protected database (cdk.json {@code database}, Scenario 1 and the snapshot-restore test).
 *
 * @param instanceId     RDS instance identifier (runbook: sentinel-db)
 * @param secretId       name (not ARN) of the Secrets Manager secret holding the database URL
 * @param instanceClass  class of a restored instance when the original cannot be described
 * @param subnetGroup    DB subnet group of a restored instance, same fallback
 * @param securityGroups VPC security groups of a restored instance, same fallback
 * @param verifyConnect  Verify runs SELECT 1 against the database (cdk.json: the environment's verifyDbConnect;
 *                       needs a vpc)
 * @param connectHost    host:port to reach the database at instead of its endpoint: set by local clouds (whose
 *                       endpoints are not real) in the functions' environment, never in cdk.json
 */
public record DatabaseSettings(String instanceId, String secretId, String instanceClass, String subnetGroup,
    List<String> securityGroups, boolean verifyConnect, String connectHost) implements Settings {

  public static final SettingsSection<DatabaseSettings> SECTION = new SettingsSection<>("database",
      DatabaseSettings.class, true, Set.of("verifyDbConnect"), DatabaseSettings::read,
      new SettingsSection.Drill<>("databaseRestoreTest", DatabaseSettings::readDrill),
      List.of(DatabaseFailure.ID));

  // RDS identifiers; 54 leaves room for the "-recovery" suffix within RDS's 63 characters
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z](-?[a-zA-Z0-9])*");
  private static final int INSTANCE_ID_MAX = 63 - "-recovery".length();
  private static final Pattern INSTANCE_CLASS = Pattern.compile("db\\.[a-z0-9-]+\\.[a-z0-9-]+");
  private static final Pattern RDS_NAME = Pattern.compile("[A-Za-z0-9 ._-]{1,255}");

  public DatabaseSettings {
    securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
  }

  /** This function's database settings, or a clear error when its environment has none. */
  public static DatabaseSettings of(DrConfig config) {
    return config.require(DatabaseSettings.class);
  }

  /** The instance Option B restores into: the runbook's "-recovery" target. */
  public String recoveryInstanceId() {
    return instanceId + "-recovery";
  }

  /** The instance Option C (point in time) restores into. */
  public String pitrInstanceId() {
    return instanceId + "-pitr";
  }

  /** The scratch instance of the scheduled snapshot-restore test: restored, verified, then deleted. */
  public String drillInstanceId() {
    return instanceId + "-drill";
  }

  /** The clean copy Scenario 5 (data corruption) restores to a point in time and repairs from. */
  public String cleanInstanceId() {
    return instanceId + "-clean";
  }

  /** This database with other fallback security groups and another way to reach it (a local cloud's). */
  public DatabaseSettings withLocal(List<String> newSecurityGroups, boolean newVerifyConnect, String newConnectHost) {
    return new DatabaseSettings(instanceId, secretId, instanceClass, subnetGroup, newSecurityGroups,
        newVerifyConnect, newConnectHost);
  }

  @Override
  public boolean allows(String service, String target) {
    return switch (service) {
      case "rds" -> target.equals(recoveryInstanceId()) || target.equals(pitrInstanceId())
          || target.equals(drillInstanceId()) || target.equals(cleanInstanceId());
      case "secretsmanager" -> target.equals(secretId);
      default -> false;
    };
  }

  @Override
  public Map<String, String> secrets() {
    return secretId == null ? Map.of() : Map.of("secretId", secretId);
  }

  /** The {@code database} section, and the environment's {@code verifyDbConnect}. */
  static DatabaseSettings read(JsonNode db, ConfigReader config) {
    if (!db.isObject()) {
      config.problem("database must be an object");
      return null;
    }
    JsonNode root = config.root();
    boolean verifyConnect = config.bool(root, "verifyDbConnect");
    if (verifyConnect && !root.has("vpc")) {
      config.problem("verifyDbConnect is true but no vpc is configured: the Verify function would have no network "
          + "path to the database (set vpc, or verifyDbConnect false)");
    }
    return new DatabaseSettings(
        config.text(db, "database.instanceId", INSTANCE_ID, "an RDS instance identifier of at most "
            + INSTANCE_ID_MAX + " characters (room for the '-recovery' suffix)", INSTANCE_ID_MAX),
        config.secretName(db, "database.secretId"),
        config.text(db, "database.instanceClass", INSTANCE_CLASS, "an RDS instance class such as db.t3.medium"),
        config.text(db, "database.subnetGroup", RDS_NAME, "a DB subnet group name"),
        config.list(db, "database.securityGroups", ConfigReader.SECURITY_GROUP, "VPC security group ids (sg-...)",
            false),
        verifyConnect, null);
  }

  /** {@code drills.databaseRestoreTest}: a schedule; the test restores the protected instance's latest snapshot. */
  private static ScheduledTest readDrill(JsonNode drills, String path, ConfigReader config,
      DatabaseSettings settings) {
    String schedule = config.schedule(drills, path);
    return schedule == null ? null : new ScheduledTest(schedule, null);
  }
}
