package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.corruption.sql.TestPostgres;
import ai.sentinel.dr.database.DatabaseUrl;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database URL secret's rotation function on a real PostgreSQL server that checks passwords (SCRAM for the
 * application role): after the four steps the role's password really changed, the new URL connects and the old one
 * does not, the rest of the URL is kept, a retried setSecret is harmless, and the new password reaches neither the
 * function's log nor the server's statement log.
 */
class DatabaseSecretRotatorIT {
  static final String ROLE = "sentinel_app";
  static final String INITIAL = "Initial-pw-42";
  static TestPostgres server;
  static Path serverLog;

  @BeforeAll
  static void start() throws Exception {
    server = TestPostgres.start();
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      Path hba;
      try (ResultSet rs = st.executeQuery("SHOW hba_file")) {
        rs.next();
        hba = Path.of(rs.getString(1));
      }
      try (ResultSet rs = st.executeQuery("SHOW data_directory")) {
        rs.next();
        serverLog = Path.of(rs.getString(1)).getParent().resolve("server.log");
      }
      // the application role must prove its password; everything else stays trusted (the test's own connections)
      Files.writeString(hba, "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
      st.execute("ALTER SYSTEM SET log_statement = 'all'");
      st.execute("SELECT pg_reload_conf()");
      st.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + INITIAL + "'");
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String url(String password) {
    return "postgresql://" + ROLE + ":" + password + "@127.0.0.1:" + server.port() + "/" + TestPostgres.DATABASE
        + "?sslmode=disable&application_name=sentinel-api";
  }

  static boolean connects(String secretValue) {
    DatabaseUrl u = DatabaseUrl.parse(secretValue);
    Properties p = new Properties();
    p.setProperty("user", u.user());
    p.setProperty("password", u.password());
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/"
        + u.database(), p)) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Test
  void theRolesPasswordReallyChangesAndOnlyTheNewUrlConnects() throws Exception {
    assertTrue(connects(url(INITIAL)));
    assertFalse(connects(url("not-the-password")), "the server checks passwords for the role");
    FakeSecrets secrets = new FakeSecrets("sentinel/database-url", url(INITIAL));
    DatabaseSecretRotator rotator = new DatabaseSecretRotator(Fixtures.deps(DrConfig.fromEnv(RotateSecretsTest.env()),
        secrets.client));
    List<String> logs = StepHarness.captureLogs();
    String current;
    try {
      FakeSecrets.invoke(rotator, "createSecret", "sentinel/database-url", "tok-db");
      assertTrue(connects(url(INITIAL)), "nothing changes in the database before setSecret");
      FakeSecrets.invoke(rotator, "setSecret", "sentinel/database-url", "tok-db");
      FakeSecrets.invoke(rotator, "setSecret", "sentinel/database-url", "tok-db"); // a retry: already applied
      FakeSecrets.invoke(rotator, "testSecret", "sentinel/database-url", "tok-db");
      assertEquals(url(INITIAL), secrets.value("AWSCURRENT"), "the old value is current until finishSecret");
      FakeSecrets.invoke(rotator, "finishSecret", "sentinel/database-url", "tok-db");
      current = secrets.value("AWSCURRENT");
    } finally {
      StepHarness.releaseLogs();
    }
    assertEquals("tok-db", secrets.version("AWSCURRENT"));
    DatabaseUrl rotated = DatabaseUrl.parse(current);
    assertNotEquals(INITIAL, rotated.password());
    assertEquals(32, rotated.password().length());
    assertEquals(url(rotated.password()), current, "user, host, port, database and parameters are kept");
    assertTrue(connects(current), "the new URL connects");
    assertFalse(connects(url(INITIAL)), "the old password no longer does");
    String log = String.join("\n", logs);
    assertFalse(log.contains(rotated.password()) || log.contains(INITIAL), "no password in the function's log");
    assertFalse(Files.readString(serverLog).contains(rotated.password()),
        "the password was hashed on the client: the statement log has only its SCRAM verifier");
  }

  @Test
  void aPendingValueForAnotherUserIsRefused() {
    FakeSecrets secrets = new FakeSecrets("sentinel/database-url", url(INITIAL));
    DatabaseSecretRotator rotator = new DatabaseSecretRotator(Fixtures.deps(DrConfig.fromEnv(RotateSecretsTest.env()),
        secrets.client));
    secrets.values.put("tok-x", url(INITIAL).replace(ROLE + ":", "postgres:"));
    secrets.stages.put("tok-x", new java.util.ArrayList<>(List.of("AWSPENDING")));
    assertThrows(RuntimeException.class, () -> FakeSecrets.invoke(rotator, "setSecret", "sentinel/database-url",
        "tok-x"));
  }

  @Test
  void theRdsJsonShapeKeepsEveryOtherField() {
    String json = "{\"engine\":\"postgres\",\"host\":\"db\",\"port\":5432,\"username\":\"app\",\"password\":\"old\","
        + "\"dbname\":\"sentinel\"}";
    var out = Json.tree(DatabaseSecretRotator.withPassword(json, "NEWpw"));
    assertEquals("NEWpw", out.path("password").asText());
    assertEquals("postgres", out.path("engine").asText());
    assertEquals(5432, out.path("port").asInt());
  }
}
