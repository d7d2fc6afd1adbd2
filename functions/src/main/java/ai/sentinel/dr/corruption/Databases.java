package ai.sentinel.dr.corruption;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.database.DatabaseSettings;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.errors.RetryableStepError;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Recovery;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Connections to live (the protected database, at the secret's host) and to the clean copy (the restored instance's
 * endpoint), both with the credentials of the database URL secret: a point-in-time restore keeps the users. The
 * password is read per invocation and never logged, stored or put in an error. Local clouds replace the addresses
 * ({@code connectHost}, {@code cleanConnectHost}).
 */
final class Databases {
  private final Deps deps;
  private final SecretsManagerClient secrets;
  private DatabaseUrl url;

  Databases(Deps deps) {
    this.deps = deps;
    this.secrets = deps.clients().secrets();
  }

  /** The protected database, where the application writes. */
  Connection live() {
    DataCorruptionSettings s = DataCorruptionSettings.of(deps.config());
    DatabaseUrl u = url();
    return open(s.connectHost() != null ? s.connectHost() : u.host() + ":" + u.port(), "live");
  }

  /** The clean copy, once WaitForInstance recorded its endpoint. */
  Connection clean(Recovery recovery) {
    DataCorruptionSettings s = DataCorruptionSettings.of(deps.config());
    CorruptionState state = recovery.part(CorruptionState.PART);
    if (s.cleanConnectHost() != null) {
      return open(s.cleanConnectHost(), "the clean copy");
    }
    if (state == null || state.clean() == null || !state.clean().available() || state.clean().address() == null) {
      throw new StepFailedError("the clean instance has no endpoint yet: WaitForInstance must find it available "
          + "first");
    }
    return open(state.clean().address() + ":" + state.clean().port(), "the clean copy " + state.clean()
        .instanceId());
  }

  private DatabaseUrl url() {
    if (url == null) {
      String secretId = DatabaseSettings.of(deps.config()).secretId();
      url = DatabaseUrl.parse(secrets.getSecretValue(b -> b.secretId(secretId)).secretString());
    }
    return url;
  }

  private Connection open(String hostPort, String what) {
    DatabaseUrl u = url();
    Properties props = new Properties();
    props.setProperty("connectTimeout", "10");
    props.setProperty("loginTimeout", "15");
    // a compare or repair query may run for minutes; the invocation's own deadline bounds the work
    props.setProperty("socketTimeout", "840");
    props.setProperty("ApplicationName", "sentinel-dr data-corruption");
    props.setProperty("user", u.user() == null ? "" : u.user());
    if (u.password() != null) {
      props.setProperty("password", u.password());
    }
    String jdbc = "jdbc:postgresql://" + hostPort + "/" + u.database();
    try {
      return DriverManager.getConnection(jdbc, props);
    } catch (SQLException e) {
      // the driver's message names host and user, never the password; a refused connection may be a restart
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      String message = "cannot connect to " + what + " at " + hostPort + "/" + u.database() + ": " + state + " "
          + firstLine(e.getMessage());
      if (state.startsWith("08") || state.equals("57P03")) {
        throw new RetryableStepError(message, e);
      }
      throw new StepFailedError(message, e);
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int cut = message.indexOf('\n');
    return cut < 0 ? message : message.substring(0, cut);
  }

  /** An SQL failure as the state machine understands it: a lost connection is retried, the rest fails the step. */
  static RuntimeException typed(String step, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = step + ": " + state + " " + firstLine(e.getMessage());
    if (state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.equals("57P01")) {
      return new RetryableStepError(message, e);
    }
    return new StepFailedError(message, e);
  }
}
