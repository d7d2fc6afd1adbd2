package ai.sentinel.dr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.recovery.Options;
import ai.sentinel.dr.recovery.Recovery;
import ai.sentinel.dr.recovery.Trigger;
import ai.sentinel.dr.report.IncidentReport;
import ai.sentinel.dr.report.ReportSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./sentinel report EXECUTION_ARN} rebuilds the report as the environment's deployed Report step makes it: the
 * cdk.json {@code report} section of {@code --env} (the on-call role owning the action items, their due dates, the
 * load balancer whose counts measure the customer impact, an exercise environment's [DRILL]), not the defaults. A
 * stand-in Step Functions endpoint answers DescribeExecution with a succeeded database recovery and refuses the rest.
 */
class ReportCommandTest {
  private static final String ARN =
      "arn:aws:states:us-east-1:123456789012:execution:dev-sentinel-dr-database-failure:database-failure-0123";
  private static final Instant START = Instant.parse("2026-01-17T10:02:30Z");
  private static final Instant STOP = Instant.parse("2026-01-17T10:20:00Z");
  private HttpServer cloud;
  private final List<String> targets = new ArrayList<>();
  /** How the execution ended: a failed one also gets action items due after the configured days. */
  private volatile String status = "SUCCEEDED";

  private record Run(int code, String out, String err) {}

  @BeforeEach
  void startCloud() throws Exception {
    Recovery recovery = Recovery.start("database-failure", "sentinel-db", "database-failure-0123", "dev",
        new Trigger("alarm", "eventbridge", "sentinel-rds-connections", "2026-01-17T10:02:11.482Z", "test", null),
        new Options(null, "latest", null, false, 30, 5));
    String output = Json.write(recovery);
    cloud = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    cloud.createContext("/", x -> {
      String target = x.getRequestHeaders().getFirst("X-Amz-Target");
      String request = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      // JSON protocols name the call in X-Amz-Target, the query protocol (ELB) in the form body
      targets.add(target != null ? target : request.split("&")[0]);
      boolean describe = "AWSStepFunctions.DescribeExecution".equals(target);
      String execution = Json.write(Map.of("executionArn", ARN, "status", status, "startDate",
          START.getEpochSecond(), "stopDate", STOP.getEpochSecond(), "output", output));
      byte[] body = (describe ? execution : Json.write(Map.of("__type", "AccessDenied", "message", "refused")))
          .getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
      x.sendResponseHeaders(describe ? 200 : 400, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    cloud.start();
  }

  @AfterEach
  void stopCloud() {
    cloud.stop(0);
  }

  private Map<String, String> env() {
    return Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:" + cloud.getAddress().getPort(), "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test");
  }

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env(), RepoPaths.root()));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The repository's cdk.json with dev's report section replaced. */
  private static Path cdkJsonWithDevReport(Path dir, String report) throws Exception {
    ObjectNode root = (ObjectNode) Json.tree(Files.readString(RepoPaths.cdkJson(RepoPaths.root())));
    ((ObjectNode) root.path("context").path("environments").path("dev")).set("report", Json.tree(report));
    Path file = dir.resolve("cdk.json");
    Files.writeString(file, Json.write(root));
    return file;
  }

  @Test
  void theEnvironmentsReportSectionFillsOwnerDueDatesAndTheMeasuredLoadBalancer(@TempDir Path dir) throws Exception {
    Path cdkJson = cdkJsonWithDevReport(dir, "{\"owner\":\"Platform SRE on-call\",\"actionDueDays\":7,"
        + "\"loadBalancer\":\"sentinel-edge\"}");
    assertEquals(new ReportSettings("Platform SRE on-call", 7, "sentinel-edge", null),
        Reports.settings(cdkJson, "dev"));

    status = "FAILED";
    IncidentReport report;
    try (var sfn = Approvals.client(env())) {
      report = Reports.of(sfn, ARN, cdkJson, "dev", env());
    }

    assertTrue(report.actionItems().size() >= 2, report.actionItems().toString());
    report.actionItems().forEach(a -> assertEquals("Platform SRE on-call", a.owner(), a.toString()));
    // the review within 48 h as the runbook says; every other item after the configured 7 days, not the default 14
    assertEquals("2026-01-19", report.actionItems().get(0).due().substring(0, 10), report.actionItems().toString());
    report.actionItems().subList(1, report.actionItems().size()).forEach(a ->
        assertEquals("2026-01-24", a.due().substring(0, 10), a.toString()));
    // the impact is measured on the configured load balancer (here refused: "not measured" says which and why)
    String impact = report.metrics().customerImpact();
    assertTrue(impact.contains("sentinel-edge"), impact);
    assertTrue(targets.stream().anyMatch(t -> t.contains("DescribeLoadBalancers")), targets.toString());
  }

  @Test
  void theCommandUsesEnvAndWithoutItTheDefaultEnvironmentLikeTheOtherCommands() {
    Run local = run("report", ARN, "--env", "local", "--json");
    assertEquals(0, local.code(), local.err());
    JsonNode drill = Json.tree(local.out());
    // the local environment is an exercise (report.exercise): its reports are drills whatever started them
    assertEquals("P4", drill.path("severity").asText(), local.out());
    assertTrue(drill.path("drill").asBoolean(), local.out());

    Run dev = run("report", ARN, "--json");
    assertEquals(0, dev.code(), dev.err());
    JsonNode report = Json.tree(dev.out());
    assertEquals("P1", report.path("severity").asText().substring(0, 2), dev.out());
    // dev's report section names the load balancer the impact is measured on: the defaults measure nothing
    assertTrue(report.path("metrics").path("customerImpact").asText().contains("sentinel-alb"), dev.out());
    assertEquals("Primary On-Call", report.path("actionItems").get(0).path("owner").asText(), dev.out());

    Run unknown = run("report", ARN, "--env", "nope");
    assertEquals(Main.USAGE, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("nope"), unknown.err());
  }

  @Test
  void withoutEnvTheEnvironmentComesFromTheArnsStateMachine() {
    String local = "arn:aws:states:us-east-1:000000000000:execution:local-sentinel-dr-database-failure:db-1";
    Run drill = run("report", local, "--json");
    assertEquals(0, drill.code(), drill.err());
    // local's report section makes it an exercise: inferred from the ARN, not dev's P1
    assertEquals("P4", Json.tree(drill.out()).path("severity").asText(), drill.out());

    Path cdkJson = RepoPaths.cdkJson(RepoPaths.root());
    assertEquals("local", ReportCommand.environmentOf(local, cdkJson));
    assertEquals("prod", ReportCommand.environmentOf(
        "arn:aws:states:us-east-1:1:stateMachine:prod-sentinel-dr-redis-failure", cdkJson));
    assertEquals("dev", ReportCommand.environmentOf(
        "arn:aws:states:eu-west-1:1:execution:dev-sentinel-dr-region-failure:rf-1", cdkJson));
    // an environment cdk.json does not declare, or an ARN that names none: the default, as before
    assertEquals(ReportCommand.DEFAULT_ENV, ReportCommand.environmentOf(
        "arn:aws:states:us-east-1:1:execution:qa-sentinel-dr-database-failure:x", cdkJson));
    assertEquals(ReportCommand.DEFAULT_ENV, ReportCommand.environmentOf(
        "arn:aws:states:us-east-1:1:execution:other-machine:x", cdkJson));

    // --env still wins over the ARN
    Run dev = run("report", local, "--env", "dev", "--json");
    assertEquals("P1", Json.tree(dev.out()).path("severity").asText().substring(0, 2), dev.out());
  }
}
