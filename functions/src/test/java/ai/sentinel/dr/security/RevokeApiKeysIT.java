package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.corruption.sql.TestPostgres;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.security.SecurityState.Assessment;
import ai.sentinel.dr.security.SecurityState.Containment;
import ai.sentinel.dr.security.SecurityState.Indicators;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * RevokeApiKeys on a real PostgreSQL server: the named keys get revoked_at, nothing else changes, keys revoked before
 * keep their time, a second run changes nothing, an unknown id revokes nothing, a dry-run writes nothing, and uuid and
 * bigint id columns both work. The database URL comes from a (mocked) Secrets Manager, as in AWS.
 */
class RevokeApiKeysIT {
  static final String STOLEN = "3f0c8a52-8d0e-4c1b-9a57-6b2f1e0d4c11";
  static final String ALSO_STOLEN = "9a1d7e40-2b6c-4f85-8e03-c4d5b6a7f812";
  static final String INNOCENT = "c2e4f6a8-0b1d-4e3f-8a5c-7d9e1f2a3b4c";
  static final String OLD_REVOKED = "5b7d9f1a-3c5e-4a7b-9c1d-2e4f6a8b0c2d";
  static final String SECRET = "pw-Rk7#only-in-the-secret";

  static TestPostgres server;
  static Connection db;

  @BeforeAll
  static void start() throws Exception {
    server = TestPostgres.start();
    db = server.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    if (db != null) {
      db.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void seed() throws SQLException {
    exec("DROP TABLE IF EXISTS api_keys, numbered_keys");
    exec("CREATE TABLE api_keys (id uuid PRIMARY KEY, key_hash text NOT NULL, owner text, revoked_at timestamptz)");
    exec("INSERT INTO api_keys VALUES ('" + STOLEN + "', 'h1', 'acme', NULL), ('" + ALSO_STOLEN + "', 'h2', 'acme',"
        + " NULL), ('" + INNOCENT + "', 'h3', 'globex', NULL), ('" + OLD_REVOKED + "', 'h4', 'acme',"
        + " timestamptz '2025-06-01 12:00:00+00')");
    exec("CREATE TABLE numbered_keys (key_id bigint PRIMARY KEY, disabled_at timestamptz)");
    exec("INSERT INTO numbered_keys SELECT g, NULL FROM generate_series(1, 50) g");
  }

  static void exec(String sql) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute(sql);
    }
  }

