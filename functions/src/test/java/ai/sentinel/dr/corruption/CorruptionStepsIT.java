package ai.sentinel.dr.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import ai.sentinel.dr.common.Deps;
import ai.sentinel.dr.corruption.CorruptionState.CleanInstance;
import ai.sentinel.dr.corruption.CorruptionState.Diagnosis;
import ai.sentinel.dr.corruption.sql.Condition;
import ai.sentinel.dr.corruption.sql.TwoPostgres;
import ai.sentinel.dr.errors.StepFailedError;
import ai.sentinel.dr.recovery.Health.Verdict;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.StepHarness;
import ai.sentinel.dr.support.Fixtures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DescribeDbInstanceAutomatedBackupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstanceAutomatedBackupsResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Scenario 5's database steps on two real PostgreSQL servers (live, and the clean copy a point-in-time restore would
 * give): Diagnose's timeline and clean time, the resumable compare and its plan, the repair, the verification, and
 * bad conditions refused before any row is read.
 */
class CorruptionStepsIT {
  private static final Condition SINCE = new Condition(null, "WINDOW", Arrays.asList("2026-01-16T12:00:00Z", null));
  private static TwoPostgres servers;
  private static Connection clean;
  private static Connection live;

  @BeforeAll
  static void servers() throws Exception {
    servers = TwoPostgres.start();
    clean = servers.clean();
    live = servers.live();
    for (Connection c : List.of(clean, live)) {
      exec(c, "CREATE TABLE audit_logs (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, api_key_id text,"
          + " is_threat boolean NOT NULL, threat_details jsonb, note text)");
      exec(c, "INSERT INTO audit_logs SELECT g, timestamptz '2026-01-10T10:00:00Z' + g * interval '30 seconds',"
          + " 'key-' || (g % 40), g % 9 = 0, CASE WHEN g % 9 = 0 THEN jsonb_build_object('rule', g % 7) END, NULL"
          + " FROM generate_series(1, 20000) g");
    }
    // the bad deployment: threats marked benign, rows lost, junk written, all created since 12:00 on the 16th
    String recent = "created_at >= timestamptz '2026-01-16T12:00:00Z'";
    exec(live, "UPDATE audit_logs SET is_threat = false, threat_details = NULL WHERE is_threat AND " + recent);
    exec(live, "DELETE FROM audit_logs WHERE id % 97 = 0 AND " + recent);
    exec(live, "INSERT INTO audit_logs SELECT 100000 + g, timestamptz '2026-01-17T09:00:00Z', 'junk', false, NULL,"
        + " NULL FROM generate_series(1, 25) g");
    // a legitimate write on an older row since the clean time: not the repair's to undo
    exec(live, "UPDATE audit_logs SET note = 'reviewed by alice' WHERE id = 300");
  }

  @AfterAll
  static void stop() throws Exception {
    servers.close();
  }

  private static void exec(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static Map<Long, String> rows(Connection c, String where) throws Exception {
    Map<Long, String> out = new TreeMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, t::text FROM audit_logs t WHERE " + where)) {
      while (rs.next()) {
        out.put(rs.getLong(1), rs.getString(2));
      }
    }
    return out;
  }

  private static Deps deps() {
    Map<String, String> env = Cases.env(s -> s.put("connectHost", "127.0.0.1:" + servers.liveServer().port())
        .put("cleanConnectHost", "127.0.0.1:" + servers.cleanServer().port()));
    SecretsManagerClient secrets = Fixtures.sdkMock(SecretsManagerClient.class);
    when(secrets.getSecretValue(any(GetSecretValueRequest.class))).thenReturn(GetSecretValueResponse.builder()
        .secretString("postgresql://postgres@sentinel-db.abc.us-east-1.rds.amazonaws.com:5432/sentinel").build());
    EcsClient ecs = Fixtures.sdkMock(EcsClient.class);
    when(ecs.describeServices(any(DescribeServicesRequest.class))).thenReturn(DescribeServicesResponse.builder()
        .services(s -> s.serviceName("sentinel-api").deployments(
            Deployment.builder().id("ecs-svc/2").status("PRIMARY").taskDefinition("sentinel-api:8")
                .createdAt(Instant.parse("2026-01-16T11:52:00Z")).build(),
            Deployment.builder().id("ecs-svc/1").status("INACTIVE").taskDefinition("sentinel-api:7")
                .createdAt(Instant.parse("2026-01-12T09:00:00Z")).build())).build());
    RdsClient rds = Fixtures.sdkMock(RdsClient.class);
    when(rds.describeDBInstances(any(DescribeDbInstancesRequest.class))).thenReturn(DescribeDbInstancesResponse
        .builder().dbInstances(i -> i.dbInstanceIdentifier("sentinel-db").backupRetentionPeriod(7)
            .latestRestorableTime(Instant.parse("2026-01-17T10:00:00Z"))).build());
    // the backups reach back less far than the 7-day retention (now minus 7 days: 2026-01-10T10:05)
    when(rds.describeDBInstanceAutomatedBackups(any(DescribeDbInstanceAutomatedBackupsRequest.class))).thenReturn(
        DescribeDbInstanceAutomatedBackupsResponse.builder().dbInstanceAutomatedBackups(b -> b
            .dbInstanceIdentifier("sentinel-db").status("active").restoreWindow(w -> w.earliestTime(Instant.parse(
                "2026-01-13T00:00:00Z")))).build());
    return Cases.deps(env, secrets, ecs, rds);
  }

