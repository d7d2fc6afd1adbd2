package ai.sentinel.dr.security;

import ai.sentinel.dr.common.Clients;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.errors.StepFailedError;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The application database (the platform's PostgreSQL, whose tables hold API keys and audit logs), reached with the
 * credentials of the URL secret (runbook: sentinel/database-url, the same shapes Scenario 1 repoints). The password
 * goes from the secret to the driver and nowhere else; errors name host and database only. The security settings'
 * connectHost, where set, replaces the secret's address (local clouds, whose RDS endpoints are not real).
 */
final class AppDatabase {
  private AppDatabase() {}

  /** The secret's value at {@code stage} (AWSCURRENT, AWSPENDING), parsed. */
  static DatabaseUrl url(Clients clients, String secretId, String stage) {
    String value = clients.secrets().getSecretValue(b -> b.secretId(secretId).versionStage(stage)).secretString();
    if (value == null) {
      throw new StepFailedError("secret " + secretId + " (" + stage + ") has no string value");
    }
    return DatabaseUrl.parse(value);
  }

  /** {@code host:port} the connection goes to: connectHost when configured, else the secret's. */
  static String address(SecuritySettings settings, DatabaseUrl url) {
    return settings.connectHost() != null ? settings.connectHost() : url.host() + ":" + url.port();
  }

  /**
   * A connection as {@code url}'s user (autocommit off, bounded timeouts). A server that cannot be reached is
   * retryable (the state machine runs the step again); refused credentials or a missing database are not.
   */
  static Connection connect(SecuritySettings settings, DatabaseUrl url) {
    return connect(address(settings, url), url.database(), url.user(), url.password());
  }

  static Connection connect(String address, String database, String user, String password) {
    Properties props = new Properties();
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    props.setProperty("loginTimeout", "10");
    props.setProperty("options", "-c statement_timeout=20000 -c lock_timeout=5000");
    props.setProperty("user", user == null ? "" : user);
    if (password != null) {
      props.setProperty("password", password);
    }
    try {
      Connection c = DriverManager.getConnection("jdbc:postgresql://" + address + "/" + database, props);
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      throw failure("connect to " + address + "/" + database, e);
    }
  }

  /**
   * A typed error for a failed database call: connection problems (SQLSTATE class 08), lock and statement timeouts
   * (55P03, 57014) and serialization failures (40xxx) are retryable; anything else (a missing table, refused
   * credentials) is a failure a retry would repeat. The message carries the SQLSTATE and the server's text, which
   * never contains a parameter value with pgjdbc's defaults.
   */
  static RuntimeException failure(String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = what + " failed: " + state + " " + e.getMessage();
    if (state.startsWith("08") || state.startsWith("40") || state.equals("55P03") || state.equals("57014")) {
      return new RetryableStepError(message, e);
    }
    return new StepFailedError(message, e);
  }
}
