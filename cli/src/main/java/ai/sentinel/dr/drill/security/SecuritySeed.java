package ai.sentinel.dr.drill.security;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.drill.LocalAws;
import ai.sentinel.dr.drill.SeedPart;
import ai.sentinel.dr.drill.SentinelSeed;
import ai.sentinel.dr.drill.database.DatabaseSeed;
import ai.sentinel.dr.security.DatabaseSecretRotator;
import ai.sentinel.dr.security.JwtSecretRotator;
import ai.sentinel.dr.security.SecuritySettings;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.services.wafv2.model.IPAddressVersion;
import software.amazon.awssdk.services.wafv2.model.Scope;

/**
 * Scenario 6's part of the platform: the WAF IP set the runbook blocks into (with one entry an operator added by hand,
 * which no expiry may ever remove) and the web ACL that uses it; the JWT secret; both rotated secrets attached to the
 * deployed rotation functions as the stack's RotationSchedules attach them (every 90 days, not rotated now); and the
 * application's {@code api_keys} and {@code audit_logs} tables in the database's local PostgreSQL, with three active
 * keys and ordinary traffic. The functions reach that server through {@code security.connectHost}.
 */
public final class SecuritySeed implements SeedPart {
  /** An entry an operator put in the IP set by hand: it has no expiry record and must stay. */
  public static final String HAND_BLOCKED = "203.0.113.200/32";
  /** The API key the attacker stole, and two that are not involved. */
  public static final String STOLEN_KEY = "3f0c8a52-8d0e-4c1b-9a57-6b2f1e0d4c11";
  public static final List<String> OTHER_KEYS = List.of("c2e4f6a8-0b1d-4e3f-8a5c-7d9e1f2a3b4c",
      "9a1d7e40-2b6c-4f85-8e03-c4d5b6a7f812");

  private String ipSetId;
  private String localAddress;
  private boolean tables;

  @Override
  public void seed(SentinelSeed platform) {
    LocalAws aws = platform.aws;
    SecuritySettings settings = SecuritySettings.of(platform.config);
    var set = aws.waf.createIPSet(b -> b.name(settings.ipSet().name()).scope(Scope.REGIONAL)
        .ipAddressVersion(IPAddressVersion.IPV4).addresses(HAND_BLOCKED).description("Sentinel blocklist")).summary();
    ipSetId = set.id();
    aws.waf.createWebACL(b -> b.name(settings.webAcl()).scope(Scope.REGIONAL).defaultAction(a -> a.allow(x -> { }))
        .visibilityConfig(v -> v.cloudWatchMetricsEnabled(true).metricName(settings.webAcl())
            .sampledRequestsEnabled(true))
        .rules(r -> r.name("blocklist").priority(0).action(a -> a.block(x -> { }))
            .statement(s -> s.ipSetReferenceStatement(i -> i.arn(set.arn())))
            .visibilityConfig(v -> v.cloudWatchMetricsEnabled(true).metricName("blocklist")
                .sampledRequestsEnabled(true))));
    if (settings.rotation() != null) {
      aws.secrets.createSecret(b -> b.name(settings.rotation().jwtSecretId())
          .secretString(HexFormat.of().formatHex(new SecureRandom().generateSeed(32))));
    }
  }

  /** Once the database part has its secret and server: rotation attached, the application's tables. */
  @Override
  public void finish(SentinelSeed platform) throws IOException {
    SecuritySettings settings = SecuritySettings.of(platform.config);
    SecuritySettings.Rotation rotation = settings.rotation();
    if (rotation != null) {
      attach(platform, rotation.jwtSecretId(), JwtSecretRotator.class, rotation.automaticallyAfterDays());
      attach(platform, rotation.databaseSecretId(), DatabaseSecretRotator.class, rotation.automaticallyAfterDays());
    }
    DatabaseSeed database = platform.part(DatabaseSeed.class);
    localAddress = database.localAddress();
    if (localAddress != null) {
      try (Connection c = connect(database.secretValue(), localAddress); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE api_keys (id uuid PRIMARY KEY, key_hash text NOT NULL, owner text NOT NULL,"
            + " created_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz)");
        st.execute("INSERT INTO api_keys (id, key_hash, owner) VALUES ('" + STOLEN_KEY + "', 'sha256:1f3a', 'acme'),"
            + " ('" + OTHER_KEYS.get(0) + "', 'sha256:9c2e', 'globex'), ('" + OTHER_KEYS.get(1)
            + "', 'sha256:77b0', 'acme')");
        st.execute("CREATE TABLE audit_logs (id bigserial PRIMARY KEY, api_key_id uuid, action text NOT NULL,"
            + " created_at timestamptz NOT NULL DEFAULT now(), is_threat boolean NOT NULL DEFAULT false,"
            + " threat_details jsonb)");
        st.execute("INSERT INTO audit_logs (api_key_id, action, created_at) SELECT k, 'scan.create', now() - g *"
            + " interval '10 minutes' FROM unnest(ARRAY['" + OTHER_KEYS.get(0) + "', '" + OTHER_KEYS.get(1)
            + "']::uuid[]) k, generate_series(1, 5) g");
        tables = true;
      } catch (SQLException e) {
        throw new IOException("seeding the application tables failed: " + e.getSQLState(), e);
      }
    }
  }

  /** RotateSecret with RotateImmediately false: what a RotationSchedule does on deploy (records, rotates nothing). */
  private static void attach(SentinelSeed platform, String secretId, Class<?> rotator, int days) {
    String function = platform.deployment.functionFor(rotator);
    String arn = "arn:aws:lambda:" + LocalAws.REGION.id() + ":" + LocalAws.ACCOUNT + ":function:" + function;
    platform.aws.secrets.rotateSecret(b -> b.secretId(secretId).rotationLambdaARN(arn)
        .rotationRules(r -> r.automaticallyAfterDays((long) days)).rotateImmediately(false));
  }

  /** A connection as the database secret's user (test and drill code: the password never leaves here). */
  static Connection connect(String secretValue, String address) throws SQLException {
    DatabaseUrl url = DatabaseUrl.parse(secretValue);
    Properties props = new Properties();
    props.setProperty("user", url.user());
    props.setProperty("password", url.password());
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://" + address + "/" + url.database(), props);
  }

  @Override
  public Map<String, String> functionEnvironment() {
    if (localAddress == null) {
      return Map.of();
    }
    return Map.of(SecuritySettings.SECTION.variable(), Json.write(Map.of("connectHost", localAddress)));
  }

  /** The IP set's id. */
  public String ipSetId() {
    return ipSetId;
  }

  /** host:port of the application database (the local PostgreSQL), or null when this machine has none. */
  public String localAddress() {
    return localAddress;
  }

  /** True when the application's tables were seeded (a local PostgreSQL runs). */
  public boolean tables() {
    return tables;
  }
}
