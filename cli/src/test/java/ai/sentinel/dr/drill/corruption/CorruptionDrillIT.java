package ai.sentinel.dr.drill.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.drill.DrillReports;
import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.corruption.CorruptionState;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.HealthLines;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.RepoPaths;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Scenario 5 end to end on the local cloud: 122,000 seeded rows on two real PostgreSQL servers, a bad deployment
 * corrupting the last half hour, the manual invoke, the always-on approval answered, the repair and its checks —
 * judged on the databases, the parameter and RDS themselves, not on the drill's own words.
 */
class CorruptionDrillIT {
  private static LocalSentinel sentinel;
  private static Drill.Result result;
  private static String output;

  @BeforeAll
  static void runDrill() throws Exception {
    sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local"), Map.of(),
        Files.createTempDirectory("corruption-drill-it-"));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    result = Drill.of(sentinel, "data-corruption", new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(false);
    output = buffer.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    System.out.println(output);
    if (sentinel != null) {
      sentinel.close();
    }
  }

  @Test
  void theCorruptedRowsAreRepairedFromTheCleanCopyAndNothingElse() throws Exception {
    assertTrue(result.passed(), output);
    assertEquals(ExecutionStatus.SUCCEEDED, result.status(), output);
    assertTrue(result.recovery().verification().verified(), output);
    CorruptionSeed seed = sentinel.part(CorruptionSeed.class);
    String window = "created_at >= timestamptz '" + seed.newest().minusSeconds(1800) + "'";
    try (Connection live = seed.live(); Connection clean = seed.clean()) {
      for (String table : DataCorruption.TABLES) {
        assertEquals(DataCorruption.digest(clean, table, window), DataCorruption.digest(live, table, window), table);
      }
      // the legitimate write outside the window differs from the clean copy and was kept
      assertTrue(!DataCorruption.digest(clean, "audit_logs", "id = 10")
          .equals(DataCorruption.digest(live, "audit_logs", "id = 10")));
    }
    CorruptionState state = result.recovery().part(CorruptionState.PART);
    var audit = state.repairs().get("audit_logs").result();
    assertEquals(40, audit.deleted(), "the junk rows");
    assertTrue(audit.inserted() > 0 && audit.updated() > 0, audit.toString());
    assertEquals(state.compare().plans().get("audit_logs"), audit, "the repair did what was approved");
  }

  @Test
  void writesStoppedUntilVerifiedAndTheApprovalCameFirst() {
    var timeline = result.recovery().timeline();
    int entered = index(timeline, "EnterMaintenance", "maintenance-on");
    int approved = index(timeline, null, "approved");
    int repaired = index(timeline, "RestoreTables", "repaired");
    int verified = index(timeline, "VerifyData", "verified");
    int exited = index(timeline, "ExitMaintenance", "maintenance-off");
    assertTrue(entered >= 0 && entered < approved && approved < repaired && repaired < verified
        && verified < exited, timeline.toString());
    try (SsmClient ssm = CorruptionSeed.ssm(sentinel.cloud.endpoint())) {
      assertEquals(CorruptionSeed.NORMAL, ssm.getParameter(b -> b.name(sentinel.part(CorruptionSeed.class)
          .parameter())).parameter().value());
    }
    // both switches: the listener's 503 rule for writes was created (read-only mode) and is gone again
    var on = timeline.stream().filter(e -> "EnterMaintenance".equals(e.step()) && "maintenance-on".equals(e.event()))
        .map(ai.sentinel.dr.recovery.TimelineEntry::detail).toList();
    assertTrue(on.stream().anyMatch(d -> d.startsWith("rule on sentinel-alb:443 (priority 1) answering 503 to POST, "
        + "PUT, PATCH, DELETE (read-only)")), on.toString());
    assertTrue(sentinel.cloud.calls().stream().anyMatch(c -> "CreateRule".equals(c.action()) && c.succeeded()));
    assertTrue(sentinel.cloud.calls().stream().anyMatch(c -> "DeleteRule".equals(c.action()) && c.succeeded()));
    assertEquals(1, CorruptionSeed.rules(sentinel, sentinel.part(CorruptionSeed.class).listenerArn()).size(),
        "the default rule only");
  }

  /**
   * Issue 14: the drill's health check after the recovery passes what Scenario 5 touches: the live database (the
   * clean copy came and went beside it) and the API's /health at the front door once maintenance is off (the
   * listener's rules answer it again, not a 503 rule).
   */
  @Test
  void theHealthCheckAfterTheRecoveryPassesTheDatabaseAndTheApi() {
    Map<String, String> after = HealthLines.at(output, "after the recovery");
    for (String check : java.util.List.of("RDS status", "API health")) {
      assertTrue(after.getOrDefault(check, "").startsWith("PASS  "), check + " after the recovery: " + after
          + "\n" + output);
    }
    assertTrue(after.get("RDS status").startsWith("PASS  sentinel-db available"), after.toString());
    assertTrue(after.get("API health").endsWith(" HTTP 200"), after.toString());
  }