  @Test
  void diagnoseCompareRepairVerify() throws Exception {
    Map<Long, String> cleanRecent = rows(clean, "created_at >= '2026-01-16T12:00:00Z'");
    Map<Long, String> liveOlder = rows(live, "created_at < '2026-01-16T12:00:00Z'");
    CorruptionRequest request = new CorruptionRequest(List.of("audit_logs"), List.of(SINCE), null, "selective");
    Recovery diagnosed = StepHarness.invoke(new Diagnose(deps()), Cases.recovery(false, request));
    assertEquals(Verdict.FAILED, diagnosed.diagnosis().verdict());
    assertTrue(diagnosed.diagnosis().act());
    Diagnosis d = diagnosed.part(CorruptionState.PART).diagnosis();
    assertEquals(1, d.timelines().size());
    assertTrue(d.timelines().get(0).rows() > 1000, "rows in the window: " + d.timelines().get(0));
    assertEquals("2026-01-16T12:00:00.000000Z", d.timelines().get(0).first());
    assertEquals("2026-01-16T11:55:00Z", d.cleanTime(), "first bad row less the 5-minute margin");
    assertEquals("proposed", d.cleanTimeSource());
    assertEquals("ecs-svc/2", d.suspect().id(), "the deployment just before the first corrupted row");

    // the clean copy is up (its address comes from cleanConnectHost here)
    Recovery ready = diagnosed.update(CorruptionState.PART, s -> s.withClean(new CleanInstance("sentinel-db-clean",
        d.cleanTime(), "t", "available", "local", 5432, true, 1, false)));
    Recovery compared = StepHarness.invoke(new CompareTables(deps()), ready);
    CorruptionState.Compare c = compared.part(CorruptionState.PART).compare();
    assertTrue(c.done());
    assertTrue(c.differs());
    var diff = c.progress().get("audit_logs").diff();
    assertEquals(25, diff.onlyInLive(), "the junk");
    assertTrue(diff.onlyInClean() > 0 && diff.changed() > 0, diff.toString());
    var plan = c.plans().get("audit_logs");
    assertEquals(25, plan.deleted());
    assertEquals(diff.onlyInClean(), plan.inserted());
    assertEquals(diff.changed(), plan.updated(), "every changed row in the window is updated");
    assertEquals(rows(clean, "created_at >= '2026-01-16T12:00:00Z'").size(), diff.rowsClean(),
        "selective: only the condition's window is compared (the legitimate write, created before it, is not)");
    assertTrue(new DataCorruption().gates().get("RestoreTables").explain(compared, deps().config()).meaning()
        .contains("deletes 25"), "the approval shows the plan");

    Recovery repaired = StepHarness.invoke(new RestoreTables(deps()), compared);
    CorruptionState.Repair r = repaired.part(CorruptionState.PART).repairs().get("audit_logs");
    assertEquals(plan, r.result(), "the repair did what the approver saw");
    assertEquals(r.before().rows() - plan.deleted() + plan.inserted(), r.after().rows());
    assertEquals(cleanRecent, rows(live, "created_at >= '2026-01-16T12:00:00Z'"), "corrupted rows are clean again");
    assertEquals(liveOlder, rows(live, "created_at < '2026-01-16T12:00:00Z'"), "older rows untouched");

    Recovery verified = StepHarness.invoke(new VerifyData(deps()), repaired);
    assertTrue(verified.verification().verified(), verified.verification().toString());
    assertTrue(verified.verification().toString().contains("1 row(s) outside it differ"),
        "the legitimate write is reported as kept: " + verified.verification());

    // the same verification split over several invocations (one unit of work each, as a large table's would be):
    // the same verdict, the progress in the document small
    Recovery split = verifySplit(repaired);
    CorruptionState.Verify v = split.part(CorruptionState.PART).verify();
    assertTrue(v.done() && v.runs() >= 2, "split over runs: " + v.runs());
    assertEquals(verified.verification().checks(), split.verification().checks());
    assertTrue(ai.sentinel.dr.common.Json.write(v).length() < 4000, ai.sentinel.dr.common.Json.write(v));
    assertEquals(v.runs() - 1, StepHarness.entries(split, "VerifyData", Recovery.WAITING).size());

    // a write in the window after the compare (during the approval wait, say) is caught by the fresh compare
    long late;
    try (Statement st = live.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM audit_logs"
        + " WHERE created_at >= '2026-01-16T12:00:00Z' ORDER BY id DESC LIMIT 1")) {
      rs.next();
      late = rs.getLong(1);
    }
    exec(live, "UPDATE audit_logs SET note = 'late write' WHERE id = " + late);
    try {
      // the verdict is returned (each table's check kept for HoldMaintenance), and the state machine holds on it
      Recovery failed = StepHarness.invoke(new VerifyData(deps()), repaired);
      assertFalse(failed.verification().verified());
      String why = StepHarness.only(failed, "VerifyData", "not-verified").detail();
      assertTrue(why.contains("1 row(s) where timestamp in [2026-01-16T12:00:00Z, now) still differ"), why);
      Recovery splitFails = verifySplit(repaired);
      assertEquals(failed.verification(), splitFails.verification(), "split or not, the same verdict");
    } finally {
      exec(live, "UPDATE audit_logs SET note = NULL WHERE id = " + late);
    }
    // safe to run twice: the repaired table is skipped
    Recovery again = StepHarness.invoke(new RestoreTables(deps()), verified);
    assertFalse(StepHarness.entries(again, "RestoreTables", "skipped").isEmpty());
  }

  /** VerifyData invoked as the state machine loops on $.corruption.verify.done, one unit of work a run. */
  private static Recovery verifySplit(Recovery in) {
    Recovery r = in;
    for (int run = 0; run < 100; run++) {
      r = StepHarness.invoke(new VerifyData(deps(), java.time.Duration.ZERO), r);
      if (r.part(CorruptionState.PART).verify().done()) {
        return r;
      }
    }
    throw new AssertionError("VerifyData never finished: " + r.part(CorruptionState.PART).verify());
  }

  @Test
  void aConditionTheTableCannotTakeIsRefusedBeforeAnyRowIsRead() {
    for (var bad : Map.of(
        new Condition("no_such_column", "=", List.of("1")), "unknown column",
        new Condition("is_threat", "=", List.of("maybe")), "does not fit",
        new Condition("created_at", ">", List.of("1; DROP TABLE audit_logs")), "does not fit").entrySet()) {
      CorruptionRequest request = new CorruptionRequest(List.of("audit_logs"), List.of(bad.getKey()), null,
          "selective");
      StepFailedError e = assertThrows(StepFailedError.class,
          () -> StepHarness.invoke(new Diagnose(deps()), Cases.recovery(false, request)), bad.getKey().toString());
      assertTrue(e.getMessage().contains(bad.getValue()), e.getMessage());
    }
  }

  @Test
  void aCleanTimeOutsideTheRestorableWindowOrAfterTheCorruptionIsRefused() {
    for (var bad : Map.of("2026-01-01T00:00:00Z", "before sentinel-db's earliest restorable time",
        "2026-01-12T00:00:00Z", "earliest restorable time 2026-01-13T00:00:00Z (RestoreWindow.EarliestTime",
        "2026-01-16T13:00:00Z", "after the first corrupted").entrySet()) {
      CorruptionRequest request = new CorruptionRequest(List.of("audit_logs"), List.of(SINCE), bad.getKey(),
          "selective");
      StepFailedError e = assertThrows(StepFailedError.class,
          () -> StepHarness.invoke(new Diagnose(deps()), Cases.recovery(false, request)));
      assertTrue(e.getMessage().contains(bad.getValue()), e.getMessage());
    }
  }

  @Test
  void noMatchingRowMeansNoAction() {
    CorruptionRequest request = new CorruptionRequest(List.of("audit_logs"),
        List.of(new Condition("api_key_id", "=", List.of("key-nobody"))), null, "selective");
    Recovery out = StepHarness.invoke(new Diagnose(deps()), Cases.recovery(false, request));
    assertEquals(Verdict.HEALTHY, out.diagnosis().verdict());
    assertFalse(out.diagnosis().act(), "nothing to repair: the recovery ends before maintenance");
    assertTrue(out.diagnosis().describe().contains("no row matches api_key_id = 'key-nobody'"),
        out.diagnosis().describe());
    Recovery plan = StepHarness.invoke(new Diagnose(deps()), Cases.recovery(true, request));
    assertTrue(plan.diagnosis().act(), "a dry-run still plans");
    assertEquals("2026-01-17T10:00:00Z", plan.part(CorruptionState.PART).diagnosis().cleanTime());
  }

  @Test
  void anAlarmWithoutAConditionIsInconclusive() {
    Recovery alarm = Recovery.start("data-corruption", "sentinel-db", Cases.EXECUTION, "dev",
        new ai.sentinel.dr.recovery.Trigger("alarm", "eventbridge", "sentinel-data-integrity",
            "2026-01-17T10:01:00Z", "integrity alarm"), new ai.sentinel.dr.recovery.Options(null, "latest", null,
                false, 30, 5));
    Recovery out = StepHarness.invoke(new Diagnose(deps()), alarm);
    assertEquals(Verdict.INCONCLUSIVE, out.diagnosis().verdict());
    assertFalse(out.diagnosis().act(), "a person names tables and condition first");
  }
}
