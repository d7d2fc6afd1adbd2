package ai.sentinel.dr.drill.database;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.SettingsSections;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.drill.LocalAws;
import ai.sentinel.dr.drill.SeedPart;
import ai.sentinel.dr.drill.SentinelSeed;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Scenario 1's part of the platform: RDS {@code sentinel-db} (postgres, Multi-AZ) with automated and manual snapshots,
 * its subnet group and security group, the database URL secret and the connections alarm; and a throwaway
 * PostgreSQL server (when this machine has one) standing in for whatever instance a recovery restores, so "SELECT 1"
 * runs for real.
 */
public final class DatabaseSeed implements SeedPart {
  /** The runbook's database alarm. */
  public static final String RDS_ALARM = "sentinel-rds-connections";
  /**
   * The running instance's class: deliberately not the config's fallback class, so a restore that copied the
   * original's settings can be told from one that fell back to the config.
   */
  public static final String ORIGINAL_CLASS = "db.r6g.large";

  private LocalPostgres postgres;
  private List<String> securityGroups;
  private String endpoint;
  private String manualSnapshotId;
  private String secretValue;

  @Override
  public void seed(SentinelSeed platform) throws IOException, InterruptedException {
    postgres = LocalPostgres.binaries().isPresent() ? LocalPostgres.start() : null;
    String password = postgres != null ? postgres.password() : "local-only-password";
    DrConfig config = platform.config;
    LocalAws aws = platform.aws;
    String dbSg = platform.securityGroup(DatabaseSettings.of(config).instanceId() + "-sg", "Sentinel database");
    aws.rds.createDBSubnetGroup(b -> b.dbSubnetGroupName(DatabaseSettings.of(config).subnetGroup())
        .dbSubnetGroupDescription("Sentinel database subnets").subnetIds(platform.subnetIds));
    DBInstance db = aws.rds.createDBInstance(b -> b.dbInstanceIdentifier(DatabaseSettings.of(config).instanceId())
        .engine("postgres")
        .engineVersion("15.4").dbInstanceClass(ORIGINAL_CLASS).allocatedStorage(20)
        .masterUsername(LocalPostgres.USER).masterUserPassword(password).dbName(LocalPostgres.DATABASE)
        .multiAZ(true).availabilityZone(LocalAws.REGION.id() + "a").dbSubnetGroupName(DatabaseSettings.of(config)
            .subnetGroup())
        .vpcSecurityGroupIds(dbSg).publiclyAccessible(false).backupRetentionPeriod(7)).dbInstance();
    String manual = DatabaseSettings.of(config).instanceId() + "-manual-" + Instant.now().getEpochSecond();
    aws.rds.createDBSnapshot(b -> b.dbInstanceIdentifier(DatabaseSettings.of(config).instanceId())
        .dbSnapshotIdentifier(manual));
    String secret = "postgresql://" + LocalPostgres.USER + ":" + password + "@" + db.endpoint().address() + ":"
        + db.endpoint().port() + "/" + LocalPostgres.DATABASE;
    aws.secrets.createSecret(b -> b.name(DatabaseSettings.of(config).secretId()).secretString(secret));
    platform.connectionsAlarm(RDS_ALARM, "AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier",
        DatabaseSettings.of(config).instanceId());
    securityGroups = List.of(dbSg);
    endpoint = db.endpoint().address();
    manualSnapshotId = manual;
    secretValue = secret;
  }

  /**
   * The seeded security groups, as a real account's config would name them; SELECT 1 against the local server. Fields
   * of the database settings, merged into the functions that have that section ({@link SettingsSections#override}).
   */
  @Override
  public Map<String, String> functionEnvironment() {
    Map<String, Object> database = new LinkedHashMap<>();
    database.put("securityGroups", securityGroups);
    database.put("verifyConnect", postgres != null);
    if (postgres != null) {
      database.put("connectHost", postgres.address());
    }
    return Map.of(DatabaseSettings.SECTION.variable(), Json.write(database));
  }

  /** True when a local PostgreSQL answers for the restored database (SELECT 1 verification runs for real). */
  public boolean reachable() {
    return postgres != null;
  }

  /** Security groups of the database. */
  public List<String> securityGroups() {
    return securityGroups;
  }

  /** host:port of the local PostgreSQL standing in for the instance, or null when this machine has none. */
  public String localAddress() {
    return postgres == null ? null : postgres.address();
  }

  /** The original instance's endpoint address. */
  public String endpoint() {
    return endpoint;
  }

  /** The manual snapshot taken after seeding. */
  public String manualSnapshotId() {
    return manualSnapshotId;
  }

  /** The database secret's initial value: test assertions only, never printed (it holds the password). */
  public String secretValue() {
    return secretValue;
  }

  @Override
  public void close() {
    if (postgres != null) {
      postgres.close();
    }
  }
}
