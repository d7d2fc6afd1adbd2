package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.DrConfig;
import ai.sentinel.dr.corruption.sql.TestPostgres;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Investigate on a real PostgreSQL: the runbook's threat aggregation as written, the log events judged by their status
 * whatever the service returned (moto returns every event for a JSON pattern), the second round proposing only active
 * keys with threats that were not contained yet; then RevokeApiKeys' second round revokes exactly those.
 */
class InvestigateIT {
  static final String STOLEN = RevokeApiKeysIT.STOLEN;
  static final String INNOCENT = RevokeApiKeysIT.INNOCENT;
  static final String REVOKED = RevokeApiKeysIT.OLD_REVOKED;
  static final String SECRET = "pw-Inv3st-only-in-the-secret";

  static TestPostgres server;
  static Connection db;
  private CloudWatchLogsClient logs;
  private SecretsManagerClient secrets;

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

  static void exec(String sql) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute(sql);
    }
  }

  @BeforeEach
  void seed() throws SQLException {
    exec("DROP TABLE IF EXISTS api_keys, audit_logs");
    exec("CREATE TABLE api_keys (id uuid PRIMARY KEY, revoked_at timestamptz)");
    exec("INSERT INTO api_keys VALUES ('" + STOLEN + "', NULL), ('" + INNOCENT + "', NULL), ('" + REVOKED
        + "', now())");
    exec("CREATE TABLE audit_logs (id bigserial PRIMARY KEY, api_key_id uuid, created_at timestamptz NOT NULL,"
        + " is_threat boolean NOT NULL, threat_details jsonb)");
    exec("INSERT INTO audit_logs (api_key_id, created_at, is_threat, threat_details) VALUES"
        + " ('" + STOLEN + "', now() - interval '5 minutes', true, '{\"category\": \"sql_injection\"}'),"
        + " ('" + STOLEN + "', now() - interval '6 minutes', true, '{\"category\": \"pii_export\"}'),"
        + " ('" + STOLEN + "', now() - interval '7 minutes', true, '{\"category\": \"pii_export\"}'),"
        + " ('" + STOLEN + "', now() - interval '30 hours', true, '{\"category\": \"old\"}'),"
        + " ('" + REVOKED + "', now() - interval '1 hour', true, '{\"category\": \"sql_injection\"}'),"
        + " ('" + INNOCENT + "', now() - interval '1 hour', false, NULL)");
    logs = Fixtures.sdkMock(CloudWatchLogsClient.class);
    secrets = Fixtures.sdkMock(SecretsManagerClient.class);
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("postgresql://postgres:" + SECRET + "@127.0.0.1:" + server.port() + "/"
            + TestPostgres.DATABASE + "?sslmode=disable").build());
    // what moto answers for { $.status >= 400 }: everything, over two pages
    List<FilteredLogEvent> page1 = new ArrayList<>();
    page1.add(event("{\"ip\":\"203.0.113.77\",\"path\":\"/api/v1/users/export\",\"status\":403,\"api_key_id\":\""
        + STOLEN + "\"}"));
    page1.add(event("{\"ip\":\"203.0.113.77\",\"path\":\"/api/v1/scans\",\"status\":200,\"api_key_id\":\"" + STOLEN
        + "\"}"));
    page1.add(event("GET /health 500 2ms"));
    List<FilteredLogEvent> page2 = List.of(
        event("{\"ip\":\"203.0.113.77\",\"path\":\"/api/v1/scans\",\"status\":500,\"api_key_id\":\"" + STOLEN
            + "\"}"),
        event("{\"ip\":\"198.51.100.20\",\"path\":\"/api/v1/scans\",\"status\":\"404\"}"),
        event("{\"ip\":\"192.0.2.9\",\"path\":\"/login\",\"status\":401}"));
    when(logs.filterLogEvents(any(FilterLogEventsRequest.class))).thenAnswer(i -> {
      FilterLogEventsRequest r = i.getArgument(0);
      return r.nextToken() == null
          ? FilterLogEventsResponse.builder().events(page1).nextToken("p2").build()
          : FilterLogEventsResponse.builder().events(page2).build();
    });
  }

  private static FilteredLogEvent event(String message) {
    return FilteredLogEvent.builder().message(message).timestamp(1_768_643_000_000L).build();
  }

  private Investigate step() {
    return new Investigate(Fixtures.deps(DrConfig.fromEnv(env()), logs, secrets));
  }

  /** The fixture's environment with the evidence section (its log group is the one searched). */
  private static Map<String, String> env() {
    return Fixtures.withSection(Fixtures.env(), "security", s -> s.putObject("evidence")
        .put("bucket", "dev-sentinel-dr-evidence-us-east-1").put("logGroup", "/ecs/sentinel-api")
        .put("windowHours", 24).put("retentionDays", 365));
  }

  @Test
  void countsExactlyTheJsonEventsWithAStatusOfAtLeast400AndProposesOnlyTheActiveKeyWithThreats()
      throws SQLException {
    Recovery out = StepHarness.invoke(step(), IsolateTest.breach(false));
    SecurityState.Investigation inv = out.part(SecurityState.PART).investigation();
    assertEquals(6, inv.eventsRead(), "every event moto returned was read, both pages");
    assertEquals(3, inv.errorEvents(), "403, 500, 401: not the 200, not the plain-text line, not the string \"404\"");
    assertEquals(Map.of("203.0.113.77", 2, "192.0.2.9", 1), inv.byIp());
    assertEquals(Map.of(STOLEN, 2, "-", 1), inv.byKey());
    ArgumentCaptor<FilterLogEventsRequest> req = ArgumentCaptor.forClass(FilterLogEventsRequest.class);
    org.mockito.Mockito.verify(logs, org.mockito.Mockito.times(2)).filterLogEvents(req.capture());
    assertEquals("{ $.status >= 400 }", req.getValue().filterPattern());
    assertEquals("/ecs/sentinel-api", req.getValue().logGroupName());
    assertEquals(Fixtures.NOW.toEpochMilli() - 24 * 3600_000L, req.getValue().startTime());
    // the runbook's aggregation: threats of the last 24 hours, by key, largest first
    assertEquals(STOLEN, inv.threats().get(0).apiKeyId());
    assertEquals(3, inv.threats().get(0).count(), "the 30-hour-old threat is outside the query's window");
    assertEquals(List.of("pii_export", "sql_injection"), inv.threats().get(0).categories());
    assertEquals(2, inv.threats().size());
    assertEquals(List.of(STOLEN), inv.proposedKeys(), "the revoked key is not proposed again");
    assertTrue(inv.secondRound());
    assertNull(revokedAt(STOLEN), "the investigation itself changes nothing");
  }

  @Test
  void theApprovedSecondRoundRevokesWhatTheInvestigationFoundAndAReRunInvestigatesNothingAgain()
      throws SQLException {
    Recovery investigated = StepHarness.invoke(step(), IsolateTest.breach(false));
    Recovery again = StepHarness.invoke(step(), investigated);
    org.mockito.Mockito.verify(logs, org.mockito.Mockito.times(2)).filterLogEvents(any(FilterLogEventsRequest.class));
    assertEquals(investigated.part(SecurityState.PART).investigation(), again.part(SecurityState.PART)
        .investigation());
    Recovery revoked = StepHarness.invoke(new RevokeApiKeys(Fixtures.deps(DrConfig.fromEnv(env()), secrets)),
        investigated);
    assertTrue(revokedAt(STOLEN) != null);
    assertNull(revokedAt(INNOCENT));
    assertEquals(List.of(STOLEN), revoked.part(SecurityState.PART).revocation().revoked());
  }

  @Test
  void aContainedKeyIsNotProposed() throws SQLException {
    Recovery r = RevokeApiKeysIT.assessed(false, List.of(STOLEN));
    SecurityState.Investigation inv = StepHarness.invoke(step(), r).part(SecurityState.PART).investigation();
    assertEquals(List.of(), inv.proposedKeys());
    // a second round is still proposed when the logs show unblocked attacker addresses (a3e642f), never for keys
    assertEquals(!inv.proposedIps().isEmpty(), inv.secondRound(), inv.toString());
  }

  private static java.sql.Timestamp revokedAt(String id) throws SQLException {
    try (Statement st = db.createStatement();
        var rs = st.executeQuery("SELECT revoked_at FROM api_keys WHERE id = '" + id + "'")) {
      rs.next();
      return rs.getTimestamp(1);
    }
  }
}
