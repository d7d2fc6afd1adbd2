package ai.sentinel.dr.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.sentinel.dr.common.Json;
import ai.sentinel.dr.oncall.OnCall;
import ai.sentinel.dr.support.CapturedPages;
import ai.sentinel.dr.support.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * PagerDuty's {@code payload.severity} is the incident's P1-P4 (the report's severity rule) mapped P1 critical, P2
 * error, P3 warning, P4 info; an unanswered approval is re-paged one level higher (capped at critical); a drill never
 * pages above info. Checked on the exact Events API v2 bodies the adapter sends.
 */
class PageSeverityTest {
  private final CapturedPages pages = new CapturedPages();
  private final List<String> bodies = pages.bodies();
  private final OnCall onCall = pages.onCall();

  private static Recovery of(String scenario, String resource, String triggerKind) {
    return Recovery.start(scenario, resource, scenario + "-" + resource + "-0123456789abcdef", "dev",
        new Trigger(triggerKind, "eventbridge", "alarm-1", "2026-01-17T10:02:11.482Z", "test"),
        new Options(null, "latest", null, false, 30, 5));
  }

  /** The severities of the gate's first page and of its re-page. */
  private List<String> gate(Recovery recovery) throws Exception {
    RequestApproval gate = new RequestApproval(onCall, Fixtures.config());
    for (boolean repage : List.of(false, true)) {
      ObjectNode in = Json.object();
      in.set("recovery", Json.MAPPER.valueToTree(recovery));
      in.put("token", "TOKEN-1").put("step", "Restart").put("timeoutSeconds", 600);
      if (repage) {
        in.put("repage", true).put("afterMinutes", 10);
      }
      gate.handleRequest(new ByteArrayInputStream(Json.bytes(in)), new ByteArrayOutputStream(), null);
    }
    List<String> out = bodies.stream().map(b -> Json.tree(b).path("payload").path("severity").asText()).toList();
    bodies.clear();
    return out;
  }

  @Test
  void anApprovalPageCarriesTheIncidentsPriorityAndItsRePageOneLevelMore() throws Exception {
    // Redis: P3 (cache degraded, data intact) -> warning, re-paged as error
    assertEquals(List.of("warning", "error"), gate(of("redis-failure", "sentinel-redis", "alarm")));
    // ECS: P2 (service outage) -> error, re-paged as critical
    assertEquals(List.of("error", "critical"), gate(of("ecs-service-failure", "sentinel-api", "alarm")));
    // data corruption: P1 -> critical, and a re-page cannot go higher
    assertEquals(List.of("critical", "critical"), gate(of("data-corruption", "sentinel-db", "manual")));
    // a drill is P4 and never pages above info, re-paged or not
    assertEquals(List.of("info", "info"), gate(of("ecs-service-failure", "sentinel-api", "drill")));
  }

  @Test
  void aFailedRecoveryPagesCriticalAnInconclusiveOneErrorADrillsFailureInfo() {
    Map<String, String> env = Fixtures.env();
    env.remove("LOCK_TABLE");
    Notify notify = new Notify(Fixtures.deps(ai.sentinel.dr.common.DrConfig.fromEnv(env),
        Fixtures.sdkMock(SnsClient.class)), onCall);
    JsonNode error = Json.object().put("Error", "StepFailedError").put("Cause", "restore failed");
    // a P3 scenario whose recovery failed is P1: the outage lasts until a human recovers it
    StepHarness.invoke(notify, of("redis-failure", "sentinel-redis", "alarm").withError(error));
    StepHarness.invoke(notify, of("redis-failure", "sentinel-redis", "drill").withError(error));
    assertEquals(List.of("critical", "info"), bodies.stream()
        .map(b -> Json.tree(b).path("payload").path("severity").asText()).toList());
  }
}
