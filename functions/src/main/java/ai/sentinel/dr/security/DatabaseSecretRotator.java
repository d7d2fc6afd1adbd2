package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.common.SecretUrl;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.errors.StepFailedError;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * Rotation function of the database URL secret (runbook: sentinel/database-url), PostgreSQL single user: the same
 * role gets a new password. createSecret writes the URL (or RDS-style JSON) with a new random password and every
 * other byte kept; setSecret logs in with the pending value (already applied: done) or else with the current one and
 * changes the role's password with {@code ALTER ROLE ... PASSWORD} hashed on the client (SCRAM-SHA-256, pgjdbc's
 * alterUserPassword: the new password never reaches the server's statement log); testSecret logs in with the pending
 * value and runs {@code SELECT 1}. As with AWS's single-user template, connections opened with the old password keep
 * working, new ones need the new value from setSecret on: the services are restarted once it is AWSCURRENT.
 */
public final class DatabaseSecretRotator extends SecretRotator {
  /** Letters and digits: no character a URL or libpq would need to escape. */
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  static final int PASSWORD_LENGTH = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  public DatabaseSecretRotator() {
    this(Deps.fromProcessEnv());
  }

  public DatabaseSecretRotator(Map<String, String> env) {
    this(Deps.fromEnv(env));
  }

  public DatabaseSecretRotator(Deps deps) {
    super(deps);
  }

  @Override
  protected String secretId(SecuritySettings settings) {
    if (settings.rotation() == null || settings.rotation().databaseSecretId() == null) {
      throw new StepFailedError("security.rotation.databaseSecretId is not configured");
    }
    return settings.rotation().databaseSecretId();
  }

  @Override
  protected String newValue(String current) {
    DatabaseUrl url = DatabaseUrl.parse(current);
    if (url.user() == null) {
      throw new StepFailedError("the database secret names no user: nothing to rotate");
    }
    StringBuilder password = new StringBuilder();
    for (int i = 0; i < PASSWORD_LENGTH; i++) {
      password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return withPassword(current, password.toString());
  }

  /** {@code value} (URL or JSON shape) with {@code password}; every other byte is kept. */
  static String withPassword(String value, String password) {
    String trimmed = value.trim();
    if (trimmed.startsWith("{")) {
      ObjectNode json = (ObjectNode) Json.parse(trimmed);
      json.put("password", password);
      return json.toString();
    }
    SecretUrl.Parts parts = SecretUrl.split(trimmed, "database secret");
    if (parts.userInfo() == null) {
      throw new StepFailedError("the database secret URL has no user");
    }
    int colon = parts.userInfo().indexOf(':');
    String user = colon < 0 ? parts.userInfo() : parts.userInfo().substring(0, colon);
    return parts.scheme() + "://" + user + ":" + password + "@" + parts.host()
        + (parts.port() == null ? "" : ":" + parts.port()) + parts.tail();
  }

  @Override
  protected void setSecret(String pendingValue, String currentValue) {
    SecuritySettings settings = SecuritySettings.of(deps.config());
    DatabaseUrl pending = DatabaseUrl.parse(pendingValue);
    DatabaseUrl current = DatabaseUrl.parse(currentValue);
    if (!pending.user().equals(current.user()) || !pending.host().equals(current.host())
        || !pending.database().equals(current.database())) {
      throw new StepFailedError("the pending database secret names another user, host or database than the current "
          + "one: a single-user rotation changes the password only");
    }
    if (canLogIn(settings, pending)) {
      return; // a retried setSecret: the password is already the pending one
    }
    try (Connection c = AppDatabase.connect(settings, current)) {
      c.unwrap(PGConnection.class).alterUserPassword(pending.user(), pending.password().toCharArray(),
          "scram-sha-256");
      c.commit();
    } catch (SQLException e) {
      throw AppDatabase.failure("setSecret: changing the password of role " + pending.user(), e);
    }
  }

  @Override
  protected void testSecret(String pendingValue, String currentValue) {
    SecuritySettings settings = SecuritySettings.of(deps.config());
    DatabaseUrl pending = DatabaseUrl.parse(pendingValue);
    try (Connection c = AppDatabase.connect(settings, pending);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1")) {
      if (!rs.next() || rs.getInt(1) != 1) {
        throw new StepFailedError("testSecret: SELECT 1 with the pending value returned something else");
      }
    } catch (SQLException e) {
      throw AppDatabase.failure("testSecret: SELECT 1 as " + pending.user(), e);
    }
  }

  private static boolean canLogIn(SecuritySettings settings, DatabaseUrl url) {
    try (Connection c = AppDatabase.connect(settings, url)) {
      return c.isValid(5);
    } catch (RuntimeException | SQLException e) {
      return false;
    }
  }
}