  /**
   * Bad input on the same platform: a condition on a column the table does not have passes the responder (it cannot
   * read the catalog) and is refused by Diagnose before anything changes; an unknown table and an SQL fragment are
   * refused by the responder itself and start nothing.
   */
  @Test
  void badInputIsRefusedAndChangesNothing() throws Exception {
    CorruptionSeed seed = sentinel.part(CorruptionSeed.class);
    String before;
    try (Connection live = seed.live()) {
      before = DataCorruption.digest(live, "audit_logs", "true");
    }
    String responder = sentinel.deployment.functionFor(ai.sentinel.dr.trigger.ManualResponder.class);
    for (String bad : java.util.List.of(
        "{\"runbook\":\"data-corruption\",\"tables\":[\"users\"],\"condition\":{\"window\":{\"from\":"
            + "\"2026-01-01T00:00:00Z\"}},\"requestId\":\"bad-table\"}",
        "{\"runbook\":\"data-corruption\",\"tables\":[\"audit_logs\"],\"condition\":\"1=1; DROP TABLE audit_logs"
            + "\",\"requestId\":\"bad-sql\"}")) {
      var answer = ai.sentinel.dr.common.Json.tree(sentinel.aws.lambda.invoke(b -> b.functionName(responder)
          .payload(software.amazon.awssdk.core.SdkBytes.fromUtf8String(bad))).payload().asUtf8String());
      assertEquals("reject", answer.path("action").asText(), answer.toString());
    }
    String unknownColumn = "{\"runbook\":\"data-corruption\",\"tables\":[\"audit_logs\"],\"condition\":"
        + "{\"column\":\"no_such_column\",\"operator\":\"=\",\"value\":\"1\"},\"requestId\":\"bad-column\"}";
    var started = ai.sentinel.dr.common.Json.tree(sentinel.aws.lambda.invoke(b -> b.functionName(responder)
        .payload(software.amazon.awssdk.core.SdkBytes.fromUtf8String(unknownColumn))).payload().asUtf8String());
    String arn = started.path("executionArn").asText();
    var done = new ai.sentinel.dr.drill.ExecutionWatcher(sentinel.aws.sfn, new PrintStream(
        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).follow(arn, java.time.Duration.ofMinutes(3),
            state -> {
            });
    assertEquals(ExecutionStatus.FAILED, done.status());
    var history = sentinel.aws.sfn.getExecutionHistory(b -> b.executionArn(arn).maxResults(1000)).events();
    assertTrue(history.stream().noneMatch(e -> e.stateEnteredEventDetails() != null
        && "EnterMaintenance".equals(e.stateEnteredEventDetails().name())), "refused before maintenance");
    // the step's failure, as the on-call's NotifyFailure and the function log say it
    assertTrue(Files.readString(sentinel.functionLog()).contains("unknown column audit_logs.no_such_column"),
        "the reason is told");
    try (Connection live = seed.live()) {
      assertEquals(before, DataCorruption.digest(live, "audit_logs", "true"), "live unchanged");
    }
  }

  /**
   * The report on the runbook's template: RPO "Variable", so it states the data lost and the rows repaired per table
   * (the counts the repair itself returned).
   */
  @Test
  void theReportStatesTheDataLostAndTheRowsRepairedPerTable() throws Exception {
    String report = Files.readString(result.reportFile());
    assertTrue(report.startsWith("## Incident Report: [DRILL] Data corruption on sentinel-db (selective repair of "
        + "audit_logs, threat_reports)"), report);
    DrillReports.assertComplete(report);
    CorruptionState state = result.recovery().part(CorruptionState.PART);
    var audit = state.repairs().get("audit_logs").result();
    var reports = state.repairs().get("threat_reports").result();
    String rpo = report.lines().filter(l -> l.startsWith("| RPO | Data Corruption | Variable |")).findFirst()
        .orElseThrow(() -> new AssertionError(report));
    long lost = audit.deleted() + audit.updated() + reports.deleted() + reports.updated();
    assertTrue(rpo.contains("Data lost: the writes made after " + state.diagnosis().cleanTime() + " to " + lost
        + " row(s)"), rpo);
    assertTrue(rpo.contains("audit_logs: " + (audit.deleted() + audit.inserted() + audit.updated())
        + " row(s) repaired (" + audit.deleted() + " deleted, " + audit.inserted() + " inserted, " + audit.updated()
        + " updated)") && rpo.contains("threat_reports: " + reports.updated() + " row(s) repaired"), rpo);
    assertTrue(rpo.endsWith("| n/a |"), rpo);
    assertTrue(report.contains("Table audit_logs: REPAIRED in live") && !report.contains("not verified"), report);
  }

  /**
   * The database password the steps used for both servers is nowhere an operator reads: function logs, drill output,
   * execution history, report.
   */
  @Test
  void noSecretInAnyLogHistoryOrReport() throws Exception {
    String password = ai.sentinel.dr.database.DatabaseUrl.parse(sentinel.aws.secrets.getSecretValue(b -> b.secretId(
        ai.sentinel.dr.database.DatabaseSettings.of(sentinel.config).secretId())).secretString()).password();
    assertTrue(password != null && password.length() >= 8);
    Map<String, String> readable = Map.of("function logs", Files.readString(sentinel.functionLog()),
        "drill output", output, "report", Files.readString(result.reportFile()),
        "execution history", ai.sentinel.dr.drill.HistoryText.of(sentinel, result.executionArn()));
    readable.forEach((where, text) -> assertTrue(!text.contains(password), "the database password in the "
        + where));
  }

  private static int index(java.util.List<ai.sentinel.dr.recovery.TimelineEntry> timeline, String step,
      String event) {
    for (int i = 0; i < timeline.size(); i++) {
      if ((step == null || step.equals(timeline.get(i).step())) && event.equals(timeline.get(i).event())) {
        return i;
      }
    }
    return -1;
  }
}
