package ai.sentinel.dr.drill.oncall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.cli.Templates;
import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.drill.Drill;
import ai.sentinel.dr.drill.LocalSentinel;
import ai.sentinel.dr.infra.EnvironmentConfig;
import ai.sentinel.dr.infra.RepoPaths;
import ai.sentinel.dr.localcloud.PagerDutyStandIn;
import ai.sentinel.dr.oncall.PagerDutySettings;
import ai.sentinel.dr.recovery.TimelineEntry;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
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
 * acknowledge when the drill answers it (./sentinel approve's path), resolve once verified; the exact bodies.
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

  @Test
  void anApprovedRecoveryIsTriggeredAcknowledgedAndResolvedUnderItsExecutionName() throws Exception {
    try (LocalSentinel sentinel = sentinel(c -> c)) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      Drill.Result result = Drill.of(sentinel, "database-failure", new PrintStream(buffer, true,
          StandardCharsets.UTF_8)).approvalPagesFrom(triggers()).run(false, Drill.Gate.approveAs("alice"));
      String output = buffer.toString(StandardCharsets.UTF_8);
      assertTrue(result.passed(), output);
      String execution = result.recovery().executionName();

      List<JsonNode> events = pagerDuty.events();
      assertEquals(List.of("trigger", "acknowledge", "resolve"), events.stream()
          .map(e -> e.path("event_action").asText()).toList(), events.toString());
      JsonNode trigger = events.get(0);
      assertEquals(KEY, trigger.path("routing_key").asText());
      assertEquals(execution, trigger.path("dedup_key").asText());
      assertEquals("[Sentinel DR][local] database-failure on sentinel-db: APPROVAL needed before UpdateSecret",
          trigger.path("payload").path("summary").asText());
      assertEquals("sentinel-db", trigger.path("payload").path("source").asText());
      assertEquals("info", trigger.path("payload").path("severity").asText(), "a drill never wakes anyone");
      assertTrue(trigger.path("payload").path("custom_details").path("details").asText()
          .contains("./sentinel approve "), trigger.toString());
      for (int i = 1; i < 3; i++) {
        assertEquals(Json.tree("{\"routing_key\":\"" + KEY + "\",\"event_action\":\""
            + events.get(i).path("event_action").asText() + "\",\"dedup_key\":\"" + execution + "\"}"),
            events.get(i), "no payload on acknowledge and resolve");
      }
      assertEquals(List.of(202, 202, 202), pagerDuty.answered());

      List<TimelineEntry> acks = result.recovery().timeline().stream()
          .filter(e -> e.event().equals("acknowledged")).toList();
      assertEquals(1, acks.size(), result.recovery().timeline().toString());
      assertTrue(acks.get(0).detail().startsWith("acknowledge to PagerDuty"), acks.get(0).detail());
      assertTrue(acks.get(0).detail().contains("approved by alice"), acks.get(0).detail());
      assertTrue(acks.get(0).detail().endsWith("PagerDuty acknowledge " + execution), acks.get(0).detail());
      assertFalse(Files.readString(sentinel.functionLog()).contains(KEY), "the routing key is in no log line");
    }
  }
}
