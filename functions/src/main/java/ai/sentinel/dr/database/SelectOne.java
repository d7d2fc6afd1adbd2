package ai.sentinel.dr.database;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Verification.Check;
import ai.sentinel.dr.recovery.Verification.Result;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

/**
 * The runbook's "psql $DATABASE_URL -c 'SELECT 1'": connects with the credentials of the database URL secret (never
 * logged) to an address, the recovered instance's or a scratch instance's. The database settings' connectHost, where
 * set, replaces the address (local clouds, whose endpoints are not real).
 */
final class SelectOne {
  private SelectOne() {}

  static Check check(DrConfig config, DatabaseUrl url, String address) {
    DatabaseSettings settings = DatabaseSettings.of(config);
    if (!settings.verifyConnect()) {
      return new Check("select-1", Result.SKIP, "verifyDbConnect=false: no network path to the database");
    }
    String target = settings.connectHost() != null ? settings.connectHost() : address;
    Properties props = new Properties();
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "10");
    props.setProperty("loginTimeout", "10");
    String database;
    try {
      props.setProperty("user", url.user() == null ? "" : url.user());
      if (url.password() != null) {
        props.setProperty("password", url.password());
      }
      database = url.database();
    } catch (StepFailedError e) {
      return new Check("select-1", Result.FAIL, e.getMessage());
    }
    String jdbc = "jdbc:postgresql://" + target + "/" + database;
    try (Connection c = DriverManager.getConnection(jdbc, props);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1")) {
      boolean one = rs.next() && rs.getInt(1) == 1;
      return new Check("select-1", one ? Result.PASS : Result.FAIL, "SELECT 1 on " + target + "/" + database
          + (one ? " returned 1" : " returned something else"));
    } catch (Exception e) {
      return new Check("select-1", Result.FAIL, "SELECT 1 on " + target + "/" + database + " failed: "
          + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
