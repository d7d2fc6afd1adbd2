package ai.sentinel.dr.drill.oncall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Approvals;
import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.PagerDutyStandIn;
import ai.sentinel.dr.oncall.PagerDutySettings;
import ai.sentinel.dr.recovery.TimelineEntry;
import ai.sentinel.dr.report.Report;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PagerDuty as the on-call of a whole recovery on the local cloud: the deployed functions (RequestApproval,
 * AcknowledgeApproval, Notify) read the routing key from moto's Secrets Manager and send their events over HTTP to
 * the stand-in, which checks them as PagerDuty does. Per recovery, under its execution name: trigger at the gate,
 * a critical re-page when nobody answers, acknowledge when someone does (./sentinel approve's path), resolve once
 * verified; the exact bodies, the timeline and the report.
 */
class PagingIT {
  private static final String KEY = "PDK3Y0123456789abcdef0123456789a";
  private static final String SECRET = "sentinel/pagerduty-routing-key";
  private PagerDutyStandIn pagerDuty;

  @BeforeEach
  void start() throws Exception {
    pagerDuty = PagerDutyStandIn.start();
  }

  @AfterEach
  void stop() {
    pagerDuty.close();
  }

  private LocalSentinel sentinel(UnaryOperator<EnvironmentConfig> change) throws Exception {
    String url = pagerDuty.baseUrl().toString();
    LocalSentinel sentinel = LocalSentinel.start(Templates.synthesize(RepoPaths.root(), "local",
        c -> change.apply(c.withApprovalSteps(List.of("UpdateSecret")).with(new PagerDutySettings(SECRET, url)))),
        Map.of(), Files.createTempDirectory("paging-it-"));
    sentinel.aws.secrets.createSecret(b -> b.name(SECRET).secretString(KEY));
    return sentinel;
  }

  /** The stand-in's triggers' details, each once: where the drill finds the approval request's token. */
  private Supplier<String> triggers() {
    AtomicInteger seen = new AtomicInteger();
    return () -> {
      List<JsonNode> events = pagerDuty.events();
      while (seen.get() < events.size()) {
        JsonNode e = events.get(seen.getAndIncrement());
        if ("trigger".equals(e.path("event_action").asText())) {
          return e.path("payload").path("custom_details").path("details").asText();
        }
      }
      return null;
    };
  }

  /**
   * One drill, the gate answered only after it was re-paged (local: re-page after 1 min, timeout 3 min): trigger,
   * re-page (its own dedup key), acknowledge (the answer, through ./sentinel approve's path), resolve of the re-page,
   * resolve once verified; the timeline and the report say who was paged when.
   */
  @Test
  void aGateAnsweredAfterItsRePageIsTriggeredRePagedAcknowledgedAndResolvedUnderItsExecutionName() throws Exception {
    try (LocalSentinel sentinel = sentinel(c -> c.withSafety(new EnvironmentConfig.Safety(List.of("UpdateSecret"), 3,
        c.safety().budget(), c.safety().lockLeaseMinutes()).withApprovalRepageMinutes(1)))) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<Drill.Result> running = pool.submit(() -> Drill.of(sentinel, "database-failure", new PrintStream(buffer,
          true, StandardCharsets.UTF_8)).approvalPagesFrom(triggers()).run(false, Drill.Gate.human()));
      // nobody answers the first page: the gate re-pages after a minute, with a new token
      JsonNode repage = null;
      long until = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (repage == null && System.nanoTime() < until && !running.isDone()) {
        repage = pagerDuty.events().stream().filter(e -> e.path("dedup_key").asText().endsWith("/repage"))
            .findFirst().orElse(null);
        Thread.sleep(1000);
      }
      assertTrue(repage != null, "no re-page within 4 minutes: " + buffer.toString(StandardCharsets.UTF_8));
      String details = repage.path("payload").path("custom_details").path("details").asText();
      String token = details.lines().filter(l -> l.startsWith("token: ")).map(l -> l.substring(7).trim())
          .findFirst().orElseThrow();
      Approvals.approve(sentinel.aws.sfn, token, "carol", "answered after the re-page");
      Drill.Result result = running.get(10, TimeUnit.MINUTES);
      pool.shutdown();
      String output = buffer.toString(StandardCharsets.UTF_8);
      assertTrue(result.passed(), output);
      String execution = result.recovery().executionName();

      List<JsonNode> events = pagerDuty.events();
      assertEquals(List.of("trigger " + execution, "trigger " + execution + "/repage", "acknowledge " + execution,
          "resolve " + execution + "/repage", "resolve " + execution), events.stream()
          .map(e -> e.path("event_action").asText() + " " + e.path("dedup_key").asText()).toList(), events.toString());
      JsonNode trigger = events.get(0);
      assertEquals(KEY, trigger.path("routing_key").asText());
      assertEquals("[Sentinel DR][local] database-failure on sentinel-db: APPROVAL needed before UpdateSecret",
          trigger.path("payload").path("summary").asText());
      assertEquals("sentinel-db", trigger.path("payload").path("source").asText());
      // the severity is the incident's priority as the report's rule gives it for the running recovery (a database
      // failure at UpdateSecret: Option B/C, P1, critical), the re-page one level higher, capped at critical; a drill
      // of a real failure (the alarm is delivered as AWS sends it) pages as the recovery would, a drill's own trigger
      // kind would make every page info
      String severity = result.recovery().drill() ? "info" : "critical";
      assertEquals(severity, trigger.path("payload").path("severity").asText());
      assertEquals(severity, repage.path("payload").path("severity").asText(), "the re-page, capped at critical");
      // the console link of the execution, region-aware, then where the report will be (the gate waits before the
      // Report step), in links and in the custom details
      JsonNode links = trigger.path("links");
      assertEquals(2, links.size(), trigger.toString());
      assertTrue(links.get(0).path("href").asText().contains(".console.aws.amazon.com/states/home?region=")
          && links.get(0).path("href").asText().endsWith(":execution:local-sentinel-dr-database-failure:"
          + execution), links.toString());
      // the function's region, as the execution's link has it (the bucket is in the function's stack)
      String region = links.get(0).path("href").asText().replaceFirst("^https://([^.]+)\\..*$", "$1");
      String bucket = sentinel.deployment.environmentOf(sentinel.deployment.functionFor(Report.class))
          .get(Report.BUCKET_VAR);
      String key = "reports/database-failure/" + execution + ".md";
      assertEquals(Json.tree("{\"href\":\"https://s3.console.aws.amazon.com/s3/object/" + bucket + "?region=" + region
          + "&prefix=" + key + "\",\"text\":\"Post-incident report (not written yet: the Report step writes it when "
          + "the recovery ends)\"}"), links.get(1));
      JsonNode custom = trigger.path("payload").path("custom_details");
      assertEquals(links, custom.path("links"));
      assertEquals("s3://" + bucket + "/" + key, custom.path("report").asText());
      assertEquals("not written yet: the Report step writes it when the recovery ends",
          custom.path("report_status").asText());
      assertEquals(custom.path("report"), repage.path("payload").path("custom_details").path("report"));
      // and it is the object the Report step wrote once the recovery ended: the report the drill read
      assertEquals(Files.readString(result.reportFile()), sentinel.aws.s3.getObjectAsBytes(b -> b.bucket(bucket)
          .key(key)).asUtf8String());
      assertEquals("[Sentinel DR][local] database-failure on sentinel-db: APPROVAL STILL needed before UpdateSecret "
          + "(unanswered for 1 min)", repage.path("payload").path("summary").asText());
      for (int i = 2; i < 5; i++) {
        assertEquals(Json.tree("{\"routing_key\":\"" + KEY + "\",\"event_action\":\""
            + events.get(i).path("event_action").asText() + "\",\"dedup_key\":\""
            + events.get(i).path("dedup_key").asText() + "\"}"), events.get(i), "no payload on acknowledge and resolve");
      }
      assertEquals(List.of(202, 202, 202, 202, 202), pagerDuty.answered());

      List<String> paging = result.recovery().timeline().stream()
          .filter(e -> List.of("paged", "re-paged", "acknowledged", "resolved").contains(e.event()))
          .map(e -> e.event() + " " + e.detail().split(" ", 2)[0]).toList();
      assertEquals(List.of("paged trigger", "re-paged trigger", "acknowledged acknowledge", "resolved resolve",
          "resolved resolve"), paging, result.recovery().timeline().toString());
      TimelineEntry ack = result.recovery().timeline().stream().filter(e -> e.event().equals("acknowledged"))
          .findFirst().orElseThrow();
      assertTrue(ack.detail().contains("(approved by carol"), ack.detail());
      assertTrue(ack.detail().endsWith("PagerDuty acknowledge " + execution), ack.detail());
      String report = Files.readString(result.reportFile());
      assertTrue(report.contains("On-call paging (who was paged when): "), report);
      assertTrue(report.contains("severity critical, dedup key " + execution + "/repage") || result.recovery().drill(),
          report);
      assertFalse(Files.readString(sentinel.functionLog()).contains(KEY), "the routing key is in no log line");
    }
  }
}