  static Timestamp revokedAt(String id) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT revoked_at FROM api_keys WHERE id = '" + id + "'")) {
      assertTrue(rs.next(), id);
      return rs.getTimestamp(1);
    }
  }

  static int count(String sql) throws SQLException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private RevokeApiKeys step(Map<String, String> env) {
    SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("postgresql://postgres:" + SECRET.replace("#", "%23") + "@127.0.0.1:" + server.port()
            + "/" + TestPostgres.DATABASE + "?sslmode=disable").build());
    return new RevokeApiKeys(Fixtures.deps(DrConfig.fromEnv(env), secrets));
  }

  private RevokeApiKeys step() {
    return step(Fixtures.env());
  }

  static Recovery assessed(boolean dryRun, List<String> keys) {
    Recovery r = Recovery.start("security-incident", "api-key", "security-incident-api-key-0123456789ab", "dev",
        new Trigger("manual", "manual", "req-1", "2026-01-17T10:02:11Z", "keys leaked in a public repository"),
        new Options(null, "latest", null, dryRun, 30, 5));
    Assessment a = new Assessment("P2", "set by the operator", "manual", "keys leaked",
        new Indicators(List.of(), keys, null, null, null, null, null), List.of(), false,
        new Containment(false, true, false), "2026-01-17T10:03:00Z");
    return r.with(SecurityState.PART, SecurityState.assessed(a));
  }

  @Test
  void revokesTheNamedKeysOnlyAndASecondRunChangesNothing() throws SQLException {
    List<String> logs = StepHarness.captureLogs();
    Recovery out;
    try {
      out = StepHarness.invoke(step(), assessed(false, List.of(STOLEN, ALSO_STOLEN, OLD_REVOKED)));
    } finally {
      StepHarness.releaseLogs();
    }
    Timestamp first = revokedAt(STOLEN);
    assertNotNull(first);
    assertNotNull(revokedAt(ALSO_STOLEN));
    assertNull(revokedAt(INNOCENT), "a key nobody named stays valid");
    assertEquals(Timestamp.from(java.time.Instant.parse("2025-06-01T12:00:00Z")), revokedAt(OLD_REVOKED),
        "a key revoked before keeps its time");
    SecurityState.Revocation r = out.part(SecurityState.PART).revocation();
    assertEquals(List.of(STOLEN, ALSO_STOLEN), r.revoked());
    assertEquals(List.of(OLD_REVOKED), r.alreadyRevoked());
    assertEquals(1, StepHarness.entries(out, "RevokeApiKeys", "verified").size());
    String everything = new String(ai.sentinel.dr.common.Json.bytes(out), StandardCharsets.UTF_8) + logs;
    assertFalse(everything.contains(SECRET) || everything.contains("h1"), "no password, no key material");

    Recovery again = StepHarness.invoke(step(), out);
    assertEquals(first, revokedAt(STOLEN), "a second run does not touch revoked_at");
    assertEquals(List.of(STOLEN, ALSO_STOLEN), again.part(SecurityState.PART).revocation().revoked(),
        "what this recovery revoked stays its own on a re-run");
    assertEquals(out.timeline().stream().filter(e -> e.event().equals("requested")).count(),
        again.timeline().stream().filter(e -> e.event().equals("requested")).count(), "no second UPDATE");
  }

  @Test
  void anUnknownIdRevokesNothing() throws SQLException {
    StepFailedError e = assertThrows(StepFailedError.class, () -> StepHarness.invoke(step(),
        assessed(false, List.of(STOLEN, "0000dead-0000-4000-8000-000000000000"))));
    assertTrue(e.getMessage().contains("0000dead-0000-4000-8000-000000000000")
        && e.getMessage().contains("nothing was revoked"), e.getMessage());
    assertNull(revokedAt(STOLEN), "not half-applied");
  }

  @Test
  void aDryRunPlansAndWritesNothing() throws SQLException {
    Recovery out = StepHarness.invoke(step(), assessed(true, List.of(STOLEN)));
    assertNull(revokedAt(STOLEN));
    assertEquals(1, out.plan().size());
    assertTrue(out.plan().get(0).request().contains("UPDATE api_keys SET revoked_at = now()"), out.plan().toString());
    assertTrue(out.plan().get(0).request().contains(STOLEN));
  }

  @Test
  void tableAndColumnsComeFromConfigWhateverTheIdType() throws SQLException {
    Map<String, String> env = Fixtures.withSection(new HashMap<>(Fixtures.env()), "security", s -> ((ObjectNode)
        s.get("apiKeys")).put("table", "numbered_keys").put("idColumn", "key_id").put("revokedColumn",
        "disabled_at"));
    Recovery out = StepHarness.invoke(step(env), assessed(false, List.of("7", "42")));
    assertEquals(2, count("SELECT count(*) FROM numbered_keys WHERE disabled_at IS NOT NULL"));
    assertEquals(2, count("SELECT count(*) FROM numbered_keys WHERE key_id IN (7, 42) AND disabled_at IS NOT NULL"));
    assertEquals(List.of("7", "42"), out.part(SecurityState.PART).revocation().revoked());
  }

  @Test
  void anIdThatIsNotAnIdIsRefusedBeforeAnySql() throws SQLException {
    StepFailedError e = assertThrows(StepFailedError.class, () -> StepHarness.invoke(step(),
        assessed(false, List.of(STOLEN, "x' OR '1'='1"))));
    assertTrue(e.getMessage().contains("is not an API key id"), e.getMessage());
    assertEquals(0, count("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL AND id <> '" + OLD_REVOKED
        + "'"));
  }
}
